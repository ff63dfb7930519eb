"""Signatures and seals on scans: is the mark a rule wants on the page?

The signature rules of the rulebook name a field by its printed label
(``patterns``: 法定代表人（签字）, 单位（盖章）) and, for scans, the mark it must
hold (``mark: signature | seal``; ``shapes`` of the seals that count — a square
名章 is a person's seal, not the unit's). A rule may instead name the material
that must bear the mark (``material``: title patterns of the 业务主管单位's approval,
the 验资报告), checked on its scanned pages.

A verdict is ``present``, ``absent`` (a finding with its page) or ``unsure``:
a grey copy cannot show a red seal, and a faint stroke may or may not be a
signature — either way the report asks staff to check the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checking.scans import DocumentScan
from assistant.text.document import ParsedDocument

# Where on a material its seal belongs: the （盖章） label or the 落款 line.
SEAL_LABEL_RE = re.compile(r"盖章|公章|印章|（章）|\(章\)")

UNSURE_SEAL = "页面为黑白（灰度）复印件，无法确认是否加盖红色印章，请核对原件"
UNSURE_SIGNATURE = "签字处笔迹不清，请人工核对原件"


@dataclass
class MarkVerdict:
    status: str  # present | absent | unsure
    page: int
    start: int  # offset in the document of the field (or material) the verdict is about
    end: int
    how: str  # what was seen, in words

    @property
    def ok(self) -> bool:
        return self.status == "present"


_ORDER = {"present": 0, "unsure": 1, "absent": 2}


def signature_verdict(scan: DocumentScan, hits: list[tuple[int, int]]) -> MarkVerdict | None:
    """The best of the signature fields at these label matches (None: no field on a scan)."""
    verdicts = []
    for start, end in hits:
        for f in scan.signature_fields(start, end):
            if f.seal is not None:
                how = f"第{f.page}页签字处加盖印章（以章代签）"
            else:
                how = {"present": f"第{f.page}页签字处有手写签名", "absent": f"第{f.page}页签字处未见手写签名",
                       "unsure": f"第{f.page}页{UNSURE_SIGNATURE}"}[f.status]
            verdicts.append(MarkVerdict(f.status, f.page, f.start, f.end, how))
    return min(verdicts, key=lambda v: _ORDER[v.status]) if verdicts else None


def seal_verdict(scan: DocumentScan, hits: list[tuple[int, int]], shapes: tuple[str, ...]) -> MarkVerdict | None:
    """Is there a seal of these shapes on the document's scanned pages? ``hits``: where its
    seal field (label) is; None when none of them is on a scanned page."""
    on_scans = [(s, e) for s, e in hits if scan.is_scanned(s)]
    if not on_scans:
        return None
    return _seal_on_pages(scan, shapes, on_scans[-1])


def material_seal_verdict(scan: DocumentScan, doc: ParsedDocument, shapes: tuple[str, ...]) -> MarkVerdict | None:
    """Does a scanned material bear a seal of these shapes? The finding points at its seal
    label (或落款) when one is printed, else at its last scanned page."""
    if not scan.pages:
        return None
    labels = [(m.start(), m.end()) for m in SEAL_LABEL_RE.finditer(doc.norm) if scan.is_scanned(m.start())]
    if labels:
        return _seal_on_pages(scan, shapes, labels[-1])
    last = scan.pages[-1]
    start = next((offset for number, offset in doc.pages if number == last), 0)
    return _seal_on_pages(scan, shapes, (start, start))


def _seal_on_pages(scan: DocumentScan, shapes: tuple[str, ...], field: tuple[int, int]) -> MarkVerdict:
    start, end = field
    page = scan.page_at(start)
    seals = scan.seals(shapes)
    if seals:
        pages = sorted({s.page for s in seals})
        return MarkVerdict("present", pages[0], start, end, f"第{'、'.join(map(str, pages))}页有印章")
    if page in scan.colourless_pages():
        return MarkVerdict("unsure", page, start, end, f"第{page}页{UNSURE_SEAL}")
    colourless = scan.colourless_pages()
    if colourless:
        return MarkVerdict("unsure", colourless[0], start, end, f"第{colourless[0]}页{UNSURE_SEAL}")
    return MarkVerdict("absent", page, start, end, f"第{page}页未见印章")
