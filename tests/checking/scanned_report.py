"""A scanned annual report made from our own text: the body on page 1, the declaration on
page 2 with a handwritten signature and the unit's seal (each optional), or a grey copy.
Shared by the checker's scan tests and the browser test."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.page_images import colour_scan, grey_copy, render_page, require_ocr, rotate, save_image_pdf, sign, stamp_seal

DPI = 200
MM = DPI / 25.4


def report_pages(source_text) -> tuple[list[str], list[str]]:
    text = source_text("sg_annual_report.txt").replace("法定代表人（签字）：李明", "法定代表人（签字）：")
    body, declaration = text.split("声明：")
    return [p for p in body.strip().split("\n")], ["", "声明：" + declaration.strip().split("\n")[0], "", "",
                                                   *declaration.strip().split("\n")[1:]]


def scanned_report(tmp_path, source_text, seal=True, signed=True, grey=False) -> Path:
    require_ocr()
    body, declaration = report_pages(source_text)
    first = render_page(body, dpi=DPI)
    second = render_page(declaration, dpi=DPI)
    image = second.image
    label = next(line for line in second.lines if "签字" in line.text).box
    if signed:
        sign(image, (label[2] + 20, label[1] - 25, label[2] + 330, label[3] + 25), seed=3)
    if seal:  # over the date, below the signature line (on a grey copy it would hide the label)
        date = next(line for line in second.lines if "年" in line.text).box
        stamp_seal(image, (date[2] - int(5 * MM), date[3] + int(10 * MM)), int(40 * MM),
                   text="上海市长宁区青少年科技教育促进会", seed=2)
    pages = [colour_scan(rotate(first.image, 0.6), seed=1), colour_scan(rotate(image, -0.5), seed=2)]
    if grey:  # a black-and-white copy, scanned as a grey image
        pages = [np.ascontiguousarray(grey_copy(p)[:, :, 0]) for p in pages]
    return save_image_pdf(pages, tmp_path / "2025年度工作报告书.pdf", dpi=DPI)
