"""End-to-end: upload a document in the 知识库 tab, see it listed with its metadata,
find it in the 检索 tab, delete it (nothing chosen by default, a confirmation naming it,
a report of what was removed)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NOTICE = """测试区民政局

测民社发〔2026〕9号

测试区民政局关于印发《2026年测试区星光社会组织扶持办法》的通知

各街道：

现将《2026年测试区星光社会组织扶持办法》印发给你们，请认真贯彻落实。

2026年5月6日

（此件主动公开）

一、扶持对象

在本区登记满一年的社区社会组织，可以申请“星光萤火”项目扶持，每个项目最高资助八万元。

二、申请程序

申请材料于每年6月30日前报送区社会组织服务中心。
"""


def test_upload_list_search_delete(ui_page, tmp_path):
    page = ui_page
    page.get_by_role("tab", name="知识库").click()
    table = page.locator("#kb-documents")
    # Gradio's dataframe virtualises rows, so cells may be attached but scrolled out of view.
    table.get_by_text("2026年上海市社会组织工作要点").first.wait_for(state="attached")
    assert "沪民社登发〔2026〕1号" in table.text_content()

    notice = tmp_path / "星光扶持办法.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    page.locator("#kb-upload input[type=file]").set_input_files(str(notice))
    page.locator("#kb-ingest").click()
    page.locator("#kb-status").get_by_text("导入完成").wait_for(timeout=120_000)
    assert "新增 1" in page.locator("#kb-status").inner_text()
    # Listed with the metadata the parser read from the notice itself.
    table.get_by_text("2026年测试区星光社会组织扶持办法").first.wait_for(state="attached")
    listing = table.text_content()
    assert "测民社发〔2026〕9号" in listing
    assert "测试区民政局" in listing
    assert "2026-05-06" in listing

    page.get_by_role("tab", name="检索").click()
    page.locator("#search-query textarea").fill("“星光萤火”项目每个最多资助多少钱")
    page.locator("#search-button").click()
    first_hit = page.locator("#search-results .szzs-hit").first
    first_hit.wait_for()
    assert "最高资助八万元" in first_hit.inner_text()
    assert "测民社发〔2026〕9号" in first_hit.inner_text()

    page.get_by_role("tab", name="知识库").click()
    assert page.locator("#kb-delete-choice input").input_value() == ""  # nothing chosen by default
    page.locator("#kb-delete").click()
    page.locator("#kb-status").get_by_text("请先选择要删除的文件").wait_for()
    page.locator("#kb-delete-choice input").click()
    page.get_by_role("option", name="2026年测试区星光社会组织扶持办法", exact=False).click()
    page.locator("#kb-delete").click()
    confirmation = page.locator("#kb-confirm-text")
    confirmation.get_by_text("确定从知识库删除").wait_for()
    assert "2026年测试区星光社会组织扶持办法" in confirmation.inner_text()
    assert "星光扶持办法.txt" in confirmation.inner_text()
    assert "2026年测试区星光社会组织扶持办法" in table.text_content()  # not deleted before the confirmation
    page.locator("#kb-confirm-delete").click()
    page.locator("#kb-status").get_by_text("已删除《").wait_for()
    page.wait_for_timeout(500)
    assert "上传的副本已删除" in page.locator("#kb-status").inner_text()
    assert not page.locator("#kb-confirm-text").is_visible()
    assert "2026年测试区星光社会组织扶持办法" not in table.text_content()
    assert "2026年上海市社会组织工作要点" in table.text_content()
