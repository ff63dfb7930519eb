"""Rules over several fields of one form (no LLM).

Each form lists its cross rules in YAML (``cross_rules: [{kind, fields, params,
basis}]``); ``kind`` picks one of the checks below, ``params`` name the fields
and numbers it works on, and an optional ``params.when`` (``{field: value or
[values]}``) limits any rule to matching forms. A check returns ``(field_id, message)`` pairs; the
message is attached to that field and makes it invalid.

Checks only look at fields whose own value is valid (``parsed``), so a
malformed date is reported once, by its own validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

from assistant.forms.definitions import CrossRule, FormDefinition
from assistant.forms.validators import FieldError, IdNumberInfo, parse_id_number
from assistant.text.amounts import format_yuan as format_amount

Problem = tuple[str, str]


@dataclass
class RuleContext:
    form: FormDefinition
    values: dict[str, str]  # raw text of every field ("" when empty)
    parsed: dict[str, Any]  # parsed value of every non-empty, individually valid field
    today: date
    naming: dict[str, Any] = field(default_factory=dict)  # corpus/forms/_naming.yaml

    @property
    def org_type(self) -> str:
        return self.form.org_type or self.values.get("org_type", "").strip()

    def value(self, field_id: str) -> str:
        return (self.values.get(field_id) or "").strip()


def split_people(text: str) -> list[str]:
    """'张三（会长）、李四（秘书长）' -> ['张三', '李四'] (roles in brackets dropped)."""
    names = []
    for part in re.split(r"[、，,；;\n/]+", text or ""):
        name = re.sub(r"[（(][^）)]*[）)]", "", part)
        name = re.sub(r"^(会长|副会长|秘书长|理事长|副理事长|院长|主任|校长|监事长?)[:：]", "", name.strip())
        if name.strip():
            names.append(name.strip())
    return names


def matches_when(ctx: RuleContext, when: dict[str, Any]) -> bool:
    """``when: {level: 全国性, foundation_kind: [公募]}`` — every named field has one of the values.

    The key ``org_type`` reads the form's fixed org type when it has one.
    """
    for key, wanted in (when or {}).items():
        actual = ctx.org_type if key == "org_type" else ctx.value(key)
        options = wanted if isinstance(wanted, list) else [wanted]
        if actual not in [str(o) for o in options]:
            return False
    return True


# --- the checks -------------------------------------------------------------


def _person_in_list(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    person_id, list_id = rule.params["person"], rule.params["list"]
    person, people = ctx.value(person_id), ctx.value(list_id)
    if not person or not people:
        return []
    if person not in split_people(people):
        return [(person_id, rule.params.get("message", "").format(person=person)
                 or f"法定代表人“{person}”不在拟任负责人名单中，法定代表人应由负责人之一担任。")]
    return []


def applicable_minimum(ctx: RuleContext, rule: CrossRule) -> dict[str, Any] | None:
    """The first entry of a ``min_amount`` rule whose ``when`` matches the form's values."""
    for entry in rule.params.get("minimums", []):
        if matches_when(ctx, entry.get("when", {})):
            return entry
    return None


