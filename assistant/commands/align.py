"""`python -m assistant align CITY_DOC DISTRICT_DOC [--json] [--xlsx OUT] [--confirm D=C] [--remove D=C]`."""

from __future__ import annotations

import json
import sys

HELP = "市区对照：区级条目对应哪些市级条目、区级自有条目、区级未提及的市级任务 / city ↔ district alignment"


def add_arguments(parser) -> None:
    parser.add_argument("city", help="市级文件：文件路径或知识库来源名 / the city notice")
    parser.add_argument("district", help="区级文件 / the district notice")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--xlsx", metavar="OUT", help="also write the 市区对照表 XLSX")
    for flag, what in (("confirm", "确认"), ("remove", "删除"), ("add", "添加")):
        parser.add_argument(f"--{flag}", action="append", default=[], metavar="DISTRICT=CITY",
                            help=f"人工{what}一处对应并保存，例如 二（二）=三（一） / staff: {flag} a link (kept)")
    parser.add_argument("--forget", action="append", default=[], metavar="DISTRICT=CITY",
                        help="撤销对某处对应的人工决定 / forget a staff decision")


def _pairs(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        district, sep, city = value.replace("＝", "=").partition("=")
        if not sep or not district.strip() or not city.strip():
            raise ValueError(f"“{value}”应写成 区级条目=市级条目，例如 二（二）=三（一） / "
                             f"'{value}' must read DISTRICT=CITY")
        out.append((district.strip(), city.strip()))
    return out


def run(args, services) -> int:
    from assistant.kb.loaders import LoadError
    from assistant.versions.export import alignment_xlsx
    from assistant.versions.service import DocumentNotFound

    try:
        decisions = [(d, c, "confirmed") for d, c in _pairs(args.confirm)]
        decisions += [(d, c, "removed") for d, c in _pairs(args.remove)]
        decisions += [(d, c, "added") for d, c in _pairs(args.add)]
        decisions += [(d, c, None) for d, c in _pairs(args.forget)]
        alignment = services.versions.align(args.city, args.district, apply_staff=not decisions)
        if decisions:
            for district_key, city_key, decision in decisions:
                services.versions.review(alignment.city, alignment.district, district_key, city_key, decision)
            alignment = services.versions.align(args.city, args.district)
    except (LoadError, DocumentNotFound, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    if args.xlsx:
        alignment_xlsx(alignment, args.xlsx)
    if args.json:
        print(json.dumps(alignment.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(f"市级：{alignment.city.title}  区级：{alignment.district.title}")
    for note in alignment.notes:
        print(f"注意：{note}")
    print(alignment.summary() + "\n")
    for item in alignment.items:
        head = f"{item.unit.key} {item.unit.title}".strip()
        if item.own:
            print(f"{head} → （区级自有）")
            continue
        print(f"{head} →")
        for link in item.links:
            city = alignment.city_unit(link.city)
            gist = city.text[:30].replace("\n", "") + "…" if city else ""
            print(f"    {link.city} [{link.score:.2f}] {gist}\n        依据：{link.reason}")
    if alignment.unmatched_city:
        print("\n区级未提及的市级条目：")
        for unit in alignment.unmatched_city:
            print(f"    {unit.key} {unit.text[:40]}…")
    if alignment.removed:
        print("\n人工删除的对应：" + "、".join(f"{l.district}→{l.city}" for l in alignment.removed))
    if args.xlsx:
        print(f"\n已写入 / written: {args.xlsx}")
    return 0
