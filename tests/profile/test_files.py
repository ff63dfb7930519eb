"""Loading profiles from YAML/JSON and from half-filled forms."""

from __future__ import annotations

import json

import pytest
import yaml

from assistant.profile import OrgProfile, ProfileError, load_profile, profile_problems, validate_profile_data
from tests.conftest import shipped_rulebook
from tests.profile.helpers import TODAY, data


# --- loading ---------------------------------------------------------------------------


def test_load_yaml_and_json(tmp_path):
    d = data()
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    a, b = load_profile(tmp_path / "p.yaml"), load_profile(tmp_path / "p.json")
    assert isinstance(a, OrgProfile) and a == b and a.name == "上海市青年创业促进会"
    assert profile_problems(a, shipped_rulebook(), today=TODAY) == []


def test_load_errors_are_bilingual_and_name_the_file(tmp_path):
    with pytest.raises(ProfileError, match="组织概况文件不存在.*profile file not found"):
        load_profile(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml.*not valid YAML"):
        load_profile(bad)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump({"org_type": "合作社", "name": "x"}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(wrong)
    assert "wrong.yaml" in str(info.value) and "structural problem" in str(info.value)
    assert any(p.field == "org_type" for p in info.value.problems)


def test_half_filled_form_still_gets_rule_messages():
    d = data(name="", funds={"amount_yuan": 10_000})
    profile, found = validate_profile_data(d, shipped_rulebook(), today=TODAY)
    assert profile is None
    by_rule = {p.rule: p.message for p in found}
    assert by_rule["structure.string_too_short"] == "名称：必填项未填写"
    assert "funds_minimum" in by_rule  # the other problems are shown at the same time
    assert "foundation_name" not in by_rule and "name_forbidden_word" not in by_rule
