"""The legal and model-charter rules a profile must meet, asked of the rulebook.

``profile_problems(profile, rulebook)`` returns ALL problems (never raises), so a
form can show every message at once. One function per part of the profile;
every number and basis comes from the rulebook (``rulebook.bound``), and the
rules of the place the profile names (its ``region``) apply.
"""

from __future__ import annotations

from datetime import date

from assistant.profile.defaults import complete_profile
from assistant.profile.problems import ProfileProblem, problem
from assistant.profile.schema import OrgProfile
from assistant.rules import Rulebook
from assistant.rules.localities import NATIONAL_NAMES
from assistant.text.amounts import format_yuan
from assistant.text.errors import FormatError
from assistant.text.ids import age_on, check_uscc, parse_id_number
from assistant.text.numerals import parse_ratio


def rulebook_for(profile: OrgProfile, rulebook: Rulebook) -> Rulebook:
    """The rulebook of the place a profile registers in: national law for a 全国性 organization,
    else the place its region names, else the configured locality."""
    if profile.level == "全国性":
        return rulebook.at(NATIONAL_NAMES[0])
    return rulebook.at(profile.region) if profile.region else rulebook


def id_number_problem(id_number: str) -> str | None:
    """None if an 18-digit 居民身份证号码 is well-formed, else what is wrong (Chinese)."""
    try:
        parse_id_number(id_number)
    except FormatError as exc:
        return str(exc)
    return None


def profile_problems(profile: OrgProfile, rulebook: Rulebook, today: date | None = None) -> list[ProfileProblem]:
    """All rule problems of a structurally valid profile (empty list: all good)."""
    rb = rulebook_for(profile, rulebook)
    profile = complete_profile(profile, rb)
    out: list[ProfileProblem] = []
    if rb.notice:
        out.append(problem("region", "locality_unknown", rb.notice, severity="warning"))
    for part in (_name, _registration, _funds, _members, _terms, _council, _assembly, _standing, _supervision,
                 _leadership, _party):
        out += part(profile, rb)
    out += _persons(profile, rb, today or date.today())
    return out


# --- the parts -------------------------------------------------------------------------

