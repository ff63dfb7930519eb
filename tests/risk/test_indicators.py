"""Each indicator: a case that fires and a boundary case that must not (screening date 2026-06-30).
Every number is the rulebook's; the cases sit on either side of it."""

from __future__ import annotations

import pytest

from tests.risk.helpers import foundation, hits, indicators, org, penalty, screen, years


def test_a_clean_organization_of_each_type_has_no_hit(tmp_path):
    orgs = [org("社会团体", 1), org("社会服务机构", 2, level="市级"), foundation(3), foundation(4, public=False)]
    result = screen(tmp_path, orgs)
    assert hits(result) == set()
    assert {o.risk for o in result.organizations} == {"无"}


# --- 年度工作报告 ------------------------------------------------------------------------------

def test_report_received_after_the_deadline_is_late_on_the_deadline_is_not(tmp_path):
    late, on_time = org(n=1), org(n=2)
    annual = years(late, {2024: {"report_date": "2025-06-01"}}) + years(on_time, {2024: {"report_date": "2025-05-31"}})
    result = screen(tmp_path, [late, on_time], annual)
    assert hits(result, late["code"]) == {("RK-REPORT-LATE", 2024)}
    assert hits(result, on_time["code"]) == set()


def test_a_foundation_reports_by_march_31(tmp_path):
    """基金会管理条例 第三十六条: 3月31日 (the rulebook's deadline for foundations)."""
    late, on_time = foundation(1), foundation(2)
    annual = years(late, {2025: {"report_date": "2026-04-01"}}) + years(on_time, {2025: {"report_date": "2026-03-31"}})
    result = screen(tmp_path, [late, on_time], annual)
    assert hits(result, late["code"]) == {("RK-REPORT-LATE", 2025)}
    assert hits(result, on_time["code"]) == set()
    hit = result.by_code(late["code"]).hits[0]
    assert "2026-03-31" in hit.summary and "基金会管理条例 第三十六条" in hit.basis


def test_two_reports_missing_running_fire_one_gap_does_not(tmp_path):
    running, gap = org(n=1, last_inspection_year=2023), org(n=2)
    annual = years(running, {2024: {"report_filed": "否", "report_date": ""}, 2025: {"report_filed": "否", "report_date": ""}})
    annual += years(gap, {2023: {"report_filed": "否", "report_date": ""}, 2025: {"report_filed": "否", "report_date": ""}})
    result = screen(tmp_path, [running, gap], annual)
    assert ("RK-REPORT-MISSING", 2025) in hits(result, running["code"])
    assert "RK-REPORT-MISSING" not in indicators(result, gap["code"])
    assert {("RK-REPORT-LATE", 2023), ("RK-REPORT-LATE", 2025)} <= hits(result, gap["code"])


def test_registry_alone_infers_missing_reports_from_the_last_inspection_year(tmp_path):
    row = org(n=1, last_inspection_year=2023)
    result = screen(tmp_path, [row], annual=[])
    assert {("RK-REPORT-MISSING", 2025), ("RK-REPORT-LATE", 2024), ("RK-REPORT-LATE", 2025)} <= hits(result)
    hit = next(h for h in result.organizations[0].hits if h.indicator == "RK-REPORT-MISSING")
    assert any("最近年检年度" in w for w in hit.sources)


def test_failed_inspection_fires_basically_passed_does_not(tmp_path):
    failed, basic = org(n=1), org(n=2)
    annual = years(failed, {2024: {"inspection_result": "不合格"}}) + years(basic, {2024: {"inspection_result": "基本合格"}})
    result = screen(tmp_path, [failed, basic], annual)
    assert hits(result, failed["code"]) == {("RK-CHECK-FAILED", 2024)}
    assert hits(result, basic["code"]) == set()


def test_basically_passed_two_years_running_fires_with_a_pass_between_does_not(tmp_path):
    running, apart = org(n=1), org(n=2)
    annual = years(running, {2024: {"inspection_result": "基本合格"}, 2025: {"inspection_result": "基本合格"}})
    annual += years(apart, {2023: {"inspection_result": "基本合格"}, 2025: {"inspection_result": "基本合格"}})
    result = screen(tmp_path, [running, apart], annual)
    assert hits(result, running["code"]) == {("RK-CHECK-BASIC", 2025)}
    assert hits(result, apart["code"]) == set()


