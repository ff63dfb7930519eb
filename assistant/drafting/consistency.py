"""Read a drafted charter back and check that its numbers agree with each other
and with the profile: terms, ages, quorums, majorities, meeting frequency,
sizes, fund amounts (figures and capital numerals), numbering and coverage.

The checks parse the rendered text rather than trusting the template, so a
template edit that hard-codes a number is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.charter import Charter
from assistant.text.amounts import parse_amount, parse_capital_yuan
from assistant.text.numerals import ratio_phrase
from assistant.profile import OrgProfile


@dataclass(frozen=True)
class ConsistencyCheck:
    name: str  # Chinese name of the check
    passed: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


def _all_equal(name: str, found: list[str], expected: str, what: str) -> ConsistencyCheck:
    if not found:
        return ConsistencyCheck(name, False, f"草稿中未找到{what}")
    wrong = sorted({f for f in found if f != expected})
    if wrong:
        return ConsistencyCheck(name, False, f"{what}应为“{expected}”，草稿中出现“{'、'.join(wrong)}”")
    return ConsistencyCheck(name, True, f"{what}均为“{expected}”（{len(found)}处）")


def check_charter(charter: Charter, profile: OrgProfile) -> list[ConsistencyCheck]:
    text = charter.plain_text()
    gov = profile.governance
    lead = profile.leadership
    checks: list[ConsistencyCheck] = []

    # numbering -----------------------------------------------------------------
    numbers = [a.number for a in charter.articles]
    checks.append(ConsistencyCheck("条款连续编号", numbers == list(range(1, len(numbers) + 1)),
                                   f"共{len(numbers)}条"))
    chapters = [c.number for c in charter.chapters]
    checks.append(ConsistencyCheck("章连续编号", chapters == list(range(1, len(chapters) + 1)) and all(c.articles for c in charter.chapters),
                                   f"共{len(chapters)}章"))

    # coverage --------------------------------------------------------------------
    valid = set(numbers)
    uncovered = [row.item for row in charter.coverage if not row.articles]
    dangling = [row.item for row in charter.coverage if any(a.number not in valid for a in row.articles)]
    checks.append(ConsistencyCheck("法定事项全部覆盖", bool(charter.coverage) and not uncovered and not dangling,
                                   "未覆盖：" + "、".join(uncovered + dangling) if uncovered or dangling else f"{len(charter.coverage)}项全部对应条款"))

    # political clauses -----------------------------------------------------------
    required = ("坚持中国共产党的全面领导", "中国共产党章程", "社会主义核心价值观")
    missing = [r for r in required if r not in text]
    checks.append(ConsistencyCheck("党建和价值观条款", not missing, "缺少：" + "、".join(missing) if missing else "齐全"))

    # terms, ages, consecutive terms ---------------------------------------------------
    term = str(gov.council.term_years)
    checks.append(_all_equal("届期一致", re.findall(r"每届(?:任期)?(\d+)年", text), term, "每届年限"))
    checks.append(_all_equal("任职年龄一致", re.findall(r"(\d+)周岁", text), str(lead.age_limit), "最高任职年龄"))
    checks.append(_all_equal("连任届数一致", re.findall(r"连任不得超过(\d+)届", text), str(lead.max_consecutive_terms), "最多连任届数"))

    # funds --------------------------------------------------------------------------
    m = re.search(rf"{profile.funds_label}(?:数额)?为人民币([\d.]+万元|\d+元)（大写：人民币([^）]+?元整)）", text)
    if not m:
        checks.append(ConsistencyCheck("资金数额一致", False, f"草稿中未找到{profile.funds_label}的小写和大写数额"))
    else:
        figure, capital = parse_amount(m.group(1)), parse_capital_yuan(m.group(2))
        ok = figure == capital == profile.funds.amount_yuan
        checks.append(ConsistencyCheck("资金数额一致", ok, f"小写{m.group(1)}、大写{m.group(2)}，概况{profile.funds.amount_yuan}元"))

    # council ------------------------------------------------------------------------------
    c = gov.council
    size = re.findall(r"由(\d+)至(\d+)名理事组成", text)
    checks.append(_all_equal("理事人数一致", [f"{a}至{b}" for a, b in size], f"{c.size_min}至{c.size_max}", "理事人数"))
    checks.append(_all_equal("理事会会议频次一致", re.findall(r"(?<!常务)理事会每年至少召开(\d+)次", text), str(c.meetings_per_year), "理事会每年会议次数"))
    checks.append(_all_equal("理事会到会比例一致", re.findall(r"(?<!常务)理事会(?:会议)?须有(\S+?)的理事出席", text), ratio_phrase(c.quorum), "理事会到会比例"))
    allowed = {ratio_phrase(c.pass_ratio), ratio_phrase(c.special_pass_ratio)}
    votes = re.findall(r"(?:到会|出席)理事(\S+?)(?:表决)?通过", text)
    bad = sorted({v for v in votes if v not in allowed})
    checks.append(ConsistencyCheck("理事会表决比例一致", bool(votes) and not bad,
                                   f"出现“{'、'.join(bad)}”，应为“{'、'.join(sorted(allowed))}”" if bad else f"{len(votes)}处"))

    # assembly --------------------------------------------------------------------------------
    a = gov.assembly
    if a is not None:
        checks.append(_all_equal("大会到会比例一致", re.findall(rf"{a.form}须有(\S+?)的会员", text), ratio_phrase(a.quorum), f"{a.form}到会比例"))
        allowed = {ratio_phrase(a.pass_ratio), ratio_phrase(a.special_pass_ratio)}
        votes = re.findall(r"到会会员(?:代表)?(\S+?)表决通过", text)
        bad = sorted({v for v in votes if v not in allowed})
        checks.append(ConsistencyCheck("大会表决比例一致", bool(votes) and not bad,
                                       f"出现“{'、'.join(bad)}”" if bad else f"{len(votes)}处"))
        checks.append(_all_equal("大会召开次数一致", re.findall(r"每届至少召开(\d+)次", text), str(a.meetings_per_term), "每届召开次数"))

    # standing council ----------------------------------------------------------------------------
    s = gov.standing_council
    has_standing = "常务理事会" in text
    if s is None:
        checks.append(ConsistencyCheck("无常务理事会条款", not has_standing, "概况未设常务理事会" + ("，但草稿提及" if has_standing else "")))
    else:
        checks.append(_all_equal("常务理事人数一致", re.findall(r"常务理事(\d+)名", text), str(s.size), "常务理事人数"))
        checks.append(_all_equal("常务理事会会议频次一致", re.findall(r"常务理事会每年至少召开(\d+)次", text), str(s.meetings_per_year), "常务理事会每年会议次数"))
        checks.append(_all_equal("常务理事会到会比例一致", re.findall(r"常务理事会须有(\S+?)的常务理事出席", text), ratio_phrase(s.quorum), "常务理事会到会比例"))

    # supervision -----------------------------------------------------------------------------------
    sv = gov.supervision
    found = re.findall(r"由(\d+)名监事组成", text) if sv.form == "监事会" else re.findall(r"设监事(\d+)名", text)
    checks.append(_all_equal("监事人数一致", found, str(sv.count), "监事人数"))

    # legal representative -------------------------------------------------------------------------
    org = {"社会团体": "本会", "社会服务机构": "本单位", "基金会": "本基金会"}[profile.org_type]
    found = re.findall(rf"{org}(\S{{1,8}}?)为{org}的?法定代表人", text)
    checks.append(_all_equal("法定代表人一致", found, lead.legal_representative, "法定代表人职务"))

    # public fundraising only for 公募 ------------------------------------------------------------
    if profile.org_type == "基金会":
        public = "开展公开募捐活动" in text
        checks.append(ConsistencyCheck("公开募捐条款与类别一致", public == (profile.foundation_kind == "公募"),
                                       f"{profile.foundation_kind}基金会，公开募捐条款{'有' if public else '无'}"))
    return checks
