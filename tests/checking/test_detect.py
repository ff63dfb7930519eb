import pytest

from assistant.checking.detect import FilingReader, detect_kind
from assistant.text.document import parse_text


def doc(name, text):
    return parse_text(name, text)


@pytest.fixture(scope="module")
def reader(rulebook):
    return FilingReader(rulebook.names, rulebook.locality)


@pytest.mark.parametrize("title,kind", [
    ("上海市某某协会章程", "charter"),
    ("上海市某某协会成立登记申请书", "registration"),
    ("上海市某某基金会设立登记申请书", "registration"),
    ("上海市某某协会2025年度工作报告书", "annual_report"),
    ("上海市某某协会章程核准申请书", "charter_approval"),
    ("上海市某某中心变更登记申请表", "change"),
    ("上海市某某协会注销登记申请书", "deregistration"),
])
def test_kind_from_titles(title, kind):
    detected, reason = detect_kind([doc("a.txt", f"{title}\n\n正文内容。")])
    assert detected == kind
    assert "a.txt" in reason


def test_package_kind_wins_over_the_charter_it_contains():
    charter = doc("章程.txt", "上海市某某协会章程\n第一章 总则\n第一条 名称。")
    application = doc("申请.txt", "上海市某某协会注销登记申请书\n正文。")
    assert detect_kind([charter, application])[0] == "deregistration"


def test_charter_without_title_word_is_recognised_by_chapters():
    text = "某某规定\n第一章 总则\n第一条 …\n第二章 会员\n第二条 …\n第三章 附则\n第三条 …"
    assert detect_kind([doc("x.txt", text)])[0] == "charter"


@pytest.mark.parametrize("name,org_type", [
    ("上海市长宁区围棋协会", "社会团体"),
    ("上海市某某研究会", "社会团体"),
    ("上海市阳光社区养老服务中心", "社会服务机构"),
    ("上海市某某学校", "社会服务机构"),
    ("上海市启明教育基金会", "基金会"),
])
def test_org_type_from_name(reader, name, org_type):
    d = doc("章程.txt", f"{name}章程\n第一条 本会的名称是：{name}。")
    detected, reason = reader.detect_org_type([d], reader.extract_names(d))
    assert detected == org_type
    assert name in reason


def test_org_type_from_body_words_when_no_name(reader):
    d = doc("x.txt", "章程\n本基金会的原始基金为200万元。")
    assert reader.detect_org_type([d], [])[0] == "基金会"


def test_facts_name_address_legal_rep_funds(reader):
    d = doc("申请.txt", "某某协会成立登记申请书\n拟成立社会团体的名称为：上海市某某协会。本会的住所设在上海市长宁区延安西路1号。"
                      "本会的活动资金为人民币5万元。拟任法定代表人为李明。法定代表人由会长担任。")
    facts = {(f.field, f.value) for f in reader.extract_facts(d)}
    assert ("name", "上海市某某协会") in facts
    assert ("address", "长宁区延安西路1号") in facts
    assert ("legal_rep", "李明") in facts
    assert ("funds:活动资金", "50000") in facts
    assert not any(f == "legal_rep" and v != "李明" for f, v in facts)


def test_approval_titles_are_not_organization_names(reader):
    d = doc("批复.txt", "上海市长宁区体育局关于同意上海市长宁区围棋协会注销的批复\n正文。")
    assert reader.extract_names(d) == []


def test_addresses_compare_without_the_localitys_own_prefix(rulebook):
    shanghai = FilingReader(rulebook.names, rulebook.locality)
    luoyang = FilingReader(rulebook.names, rulebook.at("洛阳市").locality)
    assert shanghai.norm_address("上海市长宁区延安西路1号") == shanghai.norm_address("长宁区延安西路1号")
    assert luoyang.norm_address("河南省洛阳市西工区中州中路1号") == luoyang.norm_address("西工区中州中路1号")
    assert luoyang.norm_address("上海市长宁区延安西路1号") != luoyang.norm_address("长宁区延安西路1号")
