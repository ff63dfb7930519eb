"""End-to-end: what a new user meets on every tab. Search filters narrow the hits, each hit
says how relevant it is in words; the document viewer opens only indexed documents; no tab
shows an emoji; a screenshot of every tab at 1400×1000 goes to docs/screenshots/ (README)."""

from __future__ import annotations

import re

import pytest

from assistant.settings import PROJECT_ROOT
from assistant.ui.app import TABS
from tests.ui.emoji import emoji_in

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
QUESTION = "长宁区对社会组织评估等级占比有什么要求？"


def _search(page, query: str, *filters: str) -> list[str]:
    """The hits' texts, once the line above them says back this query and these filters."""
    page.locator("#search-query textarea").fill(query)
    page.locator("#search-button").click()
    said = " · ".join([f"“{query}”", *filters]) + "："
    page.locator("#search-results .szzs-took").filter(has_text=said).wait_for()
    return page.locator("#search-results .szzs-hit").all_inner_texts()


def _choose(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_search_filters_narrow_the_hits_and_each_hit_says_how_relevant_it_is(ui_page):
    page = ui_page
    page.get_by_role("tab", name="检索").click()
    everything = _search(page, "社会组织评估", "现行有效")
    assert any("（审查规则）" in h for h in everything) and any("（政策文件）" in h for h in everything)
    labels = page.locator("#search-results .szzs-rel").all_inner_texts()
    assert labels and labels[0] == "高度相关" and set(labels) <= {"高度相关", "相关", "可能相关"}
    text = page.locator("#search-results").inner_text()
    assert "相关度" not in text and not re.search(r"\d\.\d{3,}", text)  # no raw scores

    _choose(page, "search-type", "政策文件")
    policies = _search(page, "社会组织评估", "政策文件", "现行有效")
    assert policies and all("（政策文件）" in h for h in policies)
    assert len(policies) <= len(everything)

    _choose(page, "search-issuer", "上海市长宁区民政局")
    changning = _search(page, "社会组织评估", "政策文件", "上海市长宁区民政局", "现行有效")
    assert changning and all("长宁区民政局" in h for h in changning)

    _choose(page, "search-status", "已修订或已废止")  # the shipped corpus has no superseded text
    assert _search(page, "社会组织评估", "政策文件", "上海市长宁区民政局", "已修订或已废止") == []
    assert "放宽筛选条件" in page.locator("#search-results").inner_text()


def test_the_viewer_serves_indexed_documents_only(ui_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    for doc in ("0000000000000000", "..%2F..%2Fetc%2Fpasswd"):
        page.goto(f"{ui_server['url']}?doc={doc}")
        page.locator("#doc-view .szzs-doc-missing").wait_for()
        assert "404：未找到文档" in page.locator("#doc-view").inner_text()
        assert "root:" not in page.content()
    context.close()


def _fill_for_screenshot(page, module: str) -> None:
    """Give a tab something to show (the others show their empty forms)."""
    if module == "qa_tab":
        page.locator("#qa-question textarea").fill(QUESTION)
        page.locator("#qa-send").click()
        page.locator("#qa-chat details.szzs-citation:not(.szzs-provisional)").first.wait_for()
    elif module == "search_tab":
        _search(page, "社会组织评估", "现行有效")
    elif module == "viewer_tab":
        page.locator("#doc-choice input").click()
        page.get_by_role("option", name="2026年长宁区社会组织工作要点", exact=False).first.click()
        page.locator("#doc-locate textarea, #doc-locate input").first.fill("评估等级的占比")
        page.locator("#doc-open").click()
        page.locator("#doc-view .szzs-target mark").wait_for()
    elif module == "knowledge_tab":
        page.locator("#kb-documents").get_by_text("2026年上海市社会组织工作要点").first.wait_for(state="attached")


def test_no_tab_shows_an_emoji_and_every_tab_is_photographed(ui_page):
    page = ui_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for module, label in TABS:
        page.get_by_role("tab", name=label, exact=True).click()
        _fill_for_screenshot(page, module)
        page.wait_for_timeout(800)  # let the tab's layout settle
        page.screenshot(path=str(SCREENSHOTS / f"{module.removesuffix('_tab')}.png"))
        found[label] = emoji_in(page.locator("body").inner_text())
    assert {label: hits for label, hits in found.items() if hits} == {}
    assert len(list(SCREENSHOTS.glob("*.png"))) >= len(TABS)
