"""Handwritten signature fields: ink after (or below) 签字/签名 labels, not printed text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from assistant.kb.ocr_layout import OcrLine, TextBox
from assistant.scan.signatures import SIGNATURE_LABEL, check_signature, check_signatures, signature_labels
from tests.page_images import colour_scan, draw_text, sign, stamp_seal

PX = 33  # 12 pt at 200 dpi


def as_ocr_lines(drawn, confidence=0.99) -> list[OcrLine]:
    """OCR lines as the recogniser would give them for text we drew ourselves."""
    return [OcrLine(1, d.text, d.box, confidence, False, runs=[TextBox(*d.box, d.text, confidence)]) for d in drawn]


def declaration(label_line="法定代表人（签字）：", signed=False, seed=1, underline=False, seal=False,
                below=False, tick=False, colour=(20, 30, 90)):
    image = np.full((900, 1654, 3), 255, np.uint8)
    texts = ["本会承诺所提交材料真实有效。", label_line, "2026年3月25日"]
    drawn = [draw_text(image, 200, 200 + i * 100, text, PX) for i, text in enumerate(texts)]
    x1, y0, y1 = drawn[1].box[2], drawn[1].box[1], drawn[1].box[3]
    if underline:
        cv2.line(image, (x1 + 10, y1 + 6), (x1 + 420, y1 + 6), (0, 0, 0), 2)
    if signed:
        area = (drawn[1].box[0], y1 + 12, drawn[1].box[0] + 260, y1 + 80) if below else (x1 + 40, y0 - 15, x1 + 300, y1 + 15)
        sign(image, area, seed=seed, colour=colour)
    if tick:
        cv2.line(image, (x1 + 60, y1 - 5), (x1 + 68, y1 - 10), (0, 0, 0), 2)
    if seal:
        stamp_seal(image, (x1 + 160, y0 + 20), 330)
    return colour_scan(image, seed=seed), as_ocr_lines(drawn)


def only_check(image, lines):
    checks = [check_signature(image, line, run, end, lines) for line, run, end in signature_labels(lines)]
    assert len(checks) == 1
    return checks[0]


def test_labels_are_labels_not_prose():
    def found(text):
        return [m.group() for m in SIGNATURE_LABEL.finditer(text)]

    assert found("法定代表人（签字）：") == ["（签字）："]
    assert found("负责人签名：") == ["签名："]
    assert found("理事（签字、盖章）") == ["（签字、盖章）"]
    assert found("由法定代表人签字后报送。") == []
    assert found("签字栏说明") == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_signature_present(seed):
    image, lines = declaration(signed=True, seed=seed)
    check = only_check(image, lines)
    assert check.status == "present" and check.score >= 0.6
    assert check.ink_box is not None and check.ink_box[0] >= lines[1].box[2]  # after the label
    assert check.page == 1 and check.label == "法定代表人（签字）："


def test_signature_in_black_ink_over_a_seal():
    image, lines = declaration(signed=True, seal=True, colour=(15, 15, 15))
    assert only_check(image, lines).status == "present"


def test_signature_below_a_label_at_the_line_end():
    image = np.full((900, 1654, 3), 255, np.uint8)
    drawn = [draw_text(image, 1000, 200, "经办人签名：", PX), draw_text(image, 200, 400, "其他事项说明。", PX)]
    x0, y1 = drawn[0].box[0], drawn[0].box[3]
    # a margin at 1300 px leaves no room after the label: the field is below it
    narrow = image[:, :1300].copy()
    sign(narrow, (x0, y1 + 12, x0 + 250, y1 + 80), seed=4)
    check = only_check(colour_scan(narrow), as_ocr_lines(drawn))
    assert check.status == "present" and check.area[1] >= drawn[0].box[3]


@pytest.mark.parametrize("case", ["empty", "typed name", "underline only", "seal only"])
def test_signature_absent(case):
    options = {"empty": {}, "typed name": {"label_line": "法定代表人（签字）：李明"},
               "underline only": {"underline": True}, "seal only": {"seal": True}}[case]
    image, lines = declaration(**options)
    check = only_check(image, lines)
    assert check.status == "absent" and check.ink_box is None


def test_signature_on_an_underline_is_present():
    image, lines = declaration(signed=True, underline=True, seed=5)
    assert only_check(image, lines).status == "present"


def test_a_stray_tick_is_unsure_not_a_signature():
    image, lines = declaration(tick=True)
    check = only_check(image, lines)
    assert check.status in {"unsure", "absent"} and check.status != "present"
    assert check.score < 0.6


def test_check_signatures_reads_every_label_on_a_page():
    from assistant.kb.ocr import OcrPage

    image = np.full((900, 1654, 3), 255, np.uint8)
    drawn = [draw_text(image, 200, 200, "法定代表人（签字）：", PX), draw_text(image, 200, 400, "经办人（签名）：", PX)]
    sign(image, (drawn[0].box[2] + 40, drawn[0].box[1] - 15, drawn[0].box[2] + 300, drawn[0].box[3] + 15), seed=6)
    lines = as_ocr_lines(drawn)
    page = OcrPage(number=1, width=1654, height=900, dpi=200, rotation=0, skew=0.0, text="", lines=lines)
    checks = check_signatures(colour_scan(image), page)
    assert [c.status for c in checks] == ["present", "absent"]
    assert checks[1].note_zh == "签字处未见手写签名"


@pytest.mark.slow
def test_on_a_real_ocr_reading(tmp_path):
    """End to end: the loader reads the scan, the page hook hands over the straightened image."""
    from PIL import Image

    from assistant.kb.loaders import load_file
    from tests.page_images import render_page, require_ocr, rotate

    require_ocr()
    results = {}
    for signed in (True, False):
        page = render_page(["本会承诺所提交材料真实有效。", "法定代表人（签字）：", "2026年3月25日"],
                           size_in=(8.27, 3.0), serif=True)
        label = page.lines[1].box
        if signed:
            sign(page.image, (label[2] + 40, label[1] - 15, label[2] + 300, label[3] + 15), seed=7)
        path = tmp_path / f"signed-{signed}.png"
        Image.fromarray(colour_scan(rotate(page.image, 0.7))).save(path)
        pages = []
        load_file(path, on_page=lambda ocr_page, image: pages.append((ocr_page, image)))
        (ocr_page, image), = pages
        results[signed] = [check.status for check in check_signatures(image, ocr_page)]
    assert results == {True: ["present"], False: ["absent"]}
