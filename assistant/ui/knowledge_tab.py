"""知识库 tab: the indexed documents with their status (现行有效 / 已修订 / 已废止 / 尚未施行)
and version chain, uploads with progress, deletion, and the user's validity corrections."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr

from assistant.kb.schema import DOC_TYPE_LABELS

COLUMNS = ["标题", "文号", "发文机关", "日期", "类型", "状态", "施行日期", "失效日期", "版本链", "分块数", "来源"]


def document_rows(services) -> list[list]:
    return [
        [d["title"], d["doc_number"], "、".join(d["issuers"]), d["date"], DOC_TYPE_LABELS.get(d["doc_type"], d["doc_type"]),
         d["status"] + ("（用户设定）" if d["set_by"] == "用户设定" else ""), d["valid_from"], d["valid_to"],
         d["chain"], d["chunks"], d["source"]]
        for d in services.versions.documents()
    ]


def document_choices(services) -> list[tuple[str, str]]:
    return [(f"{d['title']}（{d['source']}）", d["source"]) for d in services.ingest.documents()]


def build(services) -> None:
    gr.Markdown("已入库的政策文件、法规与范本。上传 .txt / .md / .pdf / .docx 文件即可加入知识库；内容未变化的文件会被跳过。")
    table = gr.Dataframe(value=lambda: document_rows(services), headers=COLUMNS, interactive=False,
                         label="已索引文件", elem_id="kb-documents", wrap=True)
    with gr.Row():
        uploads = gr.File(label="上传文件", file_count="multiple", file_types=[".txt", ".md", ".pdf", ".docx"],
                          elem_id="kb-upload")
        with gr.Column():
            ingest_button = gr.Button("导入知识库", variant="primary", elem_id="kb-ingest")
            status = gr.Markdown(elem_id="kb-status")
    with gr.Row():
        to_delete = gr.Dropdown(label="选择要删除的文件", choices=document_choices(services), elem_id="kb-delete-choice")
        delete_button = gr.Button("删除", variant="stop", elem_id="kb-delete")
        refresh_button = gr.Button("刷新", elem_id="kb-refresh")

    def ingest(files, progress=gr.Progress()):
        if not files:
            return gr.update(), "请先选择要上传的文件。", gr.update()
        upload_dir = services.settings.data_dir / "uploads"
        upload_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            # Keep the user's file name (Gradio stores uploads under a temp name).
            dest = upload_dir / Path(getattr(f, "orig_name", None) or src.name).name
            shutil.copyfile(src, dest)
            paths.append(dest)
        progress(0, desc="开始导入")
        report = services.ingest.run(paths, progress=lambda done, total, name: progress(
            (done, total), desc=f"正在处理 {name}" if name else "完成"))
        lines = [f"**导入完成**：新增 {len(report.added)}，更新 {len(report.updated)}，跳过 {len(report.skipped)}，"
                 f"失败 {len(report.failed)}；写入 {report.chunks_written} 个分块，用时 {report.seconds:.1f} 秒。"]
        lines += [f"- ❌ {failure.message}" for failure in report.failed]
        return document_rows(services), "\n".join(lines), gr.update(choices=document_choices(services))

    def delete(source):
        if not source:
            return gr.update(), "请先选择要删除的文件。", gr.update()
        ok = services.ingest.delete(source)
        message = f"已删除：{source}" if ok else f"未找到：{source}"
        return document_rows(services), message, gr.update(choices=document_choices(services), value=None)

    def refresh():
        return document_rows(services), gr.update(choices=document_choices(services))

    ingest_button.click(ingest, inputs=[uploads], outputs=[table, status, to_delete])
    delete_button.click(delete, inputs=[to_delete], outputs=[table, status, to_delete])
    refresh_button.click(refresh, outputs=[table, to_delete])
    _validity_editor(services, table)


def _validity_editor(services, table) -> None:
    """Correct a document's validity; what is set here wins and survives re-ingest."""
    with gr.Accordion("设定文件效力（人工设定优先于自动识别，重新导入后仍然保留）", open=False):
        with gr.Row():
            doc = gr.Dropdown(label="文件", choices=document_choices(services), elem_id="kb-validity-doc")
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
        except ValueError as exc:
            return gr.update(), f"❌ {exc}"
        span = f"{v.valid_from or '?'} 起" + (f"，{v.valid_to} 止" if v.valid_to else "")
        return document_rows(services), f"已保存：{source}（{v.status()}，{span}）"

    save.click(apply, inputs=[doc, valid_from, valid_to, state, note], outputs=[table, message])
    clear.click(lambda source: apply(source, "", "", "", ""), inputs=[doc], outputs=[table, message])
