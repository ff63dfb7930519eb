"""Handwritten signatures on a scanned page: is there ink in the field after its label?

Given the OCR lines of a page and its (straightened) image, every label such as
签字 / 签名 / 签章 / （签字） marks a field. The field is the space after the label
on its line (up to the next printed text), or below the label when the line
ends there. Ink in it is pen strokes that OCR did not read as printed text:

* dark or blue pixels, not red (a red seal often overlaps the signature);
* minus every box OCR recognised with good confidence (printed text; a box read
  with low confidence may well be the handwriting itself, so it stays);
* minus long straight strokes (the underline to sign on, table borders);
* minus specks smaller than a pen dot.

The remaining ink is scored by amount and width relative to the line height:
``present``, ``absent`` or, in between, ``unsure`` (请人工核对).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from assistant.kb.ocr_layout import OcrLine, TextBox
from assistant.scan.seals import red_mask

if TYPE_CHECKING:
    from assistant.kb.ocr import OcrPage

# A label, not prose: "（签字）", "（签字、盖章）：", "签名：", "签字" ending its run. "由法定代表人签字。" is not.
# In parentheses 签 and any character count ("（签宇）": OCR confuses 字 with look-alikes).
SIGNATURE_LABEL = re.compile(r"[（(]\s*(?:签字|签名|签章|签[\u4e00-\u9fff])[^）)]{0,6}[）)]\s*[:：]?"
                             r"|(?:签字|签名|签章)(?:\s*[/、或]\s*盖章)?\s*(?:[:：]|$)")

# Field geometry, in line heights.
FIELD_WIDTH = 10.0  # how far right of the label a signature is looked for
MIN_FIELD_WIDTH = 4.0  # less room than this after the label: look below it instead
FIELD_BELOW = 3.0  # how far below the label
# Ink amounts, in squared line heights.
PRESENT_INK = 0.35
ABSENT_INK = 0.04
MIN_INK_WIDTH = 1.2  # a signature spans at least this many line heights
PRESENT_SCORE = 0.6


@dataclass
class SignatureCheck:
    page: int
    label: str  # the text of the line holding the label
    label_box: tuple[int, int, int, int]
    area: tuple[int, int, int, int]  # the field searched for ink
    status: Literal["present", "absent", "unsure"]
    score: float  # 0..1
    ink_box: tuple[int, int, int, int] | None = None

    @property
    def note_zh(self) -> str:
        return {"present": "签字处有手写笔迹", "absent": "签字处未见手写签名",
                "unsure": "签字处笔迹不清，请人工核对"}[self.status]


def _text_width(text: str) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text) or 1.0


def _x_at(run: TextBox, index: int) -> float:
    """Approximate x of the boundary before character ``index`` of a run."""
    return run.x0 + (run.x1 - run.x0) * _text_width(run.text[:index]) / _text_width(run.text)


def signature_labels(lines: list[OcrLine]) -> list[tuple[OcrLine, TextBox, int]]:
    """(line, run, index just after the label in the run's text) for each signature label."""
    found = []
    for line in lines:
        for run in line.runs:
            for match in SIGNATURE_LABEL.finditer(run.text):
                found.append((line, run, match.end()))
    return found


def _ink_mask(crop: np.ndarray) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    paper = float(np.percentile(grey, 90))
    dark = grey < min(150.0, paper * 0.62)
    hsv = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV)
    blue = (hsv[:, :, 0] >= 95) & (hsv[:, :, 0] <= 135) & (hsv[:, :, 1] >= 70) & (hsv[:, :, 2] < 235)
    return (dark | blue) & ~red_mask(crop)


def _without_rules(mask: np.ndarray, height: float) -> np.ndarray:
    """Remove long horizontal and vertical strokes (printed rules, not handwriting)."""
    import cv2

    ink = mask.astype(np.uint8)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(3, int(2.5 * height))), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(3, int(2 * height)), 1), np.uint8))
    return mask & ~(horizontal.astype(bool) | vertical.astype(bool))


