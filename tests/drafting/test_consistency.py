"""The consistency checks read the draft back and catch numbers that disagree."""

from __future__ import annotations

import pytest

from assistant.drafting.consistency import check_charter
from assistant.drafting.templates import TemplateLibrary
from assistant.drafting.terms import build_terms
from assistant.settings import PROJECT_ROOT
from tests.conftest import shipped_rulebook

from .conftest import make_profile

LIB = TemplateLibrary(PROJECT_ROOT / "corpus" / "templates", shipped_rulebook())


def draft(profile):
    return LIB.draft(profile, build_terms(profile))


@pytest.mark.parametrize("kind,fk", [("社会团体", ""), ("行业协会", ""), ("异地商会", ""), ("社会服务机构", ""),
                                     ("基金会", "公募"), ("基金会", "非公募")])
def test_all_checks_pass_for_drafted_charters(kind, fk):
    overrides = {"funds": {"amount_yuan": 4_000_000}} if fk == "公募" else {}
    profile = make_profile(kind, fk or "非公募", **overrides)
    checks = check_charter(draft(profile), profile)
    assert len(checks) >= 14
    assert [c for c in checks if not c.passed] == []


def test_numbers_in_the_draft_follow_the_profile():
    profile = make_profile("社会团体", funds={"amount_yuan": 123_456},
                           governance={"assembly": {"term_years": 4, "quorum": "3/4"},
                                       "council": {"term_years": 4, "meetings_per_year": 3, "size_min": 7, "size_max": 12},
                                       "supervision": {"term_years": 4}},
                           leadership={"age_limit": 65})
    text = draft(profile).plain_text()
    assert "人民币123456元（大写：人民币壹拾贰万叁仟肆佰伍拾陆元整）" in text
    assert "会员大会须有四分之三以上的会员出席" in text
    assert "理事会每年至少召开3次会议" in text and "由7至12名理事组成" in text
    assert "不超过65周岁" in text and "每届任期4年" in text and "每届5年" not in text


def test_a_tampered_draft_fails_the_checks():
    profile = make_profile("社会团体")
    charter = draft(profile)
    article = charter.article("负责人任期")
    article.paragraphs[0] = article.paragraphs[0].replace("每届任期5年", "每届任期6年")
    fund = charter.article("活动资金")
    fund.paragraphs[0] = fund.paragraphs[0].replace("叁万元整", "肆万元整")
    failed = {c.name for c in check_charter(charter, profile) if not c.passed}
    assert failed == {"届期一致", "资金数额一致"}


def test_numbering_gap_is_caught():
    profile = make_profile("基金会")
    charter = draft(profile)
    charter.chapters[1].articles[0].number += 1
    failed = {c.name for c in check_charter(charter, profile) if not c.passed}
    assert "条款连续编号" in failed
