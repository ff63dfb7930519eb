"""The derived wording a template needs, computed once from the profile.

Templates never do arithmetic or phrasing of numbers themselves: every number
that appears in a charter comes from here, so the quorum in one article and the
quorum in another cannot disagree, and the consistency checks know what to
expect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.text.amounts import capital_yuan, format_yuan
from assistant.text.numerals import ratio_phrase
from assistant.profile import OrgProfile


@dataclass
class BodyTerms:
    name: str
    term_years: int | None = None
    meetings: int | None = None  # per year (per term for the assembly)
    quorum: str = ""  # 三分之二以上
    pass_ratio: str = ""  # 过半数
    special: str = ""  # 三分之二以上
    size_min: int | None = None
    size_max: int | None = None
    size: int | None = None


@dataclass
class CharterTerms:
    org: str  # 本会 / 本单位 / 本基金会
    area: str  # 活动地域
    funds_label: str
    funds_figure: str  # 10万元
    funds_capital: str  # 壹拾万元整
    funds_source: str
    scope: list[str]
    council: BodyTerms
    assembly: BodyTerms | None
    standing: BodyTerms | None
    supervision: BodyTerms
    supervisor_word: str  # 监事 / 监事会
    chair: str
    vice: str
    secretary: str
    legal_rep: str
    age_limit: int
    max_terms: int
    party_mode: str
    party_members: int
    top_body: str  # 会员大会 / 会员代表大会 / 理事会 — who amends the charter
    supervisory_unit: str | None
    approval: str  # 报业务主管单位审查并经登记管理机关 / 报登记管理机关
    guidance: str  # who guides liquidation
    oversight: str  # who oversees the remaining assets
    extras: dict = field(default_factory=dict)


def build_terms(profile: OrgProfile) -> CharterTerms:
    """The wording of a *completed* profile (``assistant.profile.complete_profile``: every number set)."""
    gov = profile.governance
    lead = profile.leadership
    org = {"社会团体": "本会", "社会服务机构": "本单位", "基金会": "本基金会"}[profile.org_type]
    c = gov.council
    council = BodyTerms("理事会", c.term_years, c.meetings_per_year, ratio_phrase(c.quorum), ratio_phrase(c.pass_ratio),
                        ratio_phrase(c.special_pass_ratio), c.size_min, c.size_max)
    assembly = None
    if gov.assembly is not None:
        a = gov.assembly
        assembly = BodyTerms(a.form, a.term_years, a.meetings_per_term, ratio_phrase(a.quorum), ratio_phrase(a.pass_ratio),
                             ratio_phrase(a.special_pass_ratio))
    standing = None
    if gov.standing_council is not None:
        s = gov.standing_council
        standing = BodyTerms("常务理事会", c.term_years, s.meetings_per_year, ratio_phrase(s.quorum), ratio_phrase(s.pass_ratio),
                             size=s.size)
    unit = None if profile.direct_registration else profile.supervisory_unit
    sv = gov.supervision
    supervision = BodyTerms(sv.form, sv.term_years, size=sv.count)
    return CharterTerms(
        org=org,
        area=profile.activity_area or profile.region,
        funds_label=profile.funds_label,
        funds_figure=format_yuan(profile.funds.amount_yuan),
        funds_capital=capital_yuan(profile.funds.amount_yuan),
        funds_source=profile.funds.source,
        scope=list(profile.business_scope),
        council=council,
        assembly=assembly,
        standing=standing,
        supervision=supervision,
        supervisor_word=sv.form,
        chair=lead.chair_title,
        vice=lead.vice_chair_title,
        secretary=lead.secretary_title,
        legal_rep=lead.legal_representative,
        age_limit=lead.age_limit,
        max_terms=lead.max_consecutive_terms,
        party_mode=profile.party_building.mode,
        party_members=profile.party_building.full_party_members,
        top_body=assembly.name if assembly else "理事会",
        supervisory_unit=unit,
        approval="报业务主管单位审查并经登记管理机关" if unit else "报登记管理机关",
        guidance="业务主管单位及有关机关" if unit else "登记管理机关及有关机关",
        oversight="业务主管单位和登记管理机关" if unit else "登记管理机关",
    )
