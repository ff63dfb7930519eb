"""Planting for eval/risk_synth.py: clean reserve, boundary cases, then planted risks.

Each planter changes the raw facts of one organization and records the hits it means to cause
(o["hits"]); risk_synth.generate() then recomputes every hit with the reference screen() from the
written files and fails if the two differ. Planters claim "resources" (facts they change) so two
planters never touch the same facts of one organization; organizations may still collect several
indicators from planters with disjoint resources.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from eval.risk_synth import CITY, DISTRICTS, RULES, add_months, add_years, birth_of, org_name, r100, tier

UNREACHABLE = "通过登记的住所无法与社会组织取得联系"
PEN_REASONS = ["未按规定办理变更登记", "违反规定收取会费", "超出章程规定的宗旨和业务范围进行活动",
               "未按规定开具公益事业捐赠票据", "违反价格管理规定收取服务费用", "未按规定公开年度工作报告"]
RECT_REASONS = ["财务管理不规范，未按规定使用票据", "理事会未按章程规定召开", "分支机构管理不规范",
                "未按规定报告重大事项（涉外活动）", "信息公开不及时、不完整"]


def want(o, key, year=None):
    o["hits"].add((key, year))


def bound(o, key, year, desc):
    o["bounds"].append({"indicator": key, "year": year, "description": desc})


def label(o, text):
    o["plants"].append(text)


def clear_rating(o):
    o["r"].update(grade="未评估", grade_date=None, apply_grade="否")


def make_holder(o, ctx):
    o["r"].update(grade=ctx.rnd.choice(("2A", "3A", "4A", "5A")), apply_grade="否",
                  grade_date=ctx.day(dt.date(2022, 1, 10), dt.date(2025, 6, 30)))


def add_pen(o, ctx, date, ptype, amount=None):
    r, reg = ctx.rnd, o["r"]
    organ = r.choice([reg["authority"], f"{CITY}{reg['district']}市场监督管理局"])
    short = "沪民" if organ.endswith("民政局") else "沪市监"
    o["pens"].append({"code": reg["code"], "name": reg["name"], "date": date, "ptype": ptype, "amount": amount,
                      "organ": organ, "reason": r.choice(PEN_REASONS),
                      "doc": f"{short}罚决字〔{date.year}〕第{r.randint(10, 999)}号"})


def window_day(ctx, lo_days=30, hi_days=10):
    """A date inside the penalty window (as_of - 3y, as_of] with a margin at both ends."""
    return ctx.day(add_years(ctx.as_of, -RULES["window_years"]) + dt.timedelta(days=lo_days),
                   ctx.as_of - dt.timedelta(days=hi_days))


def move_term(o, start):
    reg = o["r"]
    reg["term_start"] = reg["last_election"] = start
    reg["founded"] = min(reg["founded"], add_years(start, -reg["term_years"] * max(1, reg["term_no"] - 1)))


def set_scale(o, ctx, na_values, inc_share=(0.05, 0.12)):
    o["p"]["na"] = dict(zip(ctx.years, na_values))
    o["p"]["inc0"] = na_values[0] * ctx.rnd.uniform(*inc_share)


def external_name(ctx, typ):
    """A name not in the registry: an organization outside this bureau's export."""
    return org_name(ctx, typ, "市级" if typ == "基金会" else "区级", ctx.rnd.choice(DISTRICTS)[0])


# ---- predicates -----------------------------------------------------------------------------
def is_type(*types):
    return lambda o: o["r"]["type"] in types


def pub_fd(o):
    return o["r"]["type"] == "基金会" and o["r"]["public"] == "是"


def priv_fd(o):
    return o["r"]["type"] == "基金会" and o["r"]["public"] == "否"


def public(o):
    return o["r"]["public"] == "是"


def non_charity(o):
    return o["r"]["charity"] == "否"


def anyone(o):
    return True


# ---- planted risks --------------------------------------------------------------------------
def p_no_report(o, ctx, i):
    y = ctx.years[i % 3]
    o["p"]["filed"][y] = False
    clear_rating(o)
    want(o, "abnormal_no_annual_report", y)
    label(o, f"{y}年度报告未报送")


def p_late_report(o, ctx, i):
    y = ctx.years[i % 3]
    lo, hi = (dt.date(y + 1, 6, 2), ctx.as_of - dt.timedelta(days=3)) if y == ctx.years[-1] else \
        (dt.date(y + 1, 6, 5), dt.date(y + 1, 10, 31))
    o["p"]["fdate"][y] = ctx.day(lo, hi)
    clear_rating(o)
    want(o, "abnormal_no_annual_report", y)
    label(o, f"{y}年度报告逾期报送")


