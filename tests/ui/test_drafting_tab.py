"""章程起草 tab end to end: fill the form for a 非公募基金会, see a validation
message for a bad value, generate, download the DOCX and open it."""

from __future__ import annotations

import pytest

from assistant.ui.drafting_tab import TYPE_CHOICES, _blank_text, form_defaults, form_to_data, problems_markdown, ratio_choices
from tests.conftest import shipped_rulebook


def _text(page, elem_id):
    return page.locator(f"#{elem_id}").locator("textarea, input").first


@pytest.mark.browser
def test_fill_validate_generate_download(ui_page, tmp_path):
    page = ui_page
    page.get_by_role("tab", name="章程起草").click()
    page.locator("#drafting-type label", has_text="非公募基金会").click()
    # type defaults arrive: 基金会 council of 5–15
    page.wait_for_function("document.querySelector('#drafting-council-max input').value === '15'")

    _text(page, "drafting-name").fill("上海市明德教育发展基金会")
    _text(page, "drafting-address").fill("上海市杨浦区国定路300号")
    _text(page, "drafting-purpose").fill("支持教育事业发展，资助困难学生和乡村教师。")
    _text(page, "drafting-scope").fill("资助困难学生完成学业\n奖励优秀乡村教师")
    page.get_by_text("四、会员").click()  # a closed accordion: open it to reach 举办者
    _text(page, "drafting-founders").fill("陈明德，个人，2000000")
    problems = page.locator("#drafting-problems")
    problems.get_by_text("未发现问题").wait_for()

    # a bad value: 30 理事 for a 基金会
    council_max = _text(page, "drafting-council-max")
    council_max.fill("30")
    council_max.press("Tab")
    problems.get_by_text("基金会理事会理事为5至25人（现为30人）").wait_for()
    assert "理事人数上限" in problems.inner_text()
    council_max.fill("15")
    council_max.press("Tab")
    problems.get_by_text("未发现问题").wait_for()

    page.locator("#drafting-generate").click()
    status = page.locator("#drafting-status")
    status.get_by_text("已生成").wait_for(timeout=120_000)
    assert "法定事项 9/9 项已覆盖" in status.inner_text()
    preview = page.locator("#drafting-preview")
    preview.get_by_text("上海市明德教育发展基金会章程").first.wait_for()
    assert "第一章 总则" in preview.inner_text() and "法定事项对照" in preview.inner_text()
    passages = page.locator("#drafting-passages")
    assert passages.inner_text().strip()  # passages, or the note that the KB has none

    link = page.locator("#drafting-docx a").first
    link.wait_for()
    with page.expect_download() as download_info:
        link.click()
    target = tmp_path / "charter.docx"
    download_info.value.save_as(str(target))

    from docx import Document

    doc = Document(str(target))
    assert doc.paragraphs[0].text == "上海市明德教育发展基金会章程"
    assert any(p.text.startswith("第一条") for p in doc.paragraphs)


# --- form <-> profile mapping (no browser) ---------------------------------------------


def _filled(choice: str) -> dict:
    values = {**form_defaults(choice, shipped_rulebook()), **_blank_text(shipped_rulebook())}
    values.update(name="上海市测试" + ("商会" if choice == "异地商会" else "基金会" if "基金会" in choice else "协会"),
                  address="上海市黄浦区1号", purpose="服务社会。", business_scope="（一）开展培训；\n2. 组织交流",
                  founders="甲公司，单位，100000\n乙，个人", hometown="浙江省温州市", supervisory_unit="上海市某局")
    return values


@pytest.mark.parametrize("choice", TYPE_CHOICES)
def test_type_defaults_fill_a_valid_profile(choice):
    assert problems_markdown(_filled(choice), shipped_rulebook()) == "【通过】组织概况未发现问题。"


