"""`python -m assistant risk FILE [FILE ...] [--reports DIR] [--as-of DATE] [--json] [--xlsx OUT] [--docx OUT]`.

Screens the organizations of a registry export (CSV / XLSX: registry, annual figures and penalty
records, in any order and any number of files) and, optionally, a folder of 年度工作报告书,
against the rulebook's risk indicators. Exit status: 0 when the screening ran (hits or not),
1 when a file could not be read (the others are still screened), 2 for bad arguments.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

TOP = 12  # organizations listed by default in the text output (all of them: --json, --xlsx)
HELP = "风险智能识别：按规则库的风险指标筛查登记导出表和年度工作报告书 / screen a registry export for risks"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="registry export files (CSV or XLSX)")
    parser.add_argument("--reports", type=Path, help="a folder (or one file) of annual reports (DOCX / PDF / TXT)")
    parser.add_argument("--as-of", help="screening date, YYYY-MM-DD (default: today)")
    parser.add_argument("--columns", type=Path, help="a column-mapping file for another export layout "
                                                     "(format of corpus/risk/columns.yaml)")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.add_argument("--xlsx", type=Path, help="write organizations and indicator hits as XLSX")
    parser.add_argument("--docx", type=Path, help="write the summary report as DOCX")
    parser.add_argument("--top", type=int, default=TOP, help=f"organizations listed in the text output (default {TOP})")


def _text(result, top: int) -> str:
    summary = result.summary()
    lines = [f"风险筛查（基准日 {result.as_of.isoformat()}，{result.locality}）：共 {summary['organizations']} 家，"
             f"有指标命中 {summary['flagged']} 家；" + "，".join(f"{lv} {n}" for lv, n in summary["by_level"].items())]
    for org in [o for o in result.organizations if o.hits][:top]:
        lines.append(f"\n[{org.risk}] {org.name}（{org.code}，{org.org_type}，{org.district}）")
        for hit in org.hits:
            year = f" {hit.year}年度" if hit.year else ""
            lines.append(f"  - {hit.indicator} {hit.item}{year}：{hit.summary}")
            lines.append(f"    依据：{hit.basis}；建议：{'、'.join(hit.actions)}")
    if result.not_evaluable:
        lines.append("\n未能判断的指标：" + "；".join(f"{k}（{v}）" for k, v in result.not_evaluable.items()))
    if result.problems:
        lines.append(f"\n输入数据问题 {len(result.problems)} 条（--json 或 --xlsx 列出全部）：")
        lines += [f"  - {p.message}" for p in result.problems[:top]]
    return "\n".join(lines)


def run(args, services) -> int:
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        print(f"--as-of 应为 YYYY-MM-DD：{args.as_of} / --as-of must be YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.reports is not None and not args.reports.exists():
        print(f"年度工作报告书目录不存在：{args.reports} / no such reports folder: {args.reports}", file=sys.stderr)
        return 2
    risk = services.risk
    result = risk.screen(args.files, reports=args.reports, as_of=as_of, columns_file=args.columns)
    unreadable = [p for p in result.problems if p.kind == "unreadable"]
    for problem in unreadable:
        print(problem.message, file=sys.stderr)
    if args.xlsx:
        risk.write_xlsx(result, args.xlsx)
    if args.docx:
        risk.write_docx(result, args.docx)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(_text(result, args.top))
    return 1 if unreadable else 0