# --- 活动异常名录、严重违法失信名单 -------------------------------------------------------------------

def test_party_organization_missing_with_three_members_fires_with_two_does_not(tmp_path):
    three, two = org(n=1, party_members=3, party_org="未建立"), org(n=2, party_members=2, party_org="未建立")
    result = screen(tmp_path, [three, two])
    assert indicators(result, three["code"]) == {"RK-PARTY-ORG"}
    assert indicators(result, two["code"]) == set()


def test_rectification_overdue_fires_done_on_the_deadline_does_not(tmp_path):
    overdue = org(n=1, rectification_deadline="2026-03-01", rectification_status="未完成")
    late_done = org(n=2, rectification_deadline="2026-03-01", rectification_status="已完成", rectification_done="2026-03-02")
    in_time = org(n=3, rectification_deadline="2026-03-01", rectification_status="已完成", rectification_done="2026-03-01")
    not_yet = org(n=4, rectification_deadline="2026-06-30", rectification_status="未完成")
    result = screen(tmp_path, [overdue, late_done, in_time, not_yet])
    assert indicators(result, overdue["code"]) == indicators(result, late_done["code"]) == {"RK-RECTIFICATION"}
    assert indicators(result, in_time["code"]) == indicators(result, not_yet["code"]) == set()


def test_no_public_fundraising_for_six_months_fires_a_day_less_does_not(tmp_path):
    six = foundation(1, public_since="2018-01-01", last_fundraising="2025-12-30")
    less = foundation(2, public_since="2018-01-01", last_fundraising="2026-01-01")  # 6个月 on 2026-07-01
    never = foundation(3, public_since="2025-12-01", last_fundraising="")
    result = screen(tmp_path, [six, less, never])
    assert indicators(result, six["code"]) == {"RK-FUNDRAISING"}
    assert indicators(result, less["code"]) == set()
    assert indicators(result, never["code"]) == {"RK-FUNDRAISING"}  # since the qualification, none at all


def test_penalties_by_size_and_count(tmp_path):
    one_warning, old_warning, large, just_under, two_minor = (org(n=i) for i in range(1, 6))
    pens = [penalty(one_warning, "2025-01-10"), penalty(old_warning, "2023-06-30"),
            penalty(large, "2025-03-01", "罚款", 50_000), penalty(just_under, "2025-03-01", "罚款", 49_900),
            penalty(two_minor, "2024-01-10"), penalty(two_minor, "2025-11-10", "罚款", 2000)]
    result = screen(tmp_path, [one_warning, old_warning, large, just_under, two_minor], penalties=pens)
    assert indicators(result, one_warning["code"]) == {"RK-MINOR-PENALTY"}
    assert indicators(result, old_warning["code"]) == set()  # the window is (2023-06-30, 2026-06-30]
    assert indicators(result, large["code"]) == {"RK-LARGE-FINE"}  # 5万元以上 includes 5万
    assert indicators(result, just_under["code"]) == {"RK-MINOR-PENALTY"}
    assert indicators(result, two_minor["code"]) == {"RK-MINOR-PENALTY", "RK-REPEAT-PENALTIES"}


def test_a_large_fine_and_a_warning_are_not_two_minor_penalties(tmp_path):
    row = org(n=1)
    pens = [penalty(row, "2025-01-10", "罚款", 60_000), penalty(row, "2025-05-10")]
    assert indicators(screen(tmp_path, [row], penalties=pens)) == {"RK-LARGE-FINE", "RK-MINOR-PENALTY"}


def test_suspension_is_a_serious_ground(tmp_path):
    row = org(n=1)
    pens = [penalty(row, "2025-01-10", "限期停止活动")]
    assert indicators(screen(tmp_path, [row], penalties=pens)) == {"RK-SUSPENDED"}


