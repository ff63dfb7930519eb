"""Every profile rule: its Chinese message names the field and states the rulebook's number and basis."""

from __future__ import annotations

from assistant.profile import id_number_problem
from tests.profile.helpers import data, message_for, problems, rules


# --- one test per rule: the message names the field (Chinese label) and the rule ----


def test_foundation_fund_below_minimum_for_its_type():
    msg = message_for(data("基金会", "公募", funds={"amount_yuan": 3_000_000}), "funds_minimum")
    assert msg.startswith("资金·资金数额（元）：")
    assert "原始基金300万元低于地方性公募基金会的法定最低数额400万元" in msg
    national = data("基金会", "公募", level="全国性", funds={"amount_yuan": 5_000_000})
    assert "800万元" in message_for(national, "funds_minimum")
    assert "200万元" in message_for(data("基金会", "非公募", funds={"amount_yuan": 1_999_999}), "funds_minimum")
    assert "funds_minimum" not in rules(data("基金会", "非公募", funds={"amount_yuan": 2_000_000}))


def test_social_group_activity_funds_minimum():
    assert "3万元" in message_for(data(funds={"amount_yuan": 20_000}), "funds_minimum")
    assert "10万元" in message_for(data(level="全国性", name="中国青年创业促进会", funds={"amount_yuan": 50_000}), "funds_minimum")


def test_local_name_may_not_start_with_china():
    for prefix in ("中国", "全国", "中华"):
        msg = message_for(data(name=f"{prefix}青年创业促进会"), "local_name_prefix")
        assert msg.startswith("名称：") and "不得冠以" in msg and prefix in msg
    assert "local_name_prefix" in rules(data("社会服务机构", name="中华康复服务中心"))
    assert "local_name_prefix" not in rules(data(level="全国性", name="中国青年创业促进会", funds={"amount_yuan": 100_000}))


def test_name_may_not_use_superlatives():
    assert "第一" in message_for(data(name="上海市第一创业促进会"), "name_forbidden_word")


def test_foundation_council_size_outside_5_to_25():
    msg = message_for(data("基金会", governance={"council": {"size_min": 3}}), "foundation_council_size")
    assert msg.startswith("组织机构·理事会·理事人数下限：") and "5至25人" in msg and "3人" in msg
    assert "foundation_council_size" in rules(data("基金会", governance={"council": {"size_max": 26}}))
    assert "foundation_council_size" not in rules(data("基金会", governance={"council": {"size_min": 5, "size_max": 25}}))


def test_foundation_council_meetings_quorum_and_special_majority():
    d = data("基金会", governance={"council": {"meetings_per_year": 1, "quorum": "1/2", "special_pass_ratio": "1/2",
                                               "pass_ratio": "1/2"}})
    found = rules(d)
    assert {"foundation_council_meetings", "foundation_council_quorum", "foundation_special_majority"} <= found
    assert "每年至少召开2次" in message_for(d, "foundation_council_meetings")


def test_age_limit_above_70():
    msg = message_for(data(leadership={"age_limit": 75}), "age_limit_too_high")
    assert msg.startswith("负责人·最高任职年龄：") and "75周岁超过70周岁" in msg


def test_term_longer_than_5_years():
    d = data(governance={"assembly": {"term_years": 6}, "council": {"term_years": 6}, "supervision": {"term_years": 6}})
    msgs = [p.message for p in problems(d) if p.rule == "term_too_long"]
    assert len(msgs) == 3
    assert any(m.startswith("组织机构·理事会·每届年限：") and "6年超过5年" in m for m in msgs)


def test_consecutive_terms_and_extension():
    assert "3届" in message_for(data(leadership={"max_consecutive_terms": 3}), "too_many_terms")
    assert "1年" in message_for(data(governance={"assembly": {"max_extension_years": 2}}), "extension_too_long")


def test_terms_must_match_between_bodies():
    msg = message_for(data(governance={"council": {"term_years": 4}, "supervision": {"term_years": 4}}), "term_mismatch")
    assert "理事会每届任期（4年）应与会员大会每届任期（5年）相同" in msg


def test_social_group_members_minimum():
    assert "30个" in message_for(data(members={"unit_count": 20, "individual_count": 0}), "members_minimum")
    assert "50个" in message_for(data(members={"unit_count": 0, "individual_count": 40}), "members_minimum")
    mixed = data(members={"unit_count": 10, "individual_count": 30})
    assert "混合" in message_for(mixed, "members_minimum")
    assert "members_minimum" not in rules(data(members={"unit_count": 10, "individual_count": 40}))


def test_quorum_and_voting_rules_of_social_groups():
    d = data(governance={"assembly": {"quorum": "1/2", "pass_ratio": "1/3", "special_pass_ratio": "1/2"},
                         "council": {"quorum": "1/2", "pass_ratio": "1/3"}})
    assert {"assembly_quorum", "assembly_pass", "assembly_special", "council_quorum", "council_pass"} <= rules(d)


