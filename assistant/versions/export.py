"""Files for the diff (DOCX, 修订对照表) and the alignment (XLSX, 市区对照表)."""

from __future__ import annotations

from pathlib import Path

from assistant.docx_fonts import BODY_FONT, HEADING_FONT, set_fonts
from assistant.versions.align import Alignment
from assistant.versions.diff import STATUS_LABELS, DiffResult

DELETED_COLOR = (0xC0, 0x00, 0x00)
INSERTED_COLOR = (0x00, 0x70, 0x30)


def _segment_runs(paragraph, segments, side: str) -> None:
    """Side "a": equal + deleted text (deletions struck through); side "b": equal + inserted (underlined)."""
    from docx.shared import RGBColor

    for seg in segments:
        if seg.op == "equal" or (seg.op == "delete" and side == "a") or (seg.op == "insert" and side == "b"):
            run = paragraph.add_run(seg.text)
            set_fonts(run, BODY_FONT, 10.5)
            if seg.op == "delete":
                run.font.strike = True
                run.font.color.rgb = RGBColor(*DELETED_COLOR)
            elif seg.op == "insert":
                run.font.underline = True
                run.font.bold = True
                run.font.color.rgb = RGBColor(*INSERTED_COLOR)


def diff_docx(result: DiffResult, out: Path, changed_only: bool = True) -> Path:
    """A 修订对照表: summary, then per chapter a three-column table (old | new | status)."""
    from docx import Document

    doc = Document()
    set_fonts(doc.styles["Normal"], BODY_FONT, 10.5)
    heading = doc.add_heading(f"{result.doc_b.title} 修订对照表", level=1)
    for run in heading.runs:
        set_fonts(run, HEADING_FONT, 16)
    meta = doc.add_paragraph(f"旧版本：{result.doc_a.title}（{result.doc_a.date or '日期不详'}）　"
                             f"新版本：{result.doc_b.title}（{result.doc_b.date or '日期不详'}）")
    set_fonts(meta.runs[0], BODY_FONT, 10.5)
    for line in result.summary:
        p = doc.add_paragraph(line, style="List Bullet")
        set_fonts(p.runs[0], BODY_FONT, 10.5)
    for group, entries in result.chapters():
        shown = [e for e in entries if not changed_only or e.status != "unchanged"]
        if not shown:
            continue
        h = doc.add_heading(group or "（无章节）", level=2)
        for run in h.runs:
            set_fonts(run, HEADING_FONT, 13)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (f"旧：{result.doc_a.date}", f"新：{result.doc_b.date}", "变化")):
            cell.text = text
            set_fonts(cell.paragraphs[0].runs[0], HEADING_FONT, 10.5)
        for entry in shown:
            row = table.add_row().cells
            left, right = row[0].paragraphs[0], row[1].paragraphs[0]
            if entry.a:
                set_fonts(left.add_run(entry.key_a + " "), HEADING_FONT, 10.5)
            if entry.b:
                set_fonts(right.add_run(entry.key_b + " "), HEADING_FONT, 10.5)
            if entry.segments:
                _segment_runs(left, entry.segments, "a")
                _segment_runs(right, entry.segments, "b")
            else:
                if entry.a:
                    set_fonts(left.add_run(entry.a.text), BODY_FONT, 10.5)
                if entry.b:
                    set_fonts(right.add_run(entry.b.text), BODY_FONT, 10.5)
            note = STATUS_LABELS[entry.status]
            if entry.reasons:
                note += "：" + "；".join(entry.reasons)
            if entry.origins:
                note += "（" + "；".join(entry.origins) + "）"
            row[2].text = note
            set_fonts(row[2].paragraphs[0].runs[0], BODY_FONT, 9)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


ALIGN_HEADERS = ("区级条目", "区级标题", "区级内容", "对应市级条目", "市级内容", "得分", "依据", "人工审核")


def alignment_xlsx(alignment: Alignment, out: Path) -> Path:
    """Three sheets: 对照表 (one row per link or own item), 市级未提及, 人工删除."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment as CellAlignment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    sheet = wb.active
    sheet.title = "对照表"
    sheet.append(list(ALIGN_HEADERS))
    review_labels = {"confirmed": "已确认", "added": "人工添加", "": ""}
    for item in alignment.items:
        unit = item.unit
        if item.own:
            sheet.append([unit.key, unit.title, unit.text, "（区级自有）", "", None, "市级要点中没有对应条目", ""])
            for cell in sheet[sheet.max_row]:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
            continue
        for link in item.links:
            city = alignment.city_unit(link.city)
            sheet.append([unit.key, unit.title, unit.text, link.city, city.text if city else "",
                          round(link.score, 3), link.reason, review_labels.get(link.review, link.review)])
    missing = wb.create_sheet("市级未提及")
    missing.append(["市级条目", "所属部分", "市级内容"])
    for unit in alignment.unmatched_city:
        missing.append([unit.key, unit.group, unit.text])
    removed = wb.create_sheet("人工删除")
    removed.append(["区级条目", "市级条目", "得分", "依据"])
    for link in alignment.removed:
        removed.append([link.district, link.city, round(link.score, 3), link.reason])
    widths = {"A": 10, "B": 18, "C": 60, "D": 14, "E": 60, "F": 8, "G": 50, "H": 10}
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column, width in widths.items():
            ws.column_dimensions[column].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = CellAlignment(wrap_text=True, vertical="top")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(out))
    return out