def p_missing_2y(o, ctx, i):
    ys = ctx.years
    run = [ys[:2], ys[1:], ys][i % 3]
    for y in run:
        o["p"]["filed"][y] = False
        want(o, "abnormal_no_annual_report", y)
    for y in run[1:]:
        want(o, "annual_report_missing_2y", y)
    clear_rating(o)
    label(o, f"连续未报送{run}")


def p_party(o, ctx, i):
    o["r"].update(party_members=ctx.rnd.randint(3, 9), party="未建立")
    clear_rating(o)  # a listing ground: keep rating holders out of the reading question
    want(o, "abnormal_no_party_org")
    label(o, "党员3名以上未建立党组织")


def p_rect(o, ctx, i):
    reg, r = o["r"], ctx.rnd
    reg["rect_date"] = ctx.day(dt.date(2025, 1, 10), dt.date(2025, 12, 31))
    reg["rect_deadline"] = reg["rect_date"] + dt.timedelta(days=r.randint(60, 120))
    reg["rect_reason"] = r.choice(RECT_REASONS)
    if i % 3 == 2:
        reg.update(rect_status="已完成", rect_done=reg["rect_deadline"] + dt.timedelta(days=r.randint(5, 55)))
    else:
        reg["rect_status"] = "未完成"
    clear_rating(o)  # a listing ground: keep rating holders out of the reading question
    want(o, "abnormal_rectification_overdue")
    label(o, "责令整改逾期")


def p_fund(o, ctx, i):
    reg = o["r"]
    if i % 4 == 3:
        reg["last_fund"] = None  # qualification held, never used
    else:
        reg["last_fund"] = add_months(ctx.as_of, -ctx.rnd.randint(7, 20)) - dt.timedelta(days=ctx.rnd.randint(0, 20))
    clear_rating(o)  # a listing ground: keep rating holders out of the reading question
    want(o, "abnormal_fundraising_inactive")
    label(o, "公开募捐资格闲置6个月以上")


def p_minor(o, ctx, i):
    clear_rating(o)
    if i % 2:
        add_pen(o, ctx, window_day(ctx), "警告")
    else:
        add_pen(o, ctx, window_day(ctx), "罚款", ctx.rnd.randint(10, 450) * 100)
    want(o, "abnormal_minor_penalty")
    label(o, "警告或不满5万元罚款")


def p_large(o, ctx, i):
    clear_rating(o)
    amount = 50_000 if i == 0 else ctx.rnd.randint(501, 3000) * 100  # 5万元以上 includes 5万
    add_pen(o, ctx, window_day(ctx), "罚款" if i % 2 else "警告并处罚款", amount)
    want(o, "serious_large_fine")
    label(o, f"罚款{amount}元")


def p_repeat(o, ctx, i):
    clear_rating(o)
    for k in range(2 + (i % 3 == 0)):
        lo = add_years(ctx.as_of, -3) + dt.timedelta(days=60 + 300 * k)
        add_pen(o, ctx, ctx.day(lo, lo + dt.timedelta(days=250)), "警告" if k % 2 else "罚款",
                None if k % 2 else ctx.rnd.randint(20, 300) * 100)
    want(o, "abnormal_minor_penalty")
    want(o, "serious_repeat_penalties")
    label(o, "三年内两次以上轻微处罚")


def p_unreachable(o, ctx, i):
    o["r"].update(contact="无法联系", contact_checked=ctx.as_of - dt.timedelta(days=ctx.rnd.randint(10, 120)))
    if i % 2:
        o["r"].update(listed=ctx.day(dt.date(2025, 1, 5), dt.date(2026, 5, 31)), listed_reason=UNREACHABLE)
    clear_rating(o)
    want(o, "abnormal_unreachable")
    label(o, "住所无法联系")


def p_listed_2y(o, ctx, i):
    reg = o["r"]
    clear_rating(o)
    if i % 3 == 2:  # listed for the 2023 report, still not removed
        o["p"]["filed"][2023] = False
        reg.update(listed=ctx.day(dt.date(2024, 6, 3), dt.date(2024, 6, 20)), listed_reason="未按规定报送2023年度工作报告")
        want(o, "abnormal_no_annual_report", 2023)
    else:
        reg.update(listed=ctx.day(dt.date(2022, 3, 1), dt.date(2024, 5, 31)), listed_reason=UNREACHABLE,
                   contact="无法联系")
        want(o, "abnormal_unreachable")
    want(o, "serious_abnormal_2y")
    label(o, "列入活动异常名录满2年")


