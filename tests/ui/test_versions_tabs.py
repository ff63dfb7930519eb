"""End-to-end: the 版本对比 and 市区对照 tabs, and document status in the 知识库 tab."""

from __future__ import annotations

import json

import pytest

from tests.versions.samples import NEW_RULES, OLD_RULES

pytestmark = pytest.mark.browser


def choose(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=False).first.click()


def test_version_diff_view(ui_page, tmp_path):
    page = ui_page
    old = tmp_path / "星河市志愿服务促进办法(2018-05-10).md"
    new = tmp_path / "星河市志愿服务促进办法(2024-03-20).md"
    old.write_text(OLD_RULES, encoding="utf-8")
    new.write_text(NEW_RULES, encoding="utf-8")
    page.get_by_role("tab", name="版本对比").click()
    page.locator("#diff-old-upload input[type=file]").set_input_files(str(old))
    page.locator("#diff-new-upload input[type=file]").set_input_files(str(new))
    page.locator("#diff-run").click()
    summary = page.locator("#diff-summary")
    summary.get_by_text("共比对 8 条").wait_for(timeout=60_000)
    assert "【实质修改】" in summary.inner_text() and "【新增】第三条" in summary.inner_text()
    moved = page.locator("#diff-table tr[data-status=moved_changed]").first
    assert "第四条" in moved.inner_text() and "第五条" in moved.inner_text()
    assert moved.locator("del").first.inner_text() == "二" and moved.locator("ins").first.inner_text() == "一"
    assert page.locator("#diff-table tr[data-status=added]").count() == 1
    assert page.locator("#diff-table tr[data-status=unchanged]").count() == 0  # only changes by default
    page.locator("#diff-report a").first.wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.locator("#diff-report a").first.click()
    assert download.value.suggested_filename.endswith(".docx")


def test_city_district_view_with_staff_decision(ui_page, ui_server):
    page = ui_page
    page.get_by_role("tab", name="市区对照").click()
    choose(page, "align-city-choice", "2026年上海市社会组织工作要点")
    choose(page, "align-district-choice", "2026年长宁区社会组织工作要点")
    page.locator("#align-run").click()
    summary = page.locator("#align-summary")
    summary.get_by_text("区级 17 项").wait_for(timeout=60_000)
    table = page.locator("#align-table")
    own = table.locator("tr.own")
    assert own.count() >= 1 and "区级自有" in own.first.inner_text()
    structure = table.locator("tr.align-item[data-key='二（二）']")
    assert structure.count() >= 3  # one district item, several city items
    assert "共同表述" in structure.first.inner_text()
    assert "区级未提及的市级条目" in table.inner_text()

    choose(page, "align-link", "一（二） 强化融合发展 → 一（一）")
    page.locator("#align-remove").click()
    page.locator("#align-review-status").get_by_text("已删除").wait_for(timeout=30_000)
    assert "已人工删除的对应" in table.inner_text()
    saved = json.loads((ui_server["data_dir"] / "alignment_reviews.json").read_text(encoding="utf-8"))
    decisions = next(iter(saved["pairs"].values()))
    assert decisions["一（二）|一（一）"]["decision"] == "removed"
    page.locator("#align-report a").first.wait_for(timeout=30_000)


def test_document_status_in_knowledge_tab(ui_page):
    page = ui_page
    page.get_by_role("tab", name="知识库").click()
    table = page.locator("#kb-documents")
    table.get_by_text("2026年上海市社会组织工作要点").first.wait_for(state="attached")
    assert "现行有效" in table.text_content()
    assert "状态" in table.text_content() and "版本链" in table.text_content()
