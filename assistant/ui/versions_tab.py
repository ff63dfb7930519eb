"""版本对比 tab: two versions of a document (from the knowledge base or uploaded), aligned
article by article: a summary with the substantive changes first, then chapter by
chapter the old and new text with the character-level changes marked, and a DOCX
修订对照表 to download. All work goes through ``services.versions``.
"""

from __future__ import annotations

import html
import shutil

import gradio as gr

from assistant.ui import files as ui_files
from assistant.ui import marks
from assistant.versions.diff import STATUS_LABELS, DiffResult

FILE_TYPES = [".txt", ".md", ".pdf", ".docx"]
STATUS_CLASSES = {"unchanged": "same", "changed": "changed", "moved": "moved", "moved_changed": "changed",
                  "added": "added", "removed": "removed"}


# --- choosing a document: from the knowledge base or an upload (shared with the 市区对照 tab) ---

def document_choices(services) -> list[tuple[str, str]]:
    rows = services.ingest.documents()
    return [(f"{d['title']}（{d['date'] or '日期不详'}）", d["source"]) for d in rows]


def document_picker(services, label: str, elem_id: str):
    """A KB dropdown and an upload box; an upload, when given, wins."""
    with gr.Column():
        choice = gr.Dropdown(document_choices(services), label=f"{label}（知识库中的文件）", value=None,
                             elem_id=f"{elem_id}-choice")
        upload = gr.File(label=f"或上传{label}", file_types=FILE_TYPES, elem_id=f"{elem_id}-upload")
    return choice, upload


def refresh_pickers(services) -> tuple:
    """New choices for the two KB dropdowns of a tab (after documents were added or deleted)."""
    choices = document_choices(services)
    return gr.update(choices=choices), gr.update(choices=choices)


def picked(choice: str | None, upload) -> str | None:
    """The chosen document as something ``services.versions.load`` accepts: an upload (kept by
    Gradio under the user's file name; the caller deletes it after the run) or a KB source."""
    uploaded = ui_files.paths_of(upload)
    return str(uploaded[0]) if uploaded else (choice or None)


def picked_to_keep(choice: str | None, upload) -> str | None:
    """Like ``picked``, for documents a later step reads again (staff reviewing an alignment):
    an upload is moved to a working folder that is deleted after ui.keep_downloads_s."""
    uploaded = ui_files.paths_of(upload)
    if not uploaded:
        return choice or None
    dest = ui_files.output_dir("szzs-align-") / uploaded[0].name
    shutil.copyfile(uploaded[0], dest)
    ui_files.used(upload)
    return str(dest)


# --- rendering ---------------------------------------------------------------------------

def segments_html(entry, side: str) -> str:
    out = []
    for seg in entry.segments:
        text = html.escape(seg.text).replace("\n", "<br>")
        if seg.op == "equal":
            out.append(text)
        elif seg.op == "delete" and side == "a":
            out.append(f"<del>{text}</del>")
        elif seg.op == "insert" and side == "b":
            out.append(f"<ins>{text}</ins>")
    return "".join(out)


def _cell(entry, side: str) -> str:
    unit = entry.a if side == "a" else entry.b
    if unit is None:
        return ""
    body = segments_html(entry, side) if entry.segments else html.escape(unit.text).replace("\n", "<br>")
    return f"<b>{html.escape(unit.key)}</b> {body}"


def diff_html(result: DiffResult, changed_only: bool = True) -> str:
    parts = ["<div class='szzs-diff'>"]
    for group, entries in result.chapters():
        shown = [e for e in entries if not changed_only or e.status != "unchanged"]
        if not shown:
            continue
        parts.append(f"<h3 class='diff-group'>{html.escape(group or '（无章节）')}</h3><table>"
                     f"<tr><th>旧版本（{html.escape(result.doc_a.date)}）</th>"
                     f"<th>新版本（{html.escape(result.doc_b.date)}）</th><th>变化</th></tr>")
        for e in shown:
            note = STATUS_LABELS[e.status]
            if e.reasons:
                note += "：" + "；".join(e.reasons)
            if e.origins:
                note += "<br>" + "<br>".join(html.escape(o) for o in e.origins)
            parts.append(f"<tr class='diff-entry {STATUS_CLASSES[e.status]}' data-status='{e.status}'>"
                         f"<td>{_cell(e, 'a')}</td><td>{_cell(e, 'b')}</td><td>{note}</td></tr>")
        parts.append("</table>")
    parts.append("</div>")
    return "".join(parts)


def summary_markdown(result: DiffResult) -> str:
    head = (f"**旧版本**：{result.doc_a.title}（{result.doc_a.date or '日期不详'}）　"
            f"**新版本**：{result.doc_b.title}（{result.doc_b.date or '日期不详'}）")
    return "\n".join([head, ""] + [f"- {line}" for line in result.summary])


def build(services) -> None:
    gr.Markdown("比较同一文件的两个版本（法规的新旧版本，或两年的工作要点）：逐条对齐，条号变化也能识别，"
                "逐字标出修改之处，实质性修改排在前面。")
    with gr.Row():
        old_choice, old_upload = document_picker(services, "旧版本", "diff-old")
        new_choice, new_upload = document_picker(services, "新版本", "diff-new")
    with gr.Row():
        changed_only = gr.Checkbox(value=True, label="只显示有变化的条款", elem_id="diff-changed-only")
        run_button = gr.Button("比较", variant="primary", elem_id="diff-run")
        refresh = gr.Button("刷新文件列表", elem_id="diff-refresh")
    summary = gr.Markdown(elem_id="diff-summary")
    table = gr.HTML(elem_id="diff-table")
    report = gr.File(label="下载修订对照表（DOCX）", interactive=False, elem_id="diff-report")

    def run(old_c, old_u, new_c, new_u, only_changed):
        old, new = picked(old_c, old_u), picked(new_c, new_u)
        if not old or not new:
            return "请选择或上传两个版本。", "", None
        try:
            result = services.versions.diff(old, new)
        except Exception as exc:  # a bad file: show its message, keep the tab usable
            return f"{marks.ERROR}{exc}", "", None
        finally:
            ui_files.used(old_u)
            ui_files.used(new_u)
        out = ui_files.output_dir("szzs-diff-") / f"{result.doc_b.title or '对照'}修订对照表.docx"
        from assistant.versions.export import diff_docx

        diff_docx(result, out)
        return summary_markdown(result), diff_html(result, only_changed), str(out)

    run_button.click(run, inputs=[old_choice, old_upload, new_choice, new_upload, changed_only],
                     outputs=[summary, table, report], api_name="diff")
    refresh.click(lambda: refresh_pickers(services), outputs=[old_choice, new_choice])
