"""Rules over several fields: 法定代表人 among the 负责人, names, minimum funds, members, dates."""

from __future__ import annotations

import pytest

from tests.forms.conftest import ID_1958, ID_1980, TODAY


def _shetuan(**changes):
    values = {
        "name": "上海市青年创业促进会", "level": "市级", "address": "上海市黄浦区南京东路100号",
        "purpose": "服务青年创业者，促进创新创业。", "business_scope": "开展创业培训；组织交流活动",
        "registration_mode": "经业务主管单位审查同意", "supervisory_unit": "共青团上海市委员会",
        "registration_authority": "上海市民政局", "funds": "5万元", "members_individual": "80",
        "legal_rep": "张伟", "legal_rep_id": ID_1980, "responsible_persons": "张伟（会长）、李娜（秘书长）",
        "phone": "13812345678", "apply_date": "2026-02-20",
    }
    values.update(changes)
    return values


def _status(service, form_id, values):
    return {k: (c.status, c.message) for k, c in service.validate(form_id, values, TODAY).items()}


def test_complete_valid_form_passes(service):
    result = _status(service, "shetuan_establishment", _shetuan())
    assert all(s == "ok" for s, _ in result.values()), result


def test_legal_rep_must_be_one_of_the_responsible_persons(service):
    result = _status(service, "shetuan_establishment", _shetuan(legal_rep="王强"))
    assert result["legal_rep"][0] == "invalid"
    assert "王强" in result["legal_rep"][1] and "负责人" in result["legal_rep"][1]


@pytest.mark.parametrize("name, level, fragment", [
    ("中国青年创业促进会", "市级", "不得冠以“中国”“全国”“中华”"),
    ("中华青年创业促进会", "区级", "不得冠以"),
    ("青年创业促进会", "市级", "行政区划名称"),
    ("上海市青年创业中心", "市级", "组织形式字样"),
    ("上海市第一青年创业促进会", "市级", "不得使用“第一”"),
])
def test_social_group_naming_rules(service, name, level, fragment):
    result = _status(service, "shetuan_establishment", _shetuan(name=name, level=level, funds="10万元"))
    assert result["name"][0] == "invalid"
    assert fragment in result["name"][1]


def test_national_name_may_start_with_zhongguo(service):
    result = _status(service, "shetuan_establishment", _shetuan(name="中国青年创业促进会", level="全国性", funds="10万元"))
    assert result["name"] == ("ok", "")


def test_foundation_and_service_org_names_end_in_their_form_word(service):
    base = {"foundation_kind": "非公募", "level": "市级", "funds": "200万元"}
    assert _status(service, "foundation_establishment", {**base, "name": "上海市阳光慈善会"})["name"][0] == "invalid"
    assert _status(service, "foundation_establishment", {**base, "name": "上海市阳光慈善基金会"})["name"][0] == "ok"
    bad = _status(service, "service_org_establishment", {"name": "中国阳光养老服务中心", "level": "区级"})
    assert "不得冠以" in bad["name"][1]
    assert _status(service, "service_org_establishment", {"name": "上海市长宁区阳光养老服务中心", "level": "区级"})["name"][0] == "ok"


@pytest.mark.parametrize("level, funds, ok", [
    ("市级", "3万元", True), ("市级", "2.9万元", False), ("区级", "29999元", False),
    ("全国性", "5万元", False), ("全国性", "10", True),
])
def test_activity_funds_minimum_by_level(service, level, funds, ok):
    name = "中国青年创业促进会" if level == "全国性" else "上海市青年创业促进会"
    status, message = _status(service, "shetuan_establishment", _shetuan(level=level, funds=funds, name=name))["funds"]
    assert (status == "ok") is ok, message
    if not ok:
        assert ("10万元" if level == "全国性" else "3万元") in message and "第十条" in message


@pytest.mark.parametrize("kind, level, funds, ok", [
    ("非公募", "市级", "199万元", False), ("非公募", "市级", "200", True),
    ("公募", "市级", "300万元", False), ("公募", "全国性", "500万元", False), ("公募", "全国性", "800万元", True),
])
def test_foundation_original_fund_minimum(service, kind, level, funds, ok):
    values = {"foundation_kind": kind, "level": level, "funds": funds}
    status, message = _status(service, "foundation_establishment", values)["funds"]
    assert (status == "ok") is ok, message


