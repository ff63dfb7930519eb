"""知识库 tab: the indexed documents with their status (现行有效 / 已修订 / 已废止 / 尚未施行)
and version chain, uploads with progress (inside long files too), deletion, and the
user's validity corrections.

Deleting is two steps: choose a document (nothing is chosen by default), press 删除, read
the confirmation naming the document, press 确认删除. The report says what was removed;
a document whose file is still on disk (corpus/) can be restored with 撤销.
"""

from __future__ import annotations

import html

import gradio as gr

from assistant.kb.datadir import WriterBusyError
from assistant.kb.schema import DOC_TYPE_LABELS
from assistant.ui import files, marks

COLUMNS = ["标题", "文号", "发文机关", "日期", "类型", "状态", "施行日期", "失效日期", "版本链", "分块数", "来源"]
# Widths for a 1400 px screen (narrower ones scroll the table sideways): the title and the source
# are the long ones; they wrap (app.CSS breaks a long path anywhere) instead of being cut off.
COLUMN_WIDTHS = ["208px", "130px", "130px", "104px", "78px", "91px", "104px", "104px", "104px", "65px", "182px"]


def document_rows(services) -> list[list]:
    return [
        [d["title"], d["doc_number"], "、".join(d["issuers"]), d["date"], DOC_TYPE_LABELS.get(d["doc_type"], d["doc_type"]),
         d["status"] + ("（用户设定）" if d["set_by"] == "用户设定" else ""), d["valid_from"], d["valid_to"],
         d["chain"], d["chunks"], d["source"]]
        for d in services.versions.documents()
    ]


def document_choices(services) -> list[tuple[str, str]]:
    return [(f"{d['title']}（{d['name']} · {d['chunks']} 个分块 · {d['source']}）", d["source"])
            for d in services.ingest.documents()]


def ingest_summary(report) -> str:
    lines = [f"**导入完成**：新增 {len(report.added)}，更新 {len(report.updated)}，跳过 {len(report.skipped)}，"
             f"失败 {len(report.failed)}；写入 {report.chunks_written} 个分块，用时 {report.seconds:.1f} 秒。"]
    lines += [f"- {marks.ERROR}{failure.message}" for failure in report.failed]
    lines += [f"- {marks.NOTE}{note}" for note in report.notes]
    return "\n".join(lines)


