"""`python -m assistant fill --form FORM_ID [--profile P.yaml] [--from FILE ...] [--set ID=VALUE ...] [--out form.docx] [--json]`.

``--explain FIELD`` prints that field's guidance (meaning, rules for the values
given, legal basis, knowledge-base citations) instead of the form.
"""

from __future__ import annotations

import json
import sys
from datetime import date

HELP = "智能填报：预填、校验并输出登记表格 / prefill, validate and export a registration form"

STATUS_MARKS = {"ok": "✓", "missing": "○", "invalid": "✗"}


def add_arguments(parser) -> None:
    parser.add_argument("--form", help="表单编号，如 shetuan_establishment（--list 查看全部）/ form id")
    parser.add_argument("--list", action="store_true", help="列出可用的表单 / list the available forms")
    parser.add_argument("--profile", help="组织概况 YAML/JSON 文件 / organization profile file")
    parser.add_argument("--from", dest="documents", nargs="+", default=[], metavar="FILE",
                        help="用于预填的文件：章程、上年度工作报告等（.docx/.pdf/.txt/.md）/ documents to prefill from")
    parser.add_argument("--set", dest="entries", action="append", default=[], metavar="ID=VALUE",
                        help="直接填写某一栏，可重复 / set a field value (repeatable)")
    parser.add_argument("--date", help="按哪一天校验（年龄、日期），默认今天 / validate as of this date (YYYY-MM-DD)")
    parser.add_argument("--explain", metavar="FIELD", help="显示某一栏的填写说明和依据 / show a field's guidance")
    parser.add_argument("--out", help="输出的 DOCX 路径 / output DOCX path")
    parser.add_argument("--json", action="store_true",
                        help='print {"form","fields":[{"id","label","value","source","status","message"}]} as JSON')


def run(args, services) -> int:
    from assistant.forms.service import FormNotFoundError

    filler = services.filler
    filler.forms  # load the definitions so that their errors are known
    for error in filler.load_errors:
        print(error, file=sys.stderr)
    if args.list or not args.form:
        for form_id, title in filler.list_forms():
            print(f"{form_id}\t{title}")
        if not args.list:
            print("请用 --form 指定表单 / choose a form with --form", file=sys.stderr)
            return 2
        return 0

    try:
        form = filler.form(args.form)
    except FormNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    entries: dict[str, str] = {}
    for item in args.entries:
        field_id, sep, value = item.partition("=")
        if not sep or field_id not in form.field_ids:
            print(f"--set 参数“{item}”无效：应为“栏目编号=值”，栏目编号可选 {', '.join(form.field_ids)}"
                  f"（invalid --set {item!r}: expected ID=VALUE with a field id of {form.id}）", file=sys.stderr)
            return 2
        entries[field_id] = value

    today = None
    if args.date:
        try:
            today = date.fromisoformat(args.date)
        except ValueError:
            print(f"--date 应为 YYYY-MM-DD（--date must be YYYY-MM-DD, got {args.date!r}）", file=sys.stderr)
            return 2

    profile = None
    if args.profile:
        from assistant.profile import ProfileError

        try:
            profile = filler.load_profile(args.profile)
        except ProfileError as exc:
            print(str(exc), file=sys.stderr)
            return 2

    filled = filler.fill(form.id, profile=profile, documents=args.documents, overrides=entries, today=today)
    for error in filled.document_errors:
        print(error, file=sys.stderr)  # one unreadable file never stops the others
    for notice in filled.notices:
        print(notice, file=sys.stderr)  # e.g. no rules file for the configured locality

    if args.explain:
        if args.explain not in form.field_ids:
            print(f"--explain 的栏目编号无效，可选 {', '.join(form.field_ids)}（unknown field {args.explain!r}）", file=sys.stderr)
            return 2
        guidance = filler.guidance(form.id, args.explain, {k: v.value for k, v in filled.values.items()}, today)
        print(json.dumps(guidance.as_dict(), ensure_ascii=False, indent=1) if args.json else guidance.markdown())
        return 0

    if args.out:
        path = filler.write_docx(filled, args.out)
        if not args.json:
            print(f"已生成 / written: {path}")
    if args.json:
        print(json.dumps(filler.to_json(filled), ensure_ascii=False, indent=1))
        return 0

    print(f"{form.title}（{form.id}）")
    for row in filled.rows():
        print(f"{STATUS_MARKS[row['status']]} {row['label']}：{row['value'] or '（未填）'}")
        if row["source"]:
            print(f"    来源：{row['source']}")
        if row["message"]:
            print(f"    {row['message']}")
    problems = filled.problems
    print(f"共{len(filled.rows())}栏：{len(problems)}栏需处理" if problems else f"共{len(filled.rows())}栏，全部通过校验")
    return 0