def p_failed(o, ctx, i):
    y = ctx.years[i % 3]
    o["p"]["concl"][y] = "不合格"
    clear_rating(o)
    want(o, "annual_check_failed", y)
    label(o, f"{y}年检不合格")


def p_basic_twice(o, ctx, i):
    ys = ctx.years
    run = [ys[:2], ys[1:], ys][i % 3]
    for y in ys:
        o["p"]["concl"][y] = "基本合格" if y in run else "合格"
    for y in run[1:]:
        want(o, "annual_check_basic_twice", y)
    clear_rating(o)
    label(o, f"连续基本合格{run}")


def p_term(o, ctx, i):
    reg, r = o["r"], ctx.rnd
    start = add_years(ctx.as_of, -(reg["term_years"] + 1)) - dt.timedelta(days=r.randint(40, 800))
    move_term(o, start)
    if i % 4 == 3:  # an approved extension that has itself run out
        end = add_years(start, reg["term_years"])
        reg.update(ext_approved=end - dt.timedelta(days=20), ext_until=add_months(end, 6))
    want(o, "term_overdue")
    label(o, "逾期未换届")


def p_over_age(o, ctx, i):
    o["p"].update(age=(ctx.rnd.randint(71, 75), ctx.rnd.randint(0, 300)), age_planted=True)
    want(o, "leader_over_age")
    label(o, "法定代表人任职时超过70周岁")


def p_over_terms(o, ctx, i):
    reg = o["r"]
    reg["rep_terms"] = 3 + (i % 3 == 0)
    reg["term_no"] = max(reg["term_no"], reg["rep_terms"] + ctx.rnd.randint(0, 2))
    move_term(o, reg["term_start"])
    want(o, "leader_over_terms")
    label(o, f"法定代表人连续任职{reg['rep_terms']}届")


def p_concurrency(o, ctx, i):
    typ = o["r"]["type"]
    other = "社会团体" if typ == "社会团体" else ctx.rnd.choice(("社会团体", "社会服务机构"))
    o["r"].update(rep_other=external_name(ctx, other), rep_other_type=other)
    want(o, "legal_rep_concurrency")
    label(o, f"法定代表人兼任{other}法定代表人")


def plant_pair(a, b, ctx):
    """One person is 法定代表人 of two 社会团体 in this registry: both rows are hits."""
    birth = birth_of(a, ctx)
    start = a["r"]["term_start"] + dt.timedelta(days=ctx.rnd.randint(-200, 0))
    move_term(b, max(start, add_years(ctx.as_of, -b["r"]["term_years"]) + dt.timedelta(days=90)))
    a["p"]["birth"] = b["p"]["birth"] = birth
    b["r"]["rep"] = a["r"]["rep"]
    for x, y in ((a, b), (b, a)):
        x["r"].update(rep_other=y["r"]["name"], rep_other_type="社会团体")
        want(x, "legal_rep_concurrency")
        label(x, "法定代表人兼任本辖区另一社会团体法定代表人")


def p_zombie(o, ctx, i):
    p, reg = o["p"], o["r"]
    clear_rating(o)
    if i % 3 == 1:  # 2024 missing; 2025 filed with nothing in it
        p["filed"][2024] = False
        p["zero"].add(2025)
        p["concl"][2025] = "不合格"
        for h in [("abnormal_no_annual_report", 2024), ("annual_check_failed", 2025)]:
            want(o, *h)
        label(o, "僵尸型：2025年无活动、无收支、无专职人员")
    else:
        for y in (2024, 2025):
            p["filed"][y] = False
            want(o, "abnormal_no_annual_report", y)
        want(o, "annual_report_missing_2y", 2025)
        if i % 3 == 0:
            reg.update(contact="无法联系", contact_checked=ctx.as_of - dt.timedelta(days=40))
            want(o, "abnormal_unreachable")
            label(o, "僵尸型：连续2年未报送且失联")
        else:
            reg.update(rep=None, rep_title=None, rep_terms=None)
            label(o, "僵尸型：连续2年未报送且无法定代表人")
    want(o, "zombie")


def p_pub_low(o, ctx, i):
    y = ctx.years[1 + i % 2]
    o["p"]["r"][y] = ctx.rnd.uniform(0.45, 0.62)
    want(o, "fd_public_spending_low", y)
    label(o, f"{y}公益支出低于上年收入70%")


