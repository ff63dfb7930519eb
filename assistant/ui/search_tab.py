"""检索 tab: hybrid search with filters (type, issuer, dates, validity status), each hit shown
with a plain-language relevance label, its source and section, and a link to the whole document."""

from __future__ import annotations

import html
import time

import gradio as gr

from assistant.kb.relevance import HIGH, RELATED, relevance_labels
from assistant.kb.schema import DOC_TYPE_LABELS, hit_from_document
from assistant.ui.viewer_tab import open_link
from assistant.versions.asof import IN_FORCE, date_int, parse_date, status_on

TYPE_CHOICES = [("全部", "")] + [(label, key) for key, label in DOC_TYPE_LABELS.items()]
STATUS_CHOICES = [("现行有效", "in_force"), ("已修订或已废止", "superseded"), ("全部", "any")]
RELEVANCE_CLASSES = {HIGH: "high", RELATED: "related"}


def render_hits(hits: list[dict], seconds: float | None = None, searched: str = "") -> str:
    """Cards for hits carrying ``relevance`` and ``status`` (and ``doc_id`` / ``chunk_id`` for the link);
    ``searched``: the query and filters, said back above the hits."""
    took = f"（用时 {seconds:.1f} 秒）" if seconds is not None else ""
    head = html.escape(searched + "：") if searched else ""
    if not hits:
        return (f'<p class="szzs-took">{head}没有找到相关内容{took}。'
                "可以放宽筛选条件（文件类型、发文机关、日期、效力状态）再试。</p>")
    cards = [f'<div class="meta szzs-took">{head}找到 {len(hits)} 条{took}</div>']
    for i, hit in enumerate(hits, 1):
        label = hit.get("relevance", "")
        badge = (f'<span class="szzs-rel {RELEVANCE_CLASSES.get(label, "possible")}">{html.escape(label)}</span>'
                 if label else "")
        status = hit.get("status", "")
        status_mark = f"【{html.escape(status)}】" if status and status != IN_FORCE else ""
        head = " · ".join(html.escape(x) for x in (
            hit["title"], hit["doc_number"], "、".join(hit["issuers"]), hit["date"]) if x)
        kind = DOC_TYPE_LABELS.get(hit["doc_type"], "")
        section = f'<div class="meta">位置：{html.escape(hit["section"])}</div>' if hit["section"] else ""
        body = html.escape(hit["text"]).replace("\n\n", "<br>").replace("\n", "<br>")
        link = open_link(hit.get("doc_id", ""), hit.get("chunk_id", ""), text="在全文中查看")
        cards.append(
            f'<div class="szzs-hit"><div class="szzs-hit-head">{badge}<b>[{i}]</b> {head}'
            f'{"（" + kind + "）" if kind else ""}{status_mark}</div>{section}'
            f'<div class="text">{body}</div>'
            f'<div class="meta szzs-source">来源：{html.escape(hit["source"])}{link}</div></div>'
        )
    return "\n".join(cards)


def searched_text(query: str, doc_type: str, issuer: str, date_from: str | None, date_to: str | None,
                  status: str) -> str:
    """“社会组织评估” · 政策文件 · 长宁区民政局 · 2026-01-01 至 … · 现行有效: what the hits answer."""
    dates = f"{date_from or '…'} 至 {date_to or '…'}" if date_from or date_to else ""
    parts = [f"“{query.strip()}”", DOC_TYPE_LABELS.get(doc_type or "", ""), (issuer or "").strip(), dates,
             dict((key, label) for label, key in STATUS_CHOICES).get(status, "")]
    return " · ".join(p for p in parts if p)


def issuer_choices(services) -> list[str]:
    names = {name for d in services.ingest.documents() for name in d["issuers"]}
    return [""] + sorted(names)


def build(services) -> None:
    with gr.Row():
        query = gr.Textbox(label="检索内容", placeholder="例如：沪民社登发〔2026〕1号；基金会理事人数；“沪社星耀”",
                           scale=4, elem_id="search-query")
        button = gr.Button("检索", variant="primary", scale=1, elem_id="search-button")
    with gr.Row():
        doc_type = gr.Dropdown(TYPE_CHOICES, value="", label="文件类型", elem_id="search-type")
        issuer = gr.Dropdown(issuer_choices(services), value="", label="发文机关（可选择或输入）",
                             allow_custom_value=True, elem_id="search-issuer")
        date_from = gr.Textbox(label="发文日期起", placeholder="YYYY-MM-DD", elem_id="search-date-from")
        date_to = gr.Textbox(label="发文日期止", placeholder="YYYY-MM-DD", elem_id="search-date-to")
        status = gr.Dropdown(STATUS_CHOICES, value="in_force", label="效力状态", elem_id="search-status")
    with gr.Accordion("更多选项", open=False):
        with gr.Row():
            k = gr.Slider(1, 20, value=services.settings.retrieval.k, step=1, label="返回条数")
            mode = gr.Radio([("混合", "hybrid"), ("语义", "dense"), ("关键词", "bm25")], value="hybrid",
                            label="检索方式")
            as_of = gr.Textbox(label="效力日期（按该日的效力状态，默认今天）", placeholder="YYYY-MM-DD",
                               elem_id="search-as-of")
    results = gr.HTML(elem_id="search-results")

    def search(q, k, mode, doc_type, issuer, date_from, date_to, as_of_value, status_value="in_force"):
        if not (q or "").strip():
            return "<p>请输入检索内容。</p>"
        dates = {"起始日期": date_from, "截止日期": date_to, "效力日期": as_of_value}
        try:
            parsed = {name: parse_date((value or "").strip() or None) for name, value in dates.items()}
        except ValueError as exc:
            return f"<p>{html.escape(str(exc))}</p>"
        iso = {name: d.isoformat() if d else None for name, d in parsed.items()}
        started = time.perf_counter()
        docs = services.retriever.search(q, k=int(k), mode=mode, doc_type=doc_type or None,
                                         issuer=(issuer or "").strip() or None, date_from=iso["起始日期"],
                                         date_to=iso["截止日期"], as_of=iso["效力日期"], status=status_value or None)
        as_of_int = date_int(iso["效力日期"])
        hits = []
        for doc, label in zip(docs, relevance_labels(docs, keywords_searched=mode != "dense")):
            hit = hit_from_document(doc)
            hit.update(relevance=label, status=status_on(doc.metadata, as_of_int))
            hits.append(hit)
        return render_hits(hits, time.perf_counter() - started,
                           searched_text(q, doc_type, issuer, iso["起始日期"], iso["截止日期"], status_value))

    inputs = [query, k, mode, doc_type, issuer, date_from, date_to, as_of, status]  # status last: older API calls omit it
    button.click(search, inputs=inputs, outputs=results, api_name="search")
    query.submit(search, inputs=inputs, outputs=results)
