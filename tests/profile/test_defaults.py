"""Defaults come from the rulebook: starting profiles per type, and the numbers a profile leaves out."""

from __future__ import annotations

import pytest

from assistant.profile import OrgProfile, complete_profile, type_defaults
from tests.conftest import shipped_rulebook
from tests.profile.helpers import data, problems


# --- defaults are valid ------------------------------------------------------------


@pytest.mark.parametrize("org_type,kind", [("社会团体", None), ("社会团体", "行业协会"), ("社会服务机构", None),
                                           ("基金会", "公募"), ("基金会", "非公募")])
def test_type_defaults_give_a_profile_without_errors(org_type, kind):
    d = data(org_type, kind)
    found = [p for p in problems(d) if p.severity == "error"]
    assert found == []


def test_numbers_left_out_are_the_rulebooks(rulebook):
    d = data()
    for body in ("assembly", "council"):
        for key in ("term_years", "quorum", "pass_ratio", "special_pass_ratio"):
            d["governance"][body].pop(key)
    d["governance"]["assembly"].pop("max_extension_years")
    d["leadership"].pop("age_limit")
    d["leadership"].pop("max_consecutive_terms")
    d.pop("region")
    done = complete_profile(OrgProfile.model_validate(d), rulebook)
    assert done.leadership.age_limit == rulebook.bound("leader_age").max
    assert done.leadership.max_consecutive_terms == rulebook.bound("leader_terms").max
    assert done.governance.council.term_years == rulebook.bound("term_years").max
    assert done.governance.assembly.quorum == "2/3" and done.governance.assembly.pass_ratio == "1/2"
    assert done.governance.assembly.max_extension_years == rulebook.bound("term_extension").max
    assert done.region == "上海市"


def test_starting_profiles_follow_the_locality():
    shanghai = type_defaults("社会服务机构", shipped_rulebook())
    luoyang = type_defaults("社会服务机构", shipped_rulebook("洛阳市"))
    assert shanghai["funds"]["amount_yuan"] == 100_000 and shanghai["region"] == "上海市"
    assert luoyang["funds"]["amount_yuan"] is None  # no local minimum to start from
    assert luoyang["region"] == "洛阳市" and luoyang["registration_authority"] == "洛阳市民政局"
