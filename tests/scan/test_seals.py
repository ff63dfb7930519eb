"""Red seal detection on synthetic scans: present, absent, grey copies, red text that is no seal."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from assistant.scan.seals import detect_seals, has_colour
from tests.page_images import (colour_scan, draw_text, grey_copy, photographed, render_page, rotate,
                               stamp_seal)

DECLARATION = [
    "某某协会成立登记申请书",
    "",
    "本会承诺所提交的全部材料真实、有效，如有虚假，愿承担相应的法律责任。",
    "",
    "法定代表人（签字）：",
    "某某协会（盖章）",
    "2026年3月25日",
]


DPI = 100  # seals are looked for on an 800-pixel-wide page: 100 dpi is plenty and keeps tests quick
MM = DPI / 25.4  # pixels per millimetre


@pytest.fixture(scope="module")
def page():
    return render_page(DECLARATION, dpi=DPI)


def _over_the_seal_line(page) -> tuple[int, int]:
    """A point on the 盖章 line: seals sit over the text they authenticate."""
    line = next(line for line in page.lines if "盖章" in line.text)
    return line.box[2] - int(5 * MM), (line.box[1] + line.box[3]) // 2


def _inside(box, point) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


@pytest.mark.parametrize("shape,size_mm", [("round", 42), ("oval", 45), ("square", 22)])
def test_seal_present_with_its_place(page, shape, size_mm):
    image = page.image.copy()
    size = int(size_mm * MM)
    centre = _over_the_seal_line(page)
    stamp_seal(image, centre, size, shape)
    report = detect_seals(colour_scan(image), page=4)
    assert report.status == "present" and report.colour
    seal = report.seals[0]
    assert seal.page == 4 and _inside(seal.box, centre)
    assert abs((seal.box[2] - seal.box[0]) - size) < 0.15 * size
    assert seal.shape == shape and seal.score >= 0.7


def test_seal_on_a_photographed_and_skewed_page(page):
    image = page.image.copy()
    stamp_seal(image, _over_the_seal_line(page), int(42 * MM), seed=5)
    report = detect_seals(photographed(rotate(image, 1.5), seed=2))
    assert report.status == "present"


def test_absent_on_a_colour_scan_without_seal(page):
    report = detect_seals(colour_scan(page.image))
    assert report.colour and report.status == "absent" and report.seals == []
    assert detect_seals(photographed(page.image)).status == "absent"


def test_black_and_white_copy_of_a_sealed_page_is_unknown_not_absent(page):
    image = page.image.copy()
    stamp_seal(image, _over_the_seal_line(page), int(42 * MM))
    copy = grey_copy(colour_scan(image))
    assert not has_colour(copy)
    report = detect_seals(copy)
    assert report.status == "unknown" and not report.colour and report.seals == []
    assert "黑白" in report.note_zh and "colour" in report.note_en


def test_red_text_and_rules_are_not_seals(page):
    image = page.image.copy()
    red = (200, 20, 30)
    mm = int(MM)
    draw_text(image, 25 * mm, 8 * mm, "某某市民政局文件", 14 * mm, colour=red)  # a red-header document
    cv2.line(image, (25 * mm, 29 * mm), (185 * mm, 29 * mm), red, 3)
    draw_text(image, 38 * mm, 190 * mm, "样本", 19 * mm, colour=red)  # a big red word, nearly square
    draw_text(image, 38 * mm, 222 * mm, "请于二〇二六年三月三十一日前补正", 5 * mm, colour=red)
    cv2.rectangle(image, (32 * mm, 248 * mm), (178 * mm, 254 * mm), red, 2)  # a long red frame
    report = detect_seals(colour_scan(image))
    assert report.status == "absent", report.seals


def test_a_red_header_page_with_a_seal_finds_only_the_seal(page):
    image = page.image.copy()
    draw_text(image, int(25 * MM), int(8 * MM), "某某市民政局文件", int(14 * MM), colour=(200, 20, 30))
    centre = _over_the_seal_line(page)
    stamp_seal(image, centre, int(42 * MM))
    report = detect_seals(colour_scan(image))
    assert report.status == "present" and len(report.seals) == 1 and _inside(report.seals[0].box, centre)


def test_accuracy_on_a_mixed_set(page):
    """Twelve pages, half sealed, under different degradations: every one judged right."""
    expected, judged = [], []
    for k in range(12):
        image = page.image.copy()
        sealed = k % 2 == 0
        if sealed:
            cx, cy = _over_the_seal_line(page)
            stamp_seal(image, (cx - int(4 * MM) * (k % 3), cy + int(2.5 * MM) * (k % 4)), int((38 + k) * MM),
                       ("round", "oval")[k % 4 == 0], seed=k)
        degrade = (colour_scan, photographed, lambda im, seed: colour_scan(rotate(im, 0.8), seed))[k % 3]
        expected.append("present" if sealed else "absent")
        judged.append(detect_seals(degrade(image, seed=k)).status)
    assert judged == expected


def test_grey_image_array_shapes():
    assert not has_colour(np.full((50, 50), 200, np.uint8))
    assert not has_colour(np.full((50, 50, 3), 200, np.uint8))


def test_a_firms_seal_and_its_accountants_name_seal_stamped_touching(page):
    """Two seals whose ink meets are one red region: both are still found, each with its place."""
    image = page.image.copy()
    cx, cy = _over_the_seal_line(page)
    size = int(40 * MM)
    stamp_seal(image, (cx, cy), size, "round", text="某某会计师事务所", seed=3)
    square = int(18 * MM)
    stamp_seal(image, (cx + size // 2 + square // 2 - int(3 * MM), cy + int(6 * MM)), square, "square", text="王芳之印", seed=4)
    report = detect_seals(colour_scan(image))
    shapes = sorted(s.shape for s in report.seals)
    assert report.status == "present" and shapes == ["round", "square"], report.seals
    round_seal = next(s for s in report.seals if s.shape == "round")
    assert _inside(round_seal.box, (cx, cy)) and abs((round_seal.box[2] - round_seal.box[0]) - size) < 0.15 * size


def test_a_name_seal_full_of_characters_is_a_square_seal(page):
    image = page.image.copy()
    centre = _over_the_seal_line(page)
    mask_colour = (214, 38, 50)
    half = int(10 * MM)
    x, y = centre
    cv2.rectangle(image, (x - half, y - half), (x + half, y + half), mask_colour, max(3, int(1.2 * MM)))
    for k, ch in enumerate("李明之印"):  # four heavy characters filling the frame
        draw_text(image, x - half + int(1.5 * MM) + (k % 2) * half, y - half + int(1 * MM) + (k // 2) * half, ch,
                  int(8.5 * MM), colour=mask_colour, serif=False)
    report = detect_seals(colour_scan(image))
    assert report.status == "present" and [s.shape for s in report.seals] == ["square"]


def test_a_faint_seal_washed_out_by_jpeg_is_still_found(page):
    from io import BytesIO

    from PIL import Image

    image = page.image.copy()
    stamp_seal(image, _over_the_seal_line(page), int(42 * MM), colour=(232, 150, 150), seed=6)  # pale ink
    buffer = BytesIO()
    Image.fromarray(colour_scan(image)).save(buffer, "JPEG", quality=45)
    washed = np.asarray(Image.open(BytesIO(buffer.getvalue())).convert("RGB"))
    assert detect_seals(washed).status == "present"
