"""风险识别 tab: upload a registry export (CSV / XLSX, any number of files) and optionally annual
reports, screen them against the rulebook's risk indicators, filter the organizations by level,
indicator, type and district, look at the charts, open one organization to see every hit with its
evidence, basis and suggested action, and download the XLSX / DOCX / JSON exports.

All screening goes through ``services.risk``; this module only maps results to components.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

import gradio as gr

from assistant.risk.charts import charts_html, risk_charts
from assistant.risk.indicators import SEVERITY_NAMES
from assistant.ui import files as ui_files
from assistant.ui.viewer_tab import basis_html

TABLE_COLUMNS = ["风险等级", "社会组织名称", "统一社会信用代码", "社会组织类型", "所属区", "命中指标数", "命中指标"]
SHOWN_ROWS = 500  # rows shown in the table; the exports hold every organization
LEVEL_MARKS = {"高": "risk-high", "中": "risk-medium", "低": "risk-low", "无": "risk-none"}
CSS = """
.risk-hit {border-left: 4px solid #d9d9d9; padding: 6px 10px; margin: 8px 0;}
.risk-hit.high {border-color: #cf1322;} .risk-hit.medium {border-color: #d46b08;} .risk-hit.low {border-color: #d4b106;}
.risk-hit .meta, .risk-org .meta {color: var(--body-text-color-subdued); font-size: 0.9em;}
.risk-charts {display: flex; flex-wrap: wrap; gap: 16px;}
.risk-level {font-weight: bold; padding: 0 6px; border-radius: 4px; color: white;}
.risk-level.risk-high {background: #cf1322;} .risk-level.risk-medium {background: #d46b08;}
.risk-level.risk-low {background: #d4b106;} .risk-level.risk-none {background: #8c8c8c;}
"""


def _shown_names(paths: list[Path]) -> dict[str, str]:
    """The name each upload is shown under (Gradio keeps the original name in its own folder)."""
    return {str(p): p.name for p in paths}


def summary_markdown(result) -> str:
    s = result.summary()
    lines = [f"**筛查基准日：** {result.as_of.isoformat()}　**适用地区：** {result.locality}",
             f"共筛查 **{s['organizations']}** 家，有指标命中 **{s['flagged']}** 家：" +
             "，".join(f"{lv}风险 {n} 家" for lv, n in s["by_level"].items()),
             f"数据：{'、'.join(result.files) or '无'}" + (f"；年度工作报告书 {len(result.reports)} 份" if result.reports else ""),
             f"分级规则：{result.level_rule}"]
    if result.not_evaluable:
        lines.append("未能判断的指标：" + "；".join(f"{k}（{v}）" for k, v in result.not_evaluable.items()))
    if result.problems:
        counts = "，".join(f"{ {'error': '错误', 'warning': '警告', 'notice': '提示'}.get(k, k)} {v} 条"
                          for k, v in s["problems"].items())
        lines.append(f"输入数据问题：{counts}（见下方“输入数据问题”）")
    return "\n\n".join(lines)


def problems_markdown(result) -> str:
    if not result.problems:
        return "没有发现输入数据问题。"
    marks = {"error": "【错误】", "warning": "【警告】", "notice": "【提示】"}
    shown = result.problems[:300]
    more = f"\n\n……另有 {len(result.problems) - len(shown)} 条，见 XLSX 的“输入问题”。" if len(result.problems) > len(shown) else ""
    return "\n".join(f"- {marks.get(p.severity, '')}{html.escape(p.message)}" for p in shown) + more


def own_organization(data: dict | None) -> tuple[str, str] | None:
    """(credit code, name) of the shared profile's organization, None when it names none."""
    if not data or not (data.get("credit_code") or data.get("name")):
        return None
    return (data.get("credit_code") or "").strip().upper(), (data.get("name") or "").strip()


def filter_orgs(result, levels=None, indicators=None, types=None, districts=None, own=None) -> list:
    """The organizations matching every filter; ``own`` (code, name) keeps only that organization
    (by code when the profile has one, else by name)."""
    out = []
    for org in result.organizations:
        if own and not (org.code.upper() == own[0] if own[0] else org.name == own[1]):
            continue
        if levels and org.risk not in levels:
            continue
        if indicators and not set(indicators) & set(org.indicators):
            continue
        if types and org.org_type not in types:
            continue
        if districts and (org.district or "（未注明）") not in districts:
            continue
        out.append(org)
    return out


def table_rows(orgs) -> list[list]:
    return [[o.risk, o.name, o.code, o.org_type, o.district, len(o.indicators), "、".join(o.indicators)]
            for o in orgs[:SHOWN_ROWS]]


def org_choices(orgs) -> list[tuple[str, str]]:
    return [(f"[{o.risk}] {o.name}（{o.code}）", o.code) for o in orgs[:SHOWN_ROWS]]


def org_html(org, basis_html=html.escape) -> str:
    """One organization: its level, notes and every hit with evidence, sources, basis and action (escaped).
    ``basis_html``: a rule's basis as HTML (viewer_tab.basis_html links what is indexed)."""
    if org is None:
        return "<p>请在上方表格中点选或在下拉框中选择一家社会组织。</p>"
    e = html.escape
    parts = [f"<div class='risk-org'><h3>{e(org.name)} <span class='risk-level {LEVEL_MARKS.get(org.risk, '')}'>"
             f"{e(org.risk)}风险</span></h3>",
             f"<div class='meta'>{e(org.code)}｜{e(org.org_type)}｜{e(org.level)}｜{e(org.district or '所属区未注明')}｜"
             f"登记信息：{e(org.source)}</div>"]
    for note in org.notes:
        parts.append(f"<div class='meta'>说明：{e(note)}</div>")
    if not org.hits:
        parts.append("<p class='risk-none'>未命中任何风险指标。</p>")
    for h in org.hits:
        year = f"（{h.year}年度）" if h.year else ""
        evidence = "".join(f"<li>{e(x.label + '：' if x.label else '')}{e(x.text)}"
                           + (f"<div class='meta'>来源：{e('；'.join(x.where))}</div>" if x.where else "") + "</li>"
                           for x in h.evidence)
        parts.append(
            f"<div class='risk-hit {h.severity}'><div><b>【{SEVERITY_NAMES[h.severity]}】{e(h.item)}{e(year)}</b>"
            f" <span class='meta'>{e(h.indicator)}｜{e(h.category)}</span></div>"
            f"<ul class='risk-evidence'>{evidence}</ul>"
            f"<div class='risk-basis'>依据：{basis_html(h.basis)}</div>"
            f"<div class='risk-action'>建议处理：{e('、'.join(h.actions))}。{e(h.suggestion)}</div></div>")
    if org.undecided:
        parts.append(f"<div class='meta'>记录不足、未能判断：{e('、'.join(org.undecided))}</div>")
    parts.append("</div>")
    return "".join(parts)


def build(services, profile: gr.State | None = None) -> None:
    """The tab; ``profile`` is the organization profile the tabs share: its organization can be picked out."""
    from assistant.ui.drafting_tab import profile_label

    profile = profile if profile is not None else gr.State(None)
    gr.HTML(f"<style>{CSS}</style>", visible=True)
    gr.Markdown("上传登记管理机关的导出表（CSV / XLSX：登记信息、年度数据、行政处罚，可多个文件），可同时上传年度工作报告书"
                "（DOCX / PDF / TXT）。按规则库中的风险指标逐项筛查，每项命中都列出证据（哪一列、哪一句、哪一年度）、依据和建议的处理方式；"
                "不使用大模型判断。指标命中是筛查线索，须经核实后依法处理。")
    with gr.Row():
        with gr.Column(scale=2):
            uploads = gr.File(label="导出表（CSV / XLSX）", file_count="multiple", file_types=[".csv", ".xlsx", ".tsv", ".txt"],
                              elem_id="risk-upload")
            reports = gr.File(label="年度工作报告书（可选）", file_count="multiple", file_types=[".docx", ".pdf", ".txt"],
                              elem_id="risk-reports")
        with gr.Column(scale=1):
            as_of = gr.Textbox(value=date.today().isoformat(), label="筛查基准日（YYYY-MM-DD）", elem_id="risk-asof")
            columns = gr.File(label="列名对照文件（可选，其他导出格式用）", file_types=[".yaml", ".yml"], elem_id="risk-columns")
            run_button = gr.Button("开始筛查", variant="primary", elem_id="risk-run")
    summary = gr.Markdown(elem_id="risk-summary")
    charts = gr.HTML(elem_id="risk-charts")
    with gr.Row():
        f_level = gr.Dropdown([], multiselect=True, label="风险等级", elem_id="risk-filter-level")
        f_indicator = gr.Dropdown([], multiselect=True, label="命中指标", elem_id="risk-filter-indicator")
        f_type = gr.Dropdown([], multiselect=True, label="社会组织类型", elem_id="risk-filter-type")
        f_district = gr.Dropdown([], multiselect=True, label="所属区", elem_id="risk-filter-district")
    with gr.Row():
        own = gr.Checkbox(label="只看组织概况中的本组织（按统一社会信用代码，没有代码时按名称）", value=False,
                          elem_id="risk-filter-own", scale=1)
        profile_line = gr.Markdown(profile_label(None), elem_id="risk-profile-current")
    profile.change(profile_label, inputs=profile, outputs=profile_line, show_progress="hidden")
    count = gr.Markdown(elem_id="risk-count")
    table = gr.Dataframe(headers=TABLE_COLUMNS, interactive=False, wrap=True, elem_id="risk-table", max_height=420)
    chooser = gr.Dropdown([], label="查看一家社会组织的证据", elem_id="risk-org")
    detail = gr.HTML(elem_id="risk-detail")
    downloads = gr.File(label="下载（XLSX：机构与指标命中；DOCX：筛查报告；JSON）", file_count="multiple", interactive=False,
                        elem_id="risk-downloads")
    with gr.Accordion("输入数据问题", open=False):
        problems = gr.Markdown(elem_id="risk-problems")
    state = gr.State(None)

    def run(files, report_files, as_of_text, columns_file, progress=gr.Progress()):
        empty = (None, "", "", gr.update(choices=[], value=[]), gr.update(choices=[], value=[]),
                 gr.update(choices=[], value=[]), gr.update(choices=[], value=[]), "", [], gr.update(choices=[], value=None),
                 "", None, "")
        if not files:
            return (None, "请先上传导出表。", *empty[2:])
        try:
            when = date.fromisoformat((as_of_text or "").strip())
        except ValueError:
            return (None, f"基准日应为 YYYY-MM-DD：{html.escape(str(as_of_text))}", *empty[2:])
        progress(0, desc="开始读取")
        # The uploads are read for this run only and deleted after it (assistant/ui/files.py).
        with ui_files.reading(files) as paths, ui_files.reading(report_files) as report_paths, \
                ui_files.reading(columns_file) as mapping_paths:
            names = _shown_names(paths) | _shown_names(report_paths)
            try:
                result = services.risk.screen(paths, reports=report_paths or None, as_of=when,
                                              columns_file=mapping_paths[0] if mapping_paths else None, names=names,
                                              progress=lambda share, what: progress(share, desc=what))
            except ValueError as exc:  # a column-mapping file that cannot be used
                return (None, f"无法筛查：{html.escape(str(exc))}", *empty[2:])
        progress(0.97, desc="生成导出文件")
        out = ui_files.output_dir("szzs-risk-")
        xlsx = services.risk.write_xlsx(result, out / "风险筛查结果.xlsx")
        docx = services.risk.write_docx(result, out / "风险筛查报告.docx")
        data = out / "风险筛查结果.json"
        data.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        orgs = result.organizations
        s = result.summary()
        indicators = [(f"{i['id']} {i['item'][:24]}（{s['by_indicator'].get(i['id'], 0)}）", i["id"]) for i in result.indicators
                      if s["by_indicator"].get(i["id"], 0)]
        districts = sorted({o.district or "（未注明）" for o in orgs})
        return (result, summary_markdown(result), charts_html(risk_charts(result)),
                gr.update(choices=list(result.levels), value=[]), gr.update(choices=indicators, value=[]),
                gr.update(choices=sorted({o.org_type for o in orgs if o.org_type}), value=[]),
                gr.update(choices=districts, value=[]), _count_text(orgs, len(orgs)), table_rows(orgs),
                gr.update(choices=org_choices(orgs), value=None), org_html(None), [str(xlsx), str(docx), str(data)],
                problems_markdown(result))

    def refilter(result, levels, indicators, types, districts, own_only, shared):
        if result is None:
            return "", [], gr.update(choices=[], value=None)
        orgs = filter_orgs(result, levels, indicators, types, districts, own_organization(shared) if own_only else None)
        return _count_text(orgs, len(result.organizations)), table_rows(orgs), gr.update(choices=org_choices(orgs), value=None)

    def show(result, code):
        return org_html(result.by_code(code) if result is not None and code else None,
                        lambda text: basis_html(services, text))

    def picked(result, levels, indicators, types, districts, own_only, shared, evt: gr.SelectData):
        if result is None or evt is None or evt.index is None:
            return gr.update()
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        orgs = filter_orgs(result, levels, indicators, types, districts, own_organization(shared) if own_only else None)
        return gr.update(value=orgs[row].code) if 0 <= row < len(orgs) else gr.update()

    filters = [f_level, f_indicator, f_type, f_district]
    run_button.click(run, inputs=[uploads, reports, as_of, columns],
                     outputs=[state, summary, charts, *filters, count, table, chooser, detail, downloads, problems])
    for f in [*filters, own]:
        f.change(refilter, inputs=[state, *filters, own, profile], outputs=[count, table, chooser])
    # Another organization in the profile matters only while the table shows the profile's one.
    profile.change(lambda *a: refilter(*a) if a[5] else (gr.skip(), gr.skip(), gr.skip()),
                   inputs=[state, *filters, own, profile], outputs=[count, table, chooser], show_progress="hidden")
    chooser.change(show, inputs=[state, chooser], outputs=[detail])
    table.select(picked, inputs=[state, *filters, own, profile], outputs=[chooser])


def _count_text(orgs, total: int) -> str:
    shown = min(len(orgs), SHOWN_ROWS)
    more = f"，表中显示前 {shown} 家（全部见 XLSX）" if len(orgs) > SHOWN_ROWS else ""
    return f"符合筛选条件的社会组织 **{len(orgs)}** 家（共 {total} 家）{more}。"