def p_priv_low(o, ctx, i):
    y = ctx.years[1 + i % 2]
    o["p"]["r_rel"][y] = -ctx.rnd.uniform(0.015, 0.025)
    want(o, "fd_private_spending_low", y)
    label(o, f"{y}公益支出低于上年末净资产分档比例")


def p_admin_high(o, ctx, i):
    y, p = ctx.years[1 + i % 2], o["p"]
    if pub_fd(o):  # large enough that 管理费用 >= 20万
        p["inc0"] = max(p["inc0"], 1.2e7)
        p["na"] = {k: max(v, 15_000_000) for k, v in p["na"].items()}
        p["a"][y] = ctx.rnd.uniform(0.14, 0.22)
    else:
        set_scale(o, ctx, [r100(x) for x in (5.2e7, 5.4e7, 5.5e7)])
        p["a_rel"][y] = ctx.rnd.uniform(0.03, 0.07)
    want(o, "fd_admin_cost_high", y)
    label(o, f"{y}管理费用比例超限")


def minimum_of(o):
    reg = o["r"]
    return RULES["minimum"].get((reg["type"], None)) or RULES["minimum"][
        (reg["type"], reg["level"] if reg["type"] != "基金会" else reg["public"])]


def p_net_low(o, ctx, i):
    run = ctx.years[1:] if i % 3 == 0 and o["r"]["type"] != "基金会" else ctx.years[2:]
    for y in run:
        o["p"]["na"][y] = r100(minimum_of(o) * ctx.rnd.uniform(0.5, 0.93))
        want(o, "net_assets_below_minimum", y)
    label(o, f"净资产低于最低限额{run}")


def p_yoy(o, ctx, i):
    """Charities' spending follows last year's income, so their jump is planted in the last year only."""
    p, r = o["p"], ctx.rnd
    factor = r.uniform(3.5, 5)
    variants = [("m", 2025, factor), ("m", 2024, 1 / factor), ("tm", 2025, factor), ("m", 2024, factor)] \
        if non_charity(o) else [("m", 2025, factor), ("m", 2025, 1 / factor)]
    key, y, f = variants[i % len(variants)]
    if key == "tm":  # spending alone jumps: keep this year's income and shares as last year's
        p["m"][y] = 1.0
        p["r"][y], p["a"][y], p["o"][y] = p["r"][y - 1], p["a"][y - 1], p["o"][y - 1]
    p[key][y] = f  # replaces the yearly drift, so the jump is the full factor
    want(o, "yoy_change", y)
    label(o, f"{y}收支同比变动3倍以上")


def p_rating(o, ctx, i):
    p = o["p"]
    v = i % 5
    make_holder(o, ctx) if v != 3 else o["r"].update(grade="未评估", grade_date=None, apply_grade="是")
    p["concl"] = {y: "合格" for y in ctx.years}
    if v == 0:
        p["filed"][2025] = False
        want(o, "abnormal_no_annual_report", 2025)
    elif v == 1:
        p["concl"][2025] = "不合格"
        want(o, "annual_check_failed", 2025)
    elif v == 2:
        p["concl"][2024] = p["concl"][2025] = "基本合格"
        want(o, "annual_check_basic_twice", 2025)
    else:
        d = ctx.day(dt.date(2025, 1, 10), dt.date(2025, 12, 20))
        add_pen(o, ctx, d, "警告") if v == 3 else add_pen(o, ctx, d, "罚款", 20_000)
        want(o, "abnormal_minor_penalty")
    want(o, "rating_ineligible")
    label(o, ["持有等级且上年度未参检", "持有等级且上年度年检不合格", "持有等级且连续2年基本合格",
              "申报评估且上年度受警告", "持有等级且上年度受罚款"][v])


# ---- boundary cases: just on the safe side --------------------------------------------------
def b_age70(o, ctx, i):
    o["p"].update(age=(70, 0), age_planted=True)  # born exactly 70 years before the term started
    bound(o, "leader_over_age", None, "法定代表人本届任职之日恰满70周岁（不超过70周岁）")


def b_age_now(o, ctx, i):
    reg = o["r"]
    move_term(o, ctx.as_of - dt.timedelta(days=ctx.rnd.randint(3 * 365 + 200, reg["term_years"] * 365 - 90)))
    o["p"].update(age=(68, ctx.rnd.randint(0, 100)), age_planted=True)
    bound(o, "leader_over_age", None, "任职时68周岁，现已超过70周岁（规则看任职时年龄）")


