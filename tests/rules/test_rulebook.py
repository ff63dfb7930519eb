"""The rulebook: loading, the query API, templated texts, localities, and the Markdown for the KB."""

from fractions import Fraction
from pathlib import Path
import shutil

import pytest
import yaml

from assistant.rules import KINDS, ORG_TYPES, Bound, RulebookError, load_rulebook
from assistant.rules.knowledge import render_rule_file
from assistant.rules.rulebook import RULE_TYPES
from assistant.settings import PROJECT_ROOT

RULES = PROJECT_ROOT / "corpus" / "rules"
LOCALITIES = PROJECT_ROOT / "corpus" / "localities"


def test_every_rule_is_complete_and_unique(rulebook):
    ids = [r.id for r in rulebook.rules]
    assert len(ids) == len(set(ids))
    for rule in rulebook.rules:
        assert rule.item and rule.basis and rule.suggestion, rule.id
        assert rule.type in RULE_TYPES
        for text in (rule.item, rule.basis, rule.suggestion):
            assert "{{" not in text and "{%" not in text, rule.id  # every template was rendered


def test_rulebook_covers_every_kind_org_type_and_rule_type(rulebook):
    assert {r.type for r in rulebook.rules} == set(RULE_TYPES)
    for kind in KINDS:
        for org_type in ORG_TYPES:
            assert any(r.applies(kind, org_type) for r in rulebook.rules), (kind, org_type)


def test_charter_items_are_the_statutes_items_in_order(rulebook):
    # 9 items for 社会团体 (第十四条), 8 for 社会服务机构 (第十条), 9 for 基金会 (第十条).
    assert [len(rulebook.charter_items(t)) for t in ORG_TYPES] == [9, 8, 9]
    assert rulebook.charter_items("社会团体")[7].item == "终止程序和终止后资产的处理"
    assert rulebook.charter_statute("基金会") == "基金会管理条例 第十条"
    for org_type in ORG_TYPES:
        assert all(f"第（{n}）项" in r.basis for n, r in zip("一二三四五六七八九", rulebook.charter_items(org_type)))


def test_every_semantic_description_has_anchor_words(rulebook):
    for rule in rulebook.rules:
        for part in rule.parts():
            if part.get("description"):
                assert part.get("anchors"), rule.id


# --- the query API -------------------------------------------------------------------

def test_bound_by_key_returns_the_number_with_its_basis(rulebook):
    age = rulebook.bound("leader_age")
    assert isinstance(age, Bound) and age.max == 70 and age.side == "max"
    assert str(age) == "70周岁" and age.n == "70"
    size = rulebook.bound("fd_council_size")
    assert (size.min, size.max, str(size)) == (5, 25, "5至25人")
    assert size.basis == "基金会管理条例 第二十条"
    quorum = rulebook.bound("fd_council_quorum")
    assert quorum.min == Fraction(2, 3) and quorum.phrase == "三分之二以上" and str(quorum) == "三分之二"
    assert str(rulebook.bound("change_days")) == "30日" and str(rulebook.bound("leader_terms")) == "2届"
    assert rulebook.bound("leader_terms").cn == "两届"


def test_bound_by_topic_follows_the_organizations_facts(rulebook):
    def funds(**facts):
        found = rulebook.bound("funds_min", **facts)
        return None if found is None else (found.key, found.min)

    assert funds(org_type="社会团体", level="全国性") == ("sg_funds_national", 100_000)
    assert funds(org_type="社会团体", level="区级") == ("sg_funds_local", 30_000)
    assert funds(org_type="基金会", level="市级", foundation_kind="公募") == ("fd_fund_public_local", 4_000_000)
    assert funds(org_type="基金会", level="全国性", foundation_kind="公募") == ("fd_fund_public_national", 8_000_000)
    assert funds(org_type="基金会", level="市级", foundation_kind="非公募") == ("fd_fund_private", 2_000_000)
    # The city-level 社会服务机构 minimum is Shanghai's own; a district sets its own (none shipped).
    assert funds(org_type="社会服务机构", level="市级") == ("ss_start_funds_city", 100_000)
    assert funds(org_type="社会服务机构", level="区级") is None
    # Undecided until the fact that decides it is known: the level of a 社会团体.
    assert funds(org_type="社会团体") is None
    assert funds(org_type="基金会", foundation_kind="非公募") == ("fd_fund_private", 2_000_000)


