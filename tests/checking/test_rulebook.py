from pathlib import Path

import pytest
import yaml

from assistant.checking.rulebook import (
    KINDS,
    ORG_TYPES,
    RULE_TYPES,
    RulebookError,
    load_rulebook,
    render_rule_file_markdown,
)


@pytest.fixture(scope="module")
def rulebook():
    from assistant.settings import PROJECT_ROOT

    return load_rulebook(PROJECT_ROOT / "corpus" / "rules")


def test_every_rule_is_complete_and_unique(rulebook):
    ids = [r.id for r in rulebook.rules]
    assert len(ids) == len(set(ids))
    for rule in rulebook.rules:
        assert rule.item and rule.basis and rule.suggestion, rule.id
        assert rule.type in RULE_TYPES


def test_rulebook_covers_every_kind_org_type_and_rule_type(rulebook):
    assert {r.type for r in rulebook.rules} == set(RULE_TYPES)
    for kind in KINDS:
        for org_type in ORG_TYPES:
            assert any(r.applies(kind, org_type) for r in rulebook.rules), (kind, org_type)
    # One presence rule per statutory charter item: 9 for 社会团体 (第十四条), 8 for 社会服务机构 (第十条).
    sg = [r for r in rulebook.rules if r.id.startswith("SG-CH-")]
    ss = [r for r in rulebook.rules if r.id.startswith("SS-CH-") and "第十条" in r.basis]
    fd = [r for r in rulebook.rules if r.id.startswith("FD-CH-") and "第十条第" in r.basis]
    assert len(sg) == 9 and len(ss) == 8 and len(fd) == 9
    assert rulebook.by_id("SG-CH-08").item == "终止程序和终止后资产的处理"


def test_every_semantic_description_has_anchor_words(rulebook):
    for rule in rulebook.rules:
        for part in rule.parts():
            if part.get("description"):
                assert part.get("anchors"), rule.id


def test_locality_values_are_settings_with_district_fallback(rulebook):
    assert rulebook.setting("sg_funds_local", "上海市") == 30_000
    assert rulebook.setting("fd_fund_private", "上海市") == 2_000_000
    # A district without its own entry uses the city's value.
    assert rulebook.setting("ss_start_funds", "长宁区") == 100_000
    rulebook.locality_values["测试区"] = {"inherit": "上海市", "ss_start_funds": 30_000}
    try:
        assert rulebook.setting("ss_start_funds", "测试区") == 30_000
        assert rulebook.setting("sg_funds_local", "测试区") == 30_000
    finally:
        del rulebook.locality_values["测试区"]


def test_render_rule_file_markdown(tmp_path):
    from assistant.settings import PROJECT_ROOT

    md = render_rule_file_markdown(PROJECT_ROOT / "corpus" / "rules" / "charter_social_group.yaml")
    lines = md.splitlines()
    assert lines[0] == "# 社会团体章程必备事项"
    headings = [line for line in lines if line.startswith("## ")]
    assert len(headings) == 9
    assert "## SG-CH-08 终止程序和终止后资产的处理" in headings
    assert "《社会团体登记管理条例》第十四条第（八）项" in md
    assert "修改建议：增设“终止程序及终止后的财产处理”一章" in md
    assert "[^" not in md  # detection regexes stay out of the readable text


def test_every_rules_file_renders(rulebook):
    for path in rulebook.files:
        md = render_rule_file_markdown(path)
        assert md.startswith("# ")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert md.count("\n## ") >= len(data.get("rules") or [])


def test_bad_rules_file_names_file_and_rule(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: X-1\n    item: 某事项\n    type: magic\n", encoding="utf-8")
    with pytest.raises(RulebookError) as err:
        load_rulebook(tmp_path)
    assert "bad.yaml" in str(err.value) and "X-1" in str(err.value)
