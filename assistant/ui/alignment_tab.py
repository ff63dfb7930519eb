"""市区对照 tab: a district notice beside its city notice — which district items implement
which city items (with the shared phrases and a score), the district's own items, and
the city tasks the district does not mention. Staff confirm, remove or add links; the
decisions are kept in the data directory and applied every time the pair is compared.
"""

from __future__ import annotations

import html

import gradio as gr

from assistant.ui import files as ui_files
from assistant.ui import marks
from assistant.ui.versions_tab import document_picker, picked_to_keep, refresh_pickers
from assistant.versions.align import Alignment

REVIEW_LABELS = {"confirmed": "✓ 已确认", "added": "＋ 人工添加", "": ""}


def _unit_cell(unit) -> str:
    title = f"<b>{html.escape(unit.key)} {html.escape(unit.title)}</b>" if unit.title else f"<b>{html.escape(unit.key)}</b>"
    return f"{title}<div class='meta'>{html.escape(unit.text)}</div>"


def alignment_html(alignment: Alignment) -> str:
    parts = ["<div class='szzs-diff szzs-align'><table><tr><th>区级条目</th><th>对应的市级条目</th><th>得分</th>"
             "<th>依据</th></tr>"]
    for item in alignment.items:
        if item.own:
            parts.append(f"<tr class='align-item own' data-key='{html.escape(item.unit.key)}'>"
                         f"<td>{_unit_cell(item.unit)}</td><td colspan='3'><b>区级自有</b>（市级要点中没有对应条目）</td></tr>")
            continue
        for n, link in enumerate(item.links):
            city = alignment.city_unit(link.city)
            first = f"<td rowspan='{len(item.links)}'>{_unit_cell(item.unit)}</td>" if n == 0 else ""
            review = REVIEW_LABELS.get(link.review, "")
            score = f"{link.score:.2f}" if link.review != "added" else "—"
            parts.append(f"<tr class='align-item' data-key='{html.escape(item.unit.key)}'>{first}"
                         f"<td class='align-city'>{_unit_cell(city) if city else html.escape(link.city)}</td>"
                         f"<td>{score}</td><td>{html.escape(link.reason)} {review}</td></tr>")
    parts.append("</table>")
    if alignment.unmatched_city:
        parts.append("<h3>区级未提及的市级条目</h3><ul class='align-unmatched'>")
        parts += [f"<li><b>{html.escape(u.key)}</b> {html.escape(u.text[:80])}…</li>" for u in alignment.unmatched_city]
        parts.append("</ul>")
    if alignment.removed:
        parts.append("<h3>已人工删除的对应</h3><ul class='align-removed'>")
        parts += [f"<li>{html.escape(l.district)} → {html.escape(l.city)}</li>" for l in alignment.removed]
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def link_choices(alignment: Alignment) -> list[tuple[str, str]]:
    return [(f"{l.district} {item.unit.title} → {l.city}（{l.score:.2f}）".replace("  ", " "), f"{l.district}|{l.city}")
            for item in alignment.items for l in item.links]


def build(services) -> None:
    gr.Markdown("把区级文件与其市级文件逐项对照：区级条目落实了哪些市级条目（可一对多）、哪些是区级自有、"
                "哪些市级任务区级没有提及。每处对应都给出共同表述和相似度；工作人员可以确认、删除或添加对应，决定会被保存。")
    with gr.Row():
        city_choice, city_upload = document_picker(services, "市级文件", "align-city")
        district_choice, district_upload = document_picker(services, "区级文件", "align-district")
    with gr.Row():
        run_button = gr.Button("对照", variant="primary", elem_id="align-run")
        refresh = gr.Button("刷新文件列表", elem_id="align-refresh")
    summary = gr.Markdown(elem_id="align-summary")
    table = gr.HTML(elem_id="align-table")
    with gr.Row():
        link = gr.Dropdown([], label="选择一处对应", elem_id="align-link")
        confirm = gr.Button("确认对应", elem_id="align-confirm")
        remove = gr.Button("删除对应", variant="stop", elem_id="align-remove")
    with gr.Row():
        add_district = gr.Textbox(label="区级条目", placeholder="如：三（四）", elem_id="align-add-district")
        add_city = gr.Textbox(label="市级条目", placeholder="如：四（五）", elem_id="align-add-city")
        add = gr.Button("添加对应", elem_id="align-add")
    review_status = gr.Markdown(elem_id="align-review-status")
    report = gr.File(label="下载市区对照表（XLSX）", interactive=False, elem_id="align-report")
    pair = gr.State(None)  # (city, district) as loaded, for re-running after a decision

    def show(current, message=""):
        city, district = current
        try:
            alignment = services.versions.align(city, district)
        except Exception as exc:  # a bad file: show its message, keep the tab usable
            return f"{marks.ERROR}{exc}", "", gr.update(choices=[], value=None), None, message
        head = f"**市级**：{alignment.city.title}　**区级**：{alignment.district.title}\n\n{alignment.summary()}"
        head += "".join(f"\n\n注意：{note}" for note in alignment.notes)
        from assistant.versions.export import alignment_xlsx

        out = alignment_xlsx(alignment, ui_files.output_dir("szzs-align-") / "市区对照表.xlsx")
        return head, alignment_html(alignment), gr.update(choices=link_choices(alignment), value=None), str(out), message

    def run(c_choice, c_upload, d_choice, d_upload):
        city, district = picked_to_keep(c_choice, c_upload), picked_to_keep(d_choice, d_upload)
        if not city or not district:
            return ("请选择或上传市级文件和区级文件。", "", gr.update(choices=[], value=None), None, "", None)
        return (*show((city, district)), (city, district))

    def decide(current, value, decision):
        if not current:
            return "请先进行对照。", gr.update(), gr.update(), gr.update(), "请先进行对照。"
        if not value:
            return (gr.update(), gr.update(), gr.update(), gr.update(), "请先选择一处对应。")
        district_key, _, city_key = value.partition("|")
        alignment = services.versions.align(*current, apply_staff=False)
        services.versions.review(alignment.city, alignment.district, district_key, city_key, decision)
        verb = {"confirmed": "已确认", "removed": "已删除", "added": "已添加"}[decision]
        return show(current, f"{verb}：{district_key} → {city_key}（已保存）")

    def add_link(current, district_key, city_key):
        district_key, city_key = (district_key or "").strip(), (city_key or "").strip()
        if not district_key or not city_key:
            return (gr.update(), gr.update(), gr.update(), gr.update(), "请填写区级条目和市级条目。")
        return decide(current, f"{district_key}|{city_key}", "added")

    outputs = [summary, table, link, report, review_status]
    run_button.click(run, inputs=[city_choice, city_upload, district_choice, district_upload], outputs=outputs + [pair],
                     api_name="align")
    confirm.click(lambda cur, v: decide(cur, v, "confirmed"), inputs=[pair, link], outputs=outputs)
    remove.click(lambda cur, v: decide(cur, v, "removed"), inputs=[pair, link], outputs=outputs)
    add.click(add_link, inputs=[pair, add_district, add_city], outputs=outputs)
    refresh.click(lambda: refresh_pickers(services), outputs=[city_choice, district_choice])
