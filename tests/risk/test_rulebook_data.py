"""The indicators are rulebook data: a locality's numbers change the screening, a locality can
switch on a review signal or write its own level rule, and a broken indicator is refused by name."""

from __future__ import annotations

import shutil

import pytest
import yaml

from assistant.risk.service import RiskService
from assistant.rules import RulebookError, load_rulebook
from assistant.rules.knowledge import render_rule_file
from assistant.settings import PROJECT_ROOT, load_settings
from tests.risk.helpers import hits, org, screen, years

CORPUS = PROJECT_ROOT / "corpus"


def _corpus(tmp_path, local_bounds=None, local_data=None, edit_rules=None):
    corpus = tmp_path / "corpus"
    for part in ("rules", "localities", "risk"):
        shutil.copytree(CORPUS / part, corpus / part)
    path = corpus / "localities" / "上海市.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("bounds", {}).update(local_bounds or {})
    data.setdefault("data", {}).update(local_data or {})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if edit_rules:
        rules = corpus / "rules" / "risk.yaml"
        rules.write_text(edit_rules(rules.read_text(encoding="utf-8")), encoding="utf-8")
    return corpus


def _services(corpus):
    from assistant.services import Services

    return Services(load_settings(corpus_dir=corpus))


def test_a_local_number_changes_the_screening(tmp_path):
    row = org(n=1, term_start="2023-03-01", legal_rep_birth="1956-01-01")  # 67 at the start of the term
    assert hits(screen(tmp_path, [row])) == set()
    corpus = _corpus(tmp_path, {"leader_age": {"item": "负责人最高任职年龄", "label": "负责人", "quantity": "age", "max": 65,
                                                "basis": "测试地方规定", "source": "test"}})
    result = screen(tmp_path, [row], services=_services(corpus))
    assert hits(result) == {("RK-LEADER-AGE", None)}
    assert "65周岁" in result.organizations[0].hits[0].summary


def test_a_locality_switches_on_the_deficit_signal(tmp_path):
    corpus = _corpus(tmp_path, {"deficit_years": {"item": "连续收不抵支的年数", "label": "收支异常", "quantity": "years",
                                                   "min": 3, "basis": "测试地方规定", "source": "test"}})
    row = org(n=1)
    annual = years(row, {y: {"total_spending": 520_000} for y in (2023, 2024, 2025)})
    result = screen(tmp_path, [row], annual, services=_services(corpus))
    assert hits(result) == {("RK-DEFICIT", 2025)}
    assert hits(screen(tmp_path, [row], annual)) == set()  # not screened where no locality sets it


def test_a_locality_writes_its_own_level_rule(tmp_path):
    corpus = _corpus(tmp_path, local_data={"risk_levels": {"levels": [
        {"level": "重点关注", "any": [{"severity": "low", "at_least": 1}, {"severity": "medium", "at_least": 1},
                                   {"severity": "high", "at_least": 1}]}], "otherwise": "正常"}})
    result = screen(tmp_path, [org(n=1, contact_status="无法联系"), org(n=2)], services=_services(corpus))
    assert [o.risk for o in result.organizations] == ["重点关注", "正常"] and result.levels == ("重点关注", "正常")


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace("{report: late, label: 年度工作报告逾期或未报送}", "{report: sometimes}"), "RK-REPORT-LATE"),
    (lambda s: s.replace("field: contact_status, in: [无法联系, 失联, 联系不上], label: 住所联系状态",
                         "field: contact_state, in: [无法联系]"), "contact_state"),
    (lambda s: s.replace("actions: [约谈, 列入活动异常名录]\n      category: 活动异常名录\n\n  # --- 严重",
                         "actions: [罚款]\n      category: 活动异常名录\n\n  # --- 严重"), "处理方式"),
    (lambda s: s.replace("indicator: RK-REPORT-MISSING, year: latest", "indicator: RK-NOTHING, year: latest"), "RK-NOTHING"),
])
def test_a_broken_indicator_is_refused_by_name(tmp_path, edit, message):
    corpus = _corpus(tmp_path, edit_rules=edit)
    book = load_rulebook(corpus / "rules", corpus / "localities", "上海市")
    service = RiskService(load_settings(corpus_dir=corpus), book)
    with pytest.raises(RulebookError, match=message):
        service.screener  # noqa: B018


def test_the_indicators_are_knowledge_too(rulebook):
    md = render_rule_file(CORPUS / "rules" / "risk.yaml", rulebook)
    assert "## RK-FD-PRIVATE-SPENDING" in md and "关于慈善组织开展慈善活动年度支出和管理费用的规定" in md
    assert "## RK-DEFICIT" not in md  # not applicable here
    assert "{{" not in md and "风险程度：高" in md
