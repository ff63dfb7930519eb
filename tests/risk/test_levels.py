"""The combination rule (data.risk_levels in the rulebook): from hits to 高 / 中 / 低 / 无."""

from __future__ import annotations

import pytest

from assistant.risk.levels import load_levels
from assistant.rules import RulebookError
from tests.risk.helpers import org, penalty, screen, years


@pytest.fixture(scope="module")
def levels(rulebook):
    return load_levels(rulebook.data("risk_levels"))


def test_the_shipped_rule(levels):
    assert levels.order == ("高", "中", "低", "无")
    assert levels.level({}) == "无"
    assert levels.level({"A": "low"}) == "低"
    assert levels.level({"A": "low", "B": "low"}) == "低"
    assert levels.level({"A": "low", "B": "low", "C": "low"}) == "中"
    assert levels.level({"A": "medium"}) == "中"
    assert levels.level({"A": "medium", "B": "medium"}) == "中"
    assert levels.level({"A": "medium", "B": "medium", "C": "medium"}) == "高"
    assert levels.level({"A": "high"}) == "高"


def test_a_locality_can_write_its_own_rule():
    custom = load_levels({"levels": [{"level": "重点", "any": [{"severity": "medium", "at_least": 1}]}], "otherwise": "一般"})
    assert custom.order == ("重点", "一般")
    assert custom.level({"A": "high"}) == "一般" and custom.level({"A": "medium"}) == "重点"


@pytest.mark.parametrize("bad", [None, {}, {"levels": [{"level": "高", "any": [{"severity": "severe", "at_least": 1}]}]},
                                 {"levels": [{"level": "高", "any": []}]}])
def test_a_broken_rule_is_refused(bad):
    with pytest.raises(RulebookError):
        load_levels(bad)


def test_distinct_indicators_are_counted_not_years(tmp_path):
    """Three late reports are one medium indicator: 中, not 高; the list is sorted by risk."""
    late = org(n=1)
    annual = years(late, {y: {"report_date": f"{y + 1}-07-01"} for y in (2023, 2024, 2025)})
    many = org(n=2, contact_status="无法联系", legal_rep_terms=3, party_members=5, party_org="未建立")
    serious = org(n=3)
    pens = [penalty(serious, "2025-02-01", "罚款", 80_000)]
    result = screen(tmp_path, [late, many, serious], annual + years(many) + years(serious), pens)
    by = {o.code: o for o in result.organizations}
    assert by[late["code"]].risk == "中" and len(by[late["code"]].hits) == 3
    assert by[many["code"]].risk == "高"  # three medium indicators
    assert by[serious["code"]].risk == "高"  # one high indicator
    assert [o.risk for o in result.organizations] == ["高", "高", "中"]
    # Within a level: more high-severity indicators first, then more medium ones.
    assert [o.code for o in result.organizations[:2]] == [serious["code"], many["code"]]
