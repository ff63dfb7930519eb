"""End-to-end 智能填报: choose a form, load a profile, see prefilled values with
their sources, enter an invalid ID number and see the validation message."""

from __future__ import annotations

import re

import pytest
import yaml

pytestmark = pytest.mark.browser

WAIT_MS = 60_000  # the test machine is shared; a busy server may answer slowly

PROFILE = {
    "org_type": "社会团体",
    "level": "市级",
    "name": "上海市青年创业促进会",
    "address": "上海市黄浦区南京东路100号5楼",
    "purpose": "服务青年创业者，促进创新创业，践行社会主义核心价值观。",
    "business_scope": ["开展创业培训", "组织交流活动"],
    "registration_authority": "上海市民政局",
    "supervisory_unit": "共青团上海市委员会",
    "funds": {"amount_yuan": 50000, "source": "发起单位出资"},
    "members": {"kinds": ["个人会员"], "individual_count": 80},
    "governance": {"assembly": {"form": "会员大会"}, "council": {"size_min": 9, "size_max": 21}},
    "leadership": {"persons": [{"name": "张伟", "role": "会长", "id_number": "310105198001011235"},
                               {"name": "李娜", "role": "秘书长"}]},
}


def test_prefill_from_profile_and_live_id_validation(ui_page, tmp_path):
    from playwright.sync_api import expect

    page = ui_page
    page.get_by_role("tab", name="智能填报").click()
    page.locator("#fill-form input").click()
    page.get_by_role("option", name="法定代表人登记表").click()
    expect(page.locator("#fill-group-legal_rep_registration")).to_be_visible(timeout=WAIT_MS)

    profile = tmp_path / "组织概况.yaml"
    profile.write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    page.locator("#fill-profile input[type=file]").set_input_files(str(profile))
    # Gradio may show an uploaded file's name and extension in separate elements ("组织概况" ".yaml").
    page.locator("#fill-profile").get_by_text(re.compile(r"^组织概况(\.yaml)?$")).first.wait_for()
    page.locator("#fill-prefill").click()

    prefix = "#fill-legal_rep_registration"
    expect(page.locator(f"{prefix}-person_name textarea")).to_have_value("张伟", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-org_name textarea")).to_have_value("上海市青年创业促进会", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-person_name-note")).to_contain_text("来源：组织概况", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-id_number-note")).to_contain_text("通过", timeout=WAIT_MS)
    # derived from the ID number, and says so
    expect(page.locator(f"{prefix}-birth_date textarea")).to_have_value("1980-01-01", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-birth_date-note")).to_contain_text("由“居民身份证号码”推算", timeout=WAIT_MS)

    id_box = page.locator(f"{prefix}-id_number textarea")
    id_box.fill("310105198001011236")  # wrong check digit
    expect(page.locator(f"{prefix}-id_number-note")).to_contain_text("校验位错误", timeout=WAIT_MS)
    expect(page.locator(f"{prefix}-id_number-note")).to_contain_text("用户填写", timeout=WAIT_MS)
    expect(page.locator("#fill-summary")).to_contain_text("有误", timeout=WAIT_MS)

    id_box.fill("310105198001011235")
    expect(page.locator(f"{prefix}-id_number-note")).to_contain_text("通过", timeout=WAIT_MS)
