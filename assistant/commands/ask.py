"""`python -m assistant ask "QUESTION" [--json]`: a grounded answer with verified citations."""

from __future__ import annotations

import json
import sys

HELP = "政策问答：依据知识库回答并核验引用 / policy Q&A with verified citations"


def add_arguments(parser) -> None:
    parser.add_argument("question", help="问题（中文） / the question")
    parser.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="QUESTION",
        help="本次对话中之前的问题，可重复，按先后顺序 / an earlier question of this conversation (repeatable, oldest first)",
    )
    parser.add_argument("--as-of", help="按该日期有效的文本回答（默认今天）/ answer as of this date (default today)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args, services) -> int:
    qa = services.qa
    if args.json:
        answer = qa.ask(args.question, history=args.history, as_of=args.as_of)
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        return 0
    from assistant.qa.service import QAAnswer, QAStage

    answer = None
    for item in qa.stream(args.question, history=args.history, as_of=args.as_of):
        if isinstance(item, QAStage):
            # Progress and the evidence, as soon as it is chosen, go to stderr; the answer to stdout.
            print(f"[{item.seconds:.1f}s] {item.message}", file=sys.stderr, flush=True)
            if item.stage == "evidence" and item.evidence is not None:
                for s in item.evidence.sentences:
                    print(f"  [{s.n}] {s.passage.label}：“{s.text.strip()}”", file=sys.stderr, flush=True)
        elif isinstance(item, str):
            print(item, end="", file=sys.stderr, flush=True)
        elif isinstance(item, QAAnswer):
            answer = item
    if answer.raw_answer:
        print("\n", file=sys.stderr)
    print(answer.answer)
    if answer.citations:
        print("\n引用 / citations:")
        for c in answer.citations:
            cite = c.to_json()
            where = " ".join(x for x in (f"《{cite['title']}》" if cite["title"] else "", cite["doc_number"], cite["section"]) if x)
            print(f"[{cite['n']}] {where}\n    “{cite['quote']}”\n    — {cite['source']}")
    if answer.removed:
        print(f"\n已删除未通过核验的引用 / removed unverified citations: {len(answer.removed)}")
    print(f"\n({answer.backend}, {answer.seconds:.1f}s)")
    return 0
