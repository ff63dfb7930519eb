"""Profile builders: per-type defaults from the rulebook plus overrides, and problem lookups."""

from __future__ import annotations

from datetime import date

from assistant.profile import type_defaults, validate_profile_data
from tests.conftest import deep_merge, shipped_rulebook

TODAY = date(2026, 6, 1)


def data(org_type: str = "社会团体", kind: str | None = None, locality: str = "上海市", **overrides) -> dict:
    rulebook = shipped_rulebook(locality)
    if org_type == "基金会":
        base = type_defaults("基金会", rulebook, foundation_kind=kind or "非公募")
        base.update(name=f"{locality}绿色未来基金会")
    elif org_type == "社会服务机构":
        base = type_defaults("社会服务机构", rulebook)
        base.update(name=f"{locality}阳光助残服务中心", direct_registration=True, field_category="城乡社区服务类",
                    founders=[{"name": "张三", "kind": "个人"}])
        base["funds"]["amount_yuan"] = base["funds"]["amount_yuan"] or 50_000
    else:
        base = type_defaults("社会团体", rulebook, social_group_kind=kind or "一般社会团体")
        base.update(name=f"{locality}青年创业促进会")
        if not base.get("direct_registration"):
            base["supervisory_unit"] = f"{locality}青年联合会"
    base.update(address=f"{locality}人民路1号", purpose="服务会员。", business_scope=["开展培训"])
    return deep_merge(base, overrides)


def problems(d: dict, locality: str = "上海市"):
    profile, found = validate_profile_data(d, shipped_rulebook(locality), today=TODAY)
    return found


def rules(d: dict, locality: str = "上海市") -> set[str]:
    return {p.rule for p in problems(d, locality)}


def message_for(d: dict, rule: str, locality: str = "上海市") -> str:
    found = problems(d, locality)
    matches = [p.message for p in found if p.rule == rule]
    assert matches, f"rule {rule} not reported; got {[p.rule for p in found]}"
    return matches[0]