def test_unreachable_fires_normal_does_not(tmp_path):
    lost, found = org(n=1, contact_status="无法联系"), org(n=2, contact_status="正常")
    result = screen(tmp_path, [lost, found])
    assert indicators(result, lost["code"]) == {"RK-UNREACHABLE"}
    assert indicators(result, found["code"]) == set()


def test_two_years_on_the_abnormal_list_fire_a_day_less_or_removed_do_not(tmp_path):
    full = org(n=1, listed_date="2024-06-30")
    less = org(n=2, listed_date="2024-07-01")
    removed = org(n=3, listed_date="2023-01-01", delisted_date="2024-01-01")
    result = screen(tmp_path, [full, less, removed])
    assert indicators(result, full["code"]) == {"RK-LISTED-2Y"}
    assert indicators(result, less["code"]) == indicators(result, removed["code"]) == set()
    assert any("已于2024-07-01列入活动异常名录" in n for n in result.by_code(less["code"]).notes)


# --- 换届与负责人 ------------------------------------------------------------------------------

def test_term_overdue_and_approved_extensions(tmp_path):
    overdue = org(n=1, term_start="2021-06-01")  # 届满 2026-06-01
    extended = org(n=2, term_start="2021-06-01", extension_approved="2026-05-01", extension_until="2027-05-31")
    unapproved = org(n=3, term_start="2021-06-01", extension_until="2027-05-31")
    too_long = org(n=4, term_start="2020-03-01", extension_approved="2025-02-01", extension_until="2026-12-31")
    ends_today = org(n=5, term_start="2021-06-30")
    result = screen(tmp_path, [overdue, extended, unapproved, too_long, ends_today])
    assert indicators(result, overdue["code"]) == {"RK-TERM-OVERDUE"}
    assert indicators(result, extended["code"]) == set()
    assert indicators(result, unapproved["code"]) == {"RK-TERM-OVERDUE"}
    assert indicators(result, too_long["code"]) == {"RK-TERM-OVERDUE"}  # 延期 at most 1年: until 2026-03-01
    assert indicators(result, ends_today["code"]) == set()
    assert "未见批准日期" in result.by_code(unapproved["code"]).hits[0].summary


def test_leader_over_age_at_appointment_without_approval(tmp_path):
    over = org(n=1, term_start="2023-03-01", legal_rep_birth="1952-02-28")  # 71 at the start of the term
    seventy = org(n=2, term_start="2023-03-01", legal_rep_birth="1953-03-01")  # exactly 70
    approved = org(n=3, term_start="2023-03-01", legal_rep_birth="1950-01-01",
                   legal_rep_approval="超龄任职已经登记管理机关批准（2023年2月）")
    over_now = org(n=4, term_start="2023-03-01", legal_rep_birth="1954-01-01")  # 69 then, 72 now
    result = screen(tmp_path, [over, seventy, approved, over_now])
    assert indicators(result, over["code"]) == {"RK-LEADER-AGE"}
    assert indicators(result, seventy["code"]) == indicators(result, approved["code"]) == set()
    assert indicators(result, over_now["code"]) == set()


def test_leader_over_terms_without_approval(tmp_path):
    three, two = org(n=1, legal_rep_terms=3), org(n=2, legal_rep_terms=2)
    approved = org(n=3, legal_rep_terms=3, legal_rep_approval="超届任职已经登记管理机关批准")
    refused = org(n=4, legal_rep_terms=3, legal_rep_approval="超届任职未批准")
    result = screen(tmp_path, [three, two, approved, refused])
    assert indicators(result, three["code"]) == indicators(result, refused["code"]) == {"RK-LEADER-TERMS"}
    assert indicators(result, two["code"]) == indicators(result, approved["code"]) == set()