def test_unknown_keys_are_errors_not_silence(rulebook):
    with pytest.raises(KeyError):
        rulebook.bound("leader_agee")
    with pytest.raises(KeyError):
        rulebook.provision("no_such_rule")
    assert rulebook.provision("fd_no_state_employee").basis == "基金会管理条例 第二十三条"


def test_members_minimum_by_composition(rulebook):
    assert [(b.key, n) for b, n in [rulebook.members_minimum(0, 31), rulebook.members_minimum(20, 10),
                                    rulebook.members_minimum(49, 0)]] == \
        [("sg_members_unit", 31), ("sg_members_mixed", 30), ("sg_members_individual", 49)]


# --- localities ---------------------------------------------------------------------------

def test_another_locality_uses_its_own_values_and_never_shanghais(rulebook):
    luoyang = rulebook.at("洛阳市")
    assert luoyang.locality.name == "洛阳市" and luoyang.locality.province == "河南省"
    assert luoyang.bound("funds_min", org_type="社会服务机构", level="市级") is None  # no local 开办资金 minimum
    assert luoyang.bound("ss_premises_years") is None
    assert luoyang.bound("deregistration_apply_days").max == 10
    assert rulebook.bound("deregistration_apply_days") is None  # Luoyang's own, not Shanghai's
    # National law is the same everywhere.
    assert luoyang.bound("funds_min", org_type="社会团体", level="市级").min == 30_000
    # A rule that needs a number the place does not set is reported, not checked with another place's number.
    assert "TH-SS-FUNDS" in luoyang.inapplicable and "TH-SS-FUNDS" not in [r.id for r in luoyang.rules]
    assert "洛阳市" in luoyang.by_id("NM-NATIONAL").suggestion
    assert "10日内" in luoyang.by_id("DR-01").suggestion and "10日" not in rulebook.by_id("DR-01").suggestion
    assert rulebook.bound("leader_age", locality="洛阳市") is luoyang.bound("leader_age")


def test_further_data_sets_come_from_the_locality_or_the_law(rulebook):
    grounds = rulebook.at("洛阳市").data("annual_inspection_fail_grounds")
    assert grounds["basis"] == "洛阳市社会团体登记管理办法 第十五条" and "一年中未开展任何业务活动" in grounds["items"]
    assert rulebook.data("annual_inspection_fail_grounds") is None


def test_unknown_locality_gets_national_rules_and_a_notice():
    book = load_rulebook(RULES, LOCALITIES, "杭州市")
    assert book.notice and "杭州市" in book.notice
    assert book.bound("funds_min", org_type="社会服务机构", level="市级") is None
    assert book.bound("funds_min", org_type="社会团体", level="市级").min == 30_000
    assert book.locality.districts == () and book.locality.registration_authority == "杭州市民政局"
    assert "TH-SS-FUNDS" in book.inapplicable


def test_districts_resolve_to_their_city(rulebook):
    assert rulebook.at("长宁区") is rulebook and rulebook.at("上海市长宁区") is rulebook
    assert rulebook.localities.find("西工区") == (rulebook.at("洛阳市").locality, "西工区")


# --- files ----------------------------------------------------------------------------------

def _copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(RULES / "_law.yaml", rules / "_law.yaml")
    return rules


def test_bad_rules_file_names_file_and_rule(tmp_path: Path):
    rules = _copy_rules(tmp_path)
    (rules / "bad.yaml").write_text("rules:\n  - id: X-1\n    item: 某事项\n    type: magic\n", encoding="utf-8")
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules, LOCALITIES, "上海市")
    assert "bad.yaml" in str(err.value) and "X-1" in str(err.value)