def _min_amount(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    amount_id = rule.params["amount"]
    amount = ctx.parsed.get(amount_id)
    if amount is None:
        return []
    entry = applicable_minimum(ctx, rule)
    if not entry:
        return []
    minimum = Decimal(str(entry["min_yuan"]))
    if amount < minimum:
        label = ctx.form.field(amount_id).label
        return [(amount_id, f"{label}{format_amount(amount)}低于{entry.get('label', '')}的最低数额"
                            f"{format_amount(minimum)}（依据：{entry.get('basis', rule.basis)}）。")]
    return []


def _members_minimum(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    ind_id, unit_id = rule.params["individual"], rule.params["unit"]
    ind, unit = ctx.parsed.get(ind_id), ctx.parsed.get(unit_id)
    if ind is None and unit is None:
        return []
    ind, unit = ind or 0, unit or 0
    basis = rule.basis or "社会团体登记管理条例 第十条"
    if ind and unit:
        if ind + unit < 50:
            return [(ind_id, f"个人会员与单位会员混合组成的，会员总数不得少于50个（现为{ind + unit}个；依据：{basis}）。")]
    elif unit:
        if unit < 30:
            return [(unit_id, f"单位会员不得少于30个（现为{unit}个；依据：{basis}）。")]
    elif ind < 50:
        return [(ind_id, f"个人会员不得少于50个，或单位会员不少于30个（现为{ind}个；依据：{basis}）。")]
    return []


def _ratio_max(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    part_id, whole_id = rule.params["part"], rule.params["whole"]
    part, whole = ctx.parsed.get(part_id), ctx.parsed.get(whole_id)
    if part is None or whole is None:
        return []
    num, den = (int(x) for x in str(rule.params["ratio"]).split("/"))
    if Fraction(part) > Fraction(whole) * Fraction(num, den):
        return [(part_id, rule.params.get("message", "{part}超过{whole}的{ratio}").format(
            part=part, whole=whole, ratio=rule.params["ratio"]))]
    return []


def _days_between_max(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    start_id, end_id, days = rule.params["start"], rule.params["end"], int(rule.params["days"])
    start, end = ctx.parsed.get(start_id), ctx.parsed.get(end_id)
    if start is None or end is None:
        return []
    if (end - start).days > days:
        return [(end_id, rule.params.get("message", "").format(days=days, actual=(end - start).days)
                 or f"两个日期相隔{(end - start).days}天，超过{days}天的期限。")]
    return []


def _date_order(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    start_id, end_id = rule.params["start"], rule.params["end"]
    start, end = ctx.parsed.get(start_id), ctx.parsed.get(end_id)
    if start is None or end is None or start <= end:
        return []
    return [(end_id, f"{ctx.form.field(end_id).label}（{end.isoformat()}）早于{ctx.form.field(start_id).label}（{start.isoformat()}）。")]


def _id_consistency(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    info = ctx.parsed.get(rule.params["id"])
    if not isinstance(info, IdNumberInfo):
        # An ID number that fails only a rule such as the age limit still states a birth date and gender.
        try:
            info = parse_id_number(ctx.value(rule.params["id"]), ctx.today)
        except FieldError:
            return []
    out: list[Problem] = []
    birth_id, gender_id = rule.params.get("birth_date"), rule.params.get("gender")
    birth = ctx.parsed.get(birth_id) if birth_id else None
    if birth is not None and birth != info.birth_date:
        out.append((birth_id, f"出生日期{birth.isoformat()}与身份证号码中的出生日期{info.birth_date.isoformat()}不一致。"))
    gender = ctx.parsed.get(gender_id) if gender_id else None
    if gender is not None and gender != info.gender:
        out.append((gender_id, f"性别“{gender}”与身份证号码（第17位表示{info.gender}性）不一致。"))
    return out


def _forbidden_value(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    field_id = rule.params["field"]
    if ctx.value(field_id) == str(rule.params["value"]):
        return [(field_id, rule.params["message"])]
    return []


def _not_equal(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    a, b = rule.params["a"], rule.params["b"]
    if ctx.value(a) and ctx.value(a) == ctx.value(b):
        return [(b, rule.params.get("message") or "变更后的内容与变更前相同。")]
    return []


def _min_value(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    field_id = rule.params["field"]
    value = ctx.parsed.get(field_id)
    if value is not None and value < rule.params["min"]:
        return [(field_id, rule.params["message"].format(value=value, min=rule.params["min"]))]
    return []


def _required_when(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    field_id = rule.params["field"]
    if not ctx.value(field_id):
        return [(field_id, rule.params["message"])]
    return []


def _name_rule(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    name_id = rule.params.get("name", "name")
    name = ctx.value(name_id)
    org_type = ctx.org_type
    if not name:
        return []
    naming = ctx.naming
    level = ctx.value(rule.params.get("level", "level"))
    local = level != "全国性"  # an empty level is treated as local: most organizations are
    for word in naming.get("forbidden_words", []):
        if word in name:
            return [(name_id, f"名称不得使用“{word}”等字样（依据：{naming.get('basis', '')}）。")]
    spec = naming.get("types", {}).get(org_type)
    if local:
        for prefix in naming.get("local_forbidden_prefixes", []):
            if name.startswith(prefix):
                return [(name_id, f"地方性{org_type or '社会组织'}的名称不得冠以“中国”“全国”“中华”等字样"
                                  f"（依据：{(spec or {}).get('local_basis', naming.get('basis', ''))}）。")]
        pattern = naming.get("local_region_pattern")
        if pattern and not re.match(pattern, name):
            return [(name_id, "地方性社会组织的名称应冠以所在地行政区划名称，如“上海市”“上海市长宁区”"
                              f"（依据：{naming.get('basis', '')}）。")]
    if spec:
        endings = spec.get("endings", [])
        if endings and not name.endswith(tuple(endings)):
            return [(name_id, f"{org_type}的名称应以组织形式字样结尾，如" + "、".join(f"“{e}”" for e in endings[:6])
                              + f"（依据：{spec.get('basis', naming.get('basis', ''))}）。")]
    return []


CHECKS: dict[str, Callable[[RuleContext, CrossRule], list[Problem]]] = {
    "person_in_list": _person_in_list,
    "min_amount": _min_amount,
    "members_minimum": _members_minimum,
    "ratio_max": _ratio_max,
    "days_between_max": _days_between_max,
    "date_order": _date_order,
    "id_consistency": _id_consistency,
    "forbidden_value": _forbidden_value,
    "not_equal": _not_equal,
    "required_when": _required_when,
    "min_value": _min_value,
    "name_rule": _name_rule,
}


def run_cross_rules(ctx: RuleContext) -> list[Problem]:
    problems: list[Problem] = []
    for rule in ctx.form.cross_rules:
        check = CHECKS.get(rule.kind)
        if check is None:
            # A typo in a form file must be visible, not silently skip a rule.
            raise ValueError(f"表单 {ctx.form.id} 使用了未知的跨字段规则 {rule.kind}（unknown cross rule kind {rule.kind}）")
        # ``when`` (same meaning for every kind): the rule applies only to matching forms.
        if not matches_when(ctx, rule.params.get("when", {})):
            continue
        problems.extend(check(ctx, rule))
    return problems
