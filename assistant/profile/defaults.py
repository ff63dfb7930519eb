"""Numbers a profile may leave out, from the rulebook.

``complete_profile`` fills what the founders did not state (每届年限, 到会和表决比例,
延期换届期限, 最高任职年龄, 连任届数, the region) with the rulebook's values — the
legal limits, or the model charters' wording where the law leaves room — so that
templates and checks always see numbers, and a number is never written in code.
``type_defaults`` gives a whole starting profile per type for the UI.
"""

from __future__ import annotations

from typing import Any

from assistant.profile.schema import OrgProfile
from assistant.rules import Rulebook
from assistant.text.numerals import ratio_text

# Non-legal starting values for the UI (sizes and counts an organization chooses itself).
_COUNCIL_SIZES = {"社会团体": (9, 21), "社会服务机构": (3, 9), "基金会": (None, 15)}  # None: the legal minimum
_SERVICE_TERM_YEARS = 4  # the usual 社会服务机构 term in the model charter (within the legal maximum)


def _ratio(rulebook: Rulebook, key: str, side: str = "min") -> str:
    bound = rulebook.bound(key)
    return ratio_text(bound.model if side == "model" else getattr(bound, side))


def _council_ratios(rulebook: Rulebook, org_type: str) -> dict[str, str]:
    if org_type == "基金会":
        return {"quorum": _ratio(rulebook, "fd_council_quorum"), "pass_ratio": _ratio(rulebook, "fd_council_pass"),
                "special_pass_ratio": _ratio(rulebook, "fd_council_special")}
    return {"quorum": _ratio(rulebook, "council_quorum"), "pass_ratio": _ratio(rulebook, "council_pass", "model"),
            "special_pass_ratio": _ratio(rulebook, "council_pass", "model")}


def complete_profile(profile: OrgProfile, rulebook: Rulebook) -> OrgProfile:
    """A copy of ``profile`` with every number it left out taken from the rulebook."""
    data = profile.model_dump(mode="python")
    term = rulebook.bound("term_years").max
    gov = data["governance"]
    if gov.get("assembly") is not None:
        a = gov["assembly"]
        a["term_years"] = a["term_years"] or term
        a["quorum"] = a["quorum"] or _ratio(rulebook, "assembly_quorum")
        a["pass_ratio"] = a["pass_ratio"] or _ratio(rulebook, "assembly_pass")
        a["special_pass_ratio"] = a["special_pass_ratio"] or _ratio(rulebook, "assembly_special")
        if a["max_extension_years"] is None:
            a["max_extension_years"] = rulebook.bound("term_extension").max
    c = gov["council"]
    c["term_years"] = c["term_years"] or term
    for key, value in _council_ratios(rulebook, profile.org_type).items():
        c[key] = c[key] or value
    if gov.get("standing_council") is not None:
        s = gov["standing_council"]
        s["quorum"] = s["quorum"] or _ratio(rulebook, "standing_quorum")
        s["pass_ratio"] = s["pass_ratio"] or _ratio(rulebook, "council_pass", "model")
    gov["supervision"]["term_years"] = gov["supervision"]["term_years"] or c["term_years"]
    lead = data["leadership"]
    lead["age_limit"] = lead["age_limit"] or rulebook.bound("leader_age").max
    lead["max_consecutive_terms"] = lead["max_consecutive_terms"] or rulebook.bound("leader_terms").max
    data["region"] = data["region"] or rulebook.locality.name
    return OrgProfile.model_validate(data)


def type_defaults(org_type: str, rulebook: Rulebook, social_group_kind: str = "一般社会团体",
                  foundation_kind: str = "非公募", level: str = "市级") -> dict[str, Any]:
    """A starting profile per type (the model charters' numbers) for forms and the UI.

    Only governance, leadership, funds and the locality's region and authority are
    filled; names and addresses stay empty.
    """
    if org_type not in ("社会团体", "社会服务机构", "基金会"):
        raise ValueError(f"未知的组织类型：{org_type}（unknown org type: {org_type}）")
    term = rulebook.bound("term_years").max
    leadership = {"age_limit": rulebook.bound("leader_age").max, "max_consecutive_terms": rulebook.bound("leader_terms").max}
    size_min, size_max = _COUNCIL_SIZES[org_type]
    council = {"size_min": size_min, "size_max": size_max, "term_years": term, "meetings_per_year": 1,
               **_council_ratios(rulebook, org_type)}
    base: dict[str, Any] = {"org_type": org_type, "level": level, "region": rulebook.locality.name,
                            "registration_authority": rulebook.locality.registration_authority,
                            "party_building": {"full_party_members": 0, "mode": "党建联络员"}}
    minimum = rulebook.bound("funds_min", org_type=org_type, level=level, foundation_kind=foundation_kind)
    funds = minimum.min if minimum else None
    if org_type == "社会团体":
        chamber = social_group_kind in ("行业协会", "异地商会")
        # Chambers usually start above the local minimum: the national one is the customary figure.
        chamber_funds = rulebook.bound("funds_min", org_type="社会团体", level="全国性").min
        return {
            **base, "social_group_kind": social_group_kind,
            "field_category": "行业协会商会" if chamber else "其他",
            "direct_registration": chamber,
            "funds": {"amount_yuan": chamber_funds if chamber else funds, "source": "会员单位缴纳及发起单位出资"},
            "members": {"kinds": ["单位会员"], "unit_count": rulebook.bound("sg_members_unit").min,
                        "individual_count": 0, "dues": True},
            "governance": {
                "assembly": {"form": "会员代表大会" if chamber else "会员大会", "term_years": term, "meetings_per_term": 1,
                             "quorum": _ratio(rulebook, "assembly_quorum"), "pass_ratio": _ratio(rulebook, "assembly_pass"),
                             "special_pass_ratio": _ratio(rulebook, "assembly_special"),
                             "max_extension_years": rulebook.bound("term_extension").max},
                "council": council,
                "standing_council": None,
                "supervision": {"form": "监事", "count": 1, "term_years": term},
            },
            "leadership": {"chair_title": "会长", "vice_chair_title": "副会长", "secretary_title": "秘书长",
                           "legal_representative": "会长", **leadership},
        }
    if org_type == "社会服务机构":
        # Where the locality sets no minimum there is no figure to start from: the founders state theirs.
        council.update(term_years=_SERVICE_TERM_YEARS, meetings_per_year=2)
        return {
            **base,
            "funds": {"amount_yuan": funds, "source": "举办者出资", "non_state_share": "1/1"},
            "governance": {"assembly": None, "council": council, "standing_council": None,
                           "supervision": {"form": "监事", "count": 1, "term_years": _SERVICE_TERM_YEARS}},
            "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "secretary_title": "院长",
                           "legal_representative": "理事长", **leadership},
        }
    fd_size = rulebook.bound("fd_council_size")
    council.update(size_min=fd_size.min, meetings_per_year=rulebook.bound("fd_council_meetings").min)
    return {
        **base, "foundation_kind": foundation_kind, "field_category": "公益慈善类", "direct_registration": True,
        "funds": {"amount_yuan": funds, "source": "发起人捐赠"},
        "governance": {"assembly": None, "council": council, "standing_council": None,
                       "supervision": {"form": "监事", "count": 2, "term_years": term}},
        "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "secretary_title": "秘书长",
                       "legal_representative": "理事长", **leadership},
    }