def test_legal_representative_concurrency_by_type(tmp_path):
    sg_sg = org("社会团体", 1, legal_rep_other="某某研究会", legal_rep_other_type="社会团体")
    sg_ss = org("社会团体", 2, legal_rep_other="某某服务中心", legal_rep_other_type="社会服务机构")
    ss_ss = org("社会服务机构", 3, legal_rep_other="某某服务中心", legal_rep_other_type="社会服务机构")
    by_name = org("社会团体", 4, legal_rep_other="上海市某某促进会", legal_rep_other_type="")
    fd_any = foundation(5, legal_rep_other="某某服务中心", legal_rep_other_type="社会服务机构")
    result = screen(tmp_path, [sg_sg, sg_ss, ss_ss, by_name, fd_any])
    assert indicators(result, sg_sg["code"]) == {"RK-CONCURRENT-SG"}
    assert indicators(result, sg_ss["code"]) == indicators(result, ss_ss["code"]) == set()
    assert indicators(result, by_name["code"]) == {"RK-CONCURRENT-SG"}  # the type from the name's form word
    assert any("按名称取为社会团体" in n for n in result.by_code(by_name["code"]).notes)
    assert indicators(result, fd_any["code"]) == {"RK-CONCURRENT-FD"}


# --- “僵尸型” -----------------------------------------------------------------------------------

def test_zombie_needs_two_signals(tmp_path):
    two = org(n=1, contact_status="无法联系")
    one = org(n=2, contact_status="无法联系")
    empty_year = org(n=3)
    annual = years(two, {2025: {"staff": 0}}) + years(one)
    annual += years(empty_year, {2025: {"staff": 0, "activities": 0, "income": 0, "total_spending": 0,
                                          "program_spending": 0, "admin_costs": 0}})
    result = screen(tmp_path, [two, one, empty_year], annual)
    assert "RK-ZOMBIE" in indicators(result, two["code"])
    assert indicators(result, one["code"]) == {"RK-UNREACHABLE"}
    assert "RK-ZOMBIE" in indicators(result, empty_year["code"])
    zombie = next(h for h in result.by_code(empty_year["code"]).hits if h.indicator == "RK-ZOMBIE")
    assert "3项信号" in zombie.summary and zombie.actions == ("简易注销引导", "撤销登记建议")


# --- 财务 ---------------------------------------------------------------------------------------

def test_public_foundation_spending_below_seventy_percent(tmp_path):
    low, exact = foundation(1), foundation(2)
    annual = years(low, {2025: {"program_spending": 2_099_900}}) + years(exact, {2025: {"program_spending": 2_100_000}})
    result = screen(tmp_path, [low, exact], annual)
    assert hits(result, low["code"]) == {("RK-FD-PUBLIC-SPENDING", 2025)}
    assert hits(result, exact["code"]) == set()  # exactly 70% of 2024's 3,000,000


def test_the_three_year_income_mean_clears_a_public_foundation(tmp_path):
    """慈善法 第六十一条: 70% of last year's income or of the mean of the three years before."""
    row = foundation(1)
    annual = years(row, {2024: {"income": 4_000_000}, 2025: {"program_spending": 2_500_000}})
    annual.insert(0, dict(annual[0], year=2022, income=2_000_000, report_date="2023-03-20"))
    # 2025: 2,500,000 < 70% of 4,000,000 (2024); the mean of 2022–2024 is 3,000,000 and 70% of it is 2,100,000.
    assert "RK-FD-PUBLIC-SPENDING" not in indicators(screen(tmp_path, [row], annual))


def test_non_public_foundation_tiers_by_last_years_net_assets(tmp_path):
    exact_tier = foundation(1, public=False)  # 上年末净资产 8,000,000 -> the 6% tier (lower bound included)
    lower_tier = foundation(2, public=False)  # 7,999,900 -> the 7% tier
    annual = years(exact_tier, {2024: {"net_assets": 8_000_000}, 2025: {"program_spending": 520_000}})
    annual += years(lower_tier, {2024: {"net_assets": 7_999_900}, 2025: {"program_spending": 520_000}})
    result = screen(tmp_path, [exact_tier, lower_tier], annual)
    assert hits(result, exact_tier["code"]) == set()
    assert hits(result, lower_tier["code"]) == {("RK-FD-PRIVATE-SPENDING", 2025)}
    assert "7%" in result.by_code(lower_tier["code"]).hits[0].summary


