"""CheckingService: the one entry point the CLI, the UI, the eval and the tests call.

    checker = CheckingService(settings, embeddings_factory=lambda: embeddings)
    result = checker.check_files([Path("章程.docx"), Path("申请书.pdf")])
    print(checker.markdown(result))

Kind and organization type are detected unless given. An unreadable file is
reported in ``result.errors`` and the other files are still checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

from assistant.checking.engine import CheckEngine, CheckResult
from assistant.checking.presence import DEFAULT_SEMANTIC_THRESHOLD
from assistant.checking.report import render_markdown, write_docx
from assistant.checking.materials import Package, split_materials
from assistant.checking.scans import DocumentScan, PageMarksCollector
from assistant.kb.loaders import LoadError, load_document
from assistant.rules import KIND_ALIASES, KIND_LABELS, ORG_TYPE_ALIASES, Rulebook, load_rulebook
from assistant.text.document import ParsedDocument, parse_text

# progress(file index, number of files, file name, pages read, pages in the file)
FileProgress = Callable[[int, int, str, int, int], None]


class CheckingService:
    def __init__(self, settings, embeddings_factory: Callable[[], object] | None = None,
                 rulebook: Rulebook | None = None, semantic_threshold: float = DEFAULT_SEMANTIC_THRESHOLD):
        self.settings = settings
        self._embeddings_factory = embeddings_factory
        self._embeddings = None
        self._rulebook = rulebook
        self.semantic_threshold = semantic_threshold
        self._description_cache: dict[str, list[float]] = {}
        self._saved_vectors = 0

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            self._rulebook = load_rulebook(self.settings.rules_dir, self.settings.localities_dir, self.settings.locality)
        return self._rulebook

    def _embeddings_once(self):
        if self._embeddings is None and self._embeddings_factory is not None:
            self._embeddings = self._embeddings_factory()
            self._load_description_vectors()
        return self._embeddings

    # Item descriptions are the same on every run; embedding them costs about a
    # tenth of a second each on two cores, so their vectors are kept on disk,
    # keyed by the embedding model's identity.
    @property
    def _vectors_path(self) -> Path:
        return Path(self.settings.data_dir) / "checking_description_vectors.json"

    def _identity(self) -> str:
        return str(getattr(self._embeddings, "identity", type(self._embeddings).__name__))

    def _load_description_vectors(self) -> None:
        try:
            data = json.loads(self._vectors_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("identity") == self._identity():
            for text, vector in (data.get("vectors") or {}).items():
                self._description_cache.setdefault(text, vector)
        self._saved_vectors = len(self._description_cache)

    def _save_description_vectors(self) -> None:
        if self._embeddings is None or len(self._description_cache) == self._saved_vectors:
            return
        try:
            self._vectors_path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"identity": self._identity(), "vectors": self._description_cache}
            self._vectors_path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            self._saved_vectors = len(self._description_cache)
        except OSError:
            pass  # a read-only data directory only costs speed

    # --- checking -----------------------------------------------------------
    def read_files(self, paths: Iterable[Path], progress: FileProgress | None = None) -> tuple[Package, list[dict]]:
        """Read the files of one filing: scans by OCR with their seals and signatures, packages
        bundled into one file split into their materials. Unreadable files become errors."""
        paths = [Path(p) for p in paths]
        package, errors = Package(), []
        for index, path in enumerate(paths):
            def pages_done(done: int, total: int, index=index, path=path) -> None:
                if progress is not None:
                    progress(index, len(paths), path.name, done, total)

            try:
                package.extend(self._read_file(path, pages_done))
            except LoadError as exc:
                errors.append({"file": path.name, "message": exc.message})
            except Exception as exc:  # a loader bug must not stop the batch either
                errors.append({"file": path.name, "message": f"无法读取文件 {path.name}：{exc} / Cannot read file {path.name}: {exc}"})
        return package, errors

    def _read_file(self, path: Path, progress: Callable[[int, int], None]) -> Package:
        ocr = self.settings.ocr
        marks = PageMarksCollector(ocr.low_confidence)
        doc, loaded = load_document(path, ocr=ocr, progress=progress, on_page=marks)
        scan = DocumentScan(loaded, marks.pages) if loaded.ocr_pages else None
        return split_materials(doc, scan)

    def check_files(self, paths: Iterable[Path], kind: str | None = None, org_type: str | None = None,
                    progress: FileProgress | None = None) -> CheckResult:
        """Check files as one filing. ``progress(file index, files, file name, pages done, pages)``
        is called while each file is read (OCR of a scan takes seconds a page)."""
        package, errors = self.read_files(paths, progress)
        return self.check_documents(package.documents, kind=kind, org_type=org_type, errors=errors, package=package)

    def check_text(self, text: str, name: str = "材料.txt", kind: str | None = None,
                   org_type: str | None = None) -> CheckResult:
        return self.check_documents([parse_text(name, text)], kind=kind, org_type=org_type)

    def check_documents(self, docs: list[ParsedDocument], kind: str | None = None, org_type: str | None = None,
                        errors: list[dict] | None = None, package: Package | None = None) -> CheckResult:
        kind = normalize_kind(kind)
        org_type = normalize_org_type(org_type)
        docs = _unique_names(docs)
        if not docs:
            result = CheckResult(kind or "", "没有可读取的文件", org_type or "", "没有可读取的文件",
                                 self.rulebook.locality.name, [])
        else:
            factory = self._embeddings_once if self._embeddings_factory is not None else None
            engine = CheckEngine(self.rulebook, factory, self.semantic_threshold, self._description_cache)
            result = engine.check(docs, kind=kind, org_type=org_type, package=package)
            self._save_description_vectors()
        if package is not None:
            result.files = list(dict.fromkeys(m.file for m in package.materials))
            result.notes.extend(_package_notes(package))
            result.scans = [(m.file, marks) for m in _whole_files(package) for _, marks in sorted(m.scan.marks.items())]
        result.errors.extend(errors or [])
        return result

    # --- reports ---------------------------------------------------------------
    def markdown(self, result: CheckResult) -> str:
        return render_markdown(result)

    def write_docx(self, result: CheckResult, path: Path) -> Path:
        return write_docx(result, path)


def _package_notes(package: Package) -> list[str]:
    """Say how bundled files were split, so that staff can follow the findings' locations."""
    by_file: dict[str, list[str]] = {}
    for m in package.materials:
        if m.doc.name != m.file:
            by_file.setdefault(m.file, []).append(" ".join(x for x in (m.marker, m.title) if x) or m.doc.name)
    return [f"文件“{file}”合订了{len(parts)}份材料，已按各份材料分别审查：{'；'.join(parts)}"
            for file, parts in by_file.items()]