def b_age_approved(o, ctx, i):
    o["p"].update(age=(72, 120), age_planted=True)
    o["r"]["rep_approval"] = "超龄任职已经登记管理机关批准（2024年3月）"
    bound(o, "leader_over_age", None, "任职时72周岁，超龄任职已批准")


def b_terms2(o, ctx, i):
    reg = o["r"]
    reg["rep_terms"], reg["term_no"] = 2, max(reg["term_no"], 3)
    move_term(o, reg["term_start"])
    bound(o, "leader_over_terms", None, "法定代表人连续任职2届（不超过2届）")


def b_terms_approved(o, ctx, i):
    reg = o["r"]
    reg["rep_terms"], reg["term_no"] = 3, max(reg["term_no"], 4)
    reg["rep_approval"] = "超届任职已经登记管理机关批准（2023年11月）"
    move_term(o, reg["term_start"])
    bound(o, "leader_over_terms", None, "连续任职3届，超届任职已批准")


def b_extension(o, ctx, i):
    reg = o["r"]
    end = add_years(ctx.as_of, -1) + dt.timedelta(days=5) if i == 0 else \
        ctx.as_of - dt.timedelta(days=ctx.rnd.randint(30, 200))
    move_term(o, add_years(end, -reg["term_years"]))
    reg.update(ext_approved=end - dt.timedelta(days=25), ext_until=add_years(end, 1))
    bound(o, "term_overdue", None, f"届满{end}，经批准延期换届至{add_years(end, 1)}，尚未超过")


def b_filed_0531(o, ctx, i):
    y = ctx.years[i % 3]
    o["p"]["fdate"][y] = dt.date(y + 1, *RULES["deadline_md"])
    bound(o, "abnormal_no_annual_report", y, f"{y}年度报告于{y + 1}年5月31日当天报送（未逾期）")


def b_gap(o, ctx, i):
    for y in (2023, 2025):
        o["p"]["filed"][y] = False
        want(o, "abnormal_no_annual_report", y)
    clear_rating(o)
    bound(o, "annual_report_missing_2y", None, "2023、2025年未报送，2024年已报送（不连续）")


def b_basic_gap(o, ctx, i):
    o["p"]["concl"] = {2023: "基本合格", 2024: "合格", 2025: "基本合格"}
    bound(o, "annual_check_basic_twice", None, "2023、2025年基本合格，2024年合格（不连续）")
    if i == 0:
        make_holder(o, ctx)
        bound(o, "rating_ineligible", None, "持有评估等级，上年度仅一次基本合格")
    else:
        clear_rating(o)


def b_fine_49900(o, ctx, i):
    clear_rating(o)
    add_pen(o, ctx, window_day(ctx), "罚款", 49_900)
    want(o, "abnormal_minor_penalty")
    bound(o, "serious_large_fine", None, "罚款49900元（不满5万元）")


def b_pen_old(o, ctx, i):
    clear_rating(o)
    add_pen(o, ctx, ctx.day(dt.date(2022, 1, 10), dt.date(2022, 12, 20)), "警告")
    add_pen(o, ctx, ctx.day(dt.date(2026, 1, 26), dt.date(2026, 6, 10)), "罚款", ctx.rnd.randint(20, 200) * 100)
    want(o, "abnormal_minor_penalty")
    bound(o, "serious_repeat_penalties", None, "两次轻微处罚相隔3年以上，前一次在三年窗口外")


def b_large_plus_minor(o, ctx, i):
    clear_rating(o)
    add_pen(o, ctx, window_day(ctx, 60, 400), "罚款", 80_000)
    add_pen(o, ctx, window_day(ctx, 400, 10), "警告")
    want(o, "abnormal_minor_penalty")
    want(o, "serious_large_fine")
    bound(o, "serious_repeat_penalties", None, "一次5万元以上罚款加一次警告：轻微处罚只有一次")


def b_pen_4y(o, ctx, i):
    clear_rating(o)
    add_pen(o, ctx, ctx.day(dt.date(2021, 3, 1), dt.date(2022, 12, 31)), "警告")
    bound(o, "abnormal_minor_penalty", None, "唯一一次警告在三年窗口之外")


def b_listed_short(o, ctx, i):
    clear_rating(o)
    o["r"].update(listed=add_years(ctx.as_of, -2) + dt.timedelta(days=5), listed_reason=UNREACHABLE, contact="无法联系")
    want(o, "abnormal_unreachable")
    bound(o, "serious_abnormal_2y", None, "列入活动异常名录差5天满2年")


