"""The organization profile (组织概况) shared by drafting, form-filling and checking.

One pydantic model, ``OrgProfile``, describes an organization as its founders
would describe it to the 登记管理机关: type, name, 住所, 宗旨, 业务范围, funds,
members or 举办者, governing bodies, 负责人 and Party building.

Two layers of validation:

* **structure** — pydantic types (a number where a number belongs, a known
  org type …); raised by ``OrgProfile.model_validate`` / ``load_profile``.
* **rules** — the legal and model-charter rules from ``shared/domain.md``
  (原始基金 minimum, 理事 5–25 for a 基金会, age limit ≤ 70 …). These are *not*
  raised: ``profile_problems(profile)`` returns ALL of them as a list so a
  form can show every message at once. ``validate_profile_data(dict)`` does
  both layers on raw form data and never raises.

Every message is Chinese, names the field by its Chinese label and states the
rule with its legal basis. Amounts are whole 元 (``amount_yuan``); ratios are
fractions written as strings ("2/3", "1/2").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.text.amounts import format_yuan
from assistant.text.errors import FormatError
from assistant.text.ids import age_on, parse_id_number
from assistant.text.numerals import parse_ratio

OrgType = Literal["社会团体", "社会服务机构", "基金会"]
SocialGroupKind = Literal["一般社会团体", "行业协会", "异地商会"]
FoundationKind = Literal["公募", "非公募"]
Level = Literal["全国性", "市级", "区级"]
FieldCategory = Literal["行业协会商会", "科技类", "公益慈善类", "城乡社区服务类", "其他"]
PartyMode = Literal["独立党组织", "联合党组织", "党建联络员", "党建指导员"]

# Categories that Shanghai registers directly, without a 业务主管单位 (沪民规〔2024〕5号).
DIRECT_REGISTRATION_CATEGORIES = ("行业协会商会", "科技类", "公益慈善类", "城乡社区服务类")



class _Model(BaseModel):
    # Unknown keys are errors: a typo in a YAML profile must not pass silently.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strip_strings(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


def _ratio_field(default: str, title: str, description: str):
    return Field(default, title=title, description=description)


class _RatioValidated(_Model):
    @field_validator("quorum", "pass_ratio", "special_pass_ratio", check_fields=False)
    @classmethod
    def _check_ratio(cls, value: str) -> str:
        ratio = parse_ratio(value)
        if not (0 < ratio <= 1):
            raise ValueError("比例应在 0 与 1 之间")
        return f"{ratio.numerator}/{ratio.denominator}"


class Funds(_Model):
    """活动资金 (社会团体) / 开办资金 (社会服务机构) / 原始基金 (基金会)."""

    amount_yuan: int = Field(..., ge=0, title="资金数额（元）", description="活动资金/开办资金/原始基金数额，单位：元")
    source: str = Field("", title="资金来源", description="资金来源，如“发起单位出资”“举办者个人出资”")
    non_state_share: str | None = Field(
        None, title="非国有资产占比", description="社会服务机构非国有资产份额，如 2/3；上海要求不低于三分之二"
    )

    @field_validator("non_state_share")
    @classmethod
    def _check_share(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        ratio = parse_ratio(value)
        return f"{ratio.numerator}/{ratio.denominator}"


class Members(_Model):
    """会员 (社会团体)."""

    kinds: list[Literal["个人会员", "单位会员"]] = Field(
        default_factory=lambda: ["单位会员"], title="会员类别", description="个人会员、单位会员或两者兼有"
    )
    individual_count: int = Field(0, ge=0, title="个人会员数", description="发起时的个人会员数量")
    unit_count: int = Field(0, ge=0, title="单位会员数", description="发起时的单位会员数量")
    dues: bool = Field(True, title="收取会费", description="是否收取会费（标准由会员大会表决通过）")


class Founder(_Model):
    """举办者 (社会服务机构) or 发起人."""

    name: str = Field(..., title="名称或姓名", description="举办者/发起人名称或姓名")
    kind: Literal["个人", "单位"] = Field("单位", title="类别", description="个人或单位")
    contribution_yuan: int = Field(0, ge=0, title="出资（元）", description="出资数额，单位：元")


class Assembly(_RatioValidated):
    """会员大会 / 会员代表大会 (社会团体的最高权力机构)."""

    form: Literal["会员大会", "会员代表大会"] = Field("会员大会", title="形式", description="会员大会或会员代表大会")
    term_years: int = Field(5, ge=1, title="每届年限", description="每届任期（年），不超过5年")
    meetings_per_term: int = Field(1, ge=1, title="每届召开次数", description="每届至少召开的次数")
    quorum: str = _ratio_field("2/3", "到会比例", "须有多少比例的会员（代表）出席方能召开，如 2/3")
    pass_ratio: str = _ratio_field("1/2", "表决比例", "一般决议须经到会会员（代表）多少比例同意，1/2 表示过半数")
    special_pass_ratio: str = _ratio_field("2/3", "特别决议比例", "修改章程、终止等重大事项的表决比例")
    max_extension_years: int = Field(1, ge=0, title="最长延期换届（年）", description="特殊情况延期换届的最长期限，不超过1年")


class Council(_RatioValidated):
    """理事会 (执行机构 / 决策机构)."""

    size_min: int = Field(..., ge=1, title="理事人数下限", description="理事会最少理事人数")
    size_max: int = Field(..., ge=1, title="理事人数上限", description="理事会最多理事人数")
    term_years: int = Field(5, ge=1, title="每届年限", description="理事每届任期（年），不超过5年")
    meetings_per_year: int = Field(1, ge=1, title="每年会议次数", description="理事会每年至少召开的次数")
    quorum: str = _ratio_field("2/3", "到会比例", "须有多少比例的理事出席方能召开，如 2/3")
    pass_ratio: str = _ratio_field("2/3", "表决比例", "决议须经到会理事多少比例同意")
    special_pass_ratio: str = _ratio_field("2/3", "重大事项表决比例", "修改章程、选举负责人等重大事项的表决比例")


class StandingCouncil(_RatioValidated):
    """常务理事会 (optional; 常务理事 ≤ 1/3 of 理事)."""

    size: int = Field(..., ge=1, title="常务理事人数", description="常务理事人数，不超过理事人数的三分之一")
    meetings_per_year: int = Field(2, ge=1, title="每年会议次数", description="常务理事会每年至少召开的次数")
    quorum: str = _ratio_field("2/3", "到会比例", "须有多少比例的常务理事出席方能召开")
    pass_ratio: str = _ratio_field("2/3", "表决比例", "决议须经到会常务理事多少比例同意")


class Supervision(_Model):
    """监事 or 监事会."""

    form: Literal["监事", "监事会"] = Field("监事", title="形式", description="设监事或监事会（3名以上监事设监事会）")
    count: int = Field(1, ge=1, title="监事人数", description="监事人数")
    term_years: int = Field(5, ge=1, title="每届年限", description="监事每届任期（年），与理事会相同，不超过5年")


class Person(_Model):
    """A 负责人 or other named person."""

    name: str = Field(..., title="姓名", description="姓名")
    role: str = Field(..., title="职务", description="拟任职务，如 会长、副会长、秘书长、理事长")
    id_number: str | None = Field(None, title="身份证号码", description="18位居民身份证号码（可选）")
    birth_date: date | None = Field(None, title="出生日期", description="出生日期 YYYY-MM-DD（可选）")
    is_state_employee: bool = Field(False, title="现职国家工作人员", description="是否为现职国家工作人员")
    other_legal_rep: str | None = Field(None, title="兼任其他组织法定代表人", description="已担任法定代表人的其他组织名称（如有）")


class Leadership(_Model):
    """负责人: titles, limits and the 法定代表人 rule."""

    chair_title: str = Field("会长", title="主要负责人职务", description="会长/理事长/院长等")
    vice_chair_title: str = Field("副会长", title="副职职务", description="副会长/副理事长等")
    secretary_title: str = Field("秘书长", title="秘书长职务", description="秘书长")
    secretary_full_time: bool = Field(True, title="秘书长专职", description="秘书长是否为专职")
    legal_representative: str = Field("会长", title="法定代表人", description="由哪一职务担任法定代表人")
    age_limit: int = Field(70, ge=18, title="最高任职年龄", description="负责人任职最高年龄（周岁），不超过70")
    max_consecutive_terms: int = Field(2, ge=1, title="最多连任届数", description="负责人最多连续任职届数，一般不超过2届")
    persons: list[Person] = Field(default_factory=list, title="拟任负责人", description="拟任负责人名单（可选）")

    @property
    def titles(self) -> list[str]:
        return [self.chair_title, self.vice_chair_title, self.secretary_title]


class PartyBuilding(_Model):
    """党建: independent Party organization, or joint/联络员/指导员 with fewer than 3 full members."""

    full_party_members: int = Field(0, ge=0, title="正式党员人数", description="本组织专职工作人员中的正式党员人数")
    mode: PartyMode = Field("独立党组织", title="党建方式", description="独立党组织；不足3名正式党员时联合党组织、党建联络员或党建指导员")


class Governance(_Model):
    """Governing bodies."""

    assembly: Assembly | None = Field(None, title="会员（代表）大会", description="社会团体的最高权力机构；其他类型不设")
    council: Council = Field(..., title="理事会", description="理事会")
    standing_council: StandingCouncil | None = Field(None, title="常务理事会", description="常务理事会（可选）")
    supervision: Supervision = Field(default_factory=Supervision, title="监事/监事会", description="监事或监事会")


class OrgProfile(_Model):
    """组织概况: everything a charter, a registration form or a check needs to know."""

    org_type: OrgType = Field(..., title="组织类型", description="社会团体、社会服务机构或基金会")
    social_group_kind: SocialGroupKind = Field("一般社会团体", title="社会团体类别", description="一般社会团体、行业协会或异地商会")
    foundation_kind: FoundationKind = Field("非公募", title="基金会类别", description="公募或非公募（仅基金会）")
    level: Level = Field("市级", title="层级", description="全国性；地方性分市级、区级")
    region: str = Field("上海市", title="行政区划", description="登记所在行政区划，如 上海市、上海市长宁区")
    name: str = Field(..., min_length=1, title="名称", description="组织全称")
    address: str = Field(..., min_length=1, title="住所", description="住所地址")
    premises_use_years: float | None = Field(None, title="场所使用年限", description="住所使用权剩余年限（年），社会服务机构不少于1年")
    purpose: str = Field(..., min_length=1, title="宗旨", description="宗旨")
    business_scope: list[str] = Field(..., min_length=1, title="业务范围", description="业务范围，每项一条")
    activity_area: str = Field("", title="活动地域", description="活动地域，如 上海市；空则按行政区划")
    field_category: FieldCategory = Field("其他", title="领域类别", description="行业协会商会、科技类、公益慈善类、城乡社区服务类或其他")
    description: str = Field("", title="简介", description="简短说明（供润色宗旨、业务范围与检索政策使用）")
    registration_authority: str = Field(..., min_length=1, title="登记管理机关", description="如 上海市民政局")
    supervisory_unit: str | None = Field(None, title="业务主管单位", description="业务主管单位；直接登记的不填")
    direct_registration: bool = Field(False, title="直接登记", description="是否直接登记（无业务主管单位）")
    hometown: str | None = Field(None, title="原籍地", description="异地商会的原籍地行政区划，如 浙江省温州市")
    funds: Funds = Field(..., title="资金", description="活动资金/开办资金/原始基金及来源")
    members: Members | None = Field(None, title="会员", description="社会团体的会员情况")
    founders: list[Founder] = Field(default_factory=list, title="举办者/发起人", description="社会服务机构的举办者或基金会的发起人")
    governance: Governance = Field(..., title="组织机构", description="会员（代表）大会、理事会、常务理事会、监事")
    leadership: Leadership = Field(default_factory=Leadership, title="负责人", description="负责人职务、任职条件与法定代表人")
    party_building: PartyBuilding = Field(default_factory=PartyBuilding, title="党建", description="党组织设置方式")
    adoption_date: date | None = Field(None, title="章程通过日期", description="章程经会议表决通过的日期（可选）")

    # ---- derived facts used by templates, forms and checks ------------------
    @property
    def template_key(self) -> str:
        """Which template in corpus/templates drafts this profile."""
        if self.org_type == "社会团体":
            return "行业协会" if self.social_group_kind in ("行业协会", "异地商会") else "社会团体"
        return self.org_type

    @property
    def type_label(self) -> str:
        """Human label: 社会团体 / 行业协会 / 异地商会 / 社会服务机构 / 公募基金会 …"""
        if self.org_type == "社会团体" and self.social_group_kind != "一般社会团体":
            return self.social_group_kind
        if self.org_type == "基金会":
            return f"{self.foundation_kind}基金会"
        return self.org_type

    @property
    def funds_label(self) -> str:
        return {"社会团体": "活动资金", "社会服务机构": "开办资金", "基金会": "原始基金"}[self.org_type]

    @property
    def is_local(self) -> bool:
        return self.level != "全国性"

    @property
    def legal_representative_person(self) -> Person | None:
        for person in self.leadership.persons:
            if person.role == self.leadership.legal_representative:
                return person
        return None


FIELD_LABELS: dict[str, str] = {}


def _collect_labels(model: type[BaseModel], prefix: str = "", label_prefix: str = "") -> None:
    """Dotted field path -> Chinese label, e.g. governance.council.size_max -> 组织机构·理事会·理事人数上限."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        label = f"{label_prefix}{info.title or name}"
        FIELD_LABELS[path] = label
        annotation = info.annotation
        for candidate in getattr(annotation, "__args__", ()) or (annotation,):
            inner = getattr(candidate, "__args__", None)
            for c in (inner or (candidate,)):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    _collect_labels(c, f"{path}.", f"{label}·")


