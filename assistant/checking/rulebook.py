"""The rulebook: corpus/rules/*.yaml read into Rule objects, and rendered as Markdown.

Rules are data. A rule says which item the regulation requires (in the
regulation's own words), which filings and organization types it applies to,
how to detect it, its legal basis, severity and the fix to suggest. The
checker's code only knows rule *types* (presence, material, threshold, name,
signature, consistency); the items, numbers and phrases live in the YAML.

Locality-dependent numbers live under ``locality_values`` in a rules file and
are referred to from a rule as ``{setting: key}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

RULE_TYPES = ("presence", "material", "threshold", "name", "signature", "consistency")
SCOPES = ("charter", "filing", "package")
SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {"high": "必须补正", "medium": "应当修改", "low": "建议完善"}

KINDS = ("charter", "registration", "annual_report", "charter_approval", "change", "deregistration")
KIND_LABELS = {
    "charter": "章程",
    "registration": "成立登记申请材料",
    "annual_report": "年度工作报告书（年检）",
    "charter_approval": "章程核准申请材料",
    "change": "变更登记申请材料",
    "deregistration": "注销登记申请材料",
}
ORG_TYPES = ("社会团体", "社会服务机构", "基金会")
# Accepted spellings on the command line and in the UI.
ORG_TYPE_ALIASES = {
    "社会团体": "社会团体", "社团": "社会团体", "social_group": "社会团体", "association": "社会团体",
    "社会服务机构": "社会服务机构", "民办非企业单位": "社会服务机构", "民非": "社会服务机构",
    "social_service": "社会服务机构", "social_service_org": "社会服务机构",
    "基金会": "基金会", "foundation": "基金会",
}
KIND_ALIASES = {k: k for k in KINDS} | {label: k for k, label in KIND_LABELS.items()} | {
    "章程": "charter", "成立登记": "registration", "设立登记": "registration", "年检": "annual_report",
    "年度检查": "annual_report", "年度工作报告书": "annual_report", "章程核准": "charter_approval",
    "变更登记": "change", "注销登记": "deregistration", "annual": "annual_report",
}

_TYPE_LABELS = {
    "presence": "必备事项", "material": "必交材料", "threshold": "数额限值",
    "name": "名称规则", "signature": "签字盖章", "consistency": "材料一致性",
}
_SCOPE_LABELS = {"charter": "章程文本", "filing": "申请材料", "package": "多份材料之间"}


class RulebookError(ValueError):
    """A rules file that does not follow the schema; the message names file and rule."""


@dataclass
class Rule:
    id: str
    item: str  # the required item in the regulation's own words
    type: str
    scope: str
    kinds: tuple[str, ...]
    org_types: tuple[str, ...]
    detect: dict[str, Any]
    basis: str
    severity: str
    suggestion: str
    source: str  # rules file name, for messages

    def applies(self, kind: str, org_type: str) -> bool:
        kind_ok = self.scope == "charter" or kind in self.kinds
        return kind_ok and org_type in self.org_types

    def parts(self) -> list[dict[str, Any]]:
        """Detection parts: an item such as 名称、住所 is present only if every part is."""
        if "parts" in self.detect:
            return list(self.detect["parts"])
        return [{"label": self.item, **{k: v for k, v in self.detect.items() if k != "parts"}}]


@dataclass
class Rulebook:
    rules: list[Rule]
    locality_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def setting(self, key: str, locality: str) -> float:
        """A locality-dependent number; a district falls back to the city it inherits from."""
        seen = set()
        place = locality
        while place and place not in seen:
            seen.add(place)
            values = self.locality_values.get(place) or {}
            if key in values:
                return float(values[key])
            place = values.get("inherit", "")
        # An unknown locality uses the first locality in the rulebook (the default city).
        for values in self.locality_values.values():
            if key in values:
                return float(values[key])
        raise RulebookError(f"规则库缺少地方数值 {key}（{locality}）/ rulebook has no locality value {key} for {locality}")

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RulebookError(f"规则文件 {path.name} 无法读取：{exc} / cannot read rules file {path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise RulebookError(f"规则文件 {path.name} 格式错误 / rules file {path.name} is not a mapping")
    return data


def parse_rule(raw: dict[str, Any], source: str) -> Rule:
    rid = raw.get("id", "?")
    missing = [k for k in ("id", "item", "type", "basis", "severity", "suggestion") if not raw.get(k)]
    if missing:
        raise RulebookError(f"{source} 规则 {rid} 缺少字段 {missing} / rule {rid} in {source} lacks {missing}")
    if raw["type"] not in RULE_TYPES:
        raise RulebookError(f"{source} 规则 {rid} 类型未知：{raw['type']} / unknown rule type")
    if raw["severity"] not in SEVERITIES:
        raise RulebookError(f"{source} 规则 {rid} 严重程度未知：{raw['severity']} / unknown severity")
    scope = raw.get("scope", "filing")
    if scope not in SCOPES:
        raise RulebookError(f"{source} 规则 {rid} 范围未知：{scope} / unknown scope")
    kinds = _as_tuple(raw.get("kinds")) or KINDS
    bad_kinds = [k for k in kinds if k not in KINDS]
    org_types = _as_tuple(raw.get("org_types")) or ORG_TYPES
    bad_types = [t for t in org_types if t not in ORG_TYPES]
    if bad_kinds or bad_types:
        raise RulebookError(f"{source} 规则 {rid} 适用范围有误：{bad_kinds + bad_types} / unknown kinds or org types")
    return Rule(
        id=str(raw["id"]), item=str(raw["item"]), type=raw["type"], scope=scope, kinds=kinds,
        org_types=org_types, detect=dict(raw.get("detect") or {}), basis=str(raw["basis"]),
        severity=raw["severity"], suggestion=str(raw["suggestion"]), source=source,
    )


def load_rulebook(rules_dir: Path) -> Rulebook:
    """Every rule in ``rules_dir/*.yaml``; rule ids must be unique."""
    rules: list[Rule] = []
    localities: dict[str, dict[str, Any]] = {}
    files = sorted(Path(rules_dir).glob("*.yaml"))
    if not files:
        raise RulebookError(f"规则目录 {rules_dir} 中没有规则文件 / no rules files in {rules_dir}")
    for path in files:
        data = _read_yaml(path)
        for place, values in (data.get("locality_values") or {}).items():
            localities.setdefault(place, {}).update(values or {})
        for raw in data.get("rules") or []:
            rules.append(parse_rule(raw, path.name))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulebookError(f"规则编号重复：{rule.id} / duplicate rule id {rule.id}")
        seen.add(rule.id)
    return Rulebook(rules=rules, locality_values=localities, files=files)


# --- Markdown for the knowledge base ------------------------------------

def _kinds_text(rule: Rule) -> str:
    if rule.scope == "charter":
        return "章程（含各类申请中附送的章程）"
    if rule.scope == "package":
        return "一并提交的多份材料"
    return "、".join(KIND_LABELS[k] for k in rule.kinds)


def _requirement_text(rule: Rule, localities: dict[str, dict[str, Any]]) -> str:
    from assistant.checking.numbers import format_value

    detect = rule.detect
    if rule.type == "threshold":
        quantity = detect.get("quantity", "")
        bits = []
        for variant in detect.get("variants") or []:
            bound = []
            for key, word in (("min", "不少于"), ("max", "不超过")):
                if key in variant:
                    value = variant[key]
                    if isinstance(value, dict):
                        per_place = [f"{format_value(quantity, float(values[value['setting']]))}（{place}）"
                                     for place, values in localities.items() if value["setting"] in (values or {})]
                        shown = "、".join(per_place) if per_place else f"按地方设定（{value['setting']}）"
                    else:
                        shown = format_value(quantity, float(value))
                    bound.append(f"{word}{shown}")
            bit = f"{variant.get('label', '')}：{'，'.join(bound)}"
            if bit not in bits:
                bits.append(bit)
        return "；".join(bits)
    if rule.type == "name":
        words = list(detect.get("forbidden_prefixes") or []) + list(detect.get("forbidden_words") or [])
        return "名称中不得出现：" + "、".join(words)
    if rule.type == "consistency":
        return "各份材料所载内容必须一致"
    if rule.type == "signature":
        return "须有相应的签字或盖章栏并完成签章"
    return "须在材料中载明" if rule.type == "presence" else "须随申请提交"


def render_rule_file_markdown(path: Path) -> str:
    """One rules YAML file as readable Chinese Markdown, for ingestion as doc type "rule".

    A ``# title`` line, then one ``## `` heading per rule with its item,
    requirement, basis and suggested fix. Detection internals (regexes) are
    left out: readers want what is required and why.
    """
    path = Path(path)
    data = _read_yaml(path)
    title = str(data.get("title") or path.stem)
    lines = [f"# {title}", ""]
    if data.get("description"):
        lines += [str(data["description"]), ""]
    localities = data.get("locality_values") or {}
    if localities:
        lines += ["## 地方数值设定", ""]
        for place, values in localities.items():
            shown = "，".join(f"{k}={v}" for k, v in (values or {}).items())
            lines.append(f"- {place}：{shown}")
        lines.append("")
    rules = [parse_rule(raw, path.name) for raw in data.get("rules") or []]
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
        lines += [
            f"## {rule.id} {rule.item}",
            "",
            f"- 审查事项：{rule.item}",
            f"- 类别：{_TYPE_LABELS[rule.type]}（{_SCOPE_LABELS[rule.scope]}）",
            f"- 适用：{org}；{_kinds_text(rule)}",
            f"- 要求：{_requirement_text(rule, localities)}",
            f"- 依据：{rule.basis}",
            f"- 严重程度：{SEVERITY_LABELS[rule.severity]}",
            f"- 修改建议：{rule.suggestion}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