def b_delisted(o, ctx, i):
    clear_rating(o)
    listed = ctx.day(dt.date(2021, 9, 1), dt.date(2022, 6, 30))
    o["r"].update(listed=listed, listed_reason=UNREACHABLE, delisted=listed + dt.timedelta(days=ctx.rnd.randint(200, 400)))
    bound(o, "serious_abnormal_2y", None, "曾列入活动异常名录，已移出")
    bound(o, "abnormal_unreachable", None, "曾因住所无法联系列入名录，现联系正常")


def b_rect_ontime(o, ctx, i):
    reg = o["r"]
    reg.update(rect_date=ctx.day(dt.date(2025, 3, 1), dt.date(2025, 12, 1)), rect_reason=RECT_REASONS[i % 5])
    reg.update(rect_deadline=reg["rect_date"] + dt.timedelta(days=90), rect_status="已完成")
    reg["rect_done"] = reg["rect_deadline"]
    bound(o, "abnormal_rectification_overdue", None, "整改于期限当日完成")


def b_rect_today(o, ctx, i):
    o["r"].update(rect_date=ctx.as_of - dt.timedelta(days=90), rect_deadline=ctx.as_of, rect_status="未完成",
                  rect_reason=RECT_REASONS[2])
    bound(o, "abnormal_rectification_overdue", None, "整改期限为评估基准日当天，尚未届满")


def b_fund_recent(o, ctx, i):
    d = add_months(ctx.as_of, -RULES["fund_months"])
    while add_months(d, RULES["fund_months"]) <= ctx.as_of:  # the first day that is still < 6 months
        d += dt.timedelta(days=1)
    o["r"]["last_fund"] = d
    bound(o, "abnormal_fundraising_inactive", None, "最近一次公开募捐距基准日差1天满6个月")


def b_pub70(o, ctx, i):
    y = ctx.years[2 - i % 2]

    def round_prev(row, rows):
        row["inc"] -= row["inc"] % 1000

    def exact(row, rows):
        row["prog"] = rows[y - 1]["inc"] * 7 // 10

    o["p"]["hooks"].setdefault(y - 1, []).append(round_prev)
    o["p"]["hooks"].setdefault(y, []).append(exact)
    bound(o, "fd_public_spending_low", y, "公益事业支出恰为上年总收入的70%")


def exact_private(o, ctx, y, na_prev, share):
    o["p"]["na"][y - 1] = na_prev

    def hook(row, rows):
        row["prog"] = int(na_prev * share)
        row["total"] = max(row["total"], r100((row["prog"] + row["admin"]) * 1.03))

    o["p"]["hooks"].setdefault(y, []).append(hook)


def b_priv_tier(o, ctx, i):
    na = o["p"]["na"][2024] // 10_000 * 10_000
    pct = tier(na)[0]
    exact_private(o, ctx, 2025, na, pct)
    bound(o, "fd_private_spending_low", 2025, f"公益事业支出恰为上年末净资产的{pct * 100}%")


def b_priv_edge(o, ctx, i):
    edge, share = [(8_000_000, 0.065), (4_000_000, 0.075)][i % 2]
    set_scale(o, ctx, [edge - 200_000, edge, edge + 150_000])
    exact_private(o, ctx, 2025, edge, share)
    bound(o, "fd_private_spending_low", 2025, f"上年末净资产恰为{edge}元（含本数归入较低比例档），支出{share * 100}%")


def b_admin_exempt(o, ctx, i):
    p = o["p"]
    p["inc0"], p["a"][2025] = ctx.rnd.uniform(7e5, 9e5), 0.25

    def hook(row, rows):  # total stays < 199,900 / 10%: the ratio alone would fire
        row["admin"] = 199_900
        row["total"] = max(row["total"], r100((row["prog"] + row["admin"]) * 1.02))

    p["hooks"].setdefault(2025, []).append(hook)
    bound(o, "fd_admin_cost_high", 2025, "管理费用199900元（低于20万元，不受比例限制），比例超过10%")


