"""Exports of a screening run: XLSX (organizations with their flags, indicator hits, counts, input
problems, the indicators) and a DOCX summary report for the bureau (counts, charts, the
organizations to act on first, every hit with its evidence, basis and suggested action)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from assistant.docx_fonts import BODY_FONT, HEADING_FONT, set_fonts
from assistant.risk.charts import png, risk_charts
from assistant.risk.indicators import SEVERITY_NAMES
from assistant.risk.result import ScreeningResult
from assistant.risk.tables import column_letter

ORG_COLUMNS = ("序号", "风险等级", "社会组织名称", "统一社会信用代码", "社会组织类型", "登记级别", "所属区", "命中指标数",
               "命中指标", "建议处理方式", "说明", "登记信息位置")
HIT_COLUMNS = ("社会组织名称", "统一社会信用代码", "风险等级", "指标编号", "指标", "年度", "严重程度", "类别", "发现（证据）",
               "数据来源", "依据", "建议处理方式", "处理建议")
REPORT_LIST = 40  # organizations listed by name in the DOCX report (all of them are in the XLSX)
MAX_WIDTH = 80  # characters: wider cells wrap
CHART_WIDTH_CM = 15.5


def org_rows(result: ScreeningResult) -> list[list]:
    rows = []
    for n, o in enumerate(result.organizations, 1):
        names = "；".join(f"{h.indicator} {h.item}" + (f"（{h.year}年度）" if h.year else "") for h in o.hits)
        rows.append([n, o.risk, o.name, o.code, o.org_type, o.level, o.district, len(o.indicators), names,
                     "、".join(o.actions), "；".join(o.notes), o.source])
    return rows


def hit_rows(result: ScreeningResult) -> list[list]:
    return [[o.name, o.code, o.risk, h.indicator, h.item, h.year or "", SEVERITY_NAMES[h.severity], h.category, h.summary,
             "；".join(h.sources), h.basis, "、".join(h.actions), h.suggestion] for o, h in result.hits]


def write_xlsx(result: ScreeningResult, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header, rows):
        ws = book.create_sheet(title)
        sample = [list(header)] + list(rows[:200])
        for i in range(len(header)):
            longest = max((len(str(r[i])) for r in sample if i < len(r) and r[i] is not None), default=4)
            ws.column_dimensions[column_letter(i)].width = min(MAX_WIDTH, longest * 2 + 2)
        ws.freeze_panes = "A2"
        from openpyxl.cell import WriteOnlyCell

        head = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in rows:
            ws.append(row)

    sheet("机构风险", ORG_COLUMNS, org_rows(result))
    sheet("指标命中", HIT_COLUMNS, hit_rows(result))
    summary = result.summary()
    counts = [["按风险等级", lv, n] for lv, n in summary["by_level"].items()]
    counts += [["按指标", f"{i['id']} {i['item']}", summary["by_indicator"].get(i["id"], 0)] for i in result.indicators]
    for title, key in (("按类型", "by_type"), ("按区", "by_district")):
        for name, by_level in summary[key].items():
            counts.append([title, name, sum(by_level.values())] + [by_level.get(lv, 0) for lv in result.levels])
    for indicator, by_year in summary["by_year"].items():
        for year, n in by_year.items():
            counts.append(["按年度", f"{indicator} {year}年度", n])
    sheet("统计", ["分组", "项目", "机构数"] + [f"其中{lv}" for lv in result.levels], counts)
    sheet("输入问题", ["文件", "行", "列", "值", "类别", "程度", "说明"],
          [[p.file, p.line or "", p.column or "", p.value or "", p.kind, p.severity, p.message] for p in result.problems])
    sheet("指标说明", ["指标编号", "指标", "严重程度", "类别", "依据", "建议处理方式", "处理建议", "适用类型"],
          [[i["id"], i["item"], i["severity_label"], i["category"], i["basis"], "、".join(i["actions"]), i["suggestion"],
            "、".join(i["org_types"])] for i in result.indicators] +
          [[key, "未判断：" + why, "", "", "", "", "", ""] for key, why in result.not_evaluable.items()])
    book.save(path)
    return path


# --- DOCX -----------------------------------------------------------------------------------------

def _para(doc, text: str, size: float = 12, bold: bool = False, font: str = BODY_FONT):
    p = doc.add_paragraph()
    set_fonts(p.add_run(text), font, size, bold)
    return p


def _heading(doc, text: str, size: float = 14):
    return _para(doc, text, size, True, HEADING_FONT)


def _table(doc, header, rows, size: float = 9):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        set_fonts(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, size)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            set_fonts(cell.paragraphs[0].add_run("" if text is None else str(text)), BODY_FONT, size)
    return table


def write_docx(result: ScreeningResult, path: Path) -> Path:
    from docx import Document
    from docx.shared import Cm

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    set_fonts(doc.styles["Normal"], BODY_FONT, 12)
    title = doc.add_paragraph()
    set_fonts(title.add_run("社会组织风险筛查报告"), HEADING_FONT, 16, True)
    summary = result.summary()
    _para(doc, f"筛查基准日：{result.as_of.isoformat()}；适用地区：{result.locality}；数据：{'、'.join(result.files) or '无'}"
               + (f"；年度工作报告书{len(result.reports)}份" if result.reports else ""))
    _heading(doc, "一、总体情况")
    levels = "，".join(f"{lv}风险{n}家" for lv, n in summary["by_level"].items())
    _para(doc, f"共筛查社会组织{summary['organizations']}家，其中有指标命中的{summary['flagged']}家：{levels}。"
               f"风险等级的合并规则：{result.level_rule}")
    charts = risk_charts(result)
    with tempfile.TemporaryDirectory() as tmp:
        drawn = [c for c in charts if png(c, Path(tmp) / f"{c.key}.png")]
        for chart in drawn:
            doc.add_picture(str(Path(tmp) / f"{chart.key}.png"), width=Cm(CHART_WIDTH_CM))
    if not drawn:
        _para(doc, "（本机没有中文字体，图表从略，数据见下表。）", 10)
    _heading(doc, "二、按指标统计")
    _table(doc, ("指标编号", "指标", "严重程度", "命中机构数", "依据"),
           [(i["id"], i["item"], i["severity_label"], summary["by_indicator"].get(i["id"], 0), i["basis"])
            for i in result.indicators if summary["by_indicator"].get(i["id"], 0)])
    if result.not_evaluable:
        _para(doc, "未能判断的指标：" + "；".join(f"{k}（{v}）" for k, v in result.not_evaluable.items()), 10)
    _heading(doc, "三、按类型和所属区统计")
    for title, key in (("社会组织类型", "by_type"), ("所属区", "by_district")):
        _table(doc, (title, "机构数", *[f"{lv}风险" for lv in result.levels]),
               [(name, sum(by.values()), *[by.get(lv, 0) for lv in result.levels]) for name, by in summary[key].items()])
        doc.add_paragraph()
    _heading(doc, f"四、重点关注的社会组织（按风险排序，前{REPORT_LIST}家；全部见 XLSX）")
    flagged = [o for o in result.organizations if o.hits][:REPORT_LIST]
    for n, o in enumerate(flagged, 1):
        _para(doc, f"{n}. {o.name}（{o.code}，{o.org_type}，{o.district or '所属区未注明'}）：{o.risk}风险", 12, True)
        for h in o.hits:
            year = f"（{h.year}年度）" if h.year else ""
            _para(doc, f"【{SEVERITY_NAMES[h.severity]}】{h.item}{year}：{h.summary}", 10.5)
            _para(doc, f"依据：{h.basis}；建议：{'、'.join(h.actions)}。{h.suggestion}", 10)
            if h.sources:
                _para(doc, "来源：" + "；".join(h.sources[:4]), 9)
    if not flagged:
        _para(doc, "未发现有指标命中的社会组织。")
    _heading(doc, "五、输入数据问题")
    if result.problems:
        counts = summary["problems"]
        _para(doc, "共" + "，".join(f"{k} {v} 条" for k, v in counts.items()) + "（逐条见 XLSX 的“输入问题”）：", 10.5)
        for p in result.problems[:30]:
            _para(doc, p.message, 9)
    else:
        _para(doc, "无。")
    _para(doc, "说明：指标命中是筛查线索，须经核实后依法处理；收支变动、净资产等复核信号不等于违法认定。", 10)
    doc.save(path)
    return path
