"""`python -m assistant diff OLD NEW [--json] [--docx OUT] [--all]`: article-level diff of two versions."""

from __future__ import annotations

import json
import sys

HELP = "比较两个版本：逐条对齐（处理条号变化）、逐字差异、变化摘要 / article-level diff of two versions"


def add_arguments(parser) -> None:
    parser.add_argument("old", help="旧版本：文件路径，或知识库中的来源名 / older version: a file or a KB source")
    parser.add_argument("new", help="新版本 / newer version")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--docx", metavar="OUT", help="also write a 修订对照表 DOCX")
    parser.add_argument("--all", action="store_true", help="also list unchanged articles / 同时列出未变条款")


def inline(entry) -> str:
    """Changed text with [-deleted-] and {+inserted+} marks."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.op].format(s.text) for s in entry.segments)


def run(args, services) -> int:
    from assistant.kb.loaders import LoadError
    from assistant.versions.diff import STATUS_LABELS
    from assistant.versions.export import diff_docx
    from assistant.versions.service import DocumentNotFound

    try:
        result = services.versions.diff(args.old, args.new)
    except (LoadError, DocumentNotFound) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    if args.docx:
        diff_docx(result, args.docx)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(f"旧：{result.doc_a.title}（{result.doc_a.date}）  新：{result.doc_b.title}（{result.doc_b.date}）\n")
    print("\n".join(result.summary))
    for group, entries in result.chapters():
        shown = [e for e in entries if args.all or e.status != "unchanged"]
        if not shown:
            continue
        print(f"\n== {group or '（无章节）'}")
        for e in shown:
            print(f"[{STATUS_LABELS[e.status]}] {e.label}" + (f"（{'；'.join(e.reasons)}）" if e.reasons else ""))
            if e.segments:
                print("    " + inline(e).replace("\n", "\n    "))
            elif e.status in ("added", "removed"):
                print("    " + (e.b or e.a).text.replace("\n", "\n    "))
            for origin in e.origins:
                print(f"    ↳ {origin}")
    if args.docx:
        print(f"\n已写入 / written: {args.docx}")
    return 0