def b_admin_10(o, ctx, i):
    p = o["p"]
    p["inc0"] = max(p["inc0"], 1.5e7)

    def hook(row, rows):
        row["total"] = -(-int(row["prog"] / 0.87) // 1000) * 1000
        row["admin"] = row["total"] // 10

    p["hooks"].setdefault(2025, []).append(hook)
    bound(o, "fd_admin_cost_high", 2025, "公募基金会管理费用恰为总支出的10%")


def b_admin_tier(o, ctx, i):
    set_scale(o, ctx, [r100(x) for x in (4.9e7, 5.0e7, 5.1e7)])
    o["p"]["a_rel"][2025] = -0.006
    bound(o, "fd_admin_cost_high", 2025, "非公募基金会（上年末净资产800万-6000万档，限13%）管理费用约12.4%")


def b_admin_nonfd(o, ctx, i):
    p = o["p"]
    p["inc0"] = ctx.rnd.uniform(1.5e6, 2.5e6)
    p["a"] = {y: 0.36 for y in ctx.years}
    bound(o, "fd_admin_cost_high", None, "非慈善组织社会团体管理费用占比约36%（比例规定只适用于基金会）")


def b_na_min(o, ctx, i):
    o["p"]["na"][2025] = minimum_of(o)
    bound(o, "net_assets_below_minimum", 2025, f"年末净资产恰为最低限额{minimum_of(o)}元")


def b_yoy29(o, ctx, i):
    p = o["p"]
    p["m"][2025] = 2.9
    p["r"][2025], p["a"][2025], p["o"][2025] = p["r"][2024], p["a"][2024], p["o"][2024]
    bound(o, "yoy_change", 2025, "总收入、总支出同比约2.9倍（不足3倍）")


def b_zombie_staff(o, ctx, i):
    o["p"]["staff"][2025] = 0
    bound(o, "zombie", None, "僵尸型信号仅一项：无专职工作人员")


def b_zombie_contact(o, ctx, i):
    clear_rating(o)
    o["r"].update(contact="无法联系")
    want(o, "abnormal_unreachable")
    bound(o, "zombie", None, "僵尸型信号仅一项：住所无法联系")


def b_concur_other(o, ctx, i):
    other = "社会服务机构"
    o["r"].update(rep_other=external_name(ctx, other), rep_other_type=other)
    bound(o, "legal_rep_concurrency", None, f"{o['r']['type']}法定代表人兼任社会服务机构法定代表人（第十二条只限社会团体）")


def b_party2(o, ctx, i):
    o["r"].update(party_members=2, party="联合建立党支部")
    bound(o, "abnormal_no_party_org", None, "正式党员2名，已联合建立党支部")


def b_rating_expired(o, ctx, i):
    o["r"].update(grade="3A", grade_date=ctx.day(dt.date(2019, 6, 1), dt.date(2021, 5, 31)), apply_grade="否")
    o["p"]["concl"][2025] = "不合格"
    want(o, "annual_check_failed", 2025)
    bound(o, "rating_ineligible", None, "评估等级已过5年有效期且未申报，上年度年检不合格")


ALL = {"rep", "fin", "rating", "zsig", "pen", "contact", "listing", "party", "rect", "fund", "term", "age", "terms", "concur"}
NON_PUB = lambda o: not public(o)
NC_SOC = lambda o: non_charity(o) and o["r"]["type"] != "基金会"
# (planter, how many, eligible, resources claimed)
BOUNDARIES = [
    (b_age70, 2, anyone, {"age"}), (b_age_now, 2, lambda o: o["r"]["term_years"] >= 4, {"age", "term"}),
    (b_age_approved, 2, anyone, {"age", "terms"}), (b_terms2, 2, anyone, {"terms"}),
    (b_terms_approved, 1, anyone, {"terms", "age"}), (b_extension, 3, anyone, {"term"}),
    (b_filed_0531, 3, anyone, {"rep"}), (b_gap, 1, anyone, {"rep", "fin", "rating", "zsig"}),
    (b_basic_gap, 2, anyone, {"rep", "rating"}), (b_fine_49900, 2, anyone, {"pen", "rating"}),
    (b_pen_old, 2, anyone, {"pen", "rating"}), (b_large_plus_minor, 1, anyone, {"pen", "rating"}),
    (b_pen_4y, 1, anyone, {"pen", "rating"}), (b_listed_short, 2, anyone, {"contact", "listing", "zsig", "rating"}),
    (b_delisted, 1, anyone, {"contact", "listing", "rating"}), (b_rect_ontime, 2, anyone, {"rect"}),
    (b_rect_today, 1, anyone, {"rect"}), (b_fund_recent, 2, public, {"fund"}), (b_pub70, 2, pub_fd, {"fin"}),
    (b_priv_tier, 1, priv_fd, {"fin"}), (b_priv_edge, 2, priv_fd, {"fin"}), (b_admin_exempt, 2, pub_fd, {"fin"}),
    (b_admin_10, 1, pub_fd, {"fin"}), (b_admin_tier, 1, priv_fd, {"fin"}),
    (b_admin_nonfd, 2, lambda o: NC_SOC(o) and o["r"]["type"] == "社会团体", {"fin"}),
    (b_na_min, 2, lambda o: o["r"]["type"] == "社会团体" or priv_fd(o), {"fin"}), (b_yoy29, 2, NC_SOC, {"fin"}),
    (b_zombie_staff, 2, anyone, {"zsig", "fin"}), (b_zombie_contact, 1, anyone, {"zsig", "contact", "listing", "rating"}),
    (b_concur_other, 3, is_type("社会团体", "社会服务机构"), {"concur"}), (b_party2, 1, anyone, {"party"}),
    (b_rating_expired, 2, anyone, {"rating", "rep"}),
]
PLANTS = [
    (p_zombie, 12, lambda o: NON_PUB(o) and not o["plants"], ALL), (p_no_report, 10, anyone, {"rep", "fin", "rating", "zsig"}),
    (p_late_report, 6, anyone, {"rep", "rating"}), (p_missing_2y, 9, anyone, {"rep", "fin", "rating", "zsig"}),
    (p_party, 10, anyone, {"party", "rating"}), (p_rect, 10, anyone, {"rect", "rating"}),
    (p_fund, 12, public, {"fund", "rating"}),
    (p_minor, 10, anyone, {"pen", "rating"}), (p_large, 9, anyone, {"pen", "rating"}),
    (p_repeat, 9, anyone, {"pen", "rating"}), (p_unreachable, 10, anyone, {"contact", "listing", "zsig", "rating"}),
    (p_listed_2y, 9, anyone, {"contact", "listing", "zsig", "rating", "rep", "fin"}),
    (p_failed, 10, anyone, {"rep", "rating"}), (p_basic_twice, 9, anyone, {"rep", "rating"}),
    (p_term, 10, anyone, {"term"}), (p_over_age, 10, anyone, {"age"}), (p_over_terms, 10, anyone, {"terms"}),
    (p_concurrency, 5, is_type("社会团体", "基金会"), {"concur"}), (p_pub_low, 10, pub_fd, {"fin"}),
    (p_priv_low, 10, priv_fd, {"fin"}), (p_admin_high, 10, is_type("基金会"), {"fin"}),
    (p_net_low, 10, lambda o: o["r"]["type"] != "社会服务机构" or o["r"]["level"] == "市级", {"fin"}),
    (p_yoy, 10, anyone, {"fin"}), (p_rating, 12, anyone, {"rating", "rep", "pen", "fin", "zsig"}),
]


def pick(pool, n, pred, res, ctx):
    """n organizations, spread over districts and types, whose claimed facts are still free."""
    cands = [o for o in pool if not (res & o["used"]) and pred(o)]
    ctx.rnd.shuffle(cands)
    cands = cands[:40 * n]  # enough to spread over districts and types; keeps large registries fast
    chosen, seen = [], Counter()
    for _ in range(n):
        if not cands:
            raise RuntimeError(f"not enough candidates for {res}")
        best = min(cands, key=lambda o: seen[o["r"]["district"]] + seen[o["r"]["type"]])
        cands.remove(best)
        chosen.append(best)
        seen.update([best["r"]["district"], best["r"]["type"]])
        best["used"] |= res
    return chosen


def plant_all(orgs, ctx) -> list:
    """Reserve one third of each kind as clean; plant boundaries and risks in the rest."""
    groups = {}
    for o in orgs:
        groups.setdefault((o["r"]["type"], o["r"]["public"]), []).append(o)
    clean, pool = [], []
    for key in sorted(groups):
        members = groups[key][:]
        ctx.rnd.shuffle(members)
        k = len(members) // 3
        clean += members[:k]
        pool += members[k:]
    for fn, n, pred, res in BOUNDARIES + PLANTS[:1]:
        for i, o in enumerate(pick(pool, n, pred, res, ctx)):
            fn(o, ctx, i)
    pairs = pick(pool, 6, lambda o: o["r"]["type"] == "社会团体", {"concur", "term", "age"}, ctx)
    for a, b in zip(pairs[::2], pairs[1::2]):
        plant_pair(a, b, ctx)
    for fn, n, pred, res in PLANTS[1:]:
        for i, o in enumerate(pick(pool, n, pred, res, ctx)):
            fn(o, ctx, i)
    return [o["r"]["code"] for o in clean]
