"""Templates + coverage map: every statutory item covered for every type, conditional
clauses follow the profile, articles and chapters numbered, broken maps fail clearly."""

from __future__ import annotations

import shutil

import pytest
import yaml

from assistant.drafting.templates import TEMPLATE_KEYS, CoverageError, TemplateError, TemplateLibrary
from assistant.drafting.terms import build_terms
from assistant.settings import PROJECT_ROOT
from tests.conftest import shipped_rulebook

from .conftest import make_profile

TEMPLATES = PROJECT_ROOT / "corpus" / "templates"
STATUTE_ITEMS = {"社会团体": 9, "行业协会": 9, "社会服务机构": 8, "基金会": 9}
KINDS = ["社会团体", "行业协会", "异地商会", "社会服务机构", "基金会"]


def draft(profile, templates_dir=TEMPLATES):
    return TemplateLibrary(templates_dir, shipped_rulebook()).draft(profile, build_terms(profile))


def test_one_template_per_type_and_a_coverage_entry_each():
    library = TemplateLibrary(TEMPLATES, shipped_rulebook())
    for key in TEMPLATE_KEYS:
        assert library.template_path(key).is_file()
        library.check_template(key)
        assert len(library.coverage()[key].items) == STATUTE_ITEMS[key]


def test_statutes_named_by_type():
    cov = TemplateLibrary(TEMPLATES, shipped_rulebook()).coverage()
    assert cov["社会团体"].statute == "社会团体登记管理条例 第十四条"
    assert cov["社会服务机构"].statute == "民办非企业单位登记管理暂行条例 第十条"
    assert cov["基金会"].statute == "基金会管理条例 第十条"
    assert cov["基金会"].items[2][0] == "原始基金数额"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("standing", [False, True])
def test_every_statutory_item_has_an_article(kind, standing):
    overrides = {}
    if standing and kind in ("社会团体", "行业协会", "异地商会"):
        overrides = {"governance": {"standing_council": {"size": 5, "meetings_per_year": 2}}}
    charter = draft(make_profile(kind, **overrides))
    assert charter.coverage and all(row.articles for row in charter.coverage)
    numbers = {a.number for a in charter.articles}
    for row in charter.coverage:
        assert {a.number for a in row.articles} <= numbers


@pytest.mark.parametrize("kind", KINDS)
def test_required_political_clauses(kind):
    text = draft(make_profile(kind)).plain_text()
    assert "坚持中国共产党的全面领导" in text
    assert "根据中国共产党章程的规定，设立中国共产党的组织" in text
    assert "社会主义核心价值观" in text


def test_articles_and_chapters_are_numbered_in_chinese():
    charter = draft(make_profile("社会团体"))
    labels = [a.label for a in charter.articles]
    assert labels[:3] == ["第一条", "第二条", "第三条"]
    assert labels[10] == "第十一条" and labels[19] == "第二十条"
    assert [c.heading for c in charter.chapters][:2] == ["第一章 总则", "第二章 业务范围"]
    assert charter.chapters[-1].heading.endswith("附则")
    assert "第七章 终止程序和终止后资产的处理" in [c.heading for c in charter.chapters]
    # no template key leaks into the text
    assert "【" not in charter.plain_text()


def test_standing_council_only_when_present():
    without = draft(make_profile("社会团体")).plain_text()
    assert "常务理事会" not in without
    with_standing = make_profile("社会团体", governance={"standing_council": {"size": 5, "meetings_per_year": 2}})
    charter = draft(with_standing)
    assert "本会设立常务理事会" in charter.plain_text() and "常务理事5名" in charter.plain_text()
    assert len(charter.articles) == len(draft(make_profile("社会团体")).articles) + 2


def test_public_fundraising_only_for_public_foundations():
    public = draft(make_profile("基金会", "公募", funds={"amount_yuan": 4_000_000})).plain_text()
    private = draft(make_profile("基金会", "非公募")).plain_text()
    assert "开展公开募捐活动" in public and "不得低于上一年总收入的70%" in public
    assert "开展公开募捐活动" not in private and "不面向公众开展公开募捐" in private
    assert "不得低于上一年基金余额的8%" in private