def test_standing_council_at_most_a_third_of_council():
    d = data(governance={"council": {"size_max": 21}, "standing_council": {"size": 8}})
    assert "不得超过理事人数（上限21人）的三分之一" in message_for(d, "standing_size")
    assert "standing_size" not in rules(data(governance={"council": {"size_max": 21}, "standing_council": {"size": 7}}))


def test_supervisory_board_needs_three():
    assert "不少于3名" in message_for(data(governance={"supervision": {"form": "监事会", "count": 2}}), "supervisory_board_size")


def test_party_building_independent_needs_three_full_members():
    d = data(party_building={"full_party_members": 2, "mode": "独立党组织"})
    msg = message_for(d, "party_independent_needs_three")
    assert msg.startswith("党建·党建方式：") and "联合党组织" in msg
    assert "party_independent_needs_three" not in rules(data(party_building={"full_party_members": 3, "mode": "独立党组织"}))


def test_supervisory_unit_or_direct_registration():
    assert "supervisory_unit_missing" in rules(data(supervisory_unit=None))
    assert "direct_category" in rules(data(supervisory_unit=None, direct_registration=True, field_category="其他"))
    assert "direct_with_unit" in rules(data(direct_registration=True, field_category="科技类", supervisory_unit="某单位"))


def test_legal_representative_must_be_a_leader_title():
    assert "legal_rep_title" in rules(data(leadership={"legal_representative": "总干事"}))


def test_persons_age_id_number_and_state_employees():
    person = {"name": "李四", "role": "会长", "birth_date": "1950-01-01"}
    msg = message_for(data(leadership={"persons": [person]}), "person_over_age")
    assert "李四现年76周岁" in msg and msg.startswith("负责人·拟任负责人·出生日期（第1项）：")
    bad_id = {"name": "李四", "role": "会长", "id_number": "310104197005081231"}
    assert "校验位" in message_for(data(leadership={"persons": [bad_id]}), "id_number_format")
    mismatch = {"name": "李四", "role": "会长", "id_number": "31010419700508123X", "birth_date": "1971-01-01"}
    assert "birth_date_mismatch" in rules(data(leadership={"persons": [mismatch]}))
    official = {"name": "王五", "role": "理事长", "is_state_employee": True}
    assert "foundation_state_employee" in rules(data("基金会", leadership={"persons": [official]}))
    other = {"name": "赵六", "role": "会长", "other_legal_rep": "上海市某某协会"}
    assert "legal_rep_elsewhere" in rules(data(leadership={"persons": [other]}))


def test_id_number_checksum():
    assert id_number_problem("31010419700508123X") is None
    assert "应为18位" in id_number_problem("3101041970050812")
    assert "不是有效日期" in id_number_problem("310104197013081235")


def test_social_service_rules():
    d = data("社会服务机构", funds={"amount_yuan": 50_000, "non_state_share": "1/2"}, premises_use_years=0.5)
    assert {"funds_minimum", "non_state_share", "premises_use"} <= rules(d)
    assert "开办资金5万元低于市级社会服务机构的法定最低数额10万元" in message_for(d, "funds_minimum")


def test_chamber_of_commerce_name_and_hometown():
    d = data("社会团体", "异地商会", name="上海市泉州同乡会")
    assert {"chamber_name", "chamber_hometown"} <= rules(d)


def test_all_problems_are_returned_at_once():
    d = data("基金会", funds={"amount_yuan": 100}, leadership={"age_limit": 80},
             governance={"council": {"size_max": 40, "term_years": 8}})
    assert {"funds_minimum", "age_limit_too_high", "foundation_council_size", "term_too_long"} <= rules(d)




def test_rules_of_another_locality_apply_to_a_profile_registered_there():
    # 洛阳市 sets no 开办资金 minimum and no premises term; its own rules list no direct-registration category.
    d = data("社会服务机构", locality="洛阳市", funds={"amount_yuan": 50_000, "non_state_share": "1/2"}, premises_use_years=0.5)
    found = rules(d, locality="洛阳市")
    assert not {"funds_minimum", "non_state_share", "premises_use"} & found
    assert "direct_not_available" in found and "direct_category" not in found
    direct = next(p for p in problems(d, "洛阳市") if p.rule == "direct_not_available")
    assert direct.severity == "warning" and direct.basis == "洛阳市社会团体登记管理办法 第五条"
    # The same profile registered in 上海市 meets Shanghai's numbers.
    assert {"funds_minimum", "non_state_share", "premises_use"} <= rules(data("社会服务机构", funds={"amount_yuan": 50_000,
                                                                       "non_state_share": "1/2"}, premises_use_years=0.5))


def test_a_region_without_rules_gets_a_visible_notice_not_another_places_numbers():
    d = data("社会服务机构", region="杭州市", funds={"amount_yuan": 50_000})
    found = rules(d)
    assert "locality_unknown" in found and "funds_minimum" not in found
    assert "杭州市" in message_for(d, "locality_unknown")


def test_a_national_organization_follows_national_law_only():
    d = data(level="全国性", region="中华人民共和国", name="中国青年创业促进会", funds={"amount_yuan": 100_000},
             registration_authority="民政部")
    assert "locality_unknown" not in rules(d)
