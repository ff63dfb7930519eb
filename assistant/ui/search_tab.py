"""检索 tab: hybrid search with metadata filters, hits shown with their source and section."""

from __future__ import annotations

import html

import gradio as gr

from assistant.kb.schema import DOC_TYPE_LABELS, hit_from_document
from assistant.versions.asof import IN_FORCE, date_int, status_on

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
        as_of = gr.Textbox(label="效力日期（按该日有效的文本，默认今天）", placeholder="YYYY-MM-DD", elem_id="search-as-of")
    results = gr.HTML(elem_id="search-results")

    def search(q, k, mode, doc_type, issuer, date_from, date_to, as_of_value):
        if not q.strip():
            return "<p>请输入检索内容。</p>"
        try:
            as_of_int = date_int(as_of_value.strip() or None)
        except ValueError as exc:
            return f"<p>{html.escape(str(exc))}</p>"
        docs = services.retriever.search(q, k=int(k), mode=mode, doc_type=doc_type or None, issuer=issuer.strip() or None,
                                         date_from=date_from.strip() or None, date_to=date_to.strip() or None,
                                         as_of=as_of_value.strip() or None)
        hits = [hit_from_document(d) for d in docs]
        for hit, d in zip(hits, docs):  # 已修订 / 已废止 versions still shown, marked
            status = status_on(d.metadata, as_of_int)
            hit["section"] = f"{hit['section']}【{status}】" if status != IN_FORCE else hit["section"]
        return render_hits(hits)

    inputs = [query, k, mode, doc_type, issuer, date_from, date_to, as_of]
    button.click(search, inputs=inputs, outputs=results, api_name="search")
    query.submit(search, inputs=inputs, outputs=results)