def test_form_maps_to_profile_fields():
    data = form_to_data({**_filled("社会团体"), "has_standing": True, "standing_size": 5.0, "term_years": 4.0})
    assert data["business_scope"] == ["开展培训", "组织交流"]
    assert data["governance"]["standing_council"] == {"size": 5, "meetings_per_year": 2}
    assert data["governance"]["assembly"]["term_years"] == data["governance"]["council"]["term_years"] == 4
    assert data["supervisory_unit"] == "上海市某局" and "founders" not in data
    fund = form_to_data(_filled("公募基金会"))
    assert fund["org_type"] == "基金会" and fund["foundation_kind"] == "公募" and fund["supervisory_unit"] is None
    assert fund["founders"] == [{"name": "甲公司", "kind": "单位", "contribution_yuan": 100000}, {"name": "乙", "kind": "个人"}]


def test_bad_value_gives_a_chinese_message_naming_the_field():
    values = {**_filled("非公募基金会"), "council_size_max": 30.0, "age_limit": 75.0}
    text = problems_markdown(values, shipped_rulebook())
    assert "组织机构·理事会·理事人数上限：基金会理事会理事为5至25人（现为30人）" in text
    assert "负责人·最高任职年龄" in text


def test_ratio_choices_are_the_rulebooks_majorities_and_a_stricter_one():
    assert ratio_choices(shipped_rulebook()) == [("四分之三以上 (3/4)", "3/4"), ("三分之二以上 (2/3)", "2/3"), ("过半数 (1/2)", "1/2")]


# --- the shared profile: example -> form -> profile (no browser) ------------------------


def _examples():
    from assistant.profile import example_profiles
    from assistant.settings import PROJECT_ROOT

    return example_profiles(PROJECT_ROOT / "corpus" / "profiles", shipped_rulebook())[0]


@pytest.mark.parametrize("index", range(6))
def test_an_example_fills_the_form_and_comes_back_unchanged(index):
    from assistant.profile import validate_profile_data
    from assistant.ui.drafting_tab import data_to_form

    rulebook = shipped_rulebook()
    example = _examples()[index]
    values = data_to_form(example.data, rulebook)
    assert values["name"] == example.data["name"] and set(values) >= set(_blank_text(rulebook))
    data = form_to_data(values, example.data)
    assert form_to_data(data_to_form(data, rulebook), data) == data  # a fixpoint: the form and the profile agree
    assert validate_profile_data(data, rulebook)[0] == validate_profile_data(example.data, rulebook)[0]


def test_edits_keep_what_the_form_does_not_ask_but_not_across_types():
    rulebook = shipped_rulebook()
    from assistant.ui.drafting_tab import data_to_form

    base = next(e.data for e in _examples() if e.data["org_type"] == "社会服务机构")
    base = {**base, "description": "养老服务", "leadership": {**base["leadership"], "persons": [
        {"name": "李明", "role": "理事长", "id_number": "310108198302220718", "other_legal_rep": "某协会"}]}}
    values = data_to_form(base, rulebook)
    values["persons"] = "李明，理事长，310108198302220718\n王五，主任"
    data = form_to_data(values, base)
    assert data["description"] == "养老服务" and data["funds"]["non_state_share"] == "1/1"
    assert data["leadership"]["persons"] == [
        {"other_legal_rep": "某协会", "name": "李明", "role": "理事长", "id_number": "310108198302220718"},
        {"name": "王五", "role": "主任"}]
    other = form_to_data({**values, "type_choice": "社会团体", **{k: v for k, v in form_defaults("社会团体", rulebook).items()}},
                         base)
    assert "description" not in other and "non_state_share" not in other["funds"] and "founders" not in other


def test_polishing_says_when_the_model_changed_nothing():
    from assistant.ui.drafting_tab import polish_note

    assert "没有作任何修改" in polish_note("purpose", "服务社区老人。", "服务社区老人", "", 11.04)
    assert "用时 11.0 秒" in polish_note("purpose", "服务社区老人。", "服务社区老人", "", 11.04)
    assert "当前的宗旨" in polish_note("purpose", "服务老人", "帮老人", "服务老人。", 1)
    assert "已生成宗旨建议" in polish_note("purpose", "为社区老年人提供专业服务。", "帮老人", "", 2)
