"""Scans without images, for the checker's rule logic: a text laid out as OCR would give it
(one located line per text line, on given pages) with the seals and signature verdicts a
page shows. The image side (OCR, seal and signature detection) is tested on real page
images in tests/checking/test_scanned_filings.py and tests/scan/."""

from __future__ import annotations

from assistant.checking.materials import Material, Package
from assistant.checking.scans import DocumentScan, PageMarks
from assistant.kb.loaders import LoadedFile
from assistant.kb.ocr import OcrPage
from assistant.kb.ocr_layout import OcrLine, TextBox
from assistant.scan.seals import Seal, SealReport
from assistant.scan.signatures import SignatureCheck
from assistant.text.document import parse_text

WIDTH, HEIGHT, LINE = 1654, 2339, 60


def fake_scan(name: str, pages: list[str], seals: dict[int, list[str] | str] | None = None,
              signatures: dict[str, str] | None = None, low_confidence: tuple[str, ...] = ()):
    """(document, scan) for ``pages`` of text. ``seals``: page -> shapes of the seals on it, or
    "grey" for a black-and-white copy; ``signatures``: label text -> present | absent | unsure;
    lines holding any of ``low_confidence`` are marked as read with low confidence."""
    seals, signatures = seals or {}, signatures or {}
    text = "\n\n".join(pages)
    offsets, ocr_pages, marks = [], [], {}
    start = 0
    for number, page_text in enumerate(pages, start=1):
        offsets.append((number, start))
        lines, checks, y = [], [], 100
        position = start
        for raw in page_text.split("\n"):
            if raw.strip():
                box = (200, y, 200 + 33 * len(raw), y + 40)
                low = any(word in raw for word in low_confidence)
                run = TextBox(*box, raw, 0.5 if low else 0.99)
                lines.append(OcrLine(number, raw, box, run.confidence, low, position, position + len(raw), runs=[run]))
                for label, status in signatures.items():
                    if label in raw:
                        area = (box[2], box[1] - 30, box[2] + 400, box[3] + 30)
                        checks.append(SignatureCheck(number, raw, box, area, status, 1.0 if status == "present" else 0.0))
            y += LINE
            position += len(raw) + 1
        on_page = seals.get(number, [])
        if on_page == "grey":
            report = SealReport(number, "unknown", [], colour=False)
        else:
            found = [Seal(number, (900, 300 + 400 * k, 1220, 620 + 400 * k), 1.0, shape) for k, shape in enumerate(on_page)]
            report = SealReport(number, "present" if found else "absent", found)
        marks[number] = PageMarks(number, WIDTH, HEIGHT, report, checks)
        ocr_pages.append(OcrPage(number, WIDTH, HEIGHT, 200, 0, 0.0, page_text, lines, colour=on_page != "grey"))
        start += len(page_text) + 2
    loaded = LoadedFile(path=name, text=text, format="pdf", pages=offsets, ocr_pages=ocr_pages)  # type: ignore[arg-type]
    return parse_text(name, text, offsets), DocumentScan(loaded, marks)


def package(*items) -> Package:
    """A package of (document, scan or None) pairs, each its own file."""
    return Package([Material(doc, doc.name, scan=scan) for doc, scan in items])
