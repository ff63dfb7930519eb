"""Article-level diff: renumbering is moved, not deleted + added; character diffs; notices."""

from __future__ import annotations

import pytest

from assistant.versions.diff import diff_units
from assistant.versions.units import read_units
from tests.versions.samples import NEW_RULES, OLD_RULES, write


@pytest.fixture
def rules_diff(tmp_path):
    old = write(tmp_path, "星河市志愿服务促进办法(2018-05-10).md", OLD_RULES)
    new = write(tmp_path, "星河市志愿服务促进办法(2024-03-20).md", NEW_RULES)
    return diff_units(read_units(old), read_units(new))


def by_b(result, key):
    return next(e for e in result.entries if e.key_b == key)


def test_inserted_article_renumbers_the_rest(rules_diff):
    pairs = {(e.key_a, e.key_b, e.status) for e in rules_diff.entries}
    assert ("第一条", "第一条", "unchanged") in pairs
    assert ("", "第三条", "added") in pairs
    assert ("第三条", "第四条", "moved") in pairs
    assert ("第四条", "第五条", "moved_changed") in pairs
    assert ("第五条", "第六条", "moved") in pairs
    assert ("第六条", "第七条", "moved_changed") in pairs
    assert ("第七条", "第八条", "moved") in pairs
    assert not [e for e in rules_diff.entries if e.status == "removed"]
    assert rules_diff.counts() == {"unchanged": 2, "changed": 0, "moved": 3, "moved_changed": 2, "added": 1,
                                   "removed": 0}


def test_character_level_changes_and_reasons(rules_diff):
    entry = by_b(rules_diff, "第五条")
    deleted = "".join(s.text for s in entry.segments if s.op == "delete")
    inserted = "".join(s.text for s in entry.segments if s.op == "insert")
    assert deleted == "二" and inserted == "一"
    assert "".join(s.text for s in entry.segments if s.op != "insert") == entry.a.text
    assert entry.substantive and "数字或期限变化" in entry.reasons


def test_chapters_and_summary_order(rules_diff):
    assert [g for g, _ in rules_diff.chapters()] == ["第一章 总则", "第二章 志愿服务组织", "第三章 附则"]
    summary = rules_diff.summary
    assert summary[0].startswith("共比对 8 条")
    substantive = [i for i, line in enumerate(summary) if line.startswith("【实质修改】")]
    added = [i for i, line in enumerate(summary) if line.startswith("【新增】")]
    renumbered = [i for i, line in enumerate(summary) if line.startswith("【仅条号变化】")]
    assert substantive and added and renumbered
    assert max(substantive) < min(added) < min(renumbered)  # substantive changes first


def test_removed_article_and_punctuation_width(tmp_path):
    old = write(tmp_path, "a.md", "# 测试条例\n\n第一条 本条例适用于测试:全部。\n\n第二条 将被删除的内容在这里。\n\n第三条 其他事项另行规定。\n")
    new = write(tmp_path, "b.md", "# 测试条例\n\n第一条 本条例适用于测试：全部。\n\n第二条 其他事项另行规定。\n")
    result = diff_units(read_units(old), read_units(new))
    statuses = {(e.key_a, e.key_b): e.status for e in result.entries}
    assert statuses[("第一条", "第一条")] == "unchanged"  # ":" vs "：" is not a change
    assert statuses[("第二条", "")] == "removed"
    assert statuses[("第三条", "第二条")] == "moved"


def test_notice_items_are_compared_too(tmp_path):
    year1 = ("2025年测试区工作要点\n\n2025年2月1日\n\n一、加强建设\n\n（一）开展负责人培训，每年两期。\n\n"
             "（二）完善评估专家库。\n\n二、规范管理\n\n（一）做好年检年报工作。\n")
    year2 = ("2026年测试区工作要点\n\n2026年2月1日\n\n一、加强建设\n\n（一）开展负责人培训，每年四期。\n\n"
             "（二）建设社区组织服务中心。\n\n（三）完善评估专家库。\n\n二、规范管理\n\n（一）做好年检年报工作。\n")
    result = diff_units(read_units(write(tmp_path, "y1.txt", year1)), read_units(write(tmp_path, "y2.txt", year2)))
    pairs = {(e.key_a, e.key_b, e.status) for e in result.entries}
    assert ("一（一）", "一（一）", "changed") in pairs
    assert ("", "一（二）", "added") in pairs
    assert ("一（二）", "一（三）", "moved") in pairs
    assert ("二（一）", "二（一）", "unchanged") in pairs
    assert result.summary[0].startswith("共比对 4 项")


def test_charity_law_renumbering(shared_dir):
    laws = shared_dir / "lawcorpus" / "社会法"
    result = diff_units(read_units(laws / "慈善法(2016-03-16).md"), read_units(laws / "慈善法(2023-12-29).md"))
    pairs = {(e.key_a, e.key_b): e.status for e in result.entries}
    assert pairs[("第二十七条", "第二十八条")] == "moved"  # shifted by the new 第二十七条
    assert pairs[("", "第二十七条")] == "added"
    assert pairs[("第三十条", "第七十条")] == "moved_changed"  # moved into the new 应急慈善 chapter
    assert pairs[("第二十二条", "第二十二条")] == "changed"
    added = next(e for e in result.entries if e.key_b == "第二十七条")
    assert any("原第二十三条" in o for o in added.origins)  # grew out of the old 第二十三条第三款
    assert any("“其他”改为“非法人”" in line for line in result.summary)
