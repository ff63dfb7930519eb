"""知识库 tab: the indexed documents, uploads with progress, deletion."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr

from assistant.kb.schema import DOC_TYPE_LABELS

COLUMNS = ["标题", "文号", "发文机关", "日期", "类型", "分块数", "来源"]


def document_rows(services) -> list[list]:
    return [
        [d["title"], d["doc_number"], "、".join(d["issuers"]), d["date"], DOC_TYPE_LABELS.get(d["doc_type"], d["doc_type"]),
         d["chunks"], d["source"]]
        for d in services.ingest.documents()
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
