"""What a scan shows besides its text: red seals and handwritten signatures, page by page.

A printed label ("单位（盖章）", "法定代表人（签字）：") says that a seal or a signature
belongs on the page, not that it is there; on a scan only the image can tell.
While a file is read, ``PageMarksCollector`` (the loader's ``on_page`` hook) runs
seal detection and signature detection on every OCR'd page's straightened
image and keeps the verdicts, not the images. ``DocumentScan`` answers what the
checker asks of one document: which pages are scans, is there a seal of a given
shape on a page, is the signature field at this label signed, does this text
rest on low-confidence recognition.

A document cut out of a bundled file (one material of a package) sees the same
scan through ``DocumentScan.part``: its offsets are relative to the material.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from assistant.kb.loaders import LoadedFile
from assistant.kb.ocr import OcrPage
from assistant.kb.ocr_layout import OcrLine
from assistant.scan.seals import Seal, SealReport, detect_seals
from assistant.scan.signatures import SignatureCheck, check_signatures

# A name seal (square) whose box overlaps a signature field this much stands for the signature (签章).
SEAL_IN_FIELD = 0.15
NAME_SEAL = ("square",)


@dataclass
class PageMarks:
    """Seals and signature fields found on one scanned page (pixels of its straightened image)."""

    page: int
    width: int
    height: int
    seals: SealReport
    signatures: list[SignatureCheck] = field(default_factory=list)

    @property
    def colour(self) -> bool:
        return self.seals.colour

    def to_dict(self, file: str = "") -> dict:
        return {"file": file, "page": self.page, "width": self.width, "height": self.height,
                "colour": self.colour, "seal_status": self.seals.status,
                "seals": [{"box": list(s.box), "shape": s.shape, "score": s.score} for s in self.seals.seals],
                "signatures": [{"label": c.label, "label_box": list(c.label_box), "area": list(c.area),
                                "status": c.status, "score": c.score} for c in self.signatures]}

    def seals_of(self, shapes: tuple[str, ...] = ()) -> list[Seal]:
        return [s for s in self.seals.seals if not shapes or s.shape in shapes]

    def seal_over(self, area: tuple[int, int, int, int], shapes: tuple[str, ...] = NAME_SEAL) -> Seal | None:
        """A seal of these shapes covering part of ``area`` (a name seal stamped in a signature
        field; the unit's round seal often reaches over the 签字 line and signs nothing)."""
        x0, y0, x1, y1 = area
        size = max(1, (x1 - x0) * (y1 - y0))
        for seal in self.seals_of(shapes):
            sx0, sy0, sx1, sy1 = seal.box
            overlap = max(0, min(x1, sx1) - max(x0, sx0)) * max(0, min(y1, sy1) - max(y0, sy0))
            if overlap >= SEAL_IN_FIELD * size:
                return seal
        return None


class PageMarksCollector:
    """The loader's ``on_page`` hook: seal and signature verdicts for every OCR'd page."""

    def __init__(self, low_confidence: float = 0.8):
        self.low_confidence = low_confidence
        self.pages: dict[int, PageMarks] = {}

    def __call__(self, page: OcrPage, image: np.ndarray) -> None:
        height, width = image.shape[:2]
        # How the scan was stored (colour or grey) decides whether a red seal could show at all;
        # the pixels decide only where the file does not say.
        seals = detect_seals(image, page.number, colour=page.colour)
        self.pages[page.number] = PageMarks(page.number, width, height, seals,
                                            check_signatures(image, page, self.low_confidence))


@dataclass
class SignatureField:
    """A signature field on a scanned page, placed in the document's text."""

    page: int
    start: int
    end: int
    check: SignatureCheck
    seal: Seal | None = None  # a seal stamped in the field instead of a signature

    @property
    def status(self) -> str:
        return "present" if self.seal is not None else self.check.status


@dataclass
class DocumentScan:
    """The OCR lines and page marks of one loaded file; ``base`` is where the document
    (a whole file, or one material cut out of it) starts in the loaded text."""

    loaded: LoadedFile
    marks: dict[int, PageMarks]
    base: int = 0
    end: int | None = None  # end of the document in the loaded text (None: the file's end)

    def part(self, start: int, end: int) -> "DocumentScan":
        return replace(self, base=self.base + start, end=self.base + end)

    # --- pages ------------------------------------------------------------------
    @property
    def pages(self) -> list[int]:
        """Scanned pages of this document, in order."""
        first = self.loaded.page_at(self.base)
        last = self.loaded.page_at(max(self.base, (self.end if self.end is not None else len(self.loaded.text)) - 1))
        return [n for n in sorted(self.marks) if first <= n <= last]

    def page_at(self, offset: int) -> int:
        return self.loaded.page_at(self.base + offset)

    def is_scanned(self, offset: int) -> bool:
        return self.page_at(offset) in self.marks

    # --- text --------------------------------------------------------------------
    def low_confidence_at(self, start: int, end: int | None = None) -> bool:
        return self.loaded.low_confidence_at(self.base + start, None if end is None else self.base + end)

    def low_confidence_pages(self) -> list[int]:
        pages = set(self.pages)
        return sorted({line.page for line in self.loaded.ocr_lines if line.low_confidence and line.page in pages})

    def _lines(self) -> list[OcrLine]:
        end = self.end if self.end is not None else len(self.loaded.text)
        return [line for line in self.loaded.ocr_lines if self.base <= line.start < end]

    # --- signatures and seals -----------------------------------------------------------
    def signature_fields(self, start: int, end: int) -> list[SignatureField]:
        """Signature fields whose label lies in the document's text range [start, end)."""
        found = []
        for line in self._lines():
            line_start, line_end = line.start - self.base, line.end - self.base
            if not (line_start < end and start < max(line_end, line_start + 1)):
                continue
            marks = self.marks.get(line.page)
            if marks is None:
                continue
            for check in marks.signatures:
                if tuple(check.label_box) == tuple(line.box):
                    seal = marks.seal_over(check.area) if check.status != "present" else None
                    found.append(SignatureField(line.page, line_start, line_end, check, seal))
        return found

    def seals(self, shapes: tuple[str, ...] = ()) -> list[Seal]:
        """Seals of these shapes on the document's scanned pages."""
        return [seal for page in self.pages for seal in self.marks[page].seals_of(shapes)]

    def colourless_pages(self) -> list[int]:
        """Scanned pages without colour (grey copies): a red seal cannot be seen on them."""
        return [page for page in self.pages if not self.marks[page].colour]