def test_party_building_mode_follows_profile():
    joint = draft(make_profile(party_building={"full_party_members": 1, "mode": "联合党组织"})).plain_text()
    assert "联合建立党的基层组织" in joint
    liaison = draft(make_profile(party_building={"full_party_members": 0, "mode": "党建指导员"})).plain_text()
    assert "选派党建指导员" in liaison
    own = draft(make_profile(party_building={"full_party_members": 5, "mode": "独立党组织"})).plain_text()
    assert "单独建立党的基层组织" in own


def test_supervisory_unit_and_direct_registration_wording():
    with_unit = draft(make_profile("社会团体")).plain_text()
    assert "业务主管单位上海市青年联合会" in with_unit
    direct = draft(make_profile("行业协会")).plain_text()
    assert "依法直接登记" in direct and "经业务主管单位审查同意" not in direct


def test_representative_assembly_and_dues_conditions():
    profile = make_profile("社会团体", governance={"assembly": {"form": "会员代表大会"}}, members={"dues": False})
    text = draft(profile).plain_text()
    assert "会员代表由会员按照一定比例推选产生" in text
    assert "须有三分之二以上的会员代表出席" in text
    assert "会费" not in text


def test_chamber_of_commerce_variant():
    text = draft(make_profile("异地商会", direct_registration=True)).plain_text()
    assert "福建省泉州市籍人士" in text and "行规行约" in text


def test_business_scope_items_are_enumerated():
    charter = draft(make_profile("社会团体", business_scope=["甲项业务", "乙项业务", "丙项业务"]))
    scope = charter.article("业务范围")
    assert scope.paragraphs[1:4] == ["（一）甲项业务；", "（二）乙项业务；", "（三）丙项业务；"]


@pytest.fixture
def template_copy(tmp_path):
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def test_missing_item_fails_with_clear_error(template_copy):
    """A conditional article that is the only cover of an item: drafting must refuse."""
    path = template_copy / "_coverage.yaml"
    cov = yaml.safe_load(path.read_text(encoding="utf-8"))
    cov["社会团体"]["articles"]["SG-CH-07"] = ["常务理事会"]  # 章程的修改程序 -> only a conditional article
    path.write_text(yaml.safe_dump(cov, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CoverageError) as info:
        draft(make_profile("社会团体"), template_copy)
    assert info.value.missing_items == ["章程的修改程序"]
    assert "章程草稿缺少法定事项" in str(info.value) and "without an article" in str(info.value)
    # with a standing council the item is covered again
    draft(make_profile("社会团体", governance={"standing_council": {"size": 5}}), template_copy)


def test_coverage_map_naming_unknown_article_is_rejected(template_copy):
    path = template_copy / "_coverage.yaml"
    cov = yaml.safe_load(path.read_text(encoding="utf-8"))
    cov["基金会"]["articles"]["FD-CH-01"].append("不存在的条款")
    path.write_text(yaml.safe_dump(cov, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError, match="不存在的条款"):
        draft(make_profile("基金会"), template_copy)


def test_coverage_map_must_map_every_statutory_item_of_the_rulebook(template_copy):
    """The items are the rulebook's: a coverage map that forgets one, or names a rule that is
    not a charter item of the type, is rejected before anything is drafted."""
    path = template_copy / "_coverage.yaml"
    cov = yaml.safe_load(path.read_text(encoding="utf-8"))
    del cov["基金会"]["articles"]["FD-CH-07"]
    path.write_text(yaml.safe_dump(cov, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError, match="财务会计报告的编制、审定制度"):
        draft(make_profile("基金会"), template_copy)
    cov["基金会"]["articles"]["FD-CH-07"] = ["财务会计报告"]
    cov["基金会"]["articles"]["SG-CH-01"] = ["名称"]
    path.write_text(yaml.safe_dump(cov, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError, match="SG-CH-01"):
        draft(make_profile("基金会"), template_copy)


def test_misspelt_placeholder_is_an_error(template_copy):
    path = template_copy / "社会服务机构.md"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ p.address }}", "{{ p.adress }}"), encoding="utf-8")
    with pytest.raises(TemplateError, match="渲染失败"):
        draft(make_profile("社会服务机构"), template_copy)


def test_duplicate_article_key_is_rejected(template_copy):
    path = template_copy / "社会服务机构.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n【名称】重复。\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="重复"):
        draft(make_profile("社会服务机构"), template_copy)