@pytest.mark.parametrize("variant,fragment", [
    ("{max: 70, label: 负责人}", "数值须引用规则库"),
    ("{bound: leader_agee, label: 负责人}", "leader_agee"),
])
def test_a_check_may_not_write_a_number_or_cite_an_unknown_one(tmp_path: Path, variant, fragment):
    rules = _copy_rules(tmp_path)
    (rules / "t.yaml").write_text(
        "rules:\n  - id: T-1\n    item: 年龄\n    type: threshold\n    basis: 示范章程\n    severity: high\n    suggestion: 改\n"
        f"    detect:\n      quantity: age\n      context: [负责人]\n      variants: [{variant}]\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=fragment):
        load_rulebook(rules, LOCALITIES, "上海市")


def test_tiers_by_a_number_are_data_too(tmp_path: Path):
    """How the coming risk screening adds a tiered ratio (e.g. by net assets): bounds with ranges."""
    rules = _copy_rules(tmp_path)
    law = yaml.safe_load((rules / "_law.yaml").read_text(encoding="utf-8"))
    law["bounds"]["tier_big"] = {"topic": "spend", "item": "支出比例", "label": "大", "quantity": "percent", "min": 6,
                                 "applies": {"org_type": "基金会", "net_assets": {"min": 60_000_000}}, "basis": "示例"}
    law["bounds"]["tier_small"] = {"topic": "spend", "item": "支出比例", "label": "小", "quantity": "percent", "min": 8,
                                   "applies": {"org_type": "基金会", "net_assets": {"max": 60_000_000}}, "basis": "示例"}
    (rules / "_law.yaml").write_text(yaml.safe_dump(law, allow_unicode=True), encoding="utf-8")
    shutil.copy(RULES / "names.yaml", rules / "names.yaml")
    book = load_rulebook(rules, LOCALITIES, "上海市")
    assert book.bound("spend", org_type="基金会", net_assets=80_000_000).key == "tier_big"
    assert book.bound("spend", org_type="基金会", net_assets=5_000_000).key == "tier_small"
    assert book.bound("spend", org_type="基金会") is None  # not decided before the net assets are known


# --- the rulebook as knowledge --------------------------------------------------------------

def test_render_rule_file(rulebook):
    md = render_rule_file(RULES / "charter_social_group.yaml", rulebook)
    lines = md.splitlines()
    assert lines[0] == "# 社会团体章程必备事项"
    headings = [line for line in lines if line.startswith("## ")]
    assert len(headings) == 9
    assert "## SG-CH-08 终止程序和终止后资产的处理" in headings
    assert "《社会团体登记管理条例》第十四条第（八）项" in md
    assert "修改建议：增设“终止程序及终止后的财产处理”一章" in md
    assert "[^" not in md  # detection regexes stay out of the readable text


def test_thresholds_render_the_laws_numbers_and_mark_local_ones(rulebook):
    md = render_rule_file(RULES / "thresholds.yaml", rulebook)
    assert "全国性社会团体：不少于10万元；地方性或跨行政区域社会团体：不少于3万元" in md
    assert "- 上海市：市级社会服务机构开办资金不少于10万元（沪民规〔2025〕11号；区级由各区确定）" in md
    assert "负责人：不超过70周岁" in md and "{{" not in md
    luoyang = render_rule_file(RULES / "thresholds.yaml", rulebook.at("洛阳市"))
    assert "TH-SS-FUNDS" not in luoyang and "上海市" not in luoyang


def test_every_rules_file_renders(rulebook):
    for path in rulebook.files:
        md = render_rule_file(path, rulebook)
        assert md.startswith("# ")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        applicable = [r for r in data.get("rules") or [] if r["id"] not in rulebook.inapplicable]
        assert md.count("\n## ") >= len(applicable)


def test_the_knowledge_base_reads_rules_through_the_registered_renderer(tmp_settings):
    from assistant.kb.loaders import LoadError, load_file
    from assistant.services import Services

    Services(tmp_settings).register_knowledge_renderers()
    loaded = load_file(RULES / "names.yaml")
    assert loaded.format == "rulebook" and loaded.text.startswith("# 社会组织名称规则")
    assert "《民办非企业单位登记管理暂行条例》第八条" in loaded.text
    with pytest.raises(LoadError):
        load_file(RULES / "_law.yaml")  # the law file is data, not a document
