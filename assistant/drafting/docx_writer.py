"""Write a Charter as DOCX (python-docx): centred title, chapter headings,
numbered articles, the 法定事项对照 annex table, Chinese fonts and page numbers.

Chinese fonts are set through ``assistant.docx_fonts`` (w:eastAsia).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.docx_fonts import BODY_FONT, HEADING_FONT, set_fonts
from assistant.drafting.charter import Charter



def _add_page_number_footer(document) -> None:
    """Footer '— PAGE —' centred, as a real PAGE field so Word/LibreOffice fill it in."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("— ")
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = " PAGE "
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        placeholder = OxmlElement("w:t")
        placeholder.text = "1"
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        for element in (begin, instr, separate, placeholder, end):
            run._r.append(element)
        paragraph.add_run(" —")


def _setup_styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(14)  # 四号
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        style = document.styles[name]
        set_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = name != "Title"
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(12)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build_docx(charter: Charter):
    """A python-docx Document for the charter."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _setup_styles(document)

    title = document.add_paragraph(charter.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for chapter in charter.chapters:
        document.add_heading(chapter.heading, level=1)
        for article in chapter.articles:
            first, *rest = article.paragraphs or [""]
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)
            label = paragraph.add_run(article.label)
            label.bold = True
            set_fonts(label, HEADING_FONT)
            paragraph.add_run("　" + first)
            for text in rest:
                more = document.add_paragraph(text)
                more.paragraph_format.first_line_indent = Pt(28)

    document.add_heading("附件：法定事项对照", level=1)
    document.add_paragraph(f"依据：{charter.statute}")
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("序号", "法定事项", "对应条款")):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            set_fonts(run, HEADING_FONT)
    for i, row in enumerate(charter.coverage, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), row.item, "、".join(row.labels)
    _add_page_number_footer(document)
    return document


def write_docx(charter: Charter, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_docx(charter).save(str(path))
    return path


def docx_bytes(charter: Charter) -> bytes:
    buffer = io.BytesIO()
    build_docx(charter).save(buffer)
    return buffer.getvalue()
