"""Stamps and handwriting kept from garbling the print: the page-image steps, and OCR reading a
declaration line under a seal with a signature written across it (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.kb.ocr_ink import grey_stamp_regions, read_through_stamps, stamp_regions, without_large_strokes
from tests.page_images import colour_scan, draw_text, grey_copy, render_page, require_ocr, sign, stamp_seal

PX = 33  # 12 pt at 200 dpi
LINES = ["声明：本单位保证本报告内容真实、准确、完整。", "法定代表人（签字）：", "单位（盖章）", "2026年3月25日"]


def declaration(seal=True, signed=True, header=False, seal_colour=(214, 38, 50)):
    image = np.full((2339, 1654, 3), 255, np.uint8)  # an A4 page at 200 dpi, the text at its top
    drawn = [draw_text(image, 800 if k else 250, 120 + k * 95, text, PX) for k, text in enumerate(LINES)]
    label = drawn[1].box
    if header:  # a red header line (红头): print, not a stamp
        draw_text(image, 250, 20, "某某市某某局文件", 60, colour=(200, 20, 30))
    if signed:  # the pen crosses above and below the label's line
        sign(image, (label[2] + 10, label[1] - 40, label[2] + 330, label[3] + 40), seed=5, thickness=4)
    if seal:  # over the label and the 盖章 line, as it usually lands
        stamp_seal(image, (label[0] + 130, drawn[2].box[3]), 330, text="某某市青少年科技教育促进会", seed=2,
                   colour=seal_colour)
    return image, drawn


def test_stamps_fade_and_the_print_under_them_stays():
    image, drawn = declaration(signed=False)
    regions = stamp_regions(image)
    x0, y0, x1, y1 = max(regions, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    read = read_through_stamps(image)
    region, before = read[y0:y1, x0:x1].astype(int), image[y0:y1, x0:x1].astype(int)
    reddish = (before[:, :, 0] - np.maximum(before[:, :, 1], before[:, :, 2])) > 40
    assert reddish.sum() > 1000
    # the stamp's ink is paper now: no red left, bright
    after = region[reddish]
    assert ((after[:, 0] - np.maximum(after[:, 1], after[:, 2])) < 15).all()
    # black print under the stamp is still black
    label = drawn[2].box
    print_before = (image[label[1]:label[3], label[0]:label[2]].max(axis=2) < 80).sum()  # black, not red
    print_after = (read[label[1]:label[3], label[0]:label[2]].max(axis=2) < 80).sum()
    assert print_after >= 0.9 * print_before
    assert read is not image and (image == declaration(signed=False)[0]).all()  # the scan itself is left alone


def test_red_print_is_not_a_stamp():
    image, _ = declaration(seal=False, signed=False, header=True)
    assert stamp_regions(image) == []
    assert read_through_stamps(image) is image


def test_pen_strokes_larger_than_a_character_are_removed():
    image, drawn = declaration(seal=False)
    label = drawn[1].box
    crop = image[label[1] - 45:label[3] + 45, label[0]:label[2] + 340]
    cleaned, strokes = without_large_strokes(crop, 0.7 * 52)
    assert strokes >= 1
    ink_right = lambda c: (c[:, label[2] - label[0] + 12:].min(axis=2) < 120).sum()
    assert ink_right(crop) > 500 and ink_right(cleaned) < 0.1 * ink_right(crop)
    ink_left = lambda c: (c[:, :label[2] - label[0]].min(axis=2) < 120).sum()
    assert ink_left(cleaned) >= 0.9 * ink_left(crop)  # the printed label is kept


def test_a_grey_copys_seal_is_found_by_its_lighter_ink():
    image, _ = declaration(signed=False, seal_colour=(225, 95, 105))  # copies to mid-grey
    grey = grey_copy(colour_scan(image))
    assert len(grey_stamp_regions(grey)) >= 1
    assert grey_stamp_regions(grey_copy(colour_scan(declaration(seal=False, signed=False)[0]))) == []


@pytest.mark.slow
def test_ocr_reads_a_declaration_under_a_seal_and_a_signature():
    from assistant.kb.ocr import get_engine
    from assistant.settings import OCRSettings
    from assistant.text.chars import fold

    require_ocr()
    image, _ = declaration()
    page, straight = get_engine(OCRSettings()).run(colour_scan(image), page=1)
    text = fold(page.text).replace(" ", "")
    assert "法定代表人(签字)" in text and "单位(盖章)" in text and "2026年3月25日" in text
    # the image handed on is the scan as it was: seal and signature still there for their checks
    assert (straight[:, :, 0].astype(int) - straight[:, :, 1] > 80).sum() > 1000
    assert (straight[80:400, 1200:1600].min(axis=2) < 100).sum() > 300  # the pen strokes


@pytest.mark.slow
def test_ocr_keeps_a_large_title_that_is_no_signature():
    """A tall line of big print is read as it is: taking its big strokes out would lose it."""
    from assistant.kb.ocr import get_engine
    from assistant.settings import OCRSettings

    require_ocr()
    page = render_page(["某某协会章程", "", "第一条 本会的名称是某某协会。", "第二条 本会是非营利性社会组织。"], size_in=(8.27, 3.0))
    image = page.image.copy()
    draw_text(image, 250, 20, "成立登记申请材料", 90)
    read, _ = get_engine(OCRSettings()).run(colour_scan(image), page=1)
    assert "成立登记申请材料" in read.text and "第一条本会的名称是某某协会" in read.text.replace(" ", "")