_collect_labels(OrgProfile)


def field_label(path: str) -> str:
    """Chinese label of a dotted field path; list indices are kept (persons.0.name)."""
    generic = re.sub(r"\.\d+(?=\.|$)", "", path)
    label = FIELD_LABELS.get(generic)
    if label is None:
        return path
    indices = re.findall(r"\.(\d+)(?=\.|$)", path)
    return label + "".join(f"（第{int(i) + 1}项）" for i in indices)


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileProblem:
    """One validation problem. ``severity`` is "error" (blocks drafting) or "warning"."""

    field: str  # dotted path, e.g. "funds.amount_yuan"
    rule: str  # short rule id, e.g. "foundation_fund_minimum"
    message: str  # Chinese, names the field label and the rule
    severity: Literal["error", "warning"] = "error"
    basis: str = ""  # legal basis, e.g. 基金会管理条例 第八条

    @property
    def label(self) -> str:
        return field_label(self.field)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "rule": self.rule, "message": self.message,
                "severity": self.severity, "basis": self.basis}

    def __str__(self) -> str:
        tag = "错误" if self.severity == "error" else "提示"
        return f"[{tag}] {self.message}"


class ProfileError(ValueError):
    """A profile file that cannot be read or does not fit the model (message: 中文 + English)."""

    def __init__(self, message: str, problems: list[ProfileProblem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _p(field: str, rule: str, message: str, basis: str = "", severity: str = "error") -> ProfileProblem:
    return ProfileProblem(field=field, rule=rule, message=f"{field_label(field)}：{message}", severity=severity, basis=basis)


FORBIDDEN_LOCAL_PREFIXES = ("中国", "全国", "中华")
FORBIDDEN_NAME_WORDS = ("第一", "最高", "国家级")
MAX_TERM_YEARS = 5
MAX_AGE_LIMIT = 70


def minimum_funds_yuan(profile: OrgProfile) -> tuple[int, str] | None:
    """The legal minimum of the profile's funds and its basis, or None where none is fixed."""
    if profile.org_type == "社会团体":
        if profile.level == "全国性":
            return 100_000, "社会团体登记管理条例 第十条"
        return 30_000, "社会团体登记管理条例 第十条"
    if profile.org_type == "基金会":
        if profile.foundation_kind == "公募":
            if profile.level == "全国性":
                return 8_000_000, "基金会管理条例 第八条"
            return 4_000_000, "基金会管理条例 第八条"
        return 2_000_000, "基金会管理条例 第八条"
    if profile.org_type == "社会服务机构" and profile.level == "市级" and profile.region.startswith("上海"):
        return 100_000, "沪民规〔2025〕11号"
    return None


def id_number_problem(id_number: str) -> str | None:
    """None if an 18-digit 居民身份证号码 is well-formed, else what is wrong (Chinese)."""
    try:
        parse_id_number(id_number)
    except FormatError as exc:
        return str(exc)
    return None


def profile_problems(profile: OrgProfile, today: date | None = None) -> list[ProfileProblem]:
    """All rule problems of a structurally valid profile (empty list: all good)."""
    today = today or date.today()
    out: list[ProfileProblem] = []
    t = profile.org_type
    gov = profile.governance
    lead = profile.leadership

    # -- name -----------------------------------------------------------------
    if t in ("社会团体", "社会服务机构") and profile.is_local and profile.name.startswith(FORBIDDEN_LOCAL_PREFIXES):
        basis = "社会团体登记管理条例 第十条" if t == "社会团体" else "民办非企业单位登记管理暂行条例 第八条"
        out.append(_p("name", "local_name_prefix", f"地方性{t}的名称不得冠以“中国”“全国”“中华”等字样（现为“{profile.name}”）", basis))
    for word in FORBIDDEN_NAME_WORDS:
        if word in profile.name:
            out.append(_p("name", "name_forbidden_word", f"名称不得使用“{word}”等字样", "民政部令第69号"))
    if t == "社会团体" and profile.social_group_kind == "异地商会":
        if not profile.name.endswith("商会"):
            out.append(_p("name", "chamber_name", "异地商会名称应由“行政区划＋原籍地＋商会”组成，以“商会”结尾", "民政部令第69号"))
        if not profile.hometown:
            out.append(_p("hometown", "chamber_hometown", "异地商会须填写原籍地", "民政部令第69号"))
    if t == "基金会" and "基金会" not in profile.name:
        out.append(_p("name", "foundation_name", "基金会名称应以“基金会”为组织形式字样", "民政部令第69号"))

    # -- registration -----------------------------------------------------------
    if profile.direct_registration:
        if profile.supervisory_unit:
            out.append(_p("supervisory_unit", "direct_with_unit", "已选择直接登记，不应再填写业务主管单位", "沪民规〔2024〕5号"))
        if profile.field_category not in DIRECT_REGISTRATION_CATEGORIES:
            out.append(_p("direct_registration", "direct_category",
                          "仅行业协会商会、科技类、公益慈善类、城乡社区服务类社会组织可直接登记，请填写领域类别或业务主管单位",
                          "沪民规〔2024〕5号"))
    elif not profile.supervisory_unit:
        out.append(_p("supervisory_unit", "supervisory_unit_missing", "未选择直接登记时须填写业务主管单位", "社会团体登记管理条例 第九条"))

    # -- funds -----------------------------------------------------------------
    minimum = minimum_funds_yuan(profile)
    if minimum and profile.funds.amount_yuan < minimum[0]:
        kind = profile.type_label if t == "基金会" else f"{profile.level}{t}"
        out.append(_p("funds.amount_yuan", "funds_minimum",
                      f"{profile.funds_label}{format_yuan(profile.funds.amount_yuan)}低于{kind}的法定最低数额{format_yuan(minimum[0])}",
                      minimum[1]))
    if not profile.funds.source:
        out.append(_p("funds.source", "funds_source", f"应写明{profile.funds_label}的来源", severity="warning"))
    if t == "社会服务机构":
        share = profile.funds.non_state_share
        if share is not None and parse_ratio(share) < Fraction(2, 3):
            out.append(_p("funds.non_state_share", "non_state_share", "非国有资产份额不得低于三分之二", "沪民规〔2025〕11号"))
        if profile.premises_use_years is not None and profile.premises_use_years < 1:
            out.append(_p("premises_use_years", "premises_use", "住所使用权期限不得少于1年", "沪民规〔2025〕11号"))
        if not profile.founders:
            out.append(_p("founders", "founders_missing", "社会服务机构须写明举办者", "民办非企业单位登记管理暂行条例", "warning"))

    # -- members ---------------------------------------------------------------
    if t == "社会团体":
        m = profile.members
        if m is None:
            out.append(_p("members", "members_missing", "社会团体须填写会员情况", "社会团体登记管理条例 第十条"))
        else:
            ind, unit = m.individual_count, m.unit_count
            if ind and unit:
                if ind + unit < 50:
                    out.append(_p("members.individual_count", "members_minimum",
                                  f"个人会员与单位会员混合组成的，会员总数不得少于50个（现为{ind + unit}个）", "社会团体登记管理条例 第十条"))
            elif unit:
                if unit < 30:
                    out.append(_p("members.unit_count", "members_minimum", f"单位会员不得少于30个（现为{unit}个）", "社会团体登记管理条例 第十条"))
            elif ind < 50:
                out.append(_p("members.individual_count", "members_minimum", f"个人会员不得少于50个（现为{ind}个）", "社会团体登记管理条例 第十条"))
        if gov.assembly is None:
            out.append(_p("governance.assembly", "assembly_missing", "社会团体须设会员大会或会员代表大会作为最高权力机构", "社会团体登记管理条例 第十四条"))
    elif gov.assembly is not None:
        out.append(_p("governance.assembly", "assembly_not_allowed", f"{t}不设会员（代表）大会，理事会为决策机构"))

    # -- terms -----------------------------------------------------------------
    for path, years in (("governance.assembly.term_years", gov.assembly.term_years if gov.assembly else None),
                        ("governance.council.term_years", gov.council.term_years),
                        ("governance.supervision.term_years", gov.supervision.term_years)):
        if years is not None and years > MAX_TERM_YEARS:
            basis = "基金会管理条例 第二十条" if t == "基金会" and "council" in path else "示范章程"
            out.append(_p(path, "term_too_long", f"每届任期{years}年超过5年", basis))
    if gov.assembly and gov.assembly.max_extension_years > 1:
        out.append(_p("governance.assembly.max_extension_years", "extension_too_long", "延期换届最长不超过1年", "示范章程"))
    if gov.assembly and gov.assembly.term_years != gov.council.term_years:
        out.append(_p("governance.council.term_years", "term_mismatch",
                      f"理事会每届任期（{gov.council.term_years}年）应与{gov.assembly.form}每届任期（{gov.assembly.term_years}年）相同", "示范章程"))
    if gov.supervision.term_years != gov.council.term_years:
        out.append(_p("governance.supervision.term_years", "term_mismatch",
                      f"监事任期（{gov.supervision.term_years}年）应与理事会任期（{gov.council.term_years}年）相同", "示范章程"))

    # -- council ---------------------------------------------------------------
    c = gov.council
    if c.size_min > c.size_max:
        out.append(_p("governance.council.size_min", "council_size_order", f"理事人数下限（{c.size_min}）大于上限（{c.size_max}）"))
    if t == "基金会":
        for path, n in (("governance.council.size_min", c.size_min), ("governance.council.size_max", c.size_max)):
            if not 5 <= n <= 25:
                out.append(_p(path, "foundation_council_size", f"基金会理事会理事为5至25人（现为{n}人）", "基金会管理条例 第二十条"))
        if c.meetings_per_year < 2:
            out.append(_p("governance.council.meetings_per_year", "foundation_council_meetings", "基金会理事会每年至少召开2次会议", "基金会管理条例 第二十一条"))
        if parse_ratio(c.quorum) < Fraction(2, 3):
            out.append(_p("governance.council.quorum", "foundation_council_quorum", "基金会理事会会议须有三分之二以上理事出席方能召开", "基金会管理条例 第二十一条"))
        if parse_ratio(c.special_pass_ratio) < Fraction(2, 3):
            out.append(_p("governance.council.special_pass_ratio", "foundation_special_majority",
                          "修改章程、选举或罢免负责人等重大事项须经出席理事表决三分之二以上通过", "基金会管理条例 第二十一条"))
    else:
        if parse_ratio(c.quorum) < Fraction(2, 3):
            out.append(_p("governance.council.quorum", "council_quorum", "理事会须有三分之二以上理事出席方能召开", "示范章程"))
        if parse_ratio(c.pass_ratio) < Fraction(1, 2):
            out.append(_p("governance.council.pass_ratio", "council_pass", "理事会决议的表决比例不得低于过半数", "示范章程"))
    if gov.assembly:
        a = gov.assembly
        if parse_ratio(a.quorum) < Fraction(2, 3):
            out.append(_p("governance.assembly.quorum", "assembly_quorum", f"{a.form}须有三分之二以上会员（代表）出席方能召开", "示范章程"))
        if parse_ratio(a.pass_ratio) < Fraction(1, 2):
            out.append(_p("governance.assembly.pass_ratio", "assembly_pass", "一般决议须经到会会员（代表）过半数同意", "示范章程"))
        if parse_ratio(a.special_pass_ratio) < Fraction(2, 3):
            out.append(_p("governance.assembly.special_pass_ratio", "assembly_special", "修改章程、终止等事项须经到会会员（代表）三分之二以上同意", "示范章程"))
    if parse_ratio(c.special_pass_ratio) < parse_ratio(c.pass_ratio):
        out.append(_p("governance.council.special_pass_ratio", "special_below_ordinary", "重大事项表决比例不得低于一般决议表决比例"))

    sc = gov.standing_council
    if sc is not None:
        if t != "社会团体":
            out.append(_p("governance.standing_council", "standing_not_allowed", f"{t}一般不设常务理事会", severity="warning"))
        if Fraction(sc.size, 1) > Fraction(c.size_max, 3):
            out.append(_p("governance.standing_council.size", "standing_size",
                          f"常务理事（{sc.size}人）不得超过理事人数（上限{c.size_max}人）的三分之一", "示范章程"))
        if parse_ratio(sc.quorum) < Fraction(2, 3):
            out.append(_p("governance.standing_council.quorum", "standing_quorum", "常务理事会须有三分之二以上常务理事出席方能召开", "示范章程"))

    s = gov.supervision
    if s.form == "监事会" and s.count < 3:
        out.append(_p("governance.supervision.count", "supervisory_board_size", f"设监事会的，监事不少于3名（现为{s.count}名）", "示范章程"))
    if s.form == "监事" and s.count >= 3:
        out.append(_p("governance.supervision.form", "supervisory_board_needed", "监事3名以上的，应设立监事会", "示范章程", "warning"))

    # -- leadership -----------------------------------------------------------
    if lead.age_limit > MAX_AGE_LIMIT:
        out.append(_p("leadership.age_limit", "age_limit_too_high", f"负责人任职最高年龄{lead.age_limit}周岁超过70周岁", "示范章程"))
    if lead.max_consecutive_terms > 2:
        out.append(_p("leadership.max_consecutive_terms", "too_many_terms", f"负责人连任不得超过2届（现为{lead.max_consecutive_terms}届）", "示范章程"))
    if lead.legal_representative not in lead.titles:
        out.append(_p("leadership.legal_representative", "legal_rep_title",
                      f"法定代表人应由{'、'.join(lead.titles)}之一担任（现为“{lead.legal_representative}”）"))
    for i, person in enumerate(lead.persons):
        base = f"leadership.persons.{i}"
        if person.role not in lead.titles:
            out.append(_p(f"{base}.role", "person_role", f"职务“{person.role}”不在负责人职务（{'、'.join(lead.titles)}）之中", severity="warning"))
        birth = person.birth_date
        if person.id_number:
            problem = id_number_problem(person.id_number)
            if problem:
                out.append(_p(f"{base}.id_number", "id_number_format", f"{person.name}的身份证号码有误：{problem}"))
            else:
                id_birth = date(int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14]))
                if birth and birth != id_birth:
                    out.append(_p(f"{base}.birth_date", "birth_date_mismatch", f"{person.name}的出生日期与身份证号码不一致"))
                birth = birth or id_birth
        if birth and age_on(birth, today) > lead.age_limit:
            out.append(_p(f"{base}.birth_date", "person_over_age",
                          f"{person.name}现年{age_on(birth, today)}周岁，超过负责人最高任职年龄{lead.age_limit}周岁", "示范章程"))
        if t == "基金会" and person.is_state_employee:
            out.append(_p(f"{base}.is_state_employee", "foundation_state_employee", f"现职国家工作人员不得兼任基金会负责人（{person.name}）", "基金会管理条例 第二十三条"))
        if person.role == lead.legal_representative and person.other_legal_rep:
            basis = "基金会管理条例 第二十三条" if t == "基金会" else "社会团体登记管理条例 第十二条"
            out.append(_p(f"{base}.other_legal_rep", "legal_rep_elsewhere",
                          f"法定代表人{person.name}已担任“{person.other_legal_rep}”的法定代表人，不得兼任", basis))

    # -- Party building --------------------------------------------------------
    pb = profile.party_building
    if pb.mode == "独立党组织" and pb.full_party_members < 3:
        out.append(_p("party_building.mode", "party_independent_needs_three",
                      f"正式党员不足3名（现为{pb.full_party_members}名）的，不能单独建立党组织，应采取联合党组织、党建联络员或党建指导员方式",
                      "中国共产党章程；民函〔2018〕78号"))
    return out


