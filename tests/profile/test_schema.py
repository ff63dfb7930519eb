"""OrgProfile structure: Chinese structure errors naming the field, labels, derived facts."""

from __future__ import annotations

from assistant.profile import OrgProfile, field_label, validate_profile_data
from tests.conftest import shipped_rulebook
from tests.profile.helpers import data


# --- structure errors ---------------------------------------------------------------


def test_structure_errors_are_chinese_and_name_the_field():
    d = data(governance={"council": {"size_max": "很多"}}, unknown_field=1)
    del d["name"]
    profile, found = validate_profile_data(d, shipped_rulebook())
    assert profile is None
    by_field = {p.field: p.message for p in found}
    assert by_field["name"] == "名称：必填项未填写"
    assert by_field["governance.council.size_max"] == "组织机构·理事会·理事人数上限：应为整数"
    assert "不是组织概况中的字段" in by_field["unknown_field"]


def test_bad_ratio_is_reported():
    profile, found = validate_profile_data(data(governance={"council": {"quorum": "三分之二"}}), shipped_rulebook())
    assert profile is None and "分子/分母" in found[0].message


def test_field_labels():
    assert field_label("funds.amount_yuan") == "资金·资金数额（元）"
    assert field_label("leadership.persons.1.name") == "负责人·拟任负责人·姓名（第2项）"




def test_derived_facts():
    p = OrgProfile.model_validate(data("社会团体", "异地商会", hometown="福建省泉州市", name="上海市泉州商会"))
    assert p.template_key == "行业协会" and p.type_label == "异地商会" and p.funds_label == "活动资金"
    f = OrgProfile.model_validate(data("基金会", "公募"))
    assert f.template_key == "基金会" and f.type_label == "公募基金会" and f.funds_label == "原始基金"
