"""Example profiles, saving and loading a profile file, and reading a profile back from a charter."""

from __future__ import annotations

import pytest

from assistant.profile import (
    blocking,
    example_profiles,
    load_example,
    load_profile_data,
    profile_file_text,
    ProfileError,
    save_profile_data,
    validate_profile_data,
)
from assistant.settings import PROJECT_ROOT
from tests.conftest import shipped_rulebook
from tests.profile.helpers import TODAY

EXAMPLES = PROJECT_ROOT / "corpus" / "profiles"


@pytest.mark.parametrize("locality", ["上海市", "洛阳市"])
def test_every_example_is_a_valid_profile_of_the_locality(locality):
    rulebook = shipped_rulebook(locality)
    examples, errors = example_profiles(EXAMPLES, rulebook)
    assert not errors
    types = set()
    for example in examples:
        profile, problems = validate_profile_data(example.data, rulebook, today=TODAY)
        assert profile is not None and not blocking(problems), (example.key, problems)
        # the place names are the locality's, never a literal in the file
        assert profile.name.startswith(locality) and profile.registration_authority == rulebook.locality.registration_authority
        assert "{" not in profile.address
        types.add(profile.type_label)
    assert types == {"社会团体", "行业协会", "异地商会", "社会服务机构", "公募基金会", "非公募基金会"}


def test_example_titles_and_a_bad_file_named(tmp_path):
    (tmp_path / "01_好.yaml").write_text((EXAMPLES / "01_社会团体.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "02_坏.yaml").write_text("name: [unclosed", encoding="utf-8")
    examples, errors = example_profiles(tmp_path, shipped_rulebook())
    assert [e.title.split("：")[0] for e in examples] == ["好"]
    assert len(errors) == 1 and "02_坏.yaml" in errors[0]
    assert example_profiles(tmp_path / "none", shipped_rulebook())[1]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_save_then_load_round_trip(tmp_path, suffix):
    data = load_example(EXAMPLES / "04_社会服务机构.yaml", shipped_rulebook()).data
    data["adoption_date"] = TODAY
    data["leadership"]["age_limit"] = None  # left empty: dropped, the rulebook supplies it
    path = save_profile_data(data, tmp_path / f"概况{suffix}")
    loaded = load_profile_data(path)
    assert loaded["name"] == data["name"] and loaded["founders"] == data["founders"]
    assert loaded["adoption_date"] in (TODAY, TODAY.isoformat()) and "age_limit" not in loaded["leadership"]
    before, _ = validate_profile_data(data, shipped_rulebook(), today=TODAY)
    after, _ = validate_profile_data(loaded, shipped_rulebook(), today=TODAY)
    assert after == before


def test_saved_yaml_is_readable_chinese_and_other_suffixes_refused(tmp_path):
    text = profile_file_text({"name": "某某协会", "business_scope": ["培训"]})
    assert "name: 某某协会" in text and "\\u" not in text
    with pytest.raises(ProfileError, match="YAML 或 JSON"):
        save_profile_data({"name": "x"}, tmp_path / "概况.txt")


def test_credit_code_is_checked():
    data = load_example(EXAMPLES / "02_行业协会.yaml", shipped_rulebook()).data
    data["credit_code"] = "51310000MJ4866513A"  # wrong check character
    _, problems = validate_profile_data(data, shipped_rulebook(), today=TODAY)
    assert any(p.rule == "credit_code_format" and "校验位" in p.message for p in problems)
    data["credit_code"] = "51310000MJ4866513H"
    _, problems = validate_profile_data(data, shipped_rulebook(), today=TODAY)
    assert not [p for p in problems if p.field == "credit_code"]
