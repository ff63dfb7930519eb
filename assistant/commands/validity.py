"""`python -m assistant validity [--as-of DATE] [--json]` lists each document's status and version
chain; `--set SOURCE [--valid-from D] [--valid-to D] [--status S] [--version-of X] [--note N]` and
`--clear SOURCE` keep the user's correction (it wins and survives re-ingest)."""

from __future__ import annotations

import json
import sys

HELP = "文件效力：状态、施行/失效日期、版本链；人工设定效力 / document validity, version chains, overrides"


def add_arguments(parser) -> None:
    parser.add_argument("--as-of", metavar="DATE", help="按该日期判断效力（默认今天） / status on this date")
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    parser.add_argument("--set", metavar="SOURCE", help="人工设定此文件的效力 / set the validity of this document")
    parser.add_argument("--clear", metavar="SOURCE", help="撤销人工设定 / remove the user's override")
    parser.add_argument("--valid-from", default="", help="施行日期 YYYY-MM-DD")
    parser.add_argument("--valid-to", default="", help="失效/废止日期 YYYY-MM-DD（当日起不再有效）")
    parser.add_argument("--status", default="", choices=["", "现行有效", "已废止"], help="状态")
    parser.add_argument("--version-of", default="", help="所属版本系列（“-”表示不与其他文件成链）")
    parser.add_argument("--note", default="", help="备注")


def run(args, services) -> int:
    from assistant.versions.overrides import OverrideError
    from assistant.versions.service import DocumentNotFound

    versions = services.versions
    try:
        if args.set:
            versions.set_validity(args.set, valid_from=args.valid_from, valid_to=args.valid_to, status=args.status,
                                  version_of=args.version_of, note=args.note)
        elif args.clear:
            versions.set_validity(args.clear)
        rows = versions.documents(as_of=args.as_of)
    except (OverrideError, DocumentNotFound, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        span = f"{row['valid_from'] or '?'} 起" + (f"，{row['valid_to']} 止" if row["valid_to"] else "")
        print(f"[{row['status'] or '未知'}] {row['title']}（{row['source']}）{span}"
              + (f"；版本链 {row['chain']}" if row["chain"] else "")
              + (f"；现行：{row['successor']}" if row["successor"] else "")
              + ("；用户设定" if row["set_by"] == "用户设定" else ""))
        for problem in row["problems"]:
            print(f"    ⚠ {problem}")
    return 0
