"""`python -m assistant delete SOURCE|DOC_ID ...`: remove documents from the knowledge base.

Every copy goes: chunks, sentence vectors, keyword entries, the uploaded copy in
data/uploads, and what Chroma keeps of deleted text (the index is compacted).
"""

from __future__ import annotations

import json
import sys

HELP = "从知识库删除文件（含上传副本，并压缩索引）/ delete documents from the knowledge base"


def add_arguments(parser) -> None:
    parser.add_argument("documents", nargs="+", help="source names (as `search --json` shows them) or doc ids")
    parser.add_argument("--json", action="store_true", help="print what was removed as JSON")


def run(args, services) -> int:
    from dataclasses import asdict

    from assistant.kb.datadir import WriterBusyError

    results, missing = [], []
    for ref in args.documents:
        try:
            report = services.ingest.delete(ref)
        except WriterBusyError as exc:
            print(exc, file=sys.stderr)
            return 2
        if report is None:
            missing.append(ref)
        else:
            results.append(report)
    if args.json:
        print(json.dumps({"deleted": [asdict(r) for r in results], "not_found": missing}, ensure_ascii=False, indent=1))
    else:
        for report in results:
            print(report.message())
        for ref in missing:
            print(f"知识库中没有“{ref}” / '{ref}' is not in the knowledge base", file=sys.stderr)
    return 1 if missing else 0
