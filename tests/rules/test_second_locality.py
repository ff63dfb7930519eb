"""The locality is data: set it to 洛阳市 and drafting, checking and filling use Luoyang's values
(and national law where Luoyang sets none) — never Shanghai's. Also the locality API that Q&A
uses for place names."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.services import Services
from assistant.settings import load_settings

TODAY = date(2026, 6, 1)

SERVICE_ORG = {
    "org_type": "社会服务机构", "level": "市级", "region": "洛阳市", "name": "洛阳市夕阳红养老服务中心",
    "address": "洛阳市西工区中州中路100号", "purpose": "为老年人提供日间照料服务。", "business_scope": ["日间照料", "康复指导"],
    "registration_authority": "洛阳市民政局", "supervisory_unit": "洛阳市卫生健康委员会",
    "funds": {"amount_yuan": 50_000, "source": "举办者出资", "non_state_share": "1/2"}, "premises_use_years": 0.5,
    "founders": [{"name": "王芳", "kind": "个人", "contribution_yuan": 50_000}],
    "governance": {"council": {"size_min": 3, "size_max": 7, "meetings_per_year": 2}},
    "leadership": {"chair_title": "理事长", "vice_chair_title": "副理事长", "secretary_title": "主任", "legal_representative": "理事长"},
    "party_building": {"full_party_members": 0, "mode": "党建联络员"},
}

FILING = """洛阳市夕阳红养老服务中心章程

第一章 总则
第一条 本单位的名称为洛阳市夕阳红养老服务中心。
第二条 本单位的住所设在河南省洛阳市西工区中州中路100号。
第三条 本单位的开办资金为人民币5万元，来源为举办者出资。
"""


@pytest.fixture(scope="module")
def luoyang(tmp_path_factory):
    return Services(load_settings(locality="洛阳市", data_dir=tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory):
    return Services(load_settings(locality="上海市", data_dir=tmp_path_factory.mktemp("data")))


def test_the_services_share_one_rulebook_for_the_locality(luoyang):
    assert luoyang.rulebook.locality.name == "洛阳市"
    assert luoyang.drafter.rulebook is luoyang.rulebook is luoyang.checker.rulebook is luoyang.filler.rulebook
    assert luoyang.locality is luoyang.rulebook.locality


def test_drafting_uses_luoyangs_values(luoyang, shanghai):
    result = luoyang.drafter.draft(SERVICE_ORG, today=TODAY)  # no local 开办资金 minimum, no premises term
    assert "人民币5万元" in result.markdown and all(c.passed for c in result.checks)
    assert result.warnings == []  # no notice: 洛阳市 has a locality file
    # A profile that leaves out the region and authority gets Luoyang's.
    data = {k: v for k, v in SERVICE_ORG.items() if k != "region"}
    assert luoyang.drafter.draft(data, today=TODAY).profile.region == "洛阳市"
    # The same organization registered in Shanghai does not meet Shanghai's numbers.
    from assistant.drafting.service import ProfileInvalid

    with pytest.raises(ProfileInvalid) as info:
        shanghai.drafter.draft({**SERVICE_ORG, "region": "上海市", "name": "上海市夕阳红养老服务中心"}, today=TODAY)
    assert {p.rule for p in info.value.problems} >= {"funds_minimum", "non_state_share", "premises_use"}


def test_checking_uses_luoyangs_values(luoyang, shanghai):
    result = luoyang.checker.check_text(FILING, "章程.txt", kind="charter")
    assert "TH-SS-FUNDS" not in {f.rule_id for f in result.findings}
    assert "TH-SS-FUNDS" in result.not_applicable and result.locality == "洛阳市"
    here = shanghai.checker.check_text(FILING.replace("洛阳市", "上海市").replace("河南省", ""), "章程.txt", kind="charter")
    assert "TH-SS-FUNDS" in {f.rule_id for f in here.findings}
    # Suggestions name the place whose rules apply, and its own deadlines.
    assert "洛阳市……协会" in luoyang.rulebook.by_id("NM-NATIONAL").suggestion
    assert "10日内申请注销登记" in luoyang.rulebook.by_id("DR-01").suggestion


def test_filling_uses_luoyangs_values(luoyang, shanghai):
    values = {"name": "洛阳市夕阳红养老服务中心", "level": "市级", "funds": "5", "premises_years": "0.5"}
    checks = luoyang.filler.validate("service_org_establishment", values, TODAY)
    assert checks["funds"].status == "ok" and checks["premises_years"].status == "ok"
    assert "洛阳市" in luoyang.filler.form("shetuan_establishment").field("registration_authority").help
    assert "未规定直接登记的类别" in luoyang.filler.form("shetuan_establishment").field("registration_mode").help
    here = shanghai.filler.validate("service_org_establishment", {**values, "name": "上海市夕阳红养老服务中心"}, TODAY)
    assert here["funds"].status == "invalid" and "10万元" in here["funds"].message
    assert here["premises_years"].status == "invalid"
    guidance = luoyang.filler.guidance("service_org_establishment", "funds", values, with_citations=False)
    assert "上海" not in guidance.markdown() and "未规定最低数额" in guidance.requirement


def test_an_unknown_locality_is_national_law_with_a_visible_notice(tmp_path):
    services = Services(load_settings(locality="杭州市", data_dir=tmp_path / "data"))
    filled = services.filler.fill("service_org_establishment", overrides={"level": "市级", "funds": "5"}, today=TODAY)
    assert filled.notices and "杭州市" in filled.notices[0]
    assert filled.checks["funds"].status == "ok"
    result = services.checker.check_text(FILING.replace("洛阳市", "杭州市"), "章程.txt", kind="charter")
    assert "杭州市" in result.notes[0]


# --- the locality API (used by Q&A for place names) ------------------------------------------

def test_place_names_of_the_locality_and_of_every_shipped_one(luoyang, shanghai):
    here = shanghai.locality
    assert here.places()[0] == "上海市" and "长宁区" in here.places() and len(here.districts) == 16
    assert here.city_words == ("本市", "全市", "市级", "市里")
    assert {"上海市", "本市", "长宁区", "长宁", "区级"} <= set(here.generic_terms())
    assert here.district_of("长宁区2026年工作要点") == "长宁区" and here.district_of("长宁的评估") == "长宁区"
    everywhere = here.all_known_places()
    assert {"上海市", "长宁区", "洛阳市", "西工区", "河南省"} <= set(everywhere)
    assert luoyang.locality.all_known_places() == everywhere
    assert luoyang.locality.authority_for("西工区") == "洛阳市西工区民政局"
    assert shanghai.rulebook.localities.find("那洛阳市呢".removeprefix("那").removesuffix("呢"))[0].name == "洛阳市"
