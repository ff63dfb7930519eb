"""Synthetic registry export, annual figures and ground truth for 风险智能识别 (issue 15).

`python -m eval.risk_synth OUT_DIR [--seed N] [--n N] [--as-of DATE]` writes the data set;
`python -m eval.risk_synth --check OUT_DIR` regenerates it there and asserts it (see `check`).

Files (in OUT_DIR): registry.csv / registry.xlsx (sheets 登记信息, 行政处罚), penalties.csv (one row per
penalty: several penalties are extra rows there, never a joined cell), annual.csv / annual.xlsx (one
row per organization and year), truth.json, bad_inputs/ and risk_reports/ (see eval/risk_synth_files.py).
CSV files are UTF-8 with BOM, dates ISO (yyyy-mm-dd), amounts in whole 元 (multiples of 100).

`screen()` below is the REFERENCE implementation that the truth is computed with; it is part of the
ground truth. The product (assistant/) must not import it or this module.

Indicators (year: Y = hit per annual year, - = one hit per organization, year null). Bases: risk.md,
domain.md; 第十条/第十七条 of 民政部令第60号 are "as commonly cited (verify)".
| key | fires when (boundary) | basis |
|---|---|---|
| abnormal_no_annual_report Y | report for Y not received by Y+1-05-31 (late or missing), checked once as_of > that date; filed ON 05-31 is in time | 令60号 异常名录(一) |
| annual_report_missing_2y Y | reports for Y-1 and Y both not filed at all (late filing is not missing) | 异常名录(一), 僵尸 signal |
| abnormal_no_party_org - | 正式党员人数 >= 3 and 党组织建立情况 == 未建立 (< 3 members: 联合建立/指导员 is compliant) | 异常名录(二); 民函〔2018〕78号 |
| abnormal_rectification_overdue - | as_of > 整改期限 and (未完成 or 完成日期 > 整改期限); done ON the deadline is in time | 异常名录(三) |
| abnormal_fundraising_inactive - | 公开募捐资格=是 and last 公开募捐 (or 资格取得 if none) + 6 months <= as_of (6个月以上 includes 6) | 异常名录(四); 公开募捐管理办法 第二十一条 |
| abnormal_minor_penalty - | >= 1 penalty in (as_of-3y, as_of] of 警告 or 罚款 < 50,000 元 | 异常名录(五) |
| abnormal_unreachable - | 住所联系状态 == 无法联系 | 异常名录(六) |
| serious_abnormal_2y - | listed in 异常名录, not removed, listing date + 2 years <= as_of (满2年) | 严重失信(一) |
| serious_large_fine - | >= 1 penalty in the window with 罚款 >= 50,000 元 (5万元以上 includes 5万) | 严重失信(四) |
| serious_repeat_penalties - | >= 2 minor penalties (as above) in the window (两次以上 includes 2); a large fine does not count | 严重失信(五) |
| annual_check_failed Y | 年检结论 of Y == 不合格 | 年检办法 (社团 第二十八条, 民非 第二十三条, 基金会 第三十六条) |
| annual_check_basic_twice Y | 年检结论 of Y-1 and Y both 基本合格 (not 2023+2025 with 合格 between) | 年检办法; 评估办法 第七条 |
| term_overdue - | as_of > end of allowed term: term start + 届期, or 延期换届截止日期 if approved, at most term end + 1 year | model charters: 届 <= 5y, 延期 <= 1y |
| leader_over_age - | completed age at 本届理事会起始日期 > 70 and no 超龄 approval (exactly 70 is allowed; current age is not checked) | model charters: <= 70周岁 |
| leader_over_terms - | 法定代表人连续任职届数 > 2 (incl. the current term) and no 超届 approval | model charters: <= 2 consecutive terms |
| legal_rep_concurrency - | 社会团体 whose 法定代表人 is also 法定代表人 of another 社会团体; 基金会 whose 法定代表人 heads any other organization | 社团条例 第十二条; 基金会条例 第二十三条 |
| zombie - | >= 2 of: reports for the two latest due years both missing; latest-year report shows 0 activities; 0 income and 0 total spending; 0 staff; 住所无法联系; no 法定代表人 | 民发〔2021〕63号 signals (rule: ours) |
| fd_public_spending_low Y | 公募 基金会: 公益事业支出(Y) < 70% of 总收入(Y-1) (exactly 70% passes) | 2016 规定 第七条; 基金会条例 第二十九条 |
| fd_private_spending_low Y | 非公募 基金会: 公益事业支出(Y) < tier% of 年末净资产(Y-1); tiers by 年末净资产(Y-1), lower bound inclusive: >= 6000万 6%, >= 800万 6%, >= 400万 7%, else 8% | 2016 规定 第八条 ((二),(四) read; (一),(三) from memory: verify) |
| fd_admin_cost_high Y | 基金会 with 管理费用(Y) >= 200,000 元 and 管理费用 > limit x 总支出(Y); limit 公募 10%, 非公募 by the tier above 12/13/15/20% (exactly the limit passes; < 20万 exempt) | 2016 规定 第七、八、十一条 |
| net_assets_below_minimum Y | 年末净资产(Y) < minimum: 社团 3万 (市级/区级), 市级 社会服务机构 10万, 公募 基金会 400万, 非公募 200万; 区级 社会服务机构: no minimum known (data keeps them >= 10万) | 社团条例 第十条; 沪民规〔2025〕11号; 基金会条例 第八条 |
| yoy_change Y | 总收入 or 总支出 of Y >= 3x or <= 1/3 of Y-1 (both filed; data never has ratios in (2.9, 3.5)) | risk.md 收支异常 (review signal) |
| rating_ineligible - | holds a valid grade (评估日期 + 5y > as_of) or 本年度是否申报评估=是, and for the latest due year L: report not filed, or 不合格, or 基本合格 in L-1 and L, or a penalty dated in year L | 评估办法 (令39号) 第七条 "上年度"; 第二十八、三十条 |

Years: spending ratios, 非公募 管理费用 limits and yoy_change need the previous year's row (so 2024 and
2025 here); 公募 管理费用 and net assets are checked for every filed year. The data keeps 2023 clean of
ratio violations, so a product that also checks 2023 against its own figures finds nothing. A yoy change
from or to 0 would count as a jump; the data has none. 2016 规定 第十条 (3-year averages) is not applied;
planted spending hits are low enough that averaging over the available years would not clear them.

Kept out of the data on purpose (so that no clean row depends on a reading the sources leave open):
non-foundation charities keep spending >= 75% of last year's income and 管理费用 <= 10% (第九条 finds
nothing); non-public foundations keep 管理费用 <= 10% except the one 13%-tier boundary (基金会条例
第二十九条 would say 10%); 召开理事会次数 >= 2 except in zombie rows; no deficits 3 years running; 区级
社会服务机构 net assets >= 10万; terms that ended without an approved extension are all > 1 year past;
leaders are <= 69 today unless an age is planted; no 评估 holder or applicant carries a 异常名录 ground
except the rating plants; penalties in 2026 never meet a rating holder.

Modules: planting in eval/risk_synth_plant.py, writers (CSV, a standard-library XLSX writer, bad
inputs, DOCX/PDF reports) in eval/risk_synth_files.py; report texts in eval/data/risk_reports/.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import json
import random
import sys
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

# ---- place names: change here for another city ---------------------------------------------
CITY, CITY_CODE, CITY_BUREAU = "上海市", "310000", "上海市民政局"
DISTRICTS = [("黄浦区", "310101"), ("徐汇区", "310104"), ("长宁区", "310105"), ("静安区", "310106"),
             ("普陀区", "310107"), ("虹口区", "310109"), ("杨浦区", "310110"), ("闵行区", "310112")]
ROADS = ["中山南路", "漕溪北路", "虹桥路", "愚园路", "长寿路", "四平路", "曲阳路", "七莘路", "延安西路", "江宁路"]

TYPES = ("社会团体", "社会服务机构", "基金会")
KIND_DIGIT = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}  # GB 32100 民政 机构类别
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
RULES = {  # the reference thresholds; the product reads its own from the rulebook
    "deadline_md": (5, 31), "window_years": 3, "fine_serious": 50_000, "listing_years": 2,
    "fund_months": 6, "max_age": 70, "max_terms": 2, "max_extension_years": 1, "public_spend": F(70, 100),
    "public_admin": F(10, 100), "admin_exempt": 200_000, "yoy": 3, "zombie_signals": 2,
    "private_tiers": [(60_000_000, F(6, 100), F(12, 100)), (8_000_000, F(6, 100), F(13, 100)),
                      (4_000_000, F(7, 100), F(15, 100)), (0, F(8, 100), F(20, 100))],
    "minimum": {("社会团体", None): 30_000, ("社会服务机构", "市级"): 100_000,
                ("基金会", "是"): 4_000_000, ("基金会", "否"): 2_000_000},
}

# internal key -> column (the column lists are the export's layout)
REG = dict(seq="序号", name="社会组织名称", code="统一社会信用代码", type="社会组织类型", level="登记级别",
           authority="登记管理机关", district="所属区", address="住所", founded="成立登记日期",
           supervisor="业务主管单位", funds="注册资金（元）", charity="是否认定为慈善组织",
           public="是否具有公开募捐资格", public_since="公开募捐资格取得日期", last_fund="最近一次公开募捐日期",
           term_no="本届届次", term_start="本届理事会起始日期", term_years="届期（年）", last_election="最近换届日期",
           ext_approved="延期换届批准日期", ext_until="延期换届截止日期", rep="法定代表人", rep_title="法定代表人职务",
           rep_birth="法定代表人出生日期", rep_terms="法定代表人连续任职届数", rep_approval="超龄超届任职批准情况",
           rep_other="法定代表人兼任其他社会组织法定代表人", rep_other_type="兼任组织类型",
           party_members="正式党员人数", party="党组织建立情况", last_check_year="最近年检年度",
           last_check="最近年检结论", listed="列入活动异常名录日期", listed_reason="列入异常名录事由",
           delisted="移出活动异常名录日期", rect_date="责令整改日期", rect_reason="责令整改事由",
           rect_deadline="整改期限", rect_status="整改完成情况", rect_done="整改完成日期",
           contact="住所联系状态", contact_checked="住所最近核查日期", grade="评估等级", grade_date="评估日期",
           apply_grade="本年度是否申报评估")
ANN = dict(year="年度", code="统一社会信用代码", name="社会组织名称", filed="是否报送年度工作报告",
           filed_date="报送日期", concl="年检结论", inc="总收入（元）", prog="公益事业支出（元）",
           admin="管理费用（元）", total="总支出（元）", na="年末净资产（元）", staff="专职工作人员数",
           acts="开展活动次数", meets="召开理事会次数")
PEN = dict(code="统一社会信用代码", name="社会组织名称", date="行政处罚日期", ptype="行政处罚类型",
           amount="罚款金额（元）", organ="处罚机关", reason="处罚事由", doc="处罚决定书文号")
DATE_KEYS = {"founded", "public_since", "last_fund", "term_start", "last_election", "ext_approved", "ext_until",
             "rep_birth", "listed", "delisted", "rect_date", "rect_deadline", "rect_done", "contact_checked",
             "grade_date", "filed_date", "date"}
INT_KEYS = {"seq", "funds", "term_no", "term_years", "rep_terms", "party_members", "last_check_year", "year",
            "inc", "prog", "admin", "total", "na", "staff", "acts", "meets", "amount"}
INDICATORS = ["abnormal_no_annual_report", "annual_report_missing_2y", "abnormal_no_party_org",
              "abnormal_rectification_overdue", "abnormal_fundraising_inactive", "abnormal_minor_penalty",
              "abnormal_unreachable", "serious_abnormal_2y", "serious_large_fine", "serious_repeat_penalties",
              "annual_check_failed", "annual_check_basic_twice", "term_overdue", "leader_over_age",
              "leader_over_terms", "legal_rep_concurrency", "zombie", "fd_public_spending_low",
              "fd_private_spending_low", "fd_admin_cost_high", "net_assets_below_minimum", "yoy_change",
              "rating_ineligible"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力林斌宇浩凯鹏飞晨曦雪梅兰松柏志国庆春燕云峰岩亮波宁欣怡嘉琪佳颖丹瑶晓东海鑫锋"
FIELDS = {"社会团体": ["书法", "摄影", "围棋", "老年体育", "青年企业家", "软件行业", "餐饮烹饪", "物业管理", "心理卫生",
                   "科普", "太极拳", "志愿服务", "家庭教育", "中医药", "园林绿化", "集邮", "合唱", "篮球", "健身气功", "翻译",
                   "网球", "桥牌", "舞蹈", "民俗文化", "茶文化", "盆景艺术", "诗词", "口腔医学", "康复医学", "营养学",
                   "人工智能", "数字内容", "会展", "电子商务", "咖啡行业", "文物保护", "家政服务", "社区营造", "垃圾分类", "科技创新"],
          "社会服务机构": ["养老服务", "社会工作服务", "青少年发展服务", "康复服务", "社区服务", "文化艺术交流", "助残服务",
                     "心理咨询服务", "早期教育指导"],
          "基金会": ["教育发展", "公益", "慈善", "文化发展", "医疗救助", "环境保护", "青少年发展", "助学", "科技创新",
                  "社区发展", "体育发展"]}
FORMS = {"社会团体": ["协会", "学会", "研究会", "促进会", "联合会"], "社会服务机构": ["中心", "社", "工作室"],
         "基金会": ["基金会"]}
BRANDS = ["阳光", "启明", "晨曦", "德馨", "乐龄", "同心", "益友", "春晖", "向日葵", "星语", "馨苑", "康乐", "和煦", "知行",
          "博雅", "青禾", "善德", "明德", "仁爱", "安泰", "恒爱", "怡然", "致远", "慧心", "新桥", "梧桐", "银杏", "海棠"]
STREETS = ["新华路", "江苏路", "华阳路", "天山路", "仙霞新村", "虹桥", "程家桥", "北新泾", "南京东路", "外滩", "瑞金二路",
           "打浦桥", "淮海中路", "豫园", "天平路", "湖南路", "枫林路", "长桥", "田林", "康健新村", "曹家渡", "石门二路",
           "江宁路", "彭浦新村", "长风新村", "宜川路", "甘泉路", "石泉路", "欧阳路", "曲阳路", "四川北路", "殷行",
           "五角场", "定海路", "平凉路", "江川路", "古美", "新虹", "浦锦", "七宝"]
SUPERVISORS = ["科学技术协会", "文化和旅游局", "体育局", "教育局", "卫生健康委员会", "民政局"]


# ---- small helpers --------------------------------------------------------------------------
def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + n, day=28)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, min(d.day, calendar.monthrange(d.year + y, m + 1)[1]))


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def r100(x) -> int:
    return int(round(x / 100)) * 100


def uscc_check(first17: str) -> str:
    """GB 32100-2015 check character: weights 3^(i) mod 31 over the 31-character alphabet."""
    s = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_code_check(first8: str) -> str:
    """GB 11714 check character of the 9-character 主体标识码 embedded in the USCC (positions 9-17)."""
    s = sum(int(c, 36) * w for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(kind: str, region: str, rnd: random.Random) -> str:
    body = "MJ" + "".join(rnd.choice("0123456789") for _ in range(6))
    first17 = "5" + KIND_DIGIT[kind] + region + body + org_code_check(body)
    return first17 + uscc_check(first17)


def valid_uscc(code: str) -> bool:
    return (len(code) == 18 and all(c in USCC_ALPHABET for c in code) and uscc_check(code[:17]) == code[17]
            and org_code_check(code[8:16]) == code[16])


# ---- baseline (clean) organization ----------------------------------------------------------
class Ctx:
    def __init__(self, rnd, years, as_of):
        self.rnd, self.years, self.as_of = rnd, list(years), as_of
        self.names, self.people, self.codes = set(), set(), set()

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rnd.randint(0, (hi - lo).days))

    def unique(self, pool: set, make, fallback=None):
        for k in range(5000):
            v = (fallback if fallback and k >= 50 else make)()  # the fallback widens a crowded name space
            if v not in pool:
                pool.add(v)
                return v
        raise RuntimeError("name space exhausted: add FIELDS/BRANDS")

    def person(self) -> str:
        r = self.rnd
        return self.unique(self.people, lambda: r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2)))))


def org_name(ctx, typ, level, district) -> str:
    """Names as 民政部令第69号 builds them; once the plain space is crowded (benchmarks with 20,000
    organizations) 社团 gain a 街道 or 字号 and the others a two-character 字号."""
    r = ctx.rnd
    region = CITY if level == "市级" else CITY + district
    two = lambda: r.choice(GIVEN) + r.choice(GIVEN)
    if typ == "社会团体":
        make = lambda: region + r.choice(FIELDS[typ]) + r.choice(FORMS[typ])
        wide = lambda: region + (two() if level == "市级" else r.choice(STREETS) + "街道") + make()[len(region):]
    elif typ == "社会服务机构":
        make = lambda: region + r.choice(BRANDS) + r.choice(FIELDS[typ]) + r.choice(FORMS[typ])
        wide = lambda: region + two() + r.choice(FIELDS[typ]) + r.choice(FORMS[typ])
    else:
        make = lambda: "上海" + r.choice(BRANDS) + r.choice(FIELDS[typ]) + "基金会"
        wide = lambda: "上海" + two() + r.choice(FIELDS[typ]) + "基金会"
    return ctx.unique(ctx.names, make, wide)


def base_org(ctx: Ctx, seq: int, typ: str, public: bool) -> dict:
    r, as_of = ctx.rnd, ctx.as_of
    district, dcode = DISTRICTS[r.randrange(len(DISTRICTS))]
    level = "市级" if typ == "基金会" or r.random() < 0.3 else "区级"
    charity = typ == "基金会" or r.random() < 0.2
    public = public if typ == "基金会" else charity and r.random() < 0.3
    founded = ctx.day(dt.date(1996, 1, 1), dt.date(2021, 6, 30))
    term_years = {"社会团体": r.choice((4, 5, 5)), "社会服务机构": 4, "基金会": 5}[typ]
    reg = {k: None for k in REG}
    reg.update(seq=seq, type=typ, level=level, district=district, charity="是" if charity else "否",
               public="是" if public else "否", term_years=term_years, rep_approval="", rep_other="无",
               rep_other_type="", contact="正常", grade="未评估", apply_grade="否")
    reg["name"] = org_name(ctx, typ, level, district)
    reg["code"] = ctx.unique(ctx.codes, lambda: make_uscc(typ, CITY_CODE if level == "市级" else dcode, r))
    reg["authority"] = CITY_BUREAU if level == "市级" else f"{CITY}{district}民政局"
    reg["address"] = f"{CITY}{district}{r.choice(ROADS)}{r.randint(1, 999)}号{r.randint(1, 30)}0{r.randint(1, 9)}室"
    reg["founded"] = founded
    direct = typ != "社会服务机构" and r.random() < 0.6
    reg["supervisor"] = "无（直接登记）" if direct else (CITY if level == "市级" else CITY + district) + r.choice(SUPERVISORS)
    if public:
        reg["public_since"] = max(add_years(founded, 2), dt.date(2017, 3, 1)) if typ != "基金会" else founded
        reg["last_fund"] = as_of - dt.timedelta(days=r.randint(10, 150))
    reg["term_start"] = as_of - dt.timedelta(days=r.randint(30, term_years * 365 - 60))  # term ends after as_of
    reg["term_no"] = 2 + (reg["term_start"] - founded).days // (term_years * 365 + 1)  # founded <= 2021-06
    reg["last_election"] = reg["term_start"]
    reg["rep"] = ctx.person()
    reg["rep_title"] = {"社会团体": r.choice(("会长", "理事长")), "社会服务机构": r.choice(("理事长", "主任")), "基金会": "理事长"}[typ]
    reg["rep_terms"] = r.randint(1, min(2, reg["term_no"]))
    members = r.choice((0, 1, 2, 3, 4, 5, 6, 8, 12))
    reg["party_members"] = members
    reg["party"] = "单独建立党支部" if members >= 3 else r.choice(("联合建立党支部", "选派党建指导员")) if members else "选派党建指导员"
    reg["contact_checked"] = as_of - dt.timedelta(days=r.randint(30, 300))
    if r.random() < 0.35:
        reg["grade"] = r.choice(("1A", "2A", "3A", "3A", "4A", "4A", "5A"))
        reg["grade_date"] = ctx.day(dt.date(2021, 10, 1), dt.date(2025, 12, 20))
    elif r.random() < 0.1:
        reg["apply_grade"] = "是"
    return {"r": reg, "pens": [], "p": base_params(ctx, typ, public, charity), "hits": set(), "used": set(),
            "bounds": [], "plants": []}


def base_params(ctx, typ, public, charity) -> dict:
    r, ys = ctx.rnd, ctx.years
    if typ == "基金会" and public:
        inc0 = r.uniform(3e6, 5e7)
        na0 = max(inc0 * r.uniform(0.8, 2.5), 6e6)
    elif typ == "基金会":
        na0 = r.choice((r.uniform(2.6e6, 8e6), r.uniform(8e6, 6e7), r.uniform(6e7, 1.5e8)))
        inc0 = na0 * r.uniform(0.05, 0.12)
    elif typ == "社会团体":
        inc0 = r.uniform(5e4, 3e6)
        na0 = max(inc0 * r.uniform(0.3, 1.5), 4.5e4)
    else:
        inc0 = r.uniform(3e5, 2e7)
        na0 = max(inc0 * r.uniform(0.2, 1.0), 1.5e5)
    na, v = {}, na0
    for y in ys:
        na[y] = r100(v)
        v *= r.uniform(0.97, 1.08)
    # per-organization shares with a small yearly jitter, so that background years never jump x3
    fd_or_charity = typ == "基金会" or charity
    r0 = r.uniform(0.79, 0.91) if fd_or_charity else r.uniform(0.55, 0.8)
    a0 = r.uniform(0.045, 0.085) if fd_or_charity else r.uniform(0.13, 0.42)
    jit = lambda c, w: {y: c + r.uniform(-w, w) for y in ys}
    span = {"社会团体": (1, 8), "社会服务机构": (3, 60), "基金会": (2, 25)}[typ]
    acts = {"社会团体": (4, 40), "社会服务机构": (10, 200), "基金会": (3, 30)}[typ]
    return {"inc0": inc0, "m": {y: 1.0 if y == ys[0] else r.uniform(0.8, 1.25) for y in ys}, "na": na,
            "tm": {y: 1.0 for y in ys}, "r": jit(r0, 0.04), "r_rel": {y: r.uniform(0.006, 0.025) for y in ys},
            "a": jit(a0, 0.008), "a_rel": {}, "o": jit(0.025, 0.02),
            "staff": steady(r, ys, r.randint(*span), 1), "acts": steady(r, ys, r.randint(*acts), 0.3),
            "meets": {y: r.randint(2, 6) for y in ys}, "filed": {y: True for y in ys},
            "fdate": {y: ctx.day(dt.date(y + 1, 3, 1), dt.date(y + 1, 5, 20)) for y in ys},
            "concl": base_conclusions(r, ys), "zero": set(), "hooks": {}, "age": (r.randint(42, 66), r.randint(0, 364)),
            "birth": None}


def steady(r, ys, base, jitter) -> dict:
    """A count that stays near its base: +-1 for small counts (staff), +-30% otherwise (activities)."""
    if isinstance(jitter, int):
        return {y: max(1, base + r.randint(-jitter, jitter)) for y in ys}
    return {y: max(1, round(base * r.uniform(1 - jitter, 1 + jitter))) for y in ys}


def base_conclusions(r, ys) -> dict:
    out, prev = {}, None
    for y in ys:  # an occasional single 基本合格, never two running
        out[y] = "基本合格" if prev != "基本合格" and r.random() < 0.08 else "合格"
        prev = out[y]
    return out


# ---- figures and derived registry fields ----------------------------------------------------
def tier(na_prev: int):
    return next((p, a) for lo, p, a in RULES["private_tiers"] if na_prev >= lo)


def birth_of(org: dict, ctx: Ctx) -> dt.date:
    """Birth date from the age at 本届起始; unless an age was planted, the leader is also <= 69 today,
    so that no clean row depends on reading the age rule as 'at appointment'."""
    years, days = org["p"]["age"]
    start = org["r"]["term_start"]
    if not org["p"].get("age_planted"):
        years = min(years, 69 - (ctx.as_of - start).days // 365 - 1)
    return add_years(start, -years) - dt.timedelta(days=days)


def finalize(org: dict, ctx: Ctx) -> None:
    reg, p, ys = org["r"], org["p"], ctx.years
    if reg["rep"]:
        reg["rep_birth"] = p["birth"] or birth_of(org, ctx)
    is_fd, public, charity = reg["type"] == "基金会", reg["public"] == "是", reg["charity"] == "是"
    inc, mult, rows = {}, 1.0, {}
    for y in ys:
        mult *= p["m"][y]
        inc[y] = r100(p["inc0"] * mult)
    for i, y in enumerate(ys):
        row = dict.fromkeys(ANN)
        row.update({"year": y, "code": reg["code"], "name": reg["name"], "filed": "是" if p["filed"][y] else "否",
               "filed_date": p["fdate"][y] if p["filed"][y] else None,
               "concl": p["concl"][y] if p["filed"][y] else "未参检"})
        rows[y] = row
        if not p["filed"][y]:
            continue
        prev = ys[i - 1] if i else None
        na_prev = p["na"][prev] if prev else r100(p["na"][y] / 1.03)
        inc_prev = inc[prev] if prev else inc[y]
        a = p["a"][y]
        if is_fd and not public:
            pct, alim = tier(na_prev)
            prog = (float(pct) + p["r_rel"][y]) * na_prev
            a = float(alim) + p["a_rel"][y] if y in p["a_rel"] else a
        elif is_fd or charity:
            prog = p["r"][y] * inc_prev
            if charity and not is_fd:
                prog = max(prog, 0.1 * na_prev)
        else:
            prog = p["r"][y] * inc[y] * p["tm"][y]
        prog = r100(float(prog))
        total = r100(prog / (1 - a - p["o"][y]))
        row.update(inc=inc[y], prog=prog, admin=r100(a * total), total=total, na=p["na"][y],
                   staff=p["staff"][y], acts=p["acts"][y], meets=p["meets"][y])
        if y in p["zero"]:
            row.update(inc=0, prog=0, admin=0, total=0, staff=0, acts=0, meets=0)
        for hook in p["hooks"].get(y, []):  # exact boundary values, set on the rounded figures
            hook(row, rows)
        assert row["total"] >= row["prog"] + row["admin"], (reg["name"], y, row)
    org["a"] = rows
    filed = [y for y in ys if p["filed"][y]]
    reg["last_check_year"] = filed[-1] if filed else None
    reg["last_check"] = p["concl"][filed[-1]] if filed else None
    if reg["funds"] is None:  # registered funds: statutory minimum <= funds <= lowest net assets
        low = min([rows[y]["na"] for y in filed] or [p["na"][ys[0]]])
        floor = {"社会团体": 30_000, "社会服务机构": 30_000 if reg["level"] == "区级" else 100_000,
                 "基金会": 4_000_000 if public else 2_000_000}[reg["type"]]
        reg["funds"] = max(floor, (int(low * ctx.rnd.uniform(0.3, 0.9)) // 10_000) * 10_000)
        reg["funds"] = min(reg["funds"], max(floor, low))


# ---- reference implementation (ground truth) ------------------------------------------------
def screen(reg_rows: list, ann_rows: list, pen_rows: list, as_of: dt.date, rules: dict = RULES) -> dict:
    """Indicator hits {code: {(indicator, year|None)}} from typed rows (internal keys, see REG/ANN/PEN)."""
    ann, pens, out = {}, {}, {}
    for a in ann_rows:
        ann.setdefault(a["code"], {})[a["year"]] = a
    for p in pen_rows:
        pens.setdefault(p["code"], []).append(p)
    for reg in reg_rows:
        out[reg["code"]] = screen_one(reg, ann.get(reg["code"], {}), pens.get(reg["code"], []), as_of, rules)
    return out


def screen_one(reg, rows, pens, as_of, R) -> set:
    hits = set()
    hit = lambda key, year=None: hits.add((key, year))
    md = R["deadline_md"]
    due = [y for y in sorted(rows) if as_of > dt.date(y + 1, *md)]
    missing = {y for y in due if rows[y]["filed"] != "是"}
    for y in due:
        row, deadline = rows[y], dt.date(y + 1, *md)
        if y in missing or row["filed_date"] > deadline:
            hit("abnormal_no_annual_report", y)
        if y in missing and y - 1 in missing:
            hit("annual_report_missing_2y", y)
        if row["concl"] == "不合格":
            hit("annual_check_failed", y)
        if row["concl"] == "基本合格" and rows.get(y - 1, {}).get("concl") == "基本合格":
            hit("annual_check_basic_twice", y)
    if (reg["party_members"] or 0) >= 3 and reg["party"] == "未建立":
        hit("abnormal_no_party_org")
    if reg["rect_deadline"] and as_of > reg["rect_deadline"] and (
            reg["rect_status"] != "已完成" or reg["rect_done"] > reg["rect_deadline"]):
        hit("abnormal_rectification_overdue")
    if reg["public"] == "是" and add_months(reg["last_fund"] or reg["public_since"], R["fund_months"]) <= as_of:
        hit("abnormal_fundraising_inactive")
    start = add_years(as_of, -R["window_years"])
    recent = [p for p in pens if start < p["date"] <= as_of]
    minor = [p for p in recent if (p["amount"] or 0) < R["fine_serious"]]
    if minor:
        hit("abnormal_minor_penalty")
    if len(minor) >= 2:
        hit("serious_repeat_penalties")
    if len(minor) < len(recent):
        hit("serious_large_fine")
    if reg["contact"] == "无法联系":
        hit("abnormal_unreachable")
    if reg["listed"] and not (reg["delisted"] and reg["delisted"] <= as_of) and \
            add_years(reg["listed"], R["listing_years"]) <= as_of:
        hit("serious_abnormal_2y")
    term_end = add_years(reg["term_start"], reg["term_years"])
    allowed = min(reg["ext_until"] or term_end, add_years(term_end, R["max_extension_years"]))
    if as_of > allowed:
        hit("term_overdue")
    approval = reg["rep_approval"] or ""
    if reg["rep"]:
        if age_on(reg["rep_birth"], reg["term_start"]) > R["max_age"] and "超龄" not in approval:
            hit("leader_over_age")
        if reg["rep_terms"] > R["max_terms"] and "超届" not in approval:
            hit("leader_over_terms")
        other = reg["rep_other"] not in (None, "", "无")
        if other and (reg["type"] == "基金会" or reg["type"] == reg["rep_other_type"] == "社会团体"):
            hit("legal_rep_concurrency")
    screen_figures(reg, rows, due, hit, R)
    latest = due[-1] if due else None
    signals = [len(due) >= 2 and {due[-1], due[-2]} <= missing, reg["contact"] == "无法联系", not reg["rep"]]
    if latest is not None and latest not in missing:
        row = rows[latest]
        signals += [row["acts"] == 0, row["inc"] == 0 and row["total"] == 0, row["staff"] == 0]
    if sum(signals) >= R["zombie_signals"]:
        hit("zombie")
    holder = reg["grade"] not in (None, "", "未评估") and add_years(reg["grade_date"], 5) > as_of
    if latest is not None and (holder or reg["apply_grade"] == "是"):
        row = rows[latest]
        if latest in missing or row["concl"] == "不合格" or any(p["date"].year == latest for p in pens) or (
                row["concl"] == "基本合格" and rows.get(latest - 1, {}).get("concl") == "基本合格"):
            hit("rating_ineligible")
    return hits


def screen_figures(reg, rows, due, hit, R) -> None:
    typ, public = reg["type"], reg["public"] == "是"
    filed = [y for y in due if rows[y]["filed"] == "是"]
    minimum = R["minimum"].get((typ, None)) or R["minimum"].get((typ, reg["level"] if typ != "基金会" else reg["public"]))
    for y in filed:
        row, prev = rows[y], rows[y - 1] if y - 1 in filed else None
        if minimum is not None and row["na"] < minimum:
            hit("net_assets_below_minimum", y)
        if prev:
            for k in ("inc", "total"):
                a, b = prev[k], row[k]
                if (min(a, b) == 0 < max(a, b)) or (min(a, b) > 0 and max(a, b) >= R["yoy"] * min(a, b)):
                    hit("yoy_change", y)
        if typ != "基金会":
            continue
        if public:
            if row["admin"] >= R["admin_exempt"] and row["admin"] > R["public_admin"] * row["total"]:
                hit("fd_admin_cost_high", y)
            if prev and row["prog"] < R["public_spend"] * prev["inc"]:
                hit("fd_public_spending_low", y)
        elif prev:
            pct, alim = tier(prev["na"])
            if row["prog"] < pct * prev["na"]:
                hit("fd_private_spending_low", y)
            if row["admin"] >= R["admin_exempt"] and row["admin"] > alim * row["total"]:
                hit("fd_admin_cost_high", y)


# ---- generate / read back / check -----------------------------------------------------------
def build(n_orgs, years, as_of, seed):
    ctx = Ctx(random.Random(seed), years, as_of)
    n_fd = round(n_orgs * 0.18)
    n_st = round(n_orgs * 0.5)
    kinds = [("基金会", i < round(n_fd * 0.42)) for i in range(n_fd)] + [("社会团体", False)] * n_st + \
            [("社会服务机构", False)] * (n_orgs - n_fd - n_st)
    ctx.rnd.shuffle(kinds)
    orgs = [base_org(ctx, i + 1, t, pub) for i, (t, pub) in enumerate(kinds)]
    from eval.risk_synth_plant import plant_all  # planting uses the helpers above
    clean = plant_all(orgs, ctx)
    for org in orgs:
        finalize(org, ctx)
    return orgs, clean, ctx


def generate(out_dir: Path, n_orgs: int = 600, years=(2023, 2024, 2025), as_of="2026-06-30", seed=2026) -> dict:
    from eval import risk_synth_files as files
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of_d = dt.date.fromisoformat(as_of)
    orgs, clean, ctx = build(n_orgs, years, as_of_d, seed)
    regs = [o["r"] for o in orgs]
    anns = [o["a"][y] for o in orgs for y in ctx.years]
    pens = [p for o in orgs for p in sorted(o["pens"], key=lambda p: p["date"])]
    files.write_table(out_dir / "registry.csv", REG, regs)
    files.write_table(out_dir / "penalties.csv", PEN, pens)
    files.write_table(out_dir / "annual.csv", ANN, anns)
    files.write_xlsx(out_dir / "registry.xlsx", [("登记信息", REG, regs), ("行政处罚", PEN, pens)])
    files.write_xlsx(out_dir / "annual.xlsx", [("年度数据", ANN, anns)])
    hits = screen(*read_back(out_dir), as_of_d)
    for o in orgs:  # the truth is what the reference finds; it must equal what was planted
        got, want = hits[o["r"]["code"]], o["hits"]
        assert got == want, (o["r"]["name"], o["plants"], sorted(got ^ want, key=str))
    truth = make_truth(orgs, clean, hits, ctx, seed)
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    files.write_bad_inputs(out_dir / "bad_inputs", orgs, truth, REG, ANN)
    files.write_reports(out_dir / "risk_reports")
    return truth["summary"]


def read_table(path: Path, cols: dict, encoding="utf-8-sig") -> list:
    back = {v: k for k, v in cols.items()}
    with open(path, encoding=encoding, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [{back[c]: parse(back[c], v) for c, v in row.items()} for row in rows]


def parse(key, v):
    if v == "":
        return None
    return dt.date.fromisoformat(v) if key in DATE_KEYS else int(v) if key in INT_KEYS else v


def read_back(out_dir: Path):
    return (read_table(out_dir / "registry.csv", REG), read_table(out_dir / "annual.csv", ANN),
            read_table(out_dir / "penalties.csv", PEN))


def definitions() -> dict:
    """The indicator table of the module docstring, as data: {key: {per, rule, basis}}."""
    out = {}
    for line in __doc__.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].split(" ")[0] in INDICATORS:
            key, per = cells[0].split(" ")
            out[key] = {"year": "annual year" if per == "Y" else None, "rule": cells[1], "basis": cells[2]}
    assert set(out) == set(INDICATORS)
    return out


def make_truth(orgs, clean, hits, ctx, seed) -> dict:
    by_ind = Counter(k for h in hits.values() for k, _ in h)
    zero = {c for c, h in hits.items() if not h}
    assert set(clean) <= zero
    org_entries = {o["r"]["code"]: {
        "name": o["r"]["name"], "type": o["r"]["type"], "public": o["r"]["public"], "level": o["r"]["level"],
        "district": o["r"]["district"], "planted": o["plants"],
        "hits": [{"indicator": k, "year": y} for k, y in sorted(hits[o["r"]["code"]], key=lambda h: (h[0], h[1] or 0))]}
        for o in orgs}
    bounds = [dict(code=o["r"]["code"], **b) for o in orgs for b in o["bounds"]]
    multi = Counter(min(len({k for k, _ in h}), 4) for h in hits.values())
    return {"as_of": ctx.as_of.isoformat(), "seed": seed, "years": ctx.years, "indicators": INDICATORS,
            "year_semantics": "year is the annual year for per-year indicators, null for per-organization ones",
            "boundary_semantics": "must NOT fire: year null = in no year, year Y = not for Y (it may carry other hits)",
            "clean_semantics": "clean = every organization with no hit (must get no flag at all); "
                               "clean_untouched = the reserved third that no planter touched",
            "definitions": definitions(), "organizations": org_entries,
            "clean": sorted(zero), "clean_untouched": sorted(clean), "boundaries": bounds,
            "summary": {"organizations": len(orgs), "by_type": dict(Counter(o["r"]["type"] + ("（公募）" if o["r"]["type"] == "基金会" and o["r"]["public"] == "是" else "") for o in orgs)),
                        "by_district": dict(Counter(o["r"]["district"] for o in orgs)),
                        "hits_per_indicator": {k: by_ind[k] for k in INDICATORS},
                        "orgs_by_distinct_indicators": {str(k): v for k, v in sorted(multi.items())},
                        "clean": len(zero), "clean_untouched": len(clean),
                        "boundary_records": len(bounds), "boundary_orgs": len({b["code"] for b in bounds}),
                        "boundary_orgs_clean": len({b["code"] for b in bounds} & zero),
                        "penalties": sum(len(o["pens"]) for o in orgs)}}


def check(out_dir: Path, **kw) -> dict:
    """Regenerate into out_dir and assert the brief's counts, determinism and file consistency."""
    from eval import risk_synth_files as files
    out_dir = Path(out_dir)
    s = generate(out_dir, **kw)
    truth = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
    regs, anns, pens = read_back(out_dir)
    assert s["organizations"] >= 600 and len(s["by_district"]) >= 5 and len(truth["years"]) >= 3
    assert {"社会团体", "社会服务机构", "基金会", "基金会（公募）"} <= set(s["by_type"])
    assert all(valid_uscc(r["code"]) for r in regs), "invalid USCC"
    assert len({r["code"] for r in regs}) == len(regs)
    for key in INDICATORS:  # >= 8 hits each, over >= 2 types where the rule allows, >= 4 districts
        orgs = [o for o in truth["organizations"].values() if any(h["indicator"] == key for h in o["hits"])]
        assert len(orgs) >= 8, (key, len(orgs))
        assert len({o["district"] for o in orgs}) >= 4, key
        assert key.startswith("fd_") or len({o["type"] for o in orgs}) >= 2, key
    assert s["clean_untouched"] >= 150 and s["boundary_records"] >= 30
    assert sum(v for k, v in s["orgs_by_distinct_indicators"].items() if int(k) >= 2) >= 20
    hits = screen(regs, anns, pens, dt.date.fromisoformat(truth["as_of"]))
    for code in truth["clean"]:
        assert not hits[code], code
    for b in truth["boundaries"]:
        assert (b["indicator"], b["year"]) not in hits[b["code"]], b
        assert not any(k == b["indicator"] for k, _ in hits[b["code"]]) or b["year"] is not None, b
    snap = lambda: {str(p.relative_to(out_dir)): files.doc_text(p) if p.suffix in (".docx", ".pdf") else p.read_bytes()
                    for p in sorted(out_dir.rglob("*")) if p.is_file()}  # DOCX/PDF embed dates: compare text
    first = snap()
    generate(out_dir, **kw)
    second = snap()
    assert first == second, "not deterministic: " + str([k for k in first if first[k] != second.get(k)])
    files.check_outputs(out_dir, truth, regs, anns)
    return s


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path, nargs="?")
    ap.add_argument("--check", type=Path, metavar="OUT_DIR")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--as-of", default="2026-06-30")
    a = ap.parse_args(argv)
    kw = dict(n_orgs=a.n, as_of=a.as_of, seed=a.seed)
    if not (a.check or a.out_dir):
        ap.error("give OUT_DIR or --check OUT_DIR")
    summary = check(a.check, **kw) if a.check else generate(a.out_dir, **kw)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if a.check:
        print("check passed")
    return 0


if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8")
    from eval.risk_synth import main as _main  # one module object, shared with the planting helpers
    raise SystemExit(_main())
