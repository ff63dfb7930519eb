"""DOCX structure (title, chapter headings, numbered articles, fonts, page numbers,
annex table) and a round trip through headless LibreOffice to PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.drafting.docx_writer import BODY_FONT, HEADING_FONT, write_docx
from assistant.drafting.templates import TemplateLibrary
from assistant.drafting.terms import build_terms
from assistant.settings import PROJECT_ROOT
from tests.conftest import shipped_rulebook

from .conftest import make_profile


@pytest.fixture(scope="module")
def charter():
    profile = make_profile("社会团体", governance={"standing_council": {"size": 5}})
    return TemplateLibrary(PROJECT_ROOT / "corpus" / "templates", shipped_rulebook()).draft(profile, build_terms(profile))


@pytest.fixture(scope="module")
def docx_path(charter, tmp_path_factory):
    return write_docx(charter, tmp_path_factory.mktemp("docx") / "charter.docx")


def _east_asia(style_or_run_element) -> str | None:
    rpr = style_or_run_element.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def test_title_headings_and_numbered_articles(charter, docx_path):
    doc = Document(str(docx_path))
    paragraphs = doc.paragraphs
    assert paragraphs[0].text == "上海市青年创业促进会章程" and paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [c.heading for c in charter.chapters] + ["附件：法定事项对照"]
    article_starts = [p for p in paragraphs if p.runs and p.runs[0].bold and p.runs[0].text.startswith("第")
                      and p.runs[0].text.endswith("条")]
    assert [p.runs[0].text for p in article_starts] == [a.label for a in charter.articles]
    assert article_starts[0].text == "第一条　本会的名称为上海市青年创业促进会。"


def test_chinese_fonts_set_through_east_asia(docx_path):
    doc = Document(str(docx_path))
    assert _east_asia(doc.styles["Normal"].element) == BODY_FONT
    assert _east_asia(doc.styles["Heading 1"].element) == HEADING_FONT
    assert _east_asia(doc.styles["Title"].element) == HEADING_FONT
    rfonts = doc.styles["Heading 1"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override eastAsia


def test_footer_has_a_page_field(docx_path):
    doc = Document(str(docx_path))
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and 'w:fldCharType="begin"' in footer_xml


def test_annex_table_lists_items_and_articles(charter, docx_path):
    doc = Document(str(docx_path))
    table = doc.tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "法定事项", "对应条款"]
    assert [r[1] for r in rows[1:]] == [row.item for row in charter.coverage]
    assert rows[1][2] == "、".join(charter.coverage[0].labels)
    assert len(rows) == 10


@pytest.mark.slow
def test_libreoffice_round_trip_keeps_the_text(charter, docx_path, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install Debian libreoffice-writer to run the PDF round trip")
    from pypdf import PdfReader

    profile_dir = tmp_path / "lo-profile"  # a private profile: parallel runs must not share one
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "charter.pdf"
    assert pdf.is_file(), f"soffice produced no PDF: {result.stdout} {result.stderr}"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 3
    text = "".join(page.extract_text() or "" for page in reader.pages)
    compact = "".join(text.split())
    assert "上海市青年创业促进会章程" in compact
    assert "第一章总则" in compact
    assert "坚持中国共产党的全面领导" in compact
    last = charter.articles[-1].label
    assert last in compact
    assert "法定事项对照" in compact
