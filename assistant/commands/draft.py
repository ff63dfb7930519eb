"""`python -m assistant draft --profile PROFILE.yaml --out charter.docx [--markdown charter.md] [--json]`."""

from __future__ import annotations

import json
import sys

HELP = "根据组织概况起草章程（DOCX）/ draft a charter (DOCX) from an organization profile"


def add_arguments(parser) -> None:
    parser.add_argument("--profile", required=True, help="组织概况 YAML/JSON 文件 / profile file")
    parser.add_argument("--out", required=True, help="输出的 DOCX 路径 / output DOCX path")
    parser.add_argument("--markdown", help="另存 Markdown 预览 / also write a Markdown preview here")
    parser.add_argument("--json", action="store_true",
                        help='print {"org_type","name","articles","coverage","warnings"} as JSON')


def run(args, services) -> int:
    from assistant.drafting.service import CoverageError, ProfileError, ProfileInvalid, TemplateError

    try:
        result = services.drafter.draft_file(args.profile)
    except (ProfileError, ProfileInvalid, CoverageError, TemplateError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    path = result.write_docx(args.out)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(result.markdown)
    if args.json:
        print(json.dumps(result.summary(), ensure_ascii=False, indent=1))
        return 0
    print(f"已生成章程草稿 / charter drafted: {path}")
    print(f"  {result.charter.title}：{len(result.charter.chapters)}章 {len(result.charter.articles)}条；"
          f"一致性检查 {result.checks_passed}/{len(result.checks)} 通过")
    for row in result.charter.coverage:
        print(f"  {row.item} → {'、'.join(row.labels)}")
    for warning in result.warnings:
        print(f"  提示：{warning}")
    return 0