@pytest.mark.parametrize("individual, unit, bad_field", [
    ("49", "", "members_individual"), ("", "29", "members_unit"), ("20", "20", "members_individual"),
    ("50", "", None), ("", "30", None), ("30", "20", None),
])
def test_member_minimum(service, individual, unit, bad_field):
    result = _status(service, "shetuan_establishment", _shetuan(members_individual=individual, members_unit=unit))
    bad = [k for k in ("members_individual", "members_unit") if result[k][0] == "invalid"]
    assert bad == ([bad_field] if bad_field else [])


def test_supervisory_unit_required_unless_direct_registration(service):
    result = _status(service, "shetuan_establishment", _shetuan(supervisory_unit=""))
    assert result["supervisory_unit"][0] == "invalid"
    result = _status(service, "shetuan_establishment", _shetuan(supervisory_unit="", registration_mode="直接登记"))
    assert result["supervisory_unit"] == ("ok", "")


def test_id_number_birth_date_and_gender_must_agree(service):
    values = {"id_number": ID_1958, "birth_date": "1958-06-16", "gender": "男"}
    result = _status(service, "legal_rep_registration", values)
    assert "不一致" in result["birth_date"][1]
    assert "不一致" in result["gender"][1]
    result = _status(service, "legal_rep_registration", {"id_number": ID_1958, "birth_date": "1958年6月15日", "gender": "女"})
    assert result["birth_date"][0] == "ok" and result["gender"][0] == "ok"


def test_legal_rep_of_a_social_group_heads_no_other_social_group(service):
    values = {"org_type": "社会团体", "other_legal_rep": "是"}
    assert "第十二条" in _status(service, "legal_rep_registration", values)["other_legal_rep"][1]
    values["org_type"] = "社会服务机构"
    assert _status(service, "legal_rep_registration", values)["other_legal_rep"][0] == "ok"


def test_term_dates(service):
    result = _status(service, "responsible_person_filing", {"term_start": "2026-01-01", "term_end": "2025-12-31"})
    assert "早于" in result["term_end"][1]
    result = _status(service, "responsible_person_filing", {"term_start": "2020-01-01", "term_end": "2026-01-02"})
    assert "超过5年" in result["term_end"][1]
    result = _status(service, "responsible_person_filing", {"term_start": "2021-01-01", "term_end": "2025-12-31"})
    assert result["term_end"] == ("ok", "")


def test_change_filed_within_30_days_and_must_change_something(service):
    values = {"before": "上海市黄浦区南京东路100号", "after": "上海市黄浦区南京东路100号",
              "approval_date": "2026-01-10", "apply_date": "2026-02-20"}
    result = _status(service, "change_registration", values)
    assert "与变更前相同" in result["after"][1]
    assert "41天" in result["apply_date"][1] and "30日" in result["apply_date"][1]
    values.update(after="上海市黄浦区九江路1号", apply_date="2026-02-09")
    result = _status(service, "change_registration", values)
    assert result["after"] == ("ok", "") and result["apply_date"] == ("ok", "")


def test_new_name_in_a_change_follows_the_naming_rule(service):
    values = {"org_type": "社会团体", "change_item": "名称", "before": "上海市青年创业协会", "after": "中华青年创业协会"}
    assert "不得冠以" in _status(service, "change_registration", values)["after"][1]
    values["change_item"] = "住所"  # the rule only applies to name changes
    assert _status(service, "change_registration", values)["after"][0] == "ok"


def test_annual_report_standing_directors_and_foundation_meetings(service):
    result = _status(service, "annual_report_basic", {"directors": "21", "standing_directors": "8"})
    assert "三分之一" in result["standing_directors"][1]
    assert _status(service, "annual_report_basic", {"directors": "21", "standing_directors": "7"})["standing_directors"][0] == "ok"
    result = _status(service, "annual_report_basic", {"org_type": "基金会", "council_meetings": "1"})
    assert "至少召开2次" in result["council_meetings"][1]
    result = _status(service, "annual_report_basic", {"org_type": "社会团体", "council_meetings": "1"})
    assert result["council_meetings"][0] == "ok"


def test_one_bad_value_is_reported_once_by_its_own_validator(service):
    result = _status(service, "responsible_person_filing", {"term_start": "2026-13-01", "term_end": "2025-01-01"})
    assert result["term_start"][0] == "invalid"
    assert result["term_end"][0] == "ok"  # the order rule needs both dates valid