def _whole_files(package: Package):
    """One material per scanned file (the materials of a bundle share their file's scan)."""
    seen, out = set(), []
    for m in package.materials:
        if m.scan is not None and m.file not in seen:
            seen.add(m.file)
            out.append(m)
    return out


def normalize_kind(kind: str | None) -> str | None:
    if not kind:
        return None
    if kind not in KIND_ALIASES:
        choices = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        raise ValueError(f"未知的材料类别：{kind}，可选：{choices} / unknown filing kind {kind!r}")
    return KIND_ALIASES[kind]


def normalize_org_type(org_type: str | None) -> str | None:
    if not org_type:
        return None
    if org_type not in ORG_TYPE_ALIASES:
        raise ValueError(f"未知的组织类型：{org_type}，可选：社会团体、社会服务机构、基金会 / unknown organization type {org_type!r}")
    return ORG_TYPE_ALIASES[org_type]


def _unique_names(docs: list[ParsedDocument]) -> list[ParsedDocument]:
    """Two uploads may share a file name; findings must still say which one."""
    seen: dict[str, int] = {}
    for doc in docs:
        if doc.name in seen:
            seen[doc.name] += 1
            doc.name = f"{doc.name}（{seen[doc.name]}）"
        else:
            seen[doc.name] = 1
    return docs
