"""Rules over several fields of one form (no LLM).

Each form lists its cross rules in YAML (``cross_rules: [{kind, fields, params,
basis}]``); ``kind`` picks one of the checks below, ``params`` name the fields
it works on (numbers are the rulebook's, resolved when the form is loaded, or
asked of the rulebook here), and an optional ``params.when`` (``{field: value or
[values]}``) limits any rule to matching forms. A check returns ``(field_id, message)`` pairs; the
message is attached to that field and makes it invalid.

Checks only look at fields whose own value is valid (``parsed``), so a
malformed date is reported once, by its own validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

from assistant.forms.definitions import CrossRule, FormDefinition
from assistant.forms.validators import FieldError, IdNumberInfo, parse_id_number
from assistant.rules import Bound, Rulebook
from assistant.text.amounts import format_yuan

Problem = tuple[str, str]


@dataclass
class RuleContext:
    form: FormDefinition
    values: dict[str, str]  # raw text of every field ("" when empty)
    parsed: dict[str, Any]  # parsed value of every non-empty, individually valid field
    today: date
    rulebook: Rulebook

    @property
    def org_type(self) -> str:
        return self.form.org_type or self.values.get("org_type", "").strip()

    def value(self, field_id: str) -> str:
        return (self.values.get(field_id) or "").strip()

    def facts(self) -> dict[str, str]:
        """The organization facts the rulebook's bounds depend on, as this form states them."""
        return {"org_type": self.org_type, "level": self.value("level"), "foundation_kind": self.value("foundation_kind"),
                "social_group_kind": self.value("group_kind")}


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


def applicable_bound(ctx: RuleContext, rule: CrossRule) -> Bound | None:
    """The rulebook's bound of the rule's ``topic`` for what the form states (None: none applies,
    or the form does not say yet what decides it, e.g. the level)."""
    return ctx.rulebook.bound(rule.params["topic"], **ctx.facts())


def _min_amount(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    amount_id = rule.params["amount"]
    amount = ctx.parsed.get(amount_id)
    if amount is None:
        return []
    bound = applicable_bound(ctx, rule)
    if bound is None:
        return []
    if amount < Decimal(bound.min):
        label = ctx.form.field(amount_id).label
        return [(amount_id, f"{label}{format_yuan(amount)}低于{bound.label}的最低数额{bound}（依据：{bound.basis}）。")]
    return []


def _members_minimum(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    ind_id, unit_id = rule.params["individual"], rule.params["unit"]
    ind, unit = ctx.parsed.get(ind_id), ctx.parsed.get(unit_id)
    if ind is None and unit is None:
        return []
    ind, unit = ind or 0, unit or 0
    bound, count = ctx.rulebook.members_minimum(ind, unit)
    if count >= bound.min:
        return []
    if ind and unit:
        return [(ind_id, f"{bound.label}，会员总数不得少于{bound}（现为{count}个；依据：{bound.basis}）。")]
    if unit:
        return [(unit_id, f"{bound.label}不得少于{bound}（现为{count}个；依据：{bound.basis}）。")]
    unit_bound = ctx.rulebook.bound("sg_members_unit")
    return [(ind_id, f"{bound.label}不得少于{bound}，或{unit_bound.label}不少于{unit_bound}（现为{count}个；依据：{bound.basis}）。")]


def _ratio_max(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    part_id, whole_id = rule.params["part"], rule.params["whole"]
    part, whole = ctx.parsed.get(part_id), ctx.parsed.get(whole_id)
    if part is None or whole is None:
        return []
    ratio = Fraction(rule.params["ratio"])
    if Fraction(part) > Fraction(whole) * ratio:
        return [(part_id, rule.params.get("message", "{part}超过{whole}的{ratio}").format(
            part=part, whole=whole, ratio=rule.params["ratio"]))]
    return []


def _days_between_max(ctx: RuleContext, rule: CrossRule) -> list[Problem]:
    """``days: N`` (a deadline) or ``years: N`` (a term, in calendar years) between two dates."""
    start_id, end_id = rule.params["start"], rule.params["end"]
    start, end = ctx.parsed.get(start_id), ctx.parsed.get(end_id)
    if start is None or end is None:
        return []
    if "years" in rule.params:
        years = int(rule.params["years"])
        try:
            limit = start.replace(year=start.year + years)
        except ValueError:  # 29 February
            limit = start.replace(year=start.year + years, day=28)
        if end > limit:
            return [(end_id, rule.params["message"].format(start=start.isoformat(), end=end.isoformat(), years=years))]
        return []
    days = int(rule.params["days"])
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
    names, locality = ctx.rulebook.names, ctx.rulebook.locality
    level = ctx.value(rule.params.get("level", "level"))
    local = level != "全国性"  # an empty level is treated as local: most organizations are
    forbidden = names.forbidden_words_in(name)
    if forbidden:
        return [(name_id, f"名称不得使用“{forbidden[0]}”等字样（依据：{names.forbidden_words_basis}）。")]
    if local:
        if names.forbidden_prefix(name):
            return [(name_id, f"地方性{org_type or '社会组织'}的名称不得冠以{''.join(f'“{w}”' for w in names.local_prefixes)}等字样"
                              f"（依据：{names.local_prefix_basis(org_type)}）。")]
        if not names.starts_with_region(name):
            example = "".join(f"“{x}”" for x in (locality.name, locality.name + locality.districts[0] if locality.districts else ""))
            return [(name_id, f"地方性社会组织的名称应冠以所在地行政区划名称，如{example}（依据：{names.region_basis}）。")]
    endings = names.endings.get(org_type, ())
    if endings and not names.ending(org_type, name):
        return [(name_id, f"{org_type}的名称应以组织形式字样结尾，如" + "、".join(f"“{e}”" for e in endings[:6])
                          + f"（依据：{names.endings_basis[org_type]}）。")]
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