def build(services) -> None:
    gr.Markdown("已入库的政策文件、法规与范本。上传 .txt / .md / .pdf / .docx 文件即可加入知识库；内容相同的文件会被跳过，"
                "同名而内容不同的文件作为新文件加入。")
    table = gr.Dataframe(value=lambda: document_rows(services), headers=COLUMNS, interactive=False,
                         label="已索引文件", elem_id="kb-documents", wrap=True, column_widths=COLUMN_WIDTHS,
                         show_search="search")
    with gr.Row():
        uploads = gr.File(label="上传文件", file_count="multiple", file_types=[".txt", ".md", ".pdf", ".docx"],
                          elem_id="kb-upload")
        with gr.Column():
            ingest_button = gr.Button("导入知识库", variant="primary", elem_id="kb-ingest")
            status = gr.Markdown(elem_id="kb-status")
    with gr.Row():
        to_delete = gr.Dropdown(label="选择要删除的文件", choices=document_choices(services), value=None,
                                elem_id="kb-delete-choice")
        delete_button = gr.Button("删除…", variant="stop", elem_id="kb-delete")
        refresh_button = gr.Button("刷新", elem_id="kb-refresh")
    pending = gr.State(None)  # the source the confirmation names
    restorable = gr.State(None)  # the file a deletion can be undone from
    with gr.Group(visible=False, elem_id="kb-confirm") as confirm_box:
        confirm_text = gr.Markdown(elem_id="kb-confirm-text")
        with gr.Row():
            confirm_button = gr.Button("确认删除", variant="stop", elem_id="kb-confirm-delete")
            cancel_button = gr.Button("取消", elem_id="kb-cancel-delete")
    undo_button = gr.Button("撤销删除（从原文件重新导入）", visible=False, elem_id="kb-undo")

    def ingest(chosen, progress=gr.Progress()):
        paths = files.paths_of(chosen)
        if not paths:
            return gr.update(), "请先选择要上传的文件。", gr.update()
        progress(0, desc="开始导入")
        try:
            report = services.ingest.add_uploads(
                [(p, p.name) for p in paths],
                progress=lambda done, total, name: progress((done, total), desc=f"正在处理 {name}" if name else "完成"),
                chunk_progress=lambda done, total, name: progress((done, total), desc=f"{name}：已嵌入 {done}/{total} 个分块"))
        except WriterBusyError as exc:  # the uploads stay (until ui.keep_downloads_s) for another try
            return gr.update(), f"{marks.ERROR}{exc}", gr.update()
        files.used(chosen)  # stored in the data directory now (or refused): Gradio's copies go
        return document_rows(services), ingest_summary(report), gr.update(choices=document_choices(services), value=None)

    def ask(source):
        if not source:
            return None, gr.update(visible=False), "", "请先选择要删除的文件。"
        doc = next((d for d in services.ingest.documents() if d["source"] == source), None)
        if doc is None:
            return None, gr.update(visible=False), "", f"未找到：{source}"
        text = (f"**确定从知识库删除《{html.escape(doc['title'] or doc['name'])}》吗？**\n\n"
                f"文件：{html.escape(doc['name'])}（{html.escape(source)}），{doc['chunks']} 个分块。"
                "删除后该文件的全部内容（含上传的副本）都会从知识库中移除。")
        return source, gr.update(visible=True), text, ""

    def confirm(source):
        hidden = gr.update(visible=False)
        if not source:
            return gr.update(), "请先选择要删除的文件。", gr.update(), None, hidden, None, hidden
        try:
            report = services.ingest.delete(source)
        except WriterBusyError as exc:
            return gr.update(), f"{marks.ERROR}{exc}", gr.update(), None, hidden, None, hidden
        if report is None:
            message, restore = f"未找到：{source}", None
        else:
            message, restore = report.message().replace("\n", "\n\n"), report.still_on_disk or None
        return (document_rows(services), message, gr.update(choices=document_choices(services), value=None),
                None, hidden, restore, gr.update(visible=bool(restore)))

    def undo(path):
        if not path:
            return gr.update(), "没有可以撤销的删除。", gr.update(), None, gr.update(visible=False)
        try:
            report = services.ingest.run([path])
        except WriterBusyError as exc:
            return gr.update(), f"{marks.ERROR}{exc}", gr.update(), path, gr.update(visible=True)
        return (document_rows(services), "已撤销删除：" + ingest_summary(report),
                gr.update(choices=document_choices(services), value=None), None, gr.update(visible=False))

    def refresh():
        return document_rows(services), gr.update(choices=document_choices(services), value=None)

    ingest_button.click(ingest, inputs=[uploads], outputs=[table, status, to_delete], api_name="ingest")
    delete_button.click(ask, inputs=[to_delete], outputs=[pending, confirm_box, confirm_text, status], api_name="delete")
    confirm_button.click(confirm, inputs=[pending], outputs=[table, status, to_delete, pending, confirm_box,
                                                             restorable, undo_button], api_name="confirm_delete")
    cancel_button.click(lambda: (None, gr.update(visible=False), "已取消删除。"), outputs=[pending, confirm_box, status],
                        api_name="cancel_delete")
    undo_button.click(undo, inputs=[restorable], outputs=[table, status, to_delete, restorable, undo_button],
                      api_name="undo_delete")
    refresh_button.click(refresh, outputs=[table, to_delete], api_name="refresh")
    _validity_editor(services, table)


def _validity_editor(services, table) -> None:
    """Correct a document's validity; what is set here wins and survives re-ingest."""
    with gr.Accordion("设定文件效力（人工设定优先于自动识别，重新导入后仍然保留）", open=False):
        with gr.Row():
            doc = gr.Dropdown(label="文件", choices=document_choices(services), value=None, elem_id="kb-validity-doc")
            valid_from = gr.Textbox(label="施行日期", placeholder="YYYY-MM-DD，留空为自动识别", elem_id="kb-valid-from")
            valid_to = gr.Textbox(label="失效日期（当日起不再有效）", placeholder="YYYY-MM-DD", elem_id="kb-valid-to")
            state = gr.Dropdown([("自动识别", ""), ("现行有效", "现行有效"), ("已废止", "已废止")], value="",
                                label="状态", elem_id="kb-validity-status")
            note = gr.Textbox(label="备注", elem_id="kb-validity-note")
        with gr.Row():
            save = gr.Button("保存效力设定", variant="primary", elem_id="kb-validity-save")
            clear = gr.Button("恢复自动识别", elem_id="kb-validity-clear")
        message = gr.Markdown(elem_id="kb-validity-message")

    def apply(source, start, end, status_value, note_value):
        if not source:
            return gr.update(), "请先选择文件。"
        try:
            v = services.versions.set_validity(source, valid_from=start, valid_to=end, status=status_value,
                                               note=note_value)
        except (ValueError, WriterBusyError) as exc:
            return gr.update(), f"{marks.ERROR}{exc}"
        span = f"{v.valid_from or '?'} 起" + (f"，{v.valid_to} 止" if v.valid_to else "")
        return document_rows(services), f"已保存：{source}（{v.status()}，{span}）"

    save.click(apply, inputs=[doc, valid_from, valid_to, state, note], outputs=[table, message])
    clear.click(lambda source: apply(source, "", "", "", ""), inputs=[doc], outputs=[table, message])
