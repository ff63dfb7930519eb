"""Loaders: every supported format, and a clear bilingual error for every bad-input case."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.kb.loaders import LoadError, load_file
from assistant.settings import OCRSettings

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("某某协会章程", level=1)
    d.add_paragraph("第一条 本会名称为某某协会。")
    table = d.add_table(rows=3, cols=3)
    for i, cells in enumerate([["职务", "姓名", "年龄"], ["会长", "张三", "58"], ["秘书长", "李四", "45"]]):
        for j, value in enumerate(cells):
            table.rows[i].cells[j].text = value
    kv = d.add_table(rows=2, cols=2)
    kv.rows[0].cells[0].text, kv.rows[0].cells[1].text = "活动资金", "10万元"
    kv.rows[1].cells[0].text, kv.rows[1].cells[1].text = "住所", "上海市长宁区某路1号"
    d.add_paragraph("第二条 本会接受党的领导。")
    d.save(path)
    return path


def make_pdf(path: Path, pages: list[str]) -> Path:
    if not CJK_FONT.exists():
        pytest.skip(f"CJK font {CJK_FONT} not installed (Debian fonts-noto-cjk)")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("noto", "", str(CJK_FONT))
    pdf.set_font("noto", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def test_text_and_markdown(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("第一条 内容。", encoding="utf-8")
    assert load_file(p).text == "第一条 内容。"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("社会团体登记".encode("gb18030"))
    assert load_file(gbk).text == "社会团体登记"
    md = tmp_path / "b.md"
    md.write_text("# 标题\n\n正文", encoding="utf-8")
    assert load_file(md).format == "markdown"


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    loaded = load_file(make_docx(tmp_path / "c.docx"))
    text = loaded.text
    assert "# 某某协会章程" in text  # heading style kept as a structure hint
    # each table row stays meaningful alone: header cells travel with the values
    assert "职务：会长；姓名：张三；年龄：58" in text
    assert "活动资金：10万元" in text
    assert text.index("第一条") < text.index("职务：会长") < text.index("第二条")
    assert loaded.tables[0][1] == ["会长", "张三", "58"]


def test_pdf_text_and_pages(tmp_path):
    loaded = load_file(make_pdf(tmp_path / "d.pdf", ["第一页 社会团体的章程应当包括名称、住所。", "第二页 基金会的原始基金。"]))
    assert "社会团体的章程" in loaded.text and "原始基金" in loaded.text
    assert loaded.page_at(loaded.text.index("原始基金")) == 2
    assert loaded.page_at(0) == 1


def _assert_error(path: Path, code: str, *fragments: str, **options) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_file(path, **options)
    err = info.value
    assert err.code == code
    message = str(err)
    assert path.name in message  # names the file
    assert "/" in message  # Chinese and English
    for fragment in fragments:
        assert fragment in message
    return err


def test_unsupported_type(tmp_path):
    p = tmp_path / "table.xlsx"
    p.write_bytes(b"PK\x03\x04whatever")
    _assert_error(p, "unsupported_type", "不受支持", "unsupported")
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    _assert_error(doc, "unsupported_type", "另存为 .docx")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    _assert_error(p, "empty", "空文件", "empty")
    blank = tmp_path / "blank.md"
    blank.write_text("   \n\n ", encoding="utf-8")
    _assert_error(blank, "empty")


def test_corrupt_pdf_and_docx(tmp_path):
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    _assert_error(pdf, "corrupt", "损坏", "corrupt")
    docx_file = tmp_path / "broken.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    docx_file.write_bytes(buf.getvalue())
    _assert_error(docx_file, "corrupt", "Word")


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret", algorithm="RC4-128")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as f:
        w.write(f)
    _assert_error(p, "encrypted_pdf", "加密", "encrypted")


def _blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_blank_page(595, 842)
    with open(path, "wb") as f:
        w.write(f)
    return path


def test_scanned_pdf_without_text_layer_when_ocr_is_off(tmp_path):
    p = _blank_pdf(tmp_path / "scan.pdf")
    _assert_error(p, "scanned_pdf", "OCR", "text layer", "已关闭", "switched off", ocr=OCRSettings(enabled=False))


def test_scanned_pdf_when_ocr_is_not_installed(tmp_path, monkeypatch):
    import assistant.kb.ocr as ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    _assert_error(_blank_pdf(tmp_path / "scan.pdf"), "scanned_pdf", "不可用", "not installed")


def test_image_needs_ocr(tmp_path):
    from PIL import Image

    p = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 64), "white").save(p)
    _assert_error(p, "ocr_unavailable", "图片", "OCR", ocr=OCRSettings(enabled=False))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    _assert_error(bad, "corrupt", "图片", "image")


def test_wrong_extension_for_content(tmp_path):
    docx_as_pdf = tmp_path / "charter.pdf"
    docx_as_pdf.write_bytes(make_docx(tmp_path / "x.docx").read_bytes())
    _assert_error(docx_as_pdf, "wrong_extension", ".pdf", "ZIP")
    pdf_as_docx = tmp_path / "notice.docx"
    pdf_as_docx.write_bytes(b"%PDF-1.4\n...")
    _assert_error(pdf_as_docx, "wrong_extension", "PDF")
    binary_as_txt = tmp_path / "data.txt"
    binary_as_txt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _assert_error(binary_as_txt, "wrong_extension", "图片")


# --- scans: OCR through the loader (real models) ------------------------------------

SCAN_TEXT = ["第一条 本会的名称是某某市青少年科技教育促进会。", "第二条 本会的住所设在某某区延安西路1001号3楼。"]
SECOND_PAGE = ["第三条 本会的活动资金为人民币5万元。", "法定代表人（签字）："]
HALF_PAGE = (8.27, 3.5)


def _ocr_ready():
    from tests.page_images import require_ocr

    require_ocr()


@pytest.mark.slow
def test_scanned_pdf_is_read_by_ocr_page_by_page(tmp_path):
    from tests.page_images import colour_scan, render_page, save_image_pdf

    _ocr_ready()
    images = [colour_scan(render_page(text, size_in=HALF_PAGE).image, seed=i) for i, text in
              enumerate([SCAN_TEXT, SECOND_PAGE])]
    path = save_image_pdf(images, tmp_path / "scan.pdf")
    progress, seen = [], []
    loaded = load_file(path, progress=lambda done, total: progress.append((done, total)),
                       on_page=lambda page, image: seen.append((page.number, image.shape)))
    assert loaded.format == "pdf"
    assert "青少年科技教育促进会" in loaded.text and "活动资金为人民币5万元" in loaded.text
    assert loaded.page_at(loaded.text.index("活动资金")) == 2
    assert progress == [(1, 2), (2, 2)]
    assert [number for number, _ in seen] == [1, 2] and seen[0][1][2] == 3
    # each line is located: page, box on the page image, confidence, place in the text
    line = loaded.ocr_lines_at(loaded.text.index("活动资金"))[0]
    assert line.page == 2 and line.text.startswith("第三条")
    assert loaded.text[line.start:line.end] == line.text
    page = loaded.ocr_pages[1]
    assert page.number == 2 and page.dpi == 200
    assert 0 <= line.box[0] < line.box[2] <= page.width and 0 <= line.box[1] < line.box[3] <= page.height
    assert not loaded.low_confidence_at(line.start, line.end)


@pytest.mark.slow
def test_mixed_pdf_keeps_the_text_layer_and_reads_the_scanned_page(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from tests.page_images import colour_scan, render_page, save_image_pdf

    _ocr_ready()
    text_pdf = make_pdf(tmp_path / "text.pdf", ["第一页 社会团体的章程应当包括名称、住所、宗旨和业务范围。"])
    scan_pdf = save_image_pdf([colour_scan(render_page(SECOND_PAGE, size_in=HALF_PAGE).image)], tmp_path / "s.pdf")
    writer = PdfWriter()
    for source in (text_pdf, scan_pdf):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as f:
        writer.write(f)
    loaded = load_file(mixed)
    assert "社会团体的章程应当包括名称" in loaded.text  # from the text layer, as before
    assert "活动资金为人民币5万元" in loaded.text  # recognised
    assert [page.number for page in loaded.ocr_pages] == [2]
    assert loaded.page_at(loaded.text.index("名称")) == 1 and loaded.page_at(loaded.text.index("活动资金")) == 2
    assert all(line.page == 2 for line in loaded.ocr_lines)
    assert loaded.ocr_lines_at(loaded.text.index("名称")) == []


@pytest.mark.slow
def test_a_mixed_pdf_document_keeps_ocr_lines_on_their_text(tmp_path):
    """The text layer's wrapped lines are joined; the OCR'd page is left as read, and every
    recognised line still points at its own text in the document."""
    from pypdf import PdfReader, PdfWriter

    from assistant.kb.loaders import load_document
    from tests.page_images import colour_scan, render_page, save_image_pdf

    _ocr_ready()
    long = "第一条 本会的宗旨是：坚持中国共产党的全面领导，遵守宪法、法律、法规和国家政策，践行社会主义核心价值观，弘扬爱国主义精神。"
    text_pdf = make_pdf(tmp_path / "text.pdf", [long + "\n" + long.replace("第一条", "第二条")])
    scan_pdf = save_image_pdf([colour_scan(render_page(SECOND_PAGE + SCAN_TEXT, size_in=HALF_PAGE).image)],
                              tmp_path / "s.pdf")
    writer = PdfWriter()
    for source in (text_pdf, scan_pdf):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as f:
        writer.write(f)
    doc, loaded = load_document(mixed)
    assert "践行社会主义核心价值观" in doc.text  # the wrap was joined
    assert doc.text != load_file(mixed).text
    lines = loaded.ocr_lines
    assert lines and all(doc.text[line.start:line.end] == line.text for line in lines)
    assert doc.page_of(doc.text.index("活动资金")) == 2 and loaded.page_at(doc.text.index("活动资金")) == 2


@pytest.mark.slow
def test_images_png_jpeg_and_multipage_tiff(tmp_path):
    from PIL import Image

    from tests.page_images import colour_scan, photographed, render_page

    _ocr_ready()
    first = colour_scan(render_page(SCAN_TEXT, size_in=HALF_PAGE).image)
    second = photographed(render_page(SECOND_PAGE, size_in=HALF_PAGE).image)
    png = tmp_path / "page.png"
    Image.fromarray(first).save(png, dpi=(200, 200))
    loaded = load_file(png)
    assert loaded.format == "image" and "延安西路1001号3楼" in loaded.text
    assert loaded.page_at(0) == 1 and loaded.ocr_pages[0].dpi == 200
    jpeg = tmp_path / "photo.jpg"
    Image.fromarray(second).save(jpeg, quality=85)
    assert "活动资金为人民币5万元" in load_file(jpeg).text
    tiff = tmp_path / "two.tiff"
    Image.fromarray(first).save(tiff, save_all=True, append_images=[Image.fromarray(second)])
    pages = []
    both = load_file(tiff, progress=lambda done, total: pages.append((done, total)))
    assert pages == [(1, 2), (2, 2)]
    assert both.page_at(both.text.index("活动资金")) == 2 and both.page_at(both.text.index("延安西路")) == 1


@pytest.mark.slow
def test_blank_scan_says_ocr_found_nothing(tmp_path):
    import numpy as np

    from tests.page_images import colour_scan, save_image_pdf

    _ocr_ready()
    blank = colour_scan(np.full((700, 1654, 3), 255, np.uint8))
    _assert_error(save_image_pdf([blank], tmp_path / "blank-scan.pdf"), "ocr_no_text", "OCR", "blurred")