def _name(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    out, names, t = [], rb.names, p.org_type
    if p.credit_code:
        try:
            check_uscc(p.credit_code)
        except FormatError as exc:
            out.append(problem("credit_code", "credit_code_format", str(exc)))
    prefix = names.forbidden_prefix(p.name)
    if t in ("社会团体", "社会服务机构") and p.is_local and prefix:
        out.append(problem("name", "local_name_prefix",
                           f"地方性{t}的名称不得冠以{''.join(f'“{w}”' for w in names.local_prefixes)}等字样（现为“{p.name}”）",
                           names.local_prefix_basis(t)))
    for word in names.forbidden_words_in(p.name):
        out.append(problem("name", "name_forbidden_word", f"名称不得使用“{word}”等字样", names.forbidden_words_basis))
    if t == "社会团体" and p.social_group_kind == "异地商会":
        if not p.name.endswith(names.chamber_ending):
            out.append(problem("name", "chamber_name",
                               f"异地商会名称应由“行政区划＋原籍地＋{names.chamber_ending}”组成，以“{names.chamber_ending}”结尾",
                               names.endings_basis["社会团体"]))
        if not p.hometown:
            out.append(problem("hometown", "chamber_hometown", "异地商会须填写原籍地", names.endings_basis["社会团体"]))
    if t == "基金会" and not any(e in p.name for e in names.endings["基金会"]):
        out.append(problem("name", "foundation_name", "基金会名称应以“基金会”为组织形式字样", names.endings_basis["基金会"]))
    return out


def _registration(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    direct = rb.locality.direct_registration
    unit_rule = rb.provision_for("supervisory_unit", org_type=p.org_type)
    if not p.direct_registration:
        if p.supervisory_unit:
            return []
        return [problem("supervisory_unit", "supervisory_unit_missing", "未选择直接登记时须填写业务主管单位",
                        unit_rule.basis if unit_rule else "")]
    out = []
    if direct is None or not direct.categories:
        basis = direct.basis if direct else (unit_rule.basis if unit_rule else "")
        out.append(problem("direct_registration", "direct_not_available",
                           f"{rb.locality.name}的规则中没有可直接登记的类别，请确认后填写业务主管单位", basis, "warning"))
        return out
    if p.supervisory_unit:
        out.append(problem("supervisory_unit", "direct_with_unit", "已选择直接登记，不应再填写业务主管单位", direct.basis))
    if p.field_category not in direct.categories:
        out.append(problem("direct_registration", "direct_category",
                           f"仅{'、'.join(direct.categories)}社会组织可直接登记，请填写领域类别或业务主管单位", direct.basis))
    return out


def _funds(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    out, t = [], p.org_type
    minimum = rb.bound("funds_min", org_type=t, level=p.level, foundation_kind=p.foundation_kind)
    if minimum and p.funds.amount_yuan < minimum.min:
        out.append(problem("funds.amount_yuan", "funds_minimum",
                           f"{p.funds_label}{format_yuan(p.funds.amount_yuan)}低于{minimum.label}的法定最低数额{minimum}",
                           minimum.basis))
    if not p.funds.source:
        out.append(problem("funds.source", "funds_source", f"应写明{p.funds_label}的来源", severity="warning"))
    if t != "社会服务机构":
        return out
    share, premises = rb.bound("ss_non_state_share"), rb.bound("ss_premises_years")
    if share and p.funds.non_state_share is not None and parse_ratio(p.funds.non_state_share) < share.min:
        out.append(problem("funds.non_state_share", "non_state_share", f"非国有资产份额不得低于{share}", share.basis))
    if premises and p.premises_use_years is not None and p.premises_use_years < premises.min:
        out.append(problem("premises_use_years", "premises_use", f"住所使用权期限不得少于{premises}", premises.basis))
    if not p.founders:
        founders = rb.provision("ss_founders")
        out.append(problem("founders", "founders_missing", "社会服务机构须写明举办者", founders.basis, "warning"))
    return out


def _members(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    if p.org_type != "社会团体":
        if p.governance.assembly is not None:
            return [problem("governance.assembly", "assembly_not_allowed", f"{p.org_type}不设会员（代表）大会，理事会为决策机构")]
        return []
    out = []
    m = p.members
    if m is None:
        out.append(problem("members", "members_missing", "社会团体须填写会员情况", rb.provision("sg_members_required").basis))
    else:
        bound, count = rb.members_minimum(m.individual_count, m.unit_count)
        if count < bound.min:
            field = "members.unit_count" if bound.key == "sg_members_unit" else "members.individual_count"
            out.append(problem(field, "members_minimum", f"{bound.label}{'，会员总数' if m.individual_count and m.unit_count else ''}"
                               f"不得少于{bound}（现为{count}个）", bound.basis))
    if p.governance.assembly is None:
        out.append(problem("governance.assembly", "assembly_missing", "社会团体须设会员大会或会员代表大会作为最高权力机构",
                           rb.provision("sg_assembly_required").basis))
    return out


def _terms(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    out, gov = [], p.governance
    for path, years in (("governance.assembly.term_years", gov.assembly.term_years if gov.assembly else None),
                        ("governance.council.term_years", gov.council.term_years),
                        ("governance.supervision.term_years", gov.supervision.term_years)):
        limit = rb.bound("fd_term_years" if p.org_type == "基金会" and "council" in path else "term_years")
        if years is not None and years > limit.max:
            out.append(problem(path, "term_too_long", f"每届任期{years}年超过{limit}", limit.basis))
    extension = rb.bound("term_extension")
    if gov.assembly and gov.assembly.max_extension_years > extension.max:
        out.append(problem("governance.assembly.max_extension_years", "extension_too_long",
                           f"延期换届最长不超过{extension}", extension.basis))
    if gov.assembly and gov.assembly.term_years != gov.council.term_years:
        out.append(problem("governance.council.term_years", "term_mismatch",
                           f"理事会每届任期（{gov.council.term_years}年）应与{gov.assembly.form}每届任期（{gov.assembly.term_years}年）相同",
                           rb.bound("term_years").basis))
    if gov.supervision.term_years != gov.council.term_years:
        out.append(problem("governance.supervision.term_years", "term_mismatch",
                           f"监事任期（{gov.supervision.term_years}年）应与理事会任期（{gov.council.term_years}年）相同",
                           rb.bound("term_years").basis))
    return out


def _council(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    out, c = [], p.governance.council
    if c.size_min > c.size_max:
        out.append(problem("governance.council.size_min", "council_size_order", f"理事人数下限（{c.size_min}）大于上限（{c.size_max}）"))
    if p.org_type == "基金会":
        size, meetings = rb.bound("fd_council_size"), rb.bound("fd_council_meetings")
        quorum, special = rb.bound("fd_council_quorum"), rb.bound("fd_council_special")
        for path, n in (("governance.council.size_min", c.size_min), ("governance.council.size_max", c.size_max)):
            if not size.allows(n):
                out.append(problem(path, "foundation_council_size", f"基金会理事会理事为{size}（现为{n}人）", size.basis))
        if c.meetings_per_year < meetings.min:
            out.append(problem("governance.council.meetings_per_year", "foundation_council_meetings",
                               f"基金会理事会每年至少召开{meetings}会议", meetings.basis))
        if parse_ratio(c.quorum) < quorum.min:
            out.append(problem("governance.council.quorum", "foundation_council_quorum",
                               f"基金会理事会会议须有{quorum.phrase}理事出席方能召开", quorum.basis))
        if parse_ratio(c.special_pass_ratio) < special.min:
            out.append(problem("governance.council.special_pass_ratio", "foundation_special_majority",
                               f"修改章程、选举或罢免负责人等重大事项须经出席理事表决{special.phrase}通过", special.basis))
    else:
        quorum, passing = rb.bound("council_quorum"), rb.bound("council_pass")
        if parse_ratio(c.quorum) < quorum.min:
            out.append(problem("governance.council.quorum", "council_quorum", f"理事会须有{quorum.phrase}理事出席方能召开", quorum.basis))
        if parse_ratio(c.pass_ratio) < passing.min:
            out.append(problem("governance.council.pass_ratio", "council_pass",
                               f"理事会决议的表决比例不得低于{passing.phrase}", passing.basis))
    if parse_ratio(c.special_pass_ratio) < parse_ratio(c.pass_ratio):
        out.append(problem("governance.council.special_pass_ratio", "special_below_ordinary", "重大事项表决比例不得低于一般决议表决比例"))
    return out


def _assembly(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    a = p.governance.assembly
    if a is None:
        return []
    out = []
    quorum, passing, special = rb.bound("assembly_quorum"), rb.bound("assembly_pass"), rb.bound("assembly_special")
    if parse_ratio(a.quorum) < quorum.min:
        out.append(problem("governance.assembly.quorum", "assembly_quorum", f"{a.form}须有{quorum.phrase}会员（代表）出席方能召开",
                           quorum.basis))
    if parse_ratio(a.pass_ratio) < passing.min:
        out.append(problem("governance.assembly.pass_ratio", "assembly_pass", f"一般决议须经到会会员（代表）{passing.phrase}同意",
                           passing.basis))
    if parse_ratio(a.special_pass_ratio) < special.min:
        out.append(problem("governance.assembly.special_pass_ratio", "assembly_special",
                           f"修改章程、终止等事项须经到会会员（代表）{special.phrase}同意", special.basis))
    return out


def _standing(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    sc, c = p.governance.standing_council, p.governance.council
    if sc is None:
        return []
    out = []
    if p.org_type != "社会团体":
        out.append(problem("governance.standing_council", "standing_not_allowed", f"{p.org_type}一般不设常务理事会", severity="warning"))
    share, quorum = rb.bound("standing_council_share"), rb.bound("standing_quorum")
    if sc.size > c.size_max * share.max:
        out.append(problem("governance.standing_council.size", "standing_size",
                           f"常务理事（{sc.size}人）不得超过理事人数（上限{c.size_max}人）的{share}", share.basis))
    if parse_ratio(sc.quorum) < quorum.min:
        out.append(problem("governance.standing_council.quorum", "standing_quorum",
                           f"常务理事会须有{quorum.phrase}常务理事出席方能召开", quorum.basis))
    return out


def _supervision(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    s, board = p.governance.supervision, rb.bound("supervisory_board_size")
    if s.form == "监事会" and s.count < board.min:
        return [problem("governance.supervision.count", "supervisory_board_size",
                        f"设监事会的，监事不少于{board}（现为{s.count}名）", board.basis)]
    if s.form == "监事" and s.count >= board.min:
        return [problem("governance.supervision.form", "supervisory_board_needed", f"监事{board}以上的，应设立监事会",
                        board.basis, "warning")]
    return []


def _leadership(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    out, lead = [], p.leadership
    age, terms, adult = rb.bound("leader_age"), rb.bound("leader_terms"), rb.bound("adult_age")
    if lead.age_limit < adult.min:
        out.append(problem("leadership.age_limit", "age_limit_too_low", f"负责人须具有完全民事行为能力，最高任职年龄不得低于{adult}",
                           adult.basis))
    if lead.age_limit > age.max:
        out.append(problem("leadership.age_limit", "age_limit_too_high", f"负责人任职最高年龄{lead.age_limit}周岁超过{age}", age.basis))
    if lead.max_consecutive_terms > terms.max:
        out.append(problem("leadership.max_consecutive_terms", "too_many_terms",
                           f"负责人连任不得超过{terms}（现为{lead.max_consecutive_terms}届）", terms.basis))
    if lead.legal_representative not in lead.titles:
        out.append(problem("leadership.legal_representative", "legal_rep_title",
                           f"法定代表人应由{'、'.join(lead.titles)}之一担任（现为“{lead.legal_representative}”）"))
    return out


def _persons(p: OrgProfile, rb: Rulebook, today: date) -> list[ProfileProblem]:
    out, lead = [], p.leadership
    elsewhere = rb.provision_for("legal_rep_elsewhere", org_type=p.org_type)
    state = rb.provision("fd_no_state_employee")
    for i, person in enumerate(lead.persons):
        base = f"leadership.persons.{i}"
        if person.role not in lead.titles:
            out.append(problem(f"{base}.role", "person_role", f"职务“{person.role}”不在负责人职务（{'、'.join(lead.titles)}）之中",
                               severity="warning"))
        birth = person.birth_date
        if person.id_number:
            trouble = id_number_problem(person.id_number)
            if trouble:
                out.append(problem(f"{base}.id_number", "id_number_format", f"{person.name}的身份证号码有误：{trouble}"))
            else:
                id_birth = parse_id_number(person.id_number).birth_date
                if birth and birth != id_birth:
                    out.append(problem(f"{base}.birth_date", "birth_date_mismatch", f"{person.name}的出生日期与身份证号码不一致"))
                birth = birth or id_birth
        if birth and age_on(birth, today) > lead.age_limit:
            out.append(problem(f"{base}.birth_date", "person_over_age",
                               f"{person.name}现年{age_on(birth, today)}周岁，超过负责人最高任职年龄{lead.age_limit}周岁",
                               rb.bound("leader_age").basis))
        if p.org_type == "基金会" and person.is_state_employee:
            out.append(problem(f"{base}.is_state_employee", "foundation_state_employee",
                               f"现职国家工作人员不得兼任基金会负责人（{person.name}）", state.basis))
        if person.role == lead.legal_representative and person.other_legal_rep:
            out.append(problem(f"{base}.other_legal_rep", "legal_rep_elsewhere",
                               f"法定代表人{person.name}已担任“{person.other_legal_rep}”的法定代表人，不得兼任",
                               elsewhere.basis if elsewhere else ""))
    return out


def _party(p: OrgProfile, rb: Rulebook) -> list[ProfileProblem]:
    pb, needed = p.party_building, rb.bound("party_members_for_own_organization")
    if pb.mode == "独立党组织" and pb.full_party_members < needed.min:
        return [problem("party_building.mode", "party_independent_needs_three",
                        f"正式党员不足{needed}（现为{pb.full_party_members}名）的，不能单独建立党组织，应采取联合党组织、党建联络员或党建指导员方式",
                        needed.basis)]
    return []
