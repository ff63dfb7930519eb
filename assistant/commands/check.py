"""`python -m assistant check FILE [FILE ...] [--kind KIND] [--org-type TYPE] [--json] [--docx OUT] [--markdown OUT]`.

Several files are checked together as one package. Exit status: 0 when the
check ran (findings or not; see "complete" in --json), 1 when a file could not
be read (the others are still checked), 2 for bad arguments.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HELP = "检查申请材料是否齐全、合规 / check a filing (charter, registration package, annual report …) against the rulebook"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="one or more files (docx/pdf/txt), checked as one package")
    parser.add_argument("--kind", help="charter | registration | annual_report | charter_approval | change | "
                                       "deregistration (或中文：章程、成立登记、年检、章程核准、变更登记、注销登记); detected if omitted")
    parser.add_argument("--org-type", help="社会团体 | 社会服务机构 | 基金会; detected if omitted")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--docx", type=Path, help="also write the review report (补正通知) as DOCX to this path")
    parser.add_argument("--markdown", type=Path, help="also write the review report as Markdown to this path")


def run(args, services) -> int:
    checker = services.checker
    try:
        result = checker.check_files(args.files, kind=args.kind, org_type=args.org_type)
    except ValueError as exc:  # unknown --kind / --org-type
        print(str(exc), file=sys.stderr)
        return 2
    for error in result.errors:
        print(error["message"], file=sys.stderr)
    if args.docx:
        checker.write_docx(result, args.docx)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(checker.markdown(result), encoding="utf-8")
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(checker.markdown(result))
    return 1 if result.errors else 0
