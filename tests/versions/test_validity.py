"""Validity facts read from a document's own text and file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.kb.structure import parse_document
from assistant.versions.validity import extract_facts, series_key
from tests.versions.samples import CITY_NOTICE, NEW_RULES, OLD_RULES


def facts(text: str, name: str):
    path = Path(name)
    return extract_facts(parse_document(text, path, name), path.name)


def test_stated_effective_date_and_repeal():
    f = facts(OLD_RULES, "星河市志愿服务促进办法(2018-05-10).md")
    assert f.version_date == "2018-05-10"  # the file name's date
    assert f.stated_effective == "2018-07-01"
    assert f.valid_from == "2018-07-01" and f.valid_from_basis == "stated"
    assert [(r.title, r.date) for r in f.repeals] == [("星河市志愿者管理规定", "2009-03-01")]
    assert "起施行" in f.evidence["stated_effective"]


def test_revised_version_is_in_force_from_its_revision():
    f = facts(NEW_RULES, "星河市志愿服务促进办法(2024-03-20).md")
    assert f.stated_effective == "2018-07-01"  # the first version's date, restated
    assert f.revised_on == "2024-03-20"
    assert f.valid_from == "2024-03-20" and f.valid_from_basis == "revision"


def test_notice_without_statement_is_in_force_from_its_date():
    f = facts(CITY_NOTICE, "notice.txt")
    assert f.version_date == "2026-02-01" and f.valid_from == "2026-02-01"
    assert f.series == "星河市社区工作要点"  # the year is not part of the series


@pytest.mark.parametrize("sentence, expected", [
    ("第十条 本规定自发布之日起施行。", "2025-06-01"),
    ("本通知自2025年8月1日起实施。", "2025-08-01"),
    ("本办法自二〇二五年九月一日起施行。", "2025-09-01"),
])
def test_effective_date_forms(sentence, expected):
    text = f"测试局关于印发《测试管理规定》的通知\n\n2025年6月1日\n\n一、总体要求\n\n{sentence}\n"
    assert facts(text, "t.txt").valid_from == expected


def test_expiry_by_date_and_by_years():
    base = "测试局关于印发《测试扶持办法》的通知\n\n2025年6月1日\n\n一、总体要求\n\n"
    assert facts(base + "本办法自2025年7月1日起施行，有效期至2027年6月30日。\n", "t.txt").expires == "2027-06-30"
    assert facts(base + "本办法自2025年7月1日起施行，有效期五年。\n", "t.txt").expires == "2030-07-01"


def test_series_key_normalisation():
    assert series_key("中华人民共和国慈善法") == series_key("慈善法") == "慈善法"
    assert series_key("2025年某市社会组织工作要点") == series_key("2026年某市社会组织工作要点")
    assert series_key("某某管理办法（试行）") == "某某管理办法"
    assert series_key("某某管理办法") != series_key("某某登记办法")