def blocking(problems: list[ProfileProblem]) -> list[ProfileProblem]:
    return [p for p in problems if p.severity == "error"]


# ---------------------------------------------------------------------------
# Structure errors -> Chinese problems
# ---------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": "必填项未填写",
    "string_too_short": "必填项未填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为“是/否”",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "too_short": "至少填写一项",
    "extra_forbidden": "不是组织概况中的字段（请检查拼写）",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "model_type": "格式不正确",
}


def problems_from_validation_error(error: ValidationError) -> list[ProfileProblem]:
    out = []
    for e in error.errors():
        path = ".".join(str(x) for x in e["loc"])
        text = _PYDANTIC_MESSAGES.get(e["type"], "")
        if e["type"] == "literal_error":
            text = f"取值不在允许范围内（{e.get('ctx', {}).get('expected', '')}）"
        elif e["type"] == "greater_than_equal":
            text = f"不得小于{e.get('ctx', {}).get('ge')}"
        elif not text or e["type"] == "value_error":
            text = str(e.get("msg", "")).removeprefix("Value error, ")
        out.append(_p(path, f"structure.{e['type']}", text))
    return out


def validate_profile_data(data: dict[str, Any], today: date | None = None) -> tuple[OrgProfile | None, list[ProfileProblem]]:
    """Both layers on raw data (YAML, JSON, a UI form); never raises.

    Returns the profile (None when the structure is invalid) and every problem found.
    """
    try:
        profile = OrgProfile.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation_error(error)
        # A half-filled form: if only top-level text is missing, still run the rules
        # with placeholders so the user sees every other problem at once.
        patched = dict(data)
        for e in error.errors():
            if len(e["loc"]) == 1 and e["loc"][0] in _PLACEHOLDER_FIELDS:
                patched[e["loc"][0]] = _PLACEHOLDER_FIELDS[e["loc"][0]]
        try:
            partial = OrgProfile.model_validate(patched)
        except ValidationError:
            return None, problems
        return None, problems + [p for p in profile_problems(partial, today=today) if p.field not in patched
                                 or patched[p.field] == data.get(p.field)]
    return profile, profile_problems(profile, today=today)


