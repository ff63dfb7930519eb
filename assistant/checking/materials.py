"""The materials of a filing: files as uploaded, and packages bundled into one file split apart.

A single document may hold a whole package (a cover, a 材料清单, then 附件一 …
附件六, or one scan with each material starting a new page). The checker judges
materials, not files: every material of a bundle becomes a document of its own
(named after the file and its marker, with its own pages), so that kind
detection, required-material rules, charter rules and the cross-file
consistency rules see what they would see in a package of separate files.

Each material remembers the file it came from, whether it only summarises its
material (章程摘要, “全文另册附后”: not to be checked as that material), and the
scan behind it. The 材料清单s found are kept for the checklist rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.checking.scans import DocumentScan
from assistant.filings.bundle import CHECKLIST_TITLE, BundlePart, ChecklistItem, split_bundle
from assistant.text.document import ParsedDocument, parse_text

# A document with this many chapters is a full text even when it mentions "另行报送".
FULL_TEXT_CHAPTERS = 3


@dataclass
class Material:
    """One material of the filing, as a document the rules read."""

    doc: ParsedDocument
    file: str  # the uploaded file it came from
    marker: str = ""  # "附件五", "材料之二"; "" for a whole file or a page-split part
    title: str = ""  # the material's title as the bundle gives it
    summary: str = ""  # why it is only a summary of its material ("" = the full text)
    scan: DocumentScan | None = None

    @property
    def name(self) -> str:
        return self.doc.name


@dataclass
class Checklist:
    """A 材料清单 found in a file: the materials it lists."""

    file: str
    items: list[ChecklistItem]
    doc: ParsedDocument  # the document holding it (for the finding's location)
    start: int  # where the list starts in ``doc``


@dataclass
class Package:
    """Everything the rules read: the materials in order, and the 材料清单s."""

    materials: list[Material] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)

    @property
    def documents(self) -> list[ParsedDocument]:
        return [m.doc for m in self.materials]

    def material_of(self, doc: ParsedDocument) -> Material | None:
        return next((m for m in self.materials if m.doc is doc), None)

    def scan_of(self, doc: ParsedDocument) -> DocumentScan | None:
        material = self.material_of(doc)
        return material.scan if material else None

    def extend(self, other: "Package") -> None:
        self.materials.extend(other.materials)
        self.checklists.extend(other.checklists)

    @classmethod
    def of_documents(cls, docs: list[ParsedDocument]) -> "Package":
        return cls([Material(doc, doc.name) for doc in docs])


def _is_summary(part: BundlePart, doc: ParsedDocument) -> str:
    """The reason a part only summarises its material, unless it is plainly a full text."""
    if not part.is_summary or len(doc.chapters()) >= FULL_TEXT_CHAPTERS:
        return ""
    return part.summary_reason


def _sub_document(doc: ParsedDocument, part: BundlePart, name: str) -> ParsedDocument:
    text = doc.text[part.start:part.end]
    pages = []
    for number, start in doc.pages:
        if start <= part.start:
            pages = [(number, 0)]
        elif start < part.end:
            pages.append((number, start - part.start))
    return parse_text(name, text, pages)


def _checklist(doc: ParsedDocument, bundle) -> list[Checklist]:
    """The package's 材料清单: in a bundle's front matter, or a file that is the list itself
    (a table with a 名称 column inside some material is not a checklist)."""
    if not bundle.checklist:
        return []
    first = bundle.checklist[0].start
    holder = next((p for p in bundle.parts if p.start <= first < max(p.end, p.start + 1)), None)
    in_front = bundle.is_bundle and holder is not None and (holder.is_checklist or holder.is_front)
    if not in_front and not CHECKLIST_TITLE.search(doc.title.lstrip("# ").rstrip("：:")):
        return []
    return [Checklist(doc.name, bundle.checklist, doc, first)]


def split_materials(doc: ParsedDocument, scan: DocumentScan | None = None) -> Package:
    """The materials one loaded file holds: itself, or the parts of the package it bundles."""
    bundle = split_bundle(doc.text, doc.pages)
    checklists = _checklist(doc, bundle)
    if not bundle.is_bundle:
        part = bundle.parts[0]
        return Package([Material(doc, doc.name, title=part.title, summary=_is_summary(part, doc), scan=scan)],
                       checklists)
    package = Package(checklists=checklists)
    for part in bundle.materials:
        label = part.marker or part.title or f"第{part.first_page}页起"
        sub = _sub_document(doc, part, f"{doc.name}（{label}）")
        package.materials.append(Material(sub, doc.name, part.marker, part.title, _is_summary(part, sub),
                                          scan.part(part.start, part.end) if scan else None))
    return package
