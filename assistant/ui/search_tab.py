"""检索 tab: hybrid search with metadata filters, hits shown with their source and section."""

from __future__ import annotations

import html

import gradio as gr

from assistant.kb.schema import DOC_TYPE_LABELS, hit_from_document

TYPE_CHOICES = [("全部", "")] + [(label, key) for key, label in DOC_TYPE_LABELS.items()]


def render_hits(hits: list[dict]) -> str:
    if not hits:
        return "<p>没有找到相关内容。</p>"
    cards = []
    for i, hit in enumerate(hits, 1):
        meta = " · ".join(html.escape(x) for x in (
            hit["title"], hit["doc_number"], "、".join(hit["issuers"]), hit["date"], hit["section"]) if x)
        body = html.escape(hit["text"]).replace("\n\n", "<br>").replace("\n", "<br>")
        cards.append(
            f'<div class="szzs-hit"><div class="meta">[{i}] {meta}（{DOC_TYPE_LABELS.get(hit["doc_type"], "")}，'
            f'相关度 {hit["score"]:.4f}）</div><div class="text">{body}</div>'
            f'<div class="meta">来源：{html.escape(hit["source"])}</div></div>'
        )
    return "\n".join(cards)


def build(services) -> None:
    with gr.Row():
        query = gr.Textbox(label="检索内容", placeholder="例如：沪民社登发〔2026〕1号；基金会理事人数；“沪社星耀”",
                           scale=4, elem_id="search-query")
        button = gr.Button("检索", variant="primary", scale=1, elem_id="search-button")
    with gr.Row():
        k = gr.Slider(1, 20, value=services.settings.retrieval.k, step=1, label="返回条数")
        mode = gr.Radio([("混合", "hybrid"), ("语义", "dense"), ("关键词", "bm25")], value="hybrid", label="检索方式")
        doc_type = gr.Dropdown(TYPE_CHOICES, value="", label="文件类型")
        issuer = gr.Textbox(label="发文机关包含", placeholder=f"如：{services.locality.name}")
        date_from = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD")
        date_to = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD")
    results = gr.HTML(elem_id="search-results")

    def search(q, k, mode, doc_type, issuer, date_from, date_to):
        if not q.strip():
            return "<p>请输入检索内容。</p>"
        docs = services.retriever.search(q, k=int(k), mode=mode, doc_type=doc_type or None, issuer=issuer.strip() or None,
                                         date_from=date_from.strip() or None, date_to=date_to.strip() or None)
        return render_hits([hit_from_document(d) for d in docs])

    inputs = [query, k, mode, doc_type, issuer, date_from, date_to]
    button.click(search, inputs=inputs, outputs=results)
    query.submit(search, inputs=inputs, outputs=results)
