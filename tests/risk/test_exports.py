"""Exports: XLSX (organizations, indicator hits, counts, problems, indicators), the DOCX report,
the charts and the JSON of the command line."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.risk.charts import cjk_font, png, risk_charts, svg
from tests.risk.helpers import org, penalty, screen, years


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("risk-export")
    lost = org(n=1, contact_status="无法联系")
    fined = org(n=2)
    clean = org(n=3)
    annual = [y for o in (lost, fined, clean) for y in years(o)]
    return screen(tmp, [lost, fined, clean], annual, [penalty(fined, "2025-02-01", "罚款", 60_000)])


def test_xlsx_has_organizations_and_hits(result, tmp_path):
    from assistant.risk.export import write_xlsx

    path = write_xlsx(result, tmp_path / "out" / "风险.xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["机构风险", "指标命中", "统计", "输入问题", "指标说明"]
    orgs = list(book["机构风险"].iter_rows(values_only=True))
    assert orgs[0][:3] == ("序号", "风险等级", "社会组织名称") and len(orgs) == 4
    assert [r[1] for r in orgs[1:]] == ["高", "中", "无"]
    hits = list(book["指标命中"].iter_rows(values_only=True))
    fine = next(r for r in hits if r[3] == "RK-LARGE-FINE")
    assert "罚款" in fine[8] and "penalties.csv 第2行" in fine[9] and fine[10] and "列入严重违法失信名单" in fine[11]
    indicators = [r[0] for r in book["指标说明"].iter_rows(values_only=True)]
    assert "RK-ZOMBIE" in indicators


def test_docx_report(result, tmp_path):
    from assistant.risk.export import write_docx

    path = write_docx(result, tmp_path / "报告.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "社会组织风险筛查报告" in text and "共筛查社会组织3家" in text
    assert "通过登记的住所无法与社会组织取得联系" in text and "依据：" in text
    if cjk_font() is not None:
        assert len(Document(str(path)).inline_shapes) >= 2  # the charts


def test_charts(result, tmp_path):
    charts = {c.key: c for c in risk_charts(result)}
    assert set(charts) == {"by_level", "by_indicator", "trend"}
    assert charts["by_level"].series[0].values == [1, 1, 0, 1]
    drawn = svg(charts["by_indicator"])
    assert drawn.startswith("<svg") and "RK-LARGE-FINE" in drawn and drawn.count("<rect") == 2
    if cjk_font() is not None:
        assert png(charts["by_level"], tmp_path / "c.png") and (tmp_path / "c.png").stat().st_size > 1000


def test_json_round_trip(result):
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["summary"]["by_level"] == {"高": 1, "中": 1, "低": 0, "无": 1}
    first = data["organizations"][0]
    assert first["risk"] == "高" and first["hits"][0]["evidence"][0]["where"]
