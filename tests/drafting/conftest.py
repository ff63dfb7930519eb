"""Profile builders for the drafting tests: per-type defaults plus overrides."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.profile import OrgProfile, complete_profile, type_defaults
from tests.conftest import deep_merge, shipped_rulebook

BASE_FIELDS = {
    "社会团体": {"name": "上海市青年创业促进会", "address": "上海市黄浦区人民大道1号", "registration_authority": "上海市民政局",
              "supervisory_unit": "上海市青年联合会", "purpose": "服务青年创业，促进就业。",
              "business_scope": ["开展创业培训", "组织交流活动"]},
    "行业协会": {"name": "上海市咖啡行业协会", "address": "上海市静安区南京西路1号", "registration_authority": "上海市民政局",
              "purpose": "服务会员，规范行业。", "business_scope": ["开展行业调研", "制定行规行约"]},
    "异地商会": {"name": "上海市泉州商会", "hometown": "福建省泉州市", "address": "上海市浦东新区世纪大道1号",
              "registration_authority": "上海市民政局", "purpose": "服务在沪泉州籍企业。", "business_scope": ["组织经贸交流"]},
    "社会服务机构": {"name": "上海市阳光助残服务中心", "address": "上海市普陀区长寿路1号", "registration_authority": "上海市民政局",
                "direct_registration": True, "field_category": "城乡社区服务类", "purpose": "为残疾人提供康复服务。",
                "business_scope": ["康复训练", "职业培训"], "founders": [{"name": "张三", "kind": "个人", "contribution_yuan": 100000}]},
    "基金会": {"name": "上海市绿色未来基金会", "address": "上海市长宁区延安西路1号", "registration_authority": "上海市民政局",
            "purpose": "资助环境保护公益项目。", "business_scope": ["资助环保项目", "开展环保宣传"]},
}


def profile_data(kind: str = "社会团体", foundation_kind: str = "非公募", **overrides: Any) -> dict:
    """Raw profile data for kind 社会团体 / 行业协会 / 异地商会 / 社会服务机构 / 基金会."""
    if kind in ("行业协会", "异地商会"):
        data = type_defaults("社会团体", shipped_rulebook(), social_group_kind=kind)
    elif kind == "社会团体":
        data = type_defaults("社会团体", shipped_rulebook())
    else:
        data = type_defaults(kind, shipped_rulebook(), foundation_kind=foundation_kind)
    data = deep_merge(data, BASE_FIELDS[kind])
    return deep_merge(data, overrides)


def make_profile(kind: str = "社会团体", foundation_kind: str = "非公募", **overrides: Any) -> OrgProfile:
    """A profile as the drafting service sees it: numbers left out filled from the rulebook."""
    return complete_profile(OrgProfile.model_validate(profile_data(kind, foundation_kind, **overrides)), shipped_rulebook())


@pytest.fixture
def drafter(tmp_settings):
    from assistant.drafting.service import DraftingService

    return DraftingService(settings=tmp_settings, retriever_factory=None, llm_factory=None)