_PLACEHOLDER_FIELDS: dict[str, Any] = {"name": "（未填写）", "address": "（未填写）", "purpose": "（未填写）",
                                       "registration_authority": "（未填写）", "business_scope": ["（未填写）"]}


def load_profile_data(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON profile file into a dict (ProfileError with a bilingual message on failure)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"组织概况文件不存在：{path}（profile file not found: {path}）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"无法读取组织概况文件 {path}：{exc}（cannot read profile file {path}: {exc}）") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"组织概况文件 {path} 格式错误：{exc}（profile file {path} is not valid YAML/JSON: {exc}）") from None
    if not isinstance(data, dict):
        raise ProfileError(f"组织概况文件 {path} 顶层应为键值对（profile file {path} must contain a mapping at top level）")
    return data


def load_profile(path: str | Path) -> OrgProfile:
    """Load and structurally validate a profile; rule problems are left to ``profile_problems``."""
    data = load_profile_data(path)
    try:
        return OrgProfile.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation_error(error)
        lines = "\n".join(f"  - {p.message}" for p in problems)
        raise ProfileError(
            f"组织概况文件 {path} 有 {len(problems)} 处格式问题（profile file {path} has {len(problems)} structural problem(s)）：\n{lines}",
            problems,
        ) from None


def type_defaults(org_type: str, social_group_kind: str = "一般社会团体", foundation_kind: str = "非公募") -> dict[str, Any]:
    """Sensible governance defaults per type (the model charters' numbers) for forms and the UI.

    Only governance, leadership and funds are filled; names and addresses stay empty.
    """
    if org_type == "社会团体":
        chamber = social_group_kind in ("行业协会", "异地商会")
        return {
            "org_type": "社会团体", "social_group_kind": social_group_kind,
            "field_category": "行业协会商会" if chamber else "其他",
            "direct_registration": chamber,
            "funds": {"amount_yuan": 100_000 if chamber else 30_000, "source": "会员单位缴纳及发起单位出资"},
            "members": {"kinds": ["单位会员"], "unit_count": 30, "individual_count": 0, "dues": True},
            "governance": {
                "assembly": {"form": "会员代表大会" if chamber else "会员大会", "term_years": 5, "meetings_per_term": 1,
                             "quorum": "2/3", "pass_ratio": "1/2", "special_pass_ratio": "2/3", "max_extension_years": 1},
                "council": {"size_min": 9, "size_max": 21, "term_years": 5, "meetings_per_year": 1,
                            "quorum": "2/3", "pass_ratio": "2/3", "special_pass_ratio": "2/3"},
                "standing_council": None,
                "supervision": {"form": "监事", "count": 1, "term_years": 5},
            },
            "leadership": {"chair_title": "会长", "vice_chair_title": "副会长", "secretary_title": "秘书长",
                           "legal_representative": "会长", "age_limit": 70, "max_consecutive_terms": 2},
            "party_building": {"full_party_members": 0, "mode": "党建联络员"},
        }
    if org_type == "社会服务机构":
        return {
            "org_type": "社会服务机构",
            "funds": {"amount_yuan": 100_000, "source": "举办者出资", "non_state_share": "1/1"},
            "governance": {
                "assembly": None,
                "council": {"size_min": 3, "size_max": 9, "term_years": 4, "meetings_per_year": 2,
                            "quorum": "2/3", "pass_ratio": "2/3", "special_pass_ratio": "2/3"},
                "standing_council": None,
                "supervision": {"form": "监事", "count": 1, "term_years": 4},
            },
            "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "secretary_title": "院长",
                           "legal_representative": "理事长", "age_limit": 70, "max_consecutive_terms": 2},
            "party_building": {"full_party_members": 0, "mode": "党建联络员"},
        }
    if org_type == "基金会":
        return {
            "org_type": "基金会", "foundation_kind": foundation_kind, "field_category": "公益慈善类",
            "direct_registration": True,
            "funds": {"amount_yuan": 4_000_000 if foundation_kind == "公募" else 2_000_000, "source": "发起人捐赠"},
            "governance": {
                "assembly": None,
                "council": {"size_min": 5, "size_max": 15, "term_years": 5, "meetings_per_year": 2,
                            "quorum": "2/3", "pass_ratio": "1/2", "special_pass_ratio": "2/3"},
                "standing_council": None,
                "supervision": {"form": "监事", "count": 2, "term_years": 5},
            },
            "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "secretary_title": "秘书长",
                           "legal_representative": "理事长", "age_limit": 70, "max_consecutive_terms": 2},
            "party_building": {"full_party_members": 0, "mode": "党建联络员"},
        }
    raise ValueError(f"未知的组织类型：{org_type}（unknown org type: {org_type}）")
