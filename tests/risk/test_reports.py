"""Annual figures read from 年度工作报告书 (TXT, DOCX, PDF), each with the sentence or table row it came from."""

from __future__ import annotations

import pytest
from docx import Document

from assistant.risk.reports import ReportReader
from assistant.settings import PROJECT_ROOT
from tests.risk.helpers import AS_OF, columns, shared_services

REPORTS = PROJECT_ROOT / "eval" / "data" / "risk_reports"


@pytest.fixture(scope="module")
def reader():
    return ReportReader(columns(), columns().reports)


def test_a_foundation_report_with_current_and_previous_year(reader):
    report = reader.read(REPORTS / "2025_chunhui.txt")
    assert (report.code, report.name, report.year) == ("53310000MJ872116XD", "上海春晖慈善基金会", 2025)
    assert report.current["income"] == 26_900_000 and report.previous["income"] == 28_600_000
    assert report.current["program_spending"] == 15_730_000  # 公益事业支出 over 业务活动成本
    assert report.current["net_assets"] == 49_170_000 and report.previous["net_assets"] == 41_300_000
    assert report.current["staff"] == 19 and report.current["activities"] == 22 and report.current["council_meetings"] == 2
    assert report.current["report_date"].isoformat() == "2026-03-20"
    assert "公益事业支出" in report.quotes["program_spending"]


def test_a_table_in_wan_yuan_and_phrases_saying_none(reader):
    report = reader.read(REPORTS / "2025_leling.txt")
    assert report.current["net_assets"] == 152_300  # 15.23 in a 万元 table
    assert report.current["activities"] == 0 and report.current["council_meetings"] == 0  # 未开展 / 未召开
    assert report.current["staff"] == 0


def test_a_docx_report(tmp_path, reader):
    doc = Document()
    doc.add_paragraph("社会团体2025年度工作报告书")
    doc.add_paragraph("单位名称：上海市测试研究会")
    doc.add_paragraph("统一社会信用代码：51310104MJ31575477")
    doc.add_paragraph("2025年度本会共开展各类活动7次。本年度召开理事会2次。专职工作人员1人。")
    doc.add_paragraph("业务活动表（单位：万元）")
    table = doc.add_table(rows=4, cols=3)
    for r, cells in enumerate([["项目", "上年数", "本年数"], ["收入合计", "5.12", "4.86"], ["费用合计", "5.43", "5.57"],
                               ["年末净资产", "3.35", "2.64"]]):
        for c, v in enumerate(cells):
            table.cell(r, c).text = v
    path = tmp_path / "report.docx"
    doc.save(path)
    report = reader.read(path)
    assert report.current == {"staff": 1, "income": 48_600, "total_spending": 55_700, "net_assets": 26_400,
                              "activities": 7, "council_meetings": 2} | {k: report.current[k] for k in report.current
                                                                           if k == "report_date"}
    assert report.previous == {"income": 51_200, "total_spending": 54_300, "net_assets": 33_500}
    assert "（单位：万元）" in report.quotes["income"]


def test_reports_feed_the_indicators_with_their_sentences(tmp_path):
    result = shared_services().risk.screen([REPORTS / "registry.csv"], reports=REPORTS, as_of=AS_OF)
    chunhui = result.by_code("53310000MJ872116XD")
    spending = next(h for h in chunhui.hits if h.indicator == "RK-FD-PUBLIC-SPENDING")
    assert spending.year == 2025 and "55.0%" in spending.summary
    assert any(w.startswith("2025_chunhui.txt：“") for w in spending.sources)
    assert len(result.reports) == len(list(REPORTS.glob("*.txt")))
    weiqi = result.by_code("51310104MJ31575477")
    assert {(h.indicator, h.year) for h in weiqi.hits} == {("RK-NET-ASSETS", 2025)}


def test_a_report_of_an_organization_not_in_the_registry_is_reported(tmp_path):
    text = (REPORTS / "2025_weiqi.txt").read_text(encoding="utf-8").replace("51310104MJ31575477", "51310104MJ00000342")
    text = text.replace("上海市徐汇区围棋协会", "上海市某某协会")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    result = shared_services().risk.screen([REPORTS / "registry.csv"], reports=tmp_path, as_of=AS_OF)
    problem = next(p for p in result.problems if p.kind == "report_unmatched")
    assert problem.file == "r.txt" and "51310104MJ00000342" in problem.zh


def test_an_unreadable_report_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    (tmp_path / "ok.txt").write_text((REPORTS / "2025_weiqi.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = shared_services().risk.screen([REPORTS / "registry.csv"], reports=tmp_path, as_of=AS_OF)
    assert any(p.file == "broken.docx" and p.severity == "error" for p in result.problems)
    assert result.reports == ["ok.txt"]
