"""A filled form as DOCX (a table laid out like the paper form) and as JSON.

The DOCX has the form title, one bordered table — a shaded row per section,
short fields two to a row (label | value | label | value), long text across
the full width — a signature and seal line, and an annex table listing each
value's source and check result so a reviewer can trace every entry.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from assistant.docx_fonts import BODY_FONT, HEADING_FONT, set_fonts

if TYPE_CHECKING:
    from assistant.forms.service import FilledForm

TITLE_FONT = HEADING_FONT
STATUS_LABELS = {"ok": "通过", "missing": "未填", "invalid": "有误"}


def _shade(cell, fill: str = "E7E6E6") -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _write(cell, text: str, bold: bool = False, font: str = BODY_FONT, size: float = 11) -> None:
    # Empty the cell completely (merged cells keep the paragraphs of every part;
    # ``cell.text = ""`` would leave a run without fonts).
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = cell.paragraphs[0]
    for run in paragraph.runs:
        run._element.getparent().remove(run._element)
    for i, line in enumerate((text or "").split("\n")):
        if i:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        set_fonts(run, font, size, bold)


def build_docx(filled: "FilledForm") -> Document:
    form = filled.form
    document = Document()
    set_fonts(document.styles["Normal"], BODY_FONT, 11)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.2)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(title.add_run(form.title), TITLE_FONT, 18, True)

    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.4), Cm(5.0), Cm(3.4), Cm(5.0))

    def new_row(min_height_cm: float = 0.8):
        row = table.add_row()
        row.height = Cm(min_height_cm)  # paper forms leave room to write by hand
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, width in zip(row.cells, widths):
            cell.width = width
        return row

    pending: list = []  # short fields waiting for a partner in the same row

    def flush() -> None:
        if not pending:
            return
        row = new_row()
        for slot, f in enumerate(pending):
            _write(row.cells[slot * 2], f.label, bold=True)
            _write(row.cells[slot * 2 + 1], filled.values[f.id].value)
        if len(pending) == 1:
            row.cells[1].merge(row.cells[3])
        pending.clear()

    current_section = None
    for f in form.fields:
        if f.section and f.section != current_section:
            flush()
            current_section = f.section
            row = new_row(0.6)
            merged = row.cells[0].merge(row.cells[3])
            _write(merged, f.section, bold=True, font=TITLE_FONT)
            _shade(merged)
        if f.multiline:
            flush()
            row = new_row(1.8)
            _write(row.cells[0], f.label, bold=True)
            _write(row.cells[1].merge(row.cells[3]), filled.values[f.id].value)
        else:
            pending.append(f)
            if len(pending) == 2:
                flush()
    flush()
    row = new_row(3.0)
    _write(row.cells[0].merge(row.cells[3]),
           "本组织承诺所填内容真实、准确、完整。\n\n法定代表人（签字）：　　　　　　　　（盖章）\n\n　　　　　　　　　　　　　　　　　　年　　月　　日")

    document.add_page_break()  # the annex is for checking, not part of the filed form
    heading = document.add_paragraph()
    set_fonts(heading.add_run("附：填报来源与校验结果（供核对，不随表提交）"), TITLE_FONT, 12, True)
    annex = document.add_table(rows=1, cols=4)
    annex.style = "Table Grid"
    for cell, text in zip(annex.rows[0].cells, ("栏目", "来源", "校验", "说明")):
        _write(cell, text, bold=True, size=9)
        _shade(cell)
    for item in filled.rows():
        cells = annex.add_row().cells
        _write(cells[0], item["label"], size=9)
        _write(cells[1], item["source"] or "—", size=9)
        _write(cells[2], STATUS_LABELS[item["status"]], size=9)
        _write(cells[3], item["message"], size=9)
    return document


def write_docx(filled: "FilledForm", path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_docx(filled).save(str(path))
    return path


def docx_bytes(filled: "FilledForm") -> bytes:
    buffer = io.BytesIO()
    build_docx(filled).save(buffer)
    return buffer.getvalue()


def to_json(filled: "FilledForm") -> dict[str, Any]:
    return {"form": filled.form.id, "title": filled.form.title, "fields": filled.rows(),
            "document_errors": list(filled.document_errors), "notices": list(filled.notices)}
