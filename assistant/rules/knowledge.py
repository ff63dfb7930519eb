"""The rulebook as knowledge: each rules file rendered as readable Chinese Markdown.

Ingested as doc type "rule", so that "成立社团需要哪些材料？" finds our rule list
and the article it cites. The texts are those of the configured locality (the
law's numbers filled in); detection internals (regular expressions) are left
out — readers want what is required and why.
"""

from __future__ import annotations

from pathlib import Path

from assistant.rules.provisions import Bound
from assistant.rules.rulebook import (
    KIND_LABELS,
    KINDS,
    ORG_TYPES,
    SEVERITY_LABELS,
    Rule,
    Rulebook,
    missing_here,
    parse_rule,
    read_yaml,
)

_TYPE_LABELS = {
    "presence": "必备事项", "material": "必交材料", "threshold": "数额限值",
    "name": "名称规则", "signature": "签字盖章", "consistency": "材料一致性",
    "checklist": "材料清单", "summary": "摘要与全文", "indicator": "风险指标",
}
_SCOPE_LABELS = {"charter": "章程文本", "filing": "申请材料", "package": "多份材料之间",
                 "registry": "登记信息、年度工作报告和行政处罚记录"}
_RISK_SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}


def is_rule_file(path: Path) -> bool:
    """A rules file the knowledge base should read (not the law file or notes)."""
    return path.parent.name == "rules" and not path.name.startswith("_")


def _kinds_text(rule: Rule) -> str:
    if rule.scope == "registry":
        return "登记管理机关的风险筛查"
    if rule.scope == "charter":
        return "章程（含各类申请中附送的章程）"
    if rule.scope == "package":
        return "一并提交的多份材料"
    return "、".join(KIND_LABELS[k] for k in rule.kinds)


def _shown(bound: Bound, number) -> str:
    text = bound.format(number)
    return f"{text}（{bound.locality}）" if bound.locality else text


def _requirement_text(rule: Rule, book: Rulebook) -> str:
    detect = rule.detect
    if rule.type == "threshold":
        bits = []
        for variant in detect.get("variants") or []:
            bound = book.provision(variant["bound"])
            parts = []
            if bound.min is not None:
                parts.append(f"不少于{_shown(bound, bound.min)}")
            if bound.max is not None:
                parts.append(f"不超过{_shown(bound, bound.max)}")
            bit = f"{variant.get('label', '')}：{'，'.join(parts)}"
            if bit not in bits:
                bits.append(bit)
        return "；".join(bits)
    if rule.type == "name":
        return "名称中不得出现：" + "、".join(forbidden_words(rule, book))
    if rule.type == "consistency":
        return "各份材料所载内容必须一致"
    if rule.type == "signature":
        if detect.get("material"):
            return "该材料须加盖相应单位的印章（扫描件上核对印章）"
        return "须有相应的签字或盖章栏并完成签章"
    if rule.type == "checklist":
        return "材料清单所列材料须与实际所附材料一致"
    if rule.type == "summary":
        return "只附摘要的材料须另行提交全文，全文方可审查"
    if rule.type == "indicator":
        actions = "、".join(detect.get("actions") or ())
        return f"出现上述情形的，列为风险线索；处理方式：{actions}" if actions else "出现上述情形的，列为风险线索"
    return "须在材料中载明" if rule.type == "presence" else "须随申请提交"


def forbidden_words(rule: Rule, book: Rulebook) -> tuple[str, ...]:
    """The words a name rule forbids: the law's local prefixes or its forbidden words."""
    which = rule.detect.get("forbid")
    return book.names.local_prefixes if which == "local_prefixes" else book.names.forbidden_words


def _local_values(rules: list[Rule], book: Rulebook) -> list[str]:
    lines, seen = [], set()
    for rule in rules:
        for key in rule.bound_keys():
            bound = book.provision(key)
            if bound is None or not bound.locality or key in seen:
                continue
            seen.add(key)
            limits = "，".join(x for x in (f"不少于{bound.format(bound.min)}" if bound.min is not None else "",
                                           f"不超过{bound.format(bound.max)}" if bound.max is not None else "") if x)
            note = f"；{bound.note}" if bound.note else ""
            lines.append(f"- {bound.locality}：{bound.label}{bound.item}{limits}（{bound.basis}{note}）")
    return lines


def render_rule_file(path: Path, book: Rulebook) -> str:
    """One rules YAML file as Markdown: ``# title``, then one ``## `` section per rule
    with its item, requirement, basis and suggested fix."""
    path = Path(path)
    data = read_yaml(path)
    title = book.render(str(data.get("title") or path.stem))
    lines = [f"# {title}", ""]
    if data.get("description"):
        lines += [book.render(str(data["description"])), ""]
    # Rules whose law this locality does not set are left out, as the checker leaves them out.
    rules = [parse_rule(raw, path.name, book) for raw in data.get("rules") or [] if not missing_here(raw, book)]
    local = _local_values(rules, book)
    if local:
        lines += ["## 地方数值设定", "", *local, ""]
    materials = [r for r in rules if r.type == "material"]
    if materials:
        # One overview paragraph answers "成立社团需要哪些材料？" in a single retrieved chunk.
        lines += ["## 材料清单", ""]
        for org_type in ORG_TYPES:
            for kind in KINDS:
                items = [r.item for r in materials if org_type in r.org_types and kind in r.kinds]
                if items:
                    lines.append(f"- {org_type}{KIND_LABELS[kind]}：{'；'.join(items)}。")
        lines.append("")
    for rule in rules:
        org = "、".join(rule.org_types)
        if rule.type == "indicator":
            lines += [
                f"## {rule.id} {rule.item}",
                "",
                f"- 风险指标：{rule.item}",
                f"- 适用：{org}；{_kinds_text(rule)}",
                f"- 判断：{_requirement_text(rule, book)}",
                f"- 依据：{rule.basis}",
                f"- 风险程度：{_RISK_SEVERITY_LABELS[rule.severity]}",
                f"- 处理建议：{rule.suggestion}",
                "",
            ]
            continue
        lines += [
            f"## {rule.id} {rule.item}",
            "",
            f"- 审查事项：{rule.item}",
            f"- 类别：{_TYPE_LABELS[rule.type]}（{_SCOPE_LABELS[rule.scope]}）",
            f"- 适用：{org}；{_kinds_text(rule)}",
            f"- 要求：{_requirement_text(rule, book)}",
            f"- 依据：{rule.basis}",
            f"- 严重程度：{SEVERITY_LABELS[rule.severity]}",
            f"- 修改建议：{rule.suggestion}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
