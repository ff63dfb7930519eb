"""The organization profile (组织概况): what an organization's founders would tell the
登记管理机关 — type, name, 住所, 宗旨, 业务范围, funds, members or 举办者, governing
bodies, 负责人 and Party building — as one pydantic model, ``OrgProfile``.

Structure only: pydantic types (a number where a number belongs, a known org
type …). The legal rules are checked by ``assistant.profile.checks`` against the
rulebook. Numbers a founder may leave out because the model charters fix them
(每届年限, 到会比例, 最高任职年龄 …) are ``None`` here and filled from the rulebook
by ``complete_profile``. Amounts are whole 元 (``amount_yuan``); ratios are
fractions written as strings ("3/4").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.text.numerals import parse_ratio, ratio_text

OrgType = Literal["社会团体", "社会服务机构", "基金会"]
SocialGroupKind = Literal["一般社会团体", "行业协会", "异地商会"]
FoundationKind = Literal["公募", "非公募"]
Level = Literal["全国性", "市级", "区级"]
FieldCategory = Literal["行业协会商会", "科技类", "公益慈善类", "城乡社区服务类", "其他"]
PartyMode = Literal["独立党组织", "联合党组织", "党建联络员", "党建指导员"]



class _Model(BaseModel):
    # Unknown keys are errors: a typo in a YAML profile must not pass silently.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strip_strings(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


def _ratio_field(title: str, description: str):
    # None: the rulebook's value (the model charter's wording), filled by complete_profile.
    return Field(None, title=title, description=description + "；空则按示范章程")


class _RatioValidated(_Model):
    @field_validator("quorum", "pass_ratio", "special_pass_ratio", check_fields=False)
    @classmethod
    def _check_ratio(cls, value: str | None) -> str | None:
        if value is None:
            return None
        ratio = parse_ratio(value)
        if not (0 < ratio <= 1):
            raise ValueError("比例应在 0 与 1 之间")
        return ratio_text(ratio)


class Funds(_Model):
    """活动资金 (社会团体) / 开办资金 (社会服务机构) / 原始基金 (基金会)."""

    amount_yuan: int = Field(..., ge=0, title="资金数额（元）", description="活动资金/开办资金/原始基金数额，单位：元")
    source: str = Field("", title="资金来源", description="资金来源，如“发起单位出资”“举办者个人出资”")
    non_state_share: str | None = Field(
        None, title="非国有资产占比", description="社会服务机构非国有资产份额，如 1/1；地方规则可规定下限"
    )

    @field_validator("non_state_share")
    @classmethod
    def _check_share(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return ratio_text(parse_ratio(value))


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
    term_years: int | None = Field(None, ge=1, title="每届年限", description="每届任期（年）；空则按规则库上限")
    meetings_per_term: int = Field(1, ge=1, title="每届召开次数", description="每届至少召开的次数")
    quorum: str | None = _ratio_field("到会比例", "须有多少比例的会员（代表）出席方能召开，写作分数，如 3/4")
    pass_ratio: str | None = _ratio_field("表决比例", "一般决议须经到会会员（代表）多少比例同意，写作分数，如 3/4")
    special_pass_ratio: str | None = _ratio_field("特别决议比例", "修改章程、终止等重大事项的表决比例")
    max_extension_years: int | None = Field(None, ge=0, title="最长延期换届（年）", description="特殊情况延期换届的最长期限；空则按规则库上限")


class Council(_RatioValidated):
    """理事会 (执行机构 / 决策机构)."""

    size_min: int = Field(..., ge=1, title="理事人数下限", description="理事会最少理事人数")
    size_max: int = Field(..., ge=1, title="理事人数上限", description="理事会最多理事人数")
    term_years: int | None = Field(None, ge=1, title="每届年限", description="理事每届任期（年）；空则按规则库上限")
    meetings_per_year: int = Field(1, ge=1, title="每年会议次数", description="理事会每年至少召开的次数")
    quorum: str | None = _ratio_field("到会比例", "须有多少比例的理事出席方能召开，写作分数，如 3/4")
    pass_ratio: str | None = _ratio_field("表决比例", "决议须经到会理事多少比例同意")
    special_pass_ratio: str | None = _ratio_field("重大事项表决比例", "修改章程、选举负责人等重大事项的表决比例")


class StandingCouncil(_RatioValidated):
    """常务理事会 (optional; its size is limited to a share of the 理事, see the rulebook)."""

    size: int = Field(..., ge=1, title="常务理事人数", description="常务理事人数，不超过规则库规定的理事人数比例")
    meetings_per_year: int = Field(2, ge=1, title="每年会议次数", description="常务理事会每年至少召开的次数")
    quorum: str | None = _ratio_field("到会比例", "须有多少比例的常务理事出席方能召开")
    pass_ratio: str | None = _ratio_field("表决比例", "决议须经到会常务理事多少比例同意")


class Supervision(_Model):
    """监事 or 监事会."""

    form: Literal["监事", "监事会"] = Field("监事", title="形式", description="设监事或监事会（监事人数达到规则库规定的，设监事会）")
    count: int = Field(1, ge=1, title="监事人数", description="监事人数")
    term_years: int | None = Field(None, ge=1, title="每届年限", description="监事每届任期（年），与理事会相同；空则按规则库上限")


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
    age_limit: int | None = Field(None, ge=1, title="最高任职年龄", description="负责人任职最高年龄（周岁）；空则按规则库上限")
    max_consecutive_terms: int | None = Field(None, ge=1, title="最多连任届数", description="负责人最多连续任职届数；空则按规则库上限")
    persons: list[Person] = Field(default_factory=list, title="拟任负责人", description="拟任负责人名单（可选）")

    @property
    def titles(self) -> list[str]:
        return [self.chair_title, self.vice_chair_title, self.secretary_title]


class PartyBuilding(_Model):
    """党建: an own Party organization, or joint/联络员/指导员 with too few full members (see the rulebook)."""

    full_party_members: int = Field(0, ge=0, title="正式党员人数", description="本组织专职工作人员中的正式党员人数")
    mode: PartyMode = Field("独立党组织", title="党建方式", description="独立党组织；正式党员人数不足时联合党组织、党建联络员或党建指导员")


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
    region: str = Field("", title="行政区划", description="登记所在行政区划，如 某某市、某某市某某区；空则为所设置的地方")
    name: str = Field(..., min_length=1, title="名称", description="组织全称")
    credit_code: str | None = Field(None, title="统一社会信用代码", description="已登记的组织的18位统一社会信用代码（新设立的不填）")
    address: str = Field(..., min_length=1, title="住所", description="住所地址")
    premises_use_years: float | None = Field(None, title="场所使用年限", description="住所使用权剩余年限（年），地方规则可规定下限")
    purpose: str = Field(..., min_length=1, title="宗旨", description="宗旨")
    business_scope: list[str] = Field(..., min_length=1, title="业务范围", description="业务范围，每项一条")
    activity_area: str = Field("", title="活动地域", description="活动地域，如 某某市；空则按行政区划")
    field_category: FieldCategory = Field("其他", title="领域类别", description="行业协会商会、科技类、公益慈善类、城乡社区服务类或其他")
    description: str = Field("", title="简介", description="简短说明（供润色宗旨、业务范围与检索政策使用）")
    registration_authority: str = Field(..., min_length=1, title="登记管理机关", description="如 某某市民政局")
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