def test_admin_costs_ratio_and_the_exemption(tmp_path):
    high, exempt, exact = foundation(1), foundation(2), foundation(3)
    annual = years(high, {2025: {"admin_costs": 340_000, "total_spending": 2_800_000}})  # 12.1%
    annual += years(exempt, {2025: {"admin_costs": 199_900, "total_spending": 1_000_000}})  # 20% but under 20万
    annual += years(exact, {2025: {"admin_costs": 280_000, "total_spending": 2_800_000}})  # exactly 10%
    result = screen(tmp_path, [high, exempt, exact], annual)
    assert hits(result, high["code"]) == {("RK-FD-PUBLIC-ADMIN", 2025)}
    assert hits(result, exempt["code"]) == hits(result, exact["code"]) == set()


def test_non_public_foundation_admin_tier(tmp_path):
    over, under = foundation(1, public=False), foundation(2, public=False)  # 上年末 10,000,000: 13% tier
    annual = years(over, {2025: {"admin_costs": 378_000, "total_spending": 2_800_000}})  # 13.5%
    annual += years(under, {2025: {"admin_costs": 347_200, "total_spending": 2_800_000}})  # 12.4%
    result = screen(tmp_path, [over, under], annual)
    assert hits(result, over["code"]) == {("RK-FD-PRIVATE-ADMIN", 2025)}
    assert hits(result, under["code"]) == set()


def test_charity_social_group_with_public_fundraising_spending(tmp_path):
    row = org(n=1, charity="是", public_fundraising="是", public_since="2020-01-01", last_fundraising="2026-05-01")
    annual = years(row, {y: {"program_spending": 400_000} for y in (2023, 2024)} | {2025: {"program_spending": 340_000}})
    # 2025: 68% of 2024's income of 500,000 (2024 spent 80% of 2023's)
    assert hits(screen(tmp_path, [row], annual)) == {("RK-CHARITY-PUBLIC-SPENDING", 2025)}


def test_net_assets_below_the_statutory_minimum(tmp_path):
    below, exact = org(n=1), org(n=2)
    city_ss, district_ss = org("社会服务机构", 3, level="市级"), org("社会服务机构", 4, level="区级")
    annual = years(below, {2025: {"net_assets": 29_900}}) + years(exact, {2025: {"net_assets": 30_000}})
    annual += years(city_ss, {2025: {"net_assets": 99_900}}) + years(district_ss, {2025: {"net_assets": 20_000}})
    result = screen(tmp_path, [below, exact, city_ss, district_ss], annual)
    assert hits(result, below["code"]) == {("RK-NET-ASSETS", 2025)}
    assert hits(result, exact["code"]) == set()
    assert hits(result, city_ss["code"]) == {("RK-NET-ASSETS", 2025)}  # the locality's 开办资金 for 市级
    assert hits(result, district_ss["code"]) == set()  # no minimum known for 区级 here
    assert "RK-NET-ASSETS" in result.by_code(district_ss["code"]).undecided


def test_year_over_year_change_three_times(tmp_path):
    tripled, almost, from_zero = org(n=1), org(n=2), org(n=3)
    annual = years(tripled, {2025: {"income": 1_500_000}}) + years(almost, {2025: {"income": 1_450_000}})
    annual += years(from_zero, {2024: {"income": 0}})
    result = screen(tmp_path, [tripled, almost, from_zero], annual)
    assert hits(result, tripled["code"]) == {("RK-YOY-CHANGE", 2025)}
    assert hits(result, almost["code"]) == set()
    assert hits(result, from_zero["code"]) == {("RK-YOY-CHANGE", 2024), ("RK-YOY-CHANGE", 2025)}


# --- 评估 ---------------------------------------------------------------------------------------

def test_rating_holder_or_applicant_with_a_disqualifying_last_year(tmp_path):
    holder = org(n=1, grade="4A", grade_date="2022-01-10")
    expired = org(n=2, grade="4A", grade_date="2021-06-29")
    applicant = org(n=3, grade_applied="是")
    annual = years(holder, {2025: {"inspection_result": "不合格"}}) + years(expired, {2025: {"inspection_result": "不合格"}})
    annual += years(applicant)
    pens = [penalty(applicant, "2025-08-01")]
    result = screen(tmp_path, [holder, expired, applicant], annual, pens)
    assert "RK-RATING" in indicators(result, holder["code"])
    assert indicators(result, expired["code"]) == {"RK-CHECK-FAILED"}  # the grade lapsed after 5 years
    assert indicators(result, applicant["code"]) == {"RK-RATING", "RK-MINOR-PENALTY"}


