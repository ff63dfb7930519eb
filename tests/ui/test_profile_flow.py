"""The organization profile shared by the tabs, in a real browser: an example loads in 章程起草
(form left, a scrolling preview right), flows to 智能填报 without any file, a corrected ID number
re-derives birth date and gender, and a saved profile file loads back into the form."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WAIT_MS = 60_000  # the test machine is shared; a busy server may answer slowly


def _box(page, elem_id):
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def _start_from_example(page, title):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="章程起草").click()
    page.locator("#drafting-example input").click()
    page.get_by_role("option", name=title).click()
    page.locator("#drafting-load-example").click()
    expect(page.locator("#drafting-profile-status")).to_contain_text("已载入示例", timeout=WAIT_MS)


def test_example_loads_in_drafting_and_the_page_is_two_compact_columns(ui_page):
    from playwright.sync_api import expect

    page = ui_page
    _start_from_example(page, "行业协会：上海市智能制造行业协会")
    expect(_box(page, "drafting-name")).to_have_value("上海市智能制造行业协会", timeout=WAIT_MS)
    expect(page.locator("#drafting-type input[value='行业协会']")).to_be_checked()
    # the example's own numbers, not the type's defaults (loading is not a type switch)
    expect(_box(page, "drafting-council-max")).to_have_value("30")
    expect(page.locator("#drafting-has-standing input")).to_be_checked()
    expect(_box(page, "drafting-persons")).to_have_value("王志刚，会长，310104198003150312\n陈丽华，秘书长，310105197211080429")
    expect(page.locator("#drafting-problems")).to_contain_text("未发现问题", timeout=WAIT_MS)
    expect(page.locator("#drafting-profile-status")).to_contain_text("秒")

    page.locator("#drafting-generate").click()
    status = page.locator("#drafting-status")
    expect(status).to_contain_text("已生成", timeout=120_000)
    expect(status).to_contain_text("秒")
    preview = page.locator("#drafting-preview")
    expect(preview).to_contain_text("上海市智能制造行业协会章程", timeout=WAIT_MS)
    # form and preview side by side at 1400 px, the preview scrolling within a screen's height
    form_box = page.locator("#drafting-name").bounding_box()
    preview_box = preview.bounding_box()
    assert preview_box["x"] > form_box["x"] + form_box["width"] / 2
    assert preview_box["height"] < 800
    assert preview.evaluate("e => { const s = [e, ...e.querySelectorAll('*')];"
                            " return s.some(x => x.scrollHeight > x.clientHeight + 100); }")
    expect(page.locator("#drafting-docx a").first).to_be_visible()
    # on a narrow screen the columns wrap into one
    page.set_viewport_size({"width": 700, "height": 1000})
    page.wait_for_timeout(500)
    assert page.locator("#drafting-preview").bounding_box()["y"] > page.locator("#drafting-name").bounding_box()["y"] + 200


def test_profile_flows_from_drafting_to_filling_and_id_correction_re_derives(ui_page):
    from playwright.sync_api import expect

    page = ui_page
    _start_from_example(page, "社会团体：上海市青少年科技教育促进会")
    expect(_box(page, "drafting-name")).to_have_value("上海市青少年科技教育促进会", timeout=WAIT_MS)
    name = _box(page, "drafting-name")
    name.fill("上海市少年科学教育促进会")  # an edit in the form is the profile the other tabs see
    name.press("Tab")
    expect(page.locator("#drafting-problems")).to_contain_text("未发现问题", timeout=WAIT_MS)

    page.get_by_role("tab", name="智能填报").click()
    expect(page.locator("#fill-profile-current")).to_contain_text("上海市少年科学教育促进会", timeout=WAIT_MS)
    page.locator("#fill-form input").click()
    page.get_by_role("option", name="法定代表人登记表").click()
    expect(page.locator("#fill-group-legal_rep_registration")).to_be_visible(timeout=WAIT_MS)
    page.locator("#fill-prefill").click()  # no file: the shared profile fills the form
    prefix = "#fill-legal_rep_registration"
    expect(page.locator(f"{prefix}-org_name textarea")).to_have_value("上海市少年科学教育促进会", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-person_name textarea")).to_have_value("周建国", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-birth_date textarea")).to_have_value("1968-05-12", timeout=WAIT_MS)
    expect(page.locator("#fill-summary")).to_contain_text("预填用时", timeout=WAIT_MS)

    # correcting the ID number re-derives birth date and gender instead of flagging them
    page.locator(f"{prefix}-id_number textarea").fill("310102197508200242")
    expect(page.locator(f"{prefix}-birth_date textarea")).to_have_value("1975-08-20", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-gender input")).to_have_value("女", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-birth_date-note")).to_contain_text("由“居民身份证号码”推算", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-birth_date-note")).not_to_contain_text("不一致")
    expect(page.locator(f"{prefix}-gender-note")).not_to_contain_text("不一致")


def test_saving_then_loading_the_profile_restores_the_fields(ui_page, browser, ui_server, tmp_path):
    from playwright.sync_api import expect

    page = ui_page
    _start_from_example(page, "社会服务机构：上海市康乐社区养老服务中心")
    expect(_box(page, "drafting-name")).to_have_value("上海市康乐社区养老服务中心", timeout=WAIT_MS)
    address = _box(page, "drafting-address")
    address.fill("上海市黄浦区幸福路99号")
    address.press("Tab")
    expect(page.locator("#drafting-problems")).to_contain_text("未发现问题", timeout=WAIT_MS)
    page.locator("#drafting-save").click()
    link = page.locator("#drafting-profile-download a").first
    link.wait_for(timeout=WAIT_MS)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "概况.yaml"
    download.value.save_as(str(saved))
    assert "幸福路99号" in saved.read_text(encoding="utf-8")

    # a new session (fresh page): load the file, the fields come back
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = context.new_page()
    other.set_default_timeout(WAIT_MS)
    other.goto(ui_server["url"])
    other.get_by_role("tab", name="章程起草").click()
    other.locator("#drafting-profile-file input[type=file]").set_input_files(str(saved))
    expect(other.locator("#drafting-profile-status")).to_contain_text("已载入组织概况文件", timeout=WAIT_MS)
    expect(_box(other, "drafting-name")).to_have_value("上海市康乐社区养老服务中心", timeout=WAIT_MS)
    expect(_box(other, "drafting-address")).to_have_value("上海市黄浦区幸福路99号")
    expect(other.locator("#drafting-type input[value='社会服务机构']")).to_be_checked()
    other.get_by_text("四、会员").click()  # a closed accordion: open it to reach 举办者
    expect(_box(other, "drafting-founders")).to_have_value("康乐健康管理有限公司，单位，400000\n李明，个人，100000")
    expect(_box(other, "drafting-term")).to_have_value("4")
    expect(other.locator("#drafting-problems")).to_contain_text("未发现问题", timeout=WAIT_MS)
    context.close()
