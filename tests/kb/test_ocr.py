"""OCR stage with the real PP-OCR models (slow): characters recovered, reading order,
turned and skewed pages, and no network at run time."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import numpy as np
import pytest

from assistant.kb.ocr import MODEL_FILES, OcrEngine, get_engine, model_dir, rotate_right_angle
from assistant.settings import OCRSettings
from tests.page_images import colour_scan, render_page, require_ocr, rotate

pytestmark = pytest.mark.slow

PARAGRAPHS = [
    "某某市青少年科技教育促进会章程",
    "第一条 本会的名称是某某市青少年科技教育促进会。",
    "第二条 本会是由从事青少年科技教育的学校、科技场馆和科技教育工作者自愿组成的区域性、非营利性社会组织。",
    "第三条 本会的住所设在某某区延安西路1001号3楼，活动资金为人民币5万元。",
    "第四条 本会接受登记管理机关的业务指导和监督管理。",
]
HALF_PAGE = (8.27, 4.5)  # inches: few lines keep these tests to a second or two each


def cjk(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def recovered(truth: str, read: str) -> float:
    """Share of the truth's CJK characters found, in order, in what was read."""
    from difflib import SequenceMatcher

    a, b = cjk(truth), cjk(read)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    require_ocr()
    return get_engine(OCRSettings())


@pytest.fixture(scope="module")
def page_image() -> np.ndarray:
    return colour_scan(render_page(PARAGRAPHS, size_in=HALF_PAGE).image)


def test_characters_and_reading_order(engine, page_image):
    page, straight = engine.run(page_image, page=2)
    assert recovered("".join(PARAGRAPHS), page.text) >= 0.95
    # reading order: paragraphs in the order written, one text paragraph each
    positions = [page.text.find(cjk(p)[:6]) for p in PARAGRAPHS[1:]]
    assert -1 not in positions and positions == sorted(positions)
    assert len(page.text.split("\n\n")) == len(PARAGRAPHS)
    assert page.rotation == 0 and abs(page.skew) < 0.5
    for line in page.lines:
        x0, y0, x1, y1 = line.box
        assert line.page == 2 and 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert page.text[line.start:line.end] == line.text
        assert 0.0 < line.confidence <= 1.0
    assert straight.shape[:2] == (page.height, page.width)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_pages_are_read_upright(engine, page_image, turn):
    page, straight = engine.run(rotate_right_angle(page_image, turn))
    assert (page.rotation + turn) % 360 == 0
    assert recovered("".join(PARAGRAPHS), page.text) >= 0.95
    assert page.text.index("第一条") < page.text.index("第四条")
    assert straight.shape[:2] == page_image.shape[:2]


def test_skewed_page_is_levelled(engine, page_image):
    page, _ = engine.run(rotate(page_image, 3.0))  # counter-clockwise 3°
    assert page.skew == pytest.approx(-3.0, abs=0.5)
    assert recovered("".join(PARAGRAPHS), page.text) >= 0.95
    # levelled: each article is one line box, not fragments spread over several lines
    first = next(line for line in page.lines if line.text.startswith("第一条"))
    assert first.box[3] - first.box[1] < 2.0 * (page.dpi * 12 / 72)


def test_models_come_from_the_package_and_nothing_is_downloaded(monkeypatch, page_image):
    """A fresh engine loads and reads with every network connection refused."""
    require_ocr()
    folder = model_dir()
    import rapidocr_onnxruntime

    assert folder.parent == Path(rapidocr_onnxruntime.__file__).resolve().parent
    assert all((folder / name).stat().st_size > 100_000 for name in MODEL_FILES.values())

    def refuse(*args, **kwargs):
        raise OSError("network access attempted during OCR")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = OcrEngine(OCRSettings(threads=1))  # not the cached one: load the models again
    page, _ = engine.run(page_image[: page_image.shape[0] // 2])
    assert "青少年科技教育" in page.text