def test_rating_needs_a_grade_or_an_application(tmp_path):
    row = org(n=1)
    annual = years(row, {2025: {"inspection_result": "不合格"}})
    assert indicators(screen(tmp_path, [row], annual)) == {"RK-CHECK-FAILED"}


# --- 复核信号由地方启用 --------------------------------------------------------------------------

def test_deficits_are_only_screened_where_the_locality_sets_the_years(tmp_path, rulebook):
    assert "RK-DEFICIT" in rulebook.inapplicable
    assert "没有规定" in rulebook.inapplicable["RK-DEFICIT"][0]


@pytest.mark.parametrize("org_type", ["社会团体", "基金会"])
def test_every_hit_carries_basis_action_and_a_source(tmp_path, org_type):
    row = org(org_type, 1, contact_status="无法联系", legal_rep_terms=3)
    result = screen(tmp_path, [row])
    for hit in result.organizations[0].hits:
        assert hit.basis and hit.actions and hit.suggestion and hit.sources
        assert all(w.startswith("registry.csv 第2行") for w in hit.sources)


def test_dishonest_debtor_fires_where_the_export_has_the_column(tmp_path):
    listed, not_listed = org(n=1, dishonest_debtor="是"), org(n=2, dishonest_debtor="否")
    result = screen(tmp_path, [listed, not_listed])
    assert indicators(result, listed["code"]) == {"RK-DISHONEST-DEBTOR"}
    assert indicators(result, not_listed["code"]) == set()


def test_a_foundation_not_recognised_as_charity_follows_the_foundation_regulation(tmp_path):
    """基金会管理条例 第二十九条: 8% of last year's balance, pay and office costs ≤ 10% (no 20万元 exemption)."""
    low = foundation(1, public=False, charity="否")
    admin = foundation(2, public=False, charity="否")
    annual = years(low, {2025: {"program_spending": 790_000}})  # 7.9% of 10,000,000
    annual += years(admin, {2025: {"admin_costs": 150_000, "total_spending": 1_400_000}})  # 10.7%, under 20万
    result = screen(tmp_path, [low, admin], annual)
    assert hits(result, low["code"]) == {("RK-FD-NONCHARITY-SPENDING", 2025)}
    assert hits(result, admin["code"]) == {("RK-FD-NONCHARITY-ADMIN", 2025)}


def test_charities_that_are_not_foundations_by_tier(tmp_path):
    spending = org(n=1, charity="是")  # no public fundraising; 上年末净资产 300,000: 8% tier
    under = org(n=2, charity="是")
    admin = org(n=3, charity="是", public_fundraising="是", public_since="2020-01-01", last_fundraising="2026-05-01")
    base = {y: {"program_spending": 400_000} for y in (2023, 2024, 2025)}
    annual = years(spending, base | {2025: {"program_spending": 23_900}})  # 7.97% of 300,000
    annual += years(under, base | {2025: {"program_spending": 24_000}})  # exactly 8%
    annual += years(admin, base | {2025: {"admin_costs": 210_000, "total_spending": 1_500_000}})  # 14% > 13%
    result = screen(tmp_path, [spending, under, admin], annual)
    assert hits(result, spending["code"]) == {("RK-CHARITY-PRIVATE-SPENDING", 2025)}
    assert hits(result, under["code"]) == set()
    assert ("RK-CHARITY-PUBLIC-ADMIN", 2025) in hits(result, admin["code"])


def test_charity_private_admin_tier(tmp_path):
    over = org(n=1, charity="是")  # 上年末净资产 300,000 (< 100万): 20%
    annual = years(over, {y: {"program_spending": 400_000} for y in (2023, 2024, 2025)}
                   | {2025: {"program_spending": 400_000, "admin_costs": 210_000, "total_spending": 1_000_000}})
    assert hits(screen(tmp_path, [over], annual)) == {("RK-CHARITY-PRIVATE-ADMIN", 2025)}
