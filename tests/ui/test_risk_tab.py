"""End-to-end: the 风险识别 tab screens an uploaded registry export with annual reports, filters the
table, opens one organization's evidence and offers the exports for download."""

from __future__ import annotations

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

DATA = PROJECT_ROOT / "eval" / "data" / "risk_reports"


def test_upload_filter_open_and_download(ui_page, tmp_path):
    page = ui_page
    page.get_by_role("tab", name="风险识别").click()
    page.locator("#risk-upload input[type=file]").set_input_files(str(DATA / "registry.csv"))
    page.locator("#risk-reports input[type=file]").set_input_files(
        [str(DATA / "2025_leling.txt"), str(DATA / "2025_chunhui.txt"), str(DATA / "2024_chunhui.txt")])
    page.locator("#risk-asof textarea, #risk-asof input").first.fill("2026-06-30")
    page.locator("#risk-run").click()

    summary = page.locator("#risk-summary")
    summary.get_by_text("共筛查").wait_for(timeout=120_000)
    text = summary.inner_text()
    assert "共筛查 10 家" in text and "2026-06-30" in text
    assert "年度工作报告书 3 份" in text
    assert page.locator("#risk-charts svg").count() >= 2  # distribution by level and by indicator

    # Filter by level: only the organization with the 僵尸型 signals is 高.
    page.locator("#risk-filter-level input").first.click()
    page.get_by_role("option", name="高", exact=True).click()
    page.keyboard.press("Escape")
    page.locator("#risk-count").get_by_text("符合筛选条件的社会组织 1 家").wait_for(timeout=30_000)
    assert "上海市普陀区乐龄养老服务中心" in page.locator("#risk-table").inner_text()

    # Open it: every hit with its evidence, the report sentence it came from, basis and action.
    page.locator("#risk-org input").first.click()
    page.get_by_role("option", name="乐龄养老服务中心").first.click()
    detail = page.locator("#risk-detail")
    detail.get_by_text("疑似“僵尸型”社会组织").wait_for(timeout=30_000)
    body = detail.inner_text()
    assert "2025_leling.txt" in body  # the evidence names the uploaded report, not Gradio's temp name
    assert "依据：" in body and "简易注销引导" in body
    assert "年检结论为不合格" in body and "registry.csv" in body

    links = page.locator("#risk-downloads a")
    links.first.wait_for(timeout=30_000)
    names = page.locator("#risk-downloads").text_content()
    assert ".xlsx" in names and ".docx" in names and ".json" in names
    with page.expect_download() as info:
        links.first.click()  # the XLSX is listed first
    target = tmp_path / "risk.xlsx"
    info.value.save_as(str(target))
    from openpyxl import load_workbook

    book = load_workbook(target, read_only=True)
    rows = list(book["机构风险"].iter_rows(values_only=True))
    assert rows[1][1] == "高" and rows[1][2] == "上海市普陀区乐龄养老服务中心"
    hits = list(book["指标命中"].iter_rows(values_only=True))
    assert any(r[3] == "RK-ZOMBIE" and "2025_leling.txt" in (r[9] or "") for r in hits)