def _measure(image: np.ndarray, area: tuple[int, int, int, int], printed: list[tuple[float, float, float, float]],
             height: float) -> tuple[float, float, tuple[int, int, int, int] | None]:
    """(ink amount in squared line heights, ink width in line heights, ink box) in ``area``."""
    import cv2

    x0, y0, x1, y1 = area
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0.0, 0.0, None
    mask = _ink_mask(image[y0:y1, x0:x1])
    pad = 0.15 * height
    for bx0, by0, bx1, by1 in printed:
        cx0, cy0 = int(max(bx0 - pad - x0, 0)), int(max(by0 - pad - y0, 0))
        cx1, cy1 = int(min(bx1 + pad - x0, x1 - x0)), int(min(by1 + pad - y0, y1 - y0))
        if cx1 > cx0 and cy1 > cy0:
            mask[cy0:cy1, cx0:cx1] = False
    mask = _without_rules(mask, height)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    min_area = max(6.0, (0.12 * height) ** 2)
    keep = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not keep:
        return 0.0, 0.0, None
    ink = np.isin(labels, keep)
    ys, xs = np.nonzero(ink)
    box = (int(x0 + xs.min()), int(y0 + ys.min()), int(x0 + xs.max()), int(y0 + ys.max()))
    return float(ink.sum()) / height ** 2, (xs.max() - xs.min() + 1) / height, box


def _status(amount: float, width: float) -> tuple[str, float]:
    score = min(1.0, amount / PRESENT_INK) * min(1.0, width / MIN_INK_WIDTH)
    if amount < ABSENT_INK:
        return "absent", round(score, 3)
    return ("present" if score >= PRESENT_SCORE else "unsure"), round(score, 3)


def check_signature(image: np.ndarray, line: OcrLine, run: TextBox, label_end: int, page_lines: list[OcrLine],
                    low_confidence: float = 0.8) -> SignatureCheck:
    """Look for handwriting in the field of one signature label."""
    page_h, page_w = image.shape[:2]
    height = max(run.y1 - run.y0, 8.0)
    printed_runs = [r for other in page_lines for r in other.runs if r.confidence >= low_confidence]
    after = run.text[label_end:].strip(" ：:")
    if after and run.confidence >= low_confidence:
        start_x = run.x1  # printed text follows the label (a typed name): look beyond it
    else:
        start_x = _x_at(run, label_end)
    printed = [(r.x0, r.y0, r.x1, r.y1) for r in printed_runs if r is not run]
    printed.append((run.x0, run.y0, start_x, run.y1))  # the label itself
    # the field ends at the next printed text on the line, or FIELD_WIDTH line heights on
    following = [r.x0 for r in printed_runs if r is not run and r.x0 > start_x
                 and min(r.y1, run.y1) - max(r.y0, run.y0) > 0.3 * height]
    end_x = min([page_w, start_x + FIELD_WIDTH * height] + [x - 0.2 * height for x in following])
    checks = []
    if end_x - start_x >= MIN_FIELD_WIDTH * height:
        area = (int(start_x), int(max(0, run.y0 - 0.9 * height)), int(end_x), int(min(page_h, run.y1 + 0.9 * height)))
        checks.append((area, *_measure(image, area, printed, height)))
    if not checks or _status(checks[0][1], checks[0][2])[0] != "present":
        below = (int(run.x0), int(run.y1 + 0.1 * height),
                 int(min(page_w, run.x0 + FIELD_WIDTH * height)), int(min(page_h, run.y1 + FIELD_BELOW * height)))
        checks.append((below, *_measure(image, below, printed, height)))
    area, amount, width, ink_box = max(checks, key=lambda c: _status(c[1], c[2])[1])
    status, score = _status(amount, width)
    return SignatureCheck(page=line.page, label=line.text, label_box=line.box, area=area, status=status,
                          score=score, ink_box=ink_box if status != "absent" else None)


def check_signatures(image: np.ndarray, page: "OcrPage", low_confidence: float = 0.8) -> list[SignatureCheck]:
    """Every signature field on an OCR'd page (``image``: the page's straightened image)."""
    return [check_signature(image, line, run, end, page.lines, low_confidence)
            for line, run, end in signature_labels(page.lines)]
