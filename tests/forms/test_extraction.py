"""Facts from a charter and from a previous annual report, each with its quoted source."""

from __future__ import annotations

from decimal import Decimal
from datetime import date

from assistant.forms.extraction import classify, extract_facts, extract_from_file, facts_as_values
from tests.forms.conftest import (
    ANNUAL_REPORT_PARAGRAPHS, ANNUAL_REPORT_TABLE, CHARTER_PARAGRAPHS, USCC_SHETUAN, make_docx,
)


def test_charter_docx(tmp_path):
    path = make_docx(tmp_path / "章程草案.docx", CHARTER_PARAGRAPHS)
    facts = extract_from_file(path)
    values = facts_as_values(facts)
    assert values["name"] == "上海市浦东新区青年创业促进会"
    assert values["address"] == "上海市浦东新区张杨路100号5楼"
    assert values["purpose"] == "服务青年创业者，促进创新创业，践行社会主义核心价值观"
    assert values["activity_area"] == "上海市浦东新区"
    assert values["business_scope"] == "开展创业培训；组织创业交流活动；提供创业咨询服务"
    assert values["supervisory_unit"] == "共青团上海市浦东新区委员会"
    assert values["registration_authority"] == "上海市浦东新区民政局"
    assert values["funds_yuan"] == Decimal(30000)
    assert values["funds_source"] == "发起单位出资"
    assert values["council_size"] == 21  # written in Chinese numerals
    assert values["supervisors"] == 1
    assert values["legal_rep_title"] == "会长"
    assert values["org_type"] == "社会团体"
    by_key = {f.key: f for f in facts}
    assert by_key["address"].file == "章程草案.docx"
    assert by_key["address"].quote == "第六条 本会的住所设在上海市浦东新区张杨路100号5楼。"
    assert "业务主管单位共青团" in by_key["supervisory_unit"].quote
    assert by_key["business_scope"].quote.startswith("本会的业务范围：（一）开展创业培训")


def test_foundation_charter_wording():
    text = ("基金会章程\n第一条 本基金会的名称：上海市阳光助学基金会。\n"
            "第五条 本基金会的登记管理机关是上海市民政局，业务主管单位是上海市教育委员会。\n"
            "第六条 本基金会的原始基金数额为人民币200万元，来源为发起人捐赠，为到账货币资金。\n"
            "理事会由5至15名理事组成。本基金会设监事会，由3名监事组成。本基金会理事长为本基金会的法定代表人。")
    values = facts_as_values(extract_facts(text, [], "基金会章程.txt"))
    assert values["name"] == "上海市阳光助学基金会"
    assert values["registration_authority"] == "上海市民政局"
    assert values["supervisory_unit"] == "上海市教育委员会"
    assert values["funds_yuan"] == Decimal(2_000_000)
    assert values["council_size"] == 15 and values["supervisors"] == 3
    assert values["legal_rep_title"] == "理事长" and values["org_type"] == "基金会"


def test_annual_report_docx_table(tmp_path):
    path = make_docx(tmp_path / "2025年度工作报告.docx", ANNUAL_REPORT_PARAGRAPHS, [ANNUAL_REPORT_TABLE])
    facts = extract_from_file(path)
    values = facts_as_values(facts)
    assert values["members_individual"] == 126
    assert values["members_unit"] == 12
    assert values["staff_fulltime"] == 6
    assert values["legal_rep_name"] == "王建国"
    assert values["uscc"] == USCC_SHETUAN
    assert values["directors"] == 21 and values["standing_directors"] == 7
    assert values["founding_date"] == date(2018, 5, 20)
    assert values["postal_code"] == "200120"
    assert values["funds_yuan"] == Decimal(30000)  # the label says 万元
    quote = {f.key: f.quote for f in facts}["members_individual"]
    assert "个人会员数" in quote and "126" in quote


def test_annual_report_running_text():
    text = ("2025年度工作报告书\n本会法定代表人：刘芳。截至年末，本会个人会员共有215名，单位会员40家，"
            "专职工作人员为9人。理事人数为25人，常务理事人数为8人。")
    facts = extract_facts(text, [], "年报.txt")
    values = facts_as_values(facts)
    assert values == {**values, "legal_rep_name": "刘芳", "members_individual": 215, "members_unit": 40,
                      "staff_fulltime": 9, "directors": 25, "standing_directors": 8}
    quote = {f.key: f.quote for f in facts}["staff_fulltime"]
    assert quote == "截至年末，本会个人会员共有215名，单位会员40家，专职工作人员为9人。"


def test_classify_and_numbers():
    assert classify("某某协会章程\n第一条") == "charter"
    assert classify("2025年度工作报告书") == "annual_report"
    assert classify("会议纪要") == "document"


def test_unreadable_file_gives_bilingual_error(service, tmp_path):
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"not a zip at all")
    good = make_docx(tmp_path / "章程.docx", CHARTER_PARAGRAPHS)
    facts, errors = service.read_documents([bad, tmp_path / "缺失.pdf", good])
    assert len(errors) == 2
    assert "坏文件.docx" in errors[0] and "/" in errors[0]
    assert "缺失.pdf" in errors[1]
    assert facts_as_values(facts)["name"] == "上海市浦东新区青年创业促进会"  # the good file still counts


def test_funds_in_chinese_numerals_and_founders():
    text = "某某中心章程\n本单位的举办者为李明、张华。\n本单位的开办资金为人民币捌万元整，来源为举办者个人出资。"
    values = facts_as_values(extract_facts(text, [], "章程.txt"))
    assert values["founders"] == "李明、张华"
    assert values["funds_yuan"] == Decimal(80000)
    assert values["funds_source"] == "举办者个人出资"


def test_label_written_with_both_verb_and_colon():
    text = "本团体名称为：上海市闵行区温州商会。\n本团体住所：上海市闵行区莘建路88号。\n本团体的宗旨是：团结会员。"
    values = facts_as_values(extract_facts(text, [], "章程.txt"))
    assert values["name"] == "上海市闵行区温州商会"
    assert values["address"] == "上海市闵行区莘建路88号"
    assert values["purpose"] == "团结会员"
