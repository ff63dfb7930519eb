"""`python -m assistant search "QUERY" [--k 5] [--json]`."""

from __future__ import annotations

import json

HELP = "检索知识库（稠密+BM25 混合检索）/ search the knowledge base (hybrid dense + BM25)"


def add_arguments(parser) -> None:
    parser.add_argument("query")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    parser.add_argument("--doc-type", choices=["policy", "regulation", "template", "rule", "other"])
    parser.add_argument("--issuer", help="发文机关 substring, e.g. 民政局")
    parser.add_argument("--date-from", help="YYYY-MM-DD")
    parser.add_argument("--date-to", help="YYYY-MM-DD")
    parser.add_argument("--as-of", help="按该日期有效的文本检索（默认今天）/ texts in force on this date (default today)")
    parser.add_argument("--json", action="store_true", help="print one JSON list of hits")


def run(args, services) -> int:
    from assistant.kb.schema import hit_from_document

    docs = services.retriever.search(args.query, k=args.k, mode=args.mode, doc_type=args.doc_type,
                                     issuer=args.issuer, date_from=args.date_from, date_to=args.date_to,
                                     as_of=args.as_of)
    hits = [hit_from_document(d) for d in docs]
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("没有找到相关内容 / no hits")
    for i, hit in enumerate(hits, 1):
        where = " · ".join(x for x in (hit["title"], hit["doc_number"], hit["section"]) if x)
        print(f"[{i}] {where}  (score {hit['score']:.4f})\n    {hit['text'][:200]}\n    — {hit['source']}")
    return 0
