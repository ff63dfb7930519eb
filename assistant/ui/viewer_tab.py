"""文档 tab: read any indexed document whole, opened at a cited article or passage.

Links from the other tabs (Q&A citations, search hits, a finding's or a risk flag's basis)
open the app in a new browser tab at ``?doc=<doc id>&chunk=<chunk id>&q=<quote>``: the page
load picks this tab and shows the document with the passage marked and scrolled to. A link
carries ids only, never a path; ``services.viewer`` serves indexed documents alone, and the
page load goes through the app's own login like every other event.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import gradio as gr

from assistant.kb.documents import DocumentNotFound, ViewedDocument
from assistant.kb.schema import DOC_TYPE_LABELS

TAB_ID = "viewer_tab"
# Run after the event, but the new HTML reaches the page a moment later: scroll a few times.
SCROLL_TO_TARGET = ("() => { for (const ms of [150, 500, 1200, 2500]) setTimeout(() => {"
                    " const t = document.querySelector('#doc-view .szzs-target');"
                    " if (t) t.scrollIntoView({block: 'center'}); }, ms); }")


# --- links from the other tabs ------------------------------------------------------
def viewer_href(doc_id: str, chunk_id: str = "", quote: str = "", locate: str = "") -> str:
    params = {"doc": doc_id, "chunk": chunk_id, "q": quote, "at": locate}
    return "?" + urlencode({k: v for k, v in params.items() if v})


def open_link(doc_id: str, chunk_id: str = "", quote: str = "", text: str = "查看原文", locate: str = "") -> str:
    """An HTML link that opens the document in a new browser tab ("" without a doc id)."""
    if not doc_id:
        return ""
    return (f'<a class="szzs-open" href="{html.escape(viewer_href(doc_id, chunk_id, quote, locate))}" '
            f'target="_blank" rel="noopener">{html.escape(text)}</a>')


def basis_html(services, basis: str) -> str:
    """A rule's basis with each part that names an indexed document linked to it."""
    if not basis:
        return ""
    parts = []
    for ref in services.viewer.references(basis):
        if ref.doc_id:
            parts.append(open_link(ref.doc_id, ref.chunk_id, text=ref.text))
        else:
            parts.append(html.escape(ref.text))
    return "；".join(parts)


# --- the document -------------------------------------------------------------------------
def _chunk_html(text: str, quote: str) -> str:
    start = text.find(quote) if quote else -1
    if start >= 0:
        body = (html.escape(text[:start]) + "<mark>" + html.escape(quote) + "</mark>"
                + html.escape(text[start + len(quote):]))
    else:
        body = html.escape(text)
    return re.sub(r"\n+", "<br>", body)


def document_html(doc: ViewedDocument) -> str:
    meta = " · ".join(html.escape(x) for x in (
        DOC_TYPE_LABELS.get(doc.doc_type, ""), doc.doc_number, "、".join(doc.issuers), doc.date) if x)
    head = [f'<div class="szzs-doc-head"><h3>{html.escape(doc.title or doc.source)}</h3>',
            f'<div class="meta">{meta}</div>' if meta else "",
            f'<div class="meta">来源：{html.escape(doc.source)}</div>']
    located = doc.located
    if located is not None:
        where = located.article or located.section or "所引段落"
        head.append(f'<div class="meta szzs-located">已定位到：{html.escape(where)}（下方黄色标记处）</div>')
    if doc.note:
        head.append(f'<div class="meta szzs-doc-note">{html.escape(doc.note)}</div>')
    head.append("</div>")
    body = []
    for i, chunk in enumerate(doc.chunks):
        target = i == doc.target
        css = "szzs-chunk szzs-target" if target else "szzs-chunk"
        body.append(f'<div class="{css}" id="chunk-{i}">{_chunk_html(chunk.text, doc.quote if target else "")}</div>')
    return "".join(head) + f'<div class="szzs-doc-body">{"".join(body)}</div>'


def not_found_html(message: str) -> str:
    return f'<div class="szzs-doc-missing"><b>404：未找到文档</b><div class="meta">{html.escape(message)}</div></div>'


def view(services, doc_id: str, chunk_id: str = "", locate: str = "", quote: str = "") -> str:
    if not doc_id and chunk_id:
        doc_id = services.viewer.doc_of_chunk(chunk_id)
    try:
        return document_html(services.viewer.open(doc_id or "", chunk_id=chunk_id, locate=locate, quote=quote))
    except DocumentNotFound as exc:
        return not_found_html(str(exc))


def document_choices(services) -> list[tuple[str, str]]:
    return [(f"{d['title'] or d['name']}（{DOC_TYPE_LABELS.get(d['doc_type'], d['doc_type'])}）", d["doc_id"])
            for d in services.viewer.documents()]


# --- the tab -------------------------------------------------------------------------------
def build(services) -> dict:
    gr.Markdown("选择一份已入库的文件阅读全文；在“定位”中输入条号（如 第十条）或一段原文，即可跳到该处并标出。"
                "问答、检索、材料检查和风险识别中的“查看原文”链接也会在这里打开。")
    with gr.Row():
        chooser = gr.Dropdown(label="文件", choices=document_choices(services), value=None, scale=3,
                              elem_id="doc-choice")
        locate = gr.Textbox(label="定位（条号或原文）", placeholder="如：第十条；或 评估等级", scale=2,
                            elem_id="doc-locate")
        show = gr.Button("打开", variant="primary", scale=1, elem_id="doc-open")
        refresh = gr.Button("刷新文件列表", scale=1, elem_id="doc-refresh")
    viewed = gr.HTML(elem_id="doc-view")

    def open_chosen(doc_id, where):
        if not doc_id:
            return "<p>请先选择文件。</p>"
        return view(services, doc_id, locate=(where or "").strip())

    show.click(open_chosen, inputs=[chooser, locate], outputs=viewed, api_name="open_document").then(
        None, js=SCROLL_TO_TARGET)
    locate.submit(open_chosen, inputs=[chooser, locate], outputs=viewed).then(None, js=SCROLL_TO_TARGET)
    chooser.input(open_chosen, inputs=[chooser, locate], outputs=viewed)  # the user's choice, not a link's
    refresh.click(lambda: gr.update(choices=document_choices(services)), outputs=chooser)
    return {"chooser": chooser, "locate": locate, "view": viewed}


def bind_page(app: gr.Blocks, tabs: gr.Tabs, controls: dict, services) -> None:
    """Open the document a link names (``?doc=…&chunk=…&q=…``) when the page loads."""

    def from_link(request: gr.Request):
        params = request.query_params if request is not None else {}
        doc_id, chunk_id = params.get("doc", ""), params.get("chunk", "")
        if not doc_id and not chunk_id:
            return gr.update(), gr.update(), gr.update(), gr.update()
        locate = params.get("at", "")
        page = view(services, doc_id, chunk_id=chunk_id, locate=locate, quote=params.get("q", ""))
        known = {value for _, value in document_choices(services)}
        return (gr.Tabs(selected=TAB_ID), gr.update(value=doc_id if doc_id in known else None),
                gr.update(value=locate), page)

    # Setting the chooser here fires no .input event: the passage opened stays the linked one.
    app.load(from_link, outputs=[tabs, controls["chooser"], controls["locate"], controls["view"]]).then(
        None, js=SCROLL_TO_TARGET)
