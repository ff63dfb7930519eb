"""A profile read back from documents: a charter (one we drafted, or the organization's own)
or a filed form, so that nobody has to type again what a document already states.

The facts come from the rule-based extraction in ``assistant.forms.extraction`` (the
caller reads the files; this module only maps facts to profile fields, so the
profile layer stays below the capabilities). What the documents do not state is
taken from the type's defaults (``type_defaults``: the rulebook and the model
charters), and every field read from a document keeps the quote it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Protocol

from assistant.profile.defaults import type_defaults
from assistant.profile.schema import field_label
from assistant.rules import Rulebook
from assistant.text.numerals import ratio_text


class Fact(Protocol):
    """What the extraction gives for one stated value (``assistant.forms.extraction.DocumentFact``)."""

    key: str
    value: Any
    file: str
    quote: str


@dataclass
class ReadBack:
    data: dict[str, Any]  # raw profile data, for the form or validate_profile_data
    sources: dict[str, str] = field(default_factory=dict)  # profile path -> "file：“quote”"
    files: list[str] = field(default_factory=list)

    @property
    def found(self) -> list[str]:
        """Chinese labels of the fields read from the documents."""
        return [field_label(path) for path in self.sources]

    def summary(self) -> str:
        if not self.sources:
            return "材料中没有读到组织概况的内容（名称、住所、宗旨等），表单保持各类型的默认值。"
        return (f"从{'、'.join(self.files)}读到 {len(self.sources)} 项：{'、'.join(self.found)}；"
                "其余各项为该类型的默认值，请核对。")


def _scope(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[；;\n]", str(value))
    return [i.strip().rstrip("。") for i in items if i and i.strip()]


def _yuan(value: Any) -> int | None:
    try:
        return int(Decimal(str(value)))
    except ArithmeticError:
        return None


def _ratio(value: Any) -> str | None:
    return ratio_text(value) if isinstance(value, (Fraction, str)) and str(value) else None


def _founders(value: Any) -> list[dict[str, Any]]:
    names = [n.strip() for n in re.split(r"[、，,；;和及]", str(value)) if n.strip()]
    return [{"name": n, "kind": "单位" if re.search(r"公司|单位|集团|中心|协会|学校|医院|研究院|所$", n) else "个人"}
            for n in names]


# fact key -> (profile paths it sets, conversion). The paths are dotted; "." inside
# governance/leadership/funds/members create the nested dicts as needed.
_SIMPLE: dict[str, tuple[tuple[str, ...], Any]] = {
    "name": (("name",), str),
    "address": (("address",), str),
    "purpose": (("purpose",), lambda v: str(v).rstrip("。") + "。"),
    "business_scope": (("business_scope",), _scope),
    "activity_area": (("activity_area",), str),
    "registration_authority": (("registration_authority",), str),
    "hometown": (("hometown",), str),
    "uscc": (("credit_code",), str),
    "funds_yuan": (("funds.amount_yuan",), _yuan),
    "funds_source": (("funds.source",), str),
    "council_size": (("governance.council.size_max",), int),
    "council_size_min": (("governance.council.size_min",), int),
    "council_meetings_min": (("governance.council.meetings_per_year",), int),
    "council_quorum": (("governance.council.quorum",), _ratio),
    "council_pass": (("governance.council.pass_ratio",), _ratio),
    "council_special": (("governance.council.special_pass_ratio",), _ratio),
    "assembly_quorum": (("governance.assembly.quorum",), _ratio),
    "assembly_pass": (("governance.assembly.pass_ratio",), _ratio),
    "assembly_form": (("governance.assembly.form",), str),
    "supervisors": (("governance.supervision.count",), int),
    "supervision_form": (("governance.supervision.form",), str),
    "term_years": (("governance.council.term_years", "governance.assembly.term_years",
                    "governance.supervision.term_years"), int),
    "age_limit": (("leadership.age_limit",), int),
    "max_consecutive_terms": (("leadership.max_consecutive_terms",), int),
    "legal_rep_title": (("leadership.legal_representative", "leadership.chair_title"), str),
    "member_kinds": (("members.kinds",), list),
    "members_individual": (("members.individual_count",), int),
    "members_unit": (("members.unit_count",), int),
    "party_members": (("party_building.full_party_members",), int),
    "founders": (("founders",), _founders),
    "direct_registration": (("direct_registration",), bool),
    "party_mode": (("party_building.mode",), str),
}
# Only these types have these parts; a fact about another type's part is ignored.
_PART_TYPES = {"members": ("社会团体",), "governance.assembly": ("社会团体",), "hometown": ("社会团体",),
               "founders": ("社会服务机构", "基金会")}


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[last] = value


def _first(facts: list[Fact]) -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for fact in facts:
        if fact.value not in (None, "", []):
            out.setdefault(fact.key, fact)
    return out


def _kinds(name: str, by_key: dict[str, Fact]) -> tuple[str, str, str]:
    """(org_type, social_group_kind, foundation_kind) from the facts, else the name."""
    org_type = str(by_key["org_type"].value) if "org_type" in by_key else ""
    if not org_type:
        org_type = "基金会" if name.endswith("基金会") else "社会服务机构" if "founders" in by_key else "社会团体"
    if org_type not in ("社会团体", "社会服务机构", "基金会"):
        org_type = "社会服务机构" if "民办非企业" in org_type else "社会团体"
    group_kind = "一般社会团体"
    if org_type == "社会团体":
        if "hometown" in by_key or (name.endswith("商会") and "行业" not in name):
            group_kind = "异地商会"
        elif re.search(r"行业协会|行业商会|同业公会", name):
            group_kind = "行业协会"
    foundation_kind = str(by_key["foundation_kind"].value) if "foundation_kind" in by_key else "非公募"
    return org_type, group_kind, foundation_kind if foundation_kind in ("公募", "非公募") else "非公募"


def profile_from_facts(facts: Iterable[Fact], rulebook: Rulebook) -> ReadBack:
    """Profile data from document facts, the rest from the type's defaults (never raises)."""
    facts = list(facts)
    by_key = _first(facts)
    name = str(by_key["name"].value) if "name" in by_key else ""
    org_type, group_kind, foundation_kind = _kinds(name, by_key)
    data = type_defaults(org_type, rulebook, social_group_kind=group_kind, foundation_kind=foundation_kind)
    read = ReadBack(data=data, files=list(dict.fromkeys(f.file for f in facts if f.file)))
    for key in ("org_type", "foundation_kind"):
        if key in by_key:
            read.sources[key] = _source(by_key[key])
    for key, (paths, convert) in _SIMPLE.items():
        fact = by_key.get(key)
        paths = tuple(p for p in paths if not any(p.startswith(part) and org_type not in types
                                                  for part, types in _PART_TYPES.items()))
        if fact is None or not paths:
            continue
        try:
            value = convert(fact.value)
        except (TypeError, ValueError):
            continue
        if value in (None, "", []):
            continue
        for path in paths:
            if path.startswith("governance.assembly") and data["governance"].get("assembly") is None:
                continue
            _set(data, path, value)
            read.sources[path] = _source(fact)
    if "supervisory_unit" in by_key:
        data["supervisory_unit"] = str(by_key["supervisory_unit"].value)
        data["direct_registration"] = False
        read.sources["supervisory_unit"] = _source(by_key["supervisory_unit"])
    _keep_sizes_ordered(data)
    _legal_representative(data, by_key, read)
    return read


def _keep_sizes_ordered(data: dict[str, Any]) -> None:
    """A charter that states only the upper size keeps a default lower size no larger than it."""
    council = data["governance"]["council"]
    if council.get("size_min") and council.get("size_max") and council["size_min"] > council["size_max"]:
        council["size_min"] = council["size_max"]


def _legal_representative(data: dict[str, Any], by_key: dict[str, Fact], read: ReadBack) -> None:
    if "legal_rep_name" not in by_key:
        return
    role = data["leadership"].get("legal_representative") or data["leadership"].get("chair_title", "")
    person: dict[str, Any] = {"name": str(by_key["legal_rep_name"].value), "role": role}
    data["leadership"]["persons"] = [person]
    read.sources["leadership.persons"] = _source(by_key["legal_rep_name"])


def _source(fact: Fact) -> str:
    return f"{fact.file}：“{fact.quote}”" if fact.file else f"“{fact.quote}”"
