"""Signature and seal rules on scans, page-located findings and low-confidence wording
(the rule logic, with the page marks given; the image side: test_scanned_filings.py)."""

from __future__ import annotations

import pytest

from assistant.checking.report import conclusion, render_markdown

from .scan_fakes import fake_scan, package

BODY_END = "声明："


def annual_report_pages(source_text) -> list[str]:
    """The 社会团体 annual report as a two-page scan: the declaration on page 2, its signature
    field left blank for a pen (as a printed form is)."""
    text = source_text("sg_annual_report.txt").replace("法定代表人（签字）：李明", "法定代表人（签字）：")
    cut = text.index(BODY_END)
    return [text[:cut].rstrip(), text[cut:].rstrip()]


def check(checker, *items):
    pkg = package(*items)
    return checker.check_documents(pkg.documents, package=pkg)


def by_rule(result, rule_id):
    return [f for f in result.findings if f.rule_id == rule_id]


def test_seal_and_signature_on_the_declaration_page_pass(checker, source_text):
    doc, scan = fake_scan("年度工作报告书.pdf", annual_report_pages(source_text), seals={2: ["round"]},
                          signatures={"法定代表人（签字）": "present"})
    result = check(checker, (doc, scan))
    assert result.findings == [] and result.complete
    assert "第2页有印章" in result.evidence_for_passed["AR-SEAL"]
    assert "第2页签字处有手写签名" in result.evidence_for_passed["AR-SIGN"]


def test_a_printed_label_without_a_seal_is_a_finding_with_its_page(checker, source_text):
    doc, scan = fake_scan("年度工作报告书.pdf", annual_report_pages(source_text), seals={},
                          signatures={"法定代表人（签字）": "present"})
    result = check(checker, (doc, scan))
    (finding,) = result.findings
    assert finding.rule_id == "AR-SEAL" and finding.status == "missing"
    assert finding.file == "年度工作报告书.pdf" and finding.page == 2
    assert "第2页" in finding.location and "第2页未见印章" in finding.detail
    assert "单位（盖章）" in finding.evidence  # the field it is about


def test_a_black_and_white_copy_is_unsure_not_a_pass(checker, source_text):
    doc, scan = fake_scan("年度工作报告书（复印件）.pdf", annual_report_pages(source_text), seals={2: "grey"},
                          signatures={"法定代表人（签字）": "present"})
    result = check(checker, (doc, scan))
    (finding,) = result.findings
    assert finding.rule_id == "AR-SEAL" and finding.status == "unsure" and finding.page == 2
    assert "请核对原件" in finding.detail
    assert not result.complete and "须核对原件" in conclusion(result)
    assert "【请核对原件】单位盖章（AR-SEAL）" in render_markdown(result)


def test_a_square_name_seal_is_not_the_units_seal(checker, source_text):
    doc, scan = fake_scan("年度工作报告书.pdf", annual_report_pages(source_text), seals={2: ["square"]},
                          signatures={"法定代表人（签字）": "present"})
    assert [f.rule_id for f in check(checker, (doc, scan)).findings] == ["AR-SEAL"]


@pytest.mark.parametrize("status,expected", [("absent", "missing"), ("unsure", "unsure")])
def test_an_unsigned_or_unclear_signature_field(checker, source_text, status, expected):
    doc, scan = fake_scan("年度工作报告书.pdf", annual_report_pages(source_text), seals={2: ["round"]},
                          signatures={"法定代表人（签字）": status})
    (finding,) = check(checker, (doc, scan)).findings
    assert finding.rule_id == "AR-SIGN" and finding.status == expected and finding.page == 2
    assert ("未见手写签名" if status == "absent" else "请人工核对原件") in finding.detail


def test_the_label_alone_still_passes_a_text_file(checker, source_text):
    """A Word or text file cannot show ink: the printed field is what can be checked."""
    doc, _ = fake_scan("年度工作报告书.docx", annual_report_pages(source_text))
    assert check(checker, (doc, None)).findings == []


def test_no_seal_field_and_no_seal_on_a_scan_points_at_the_closing_page(checker, source_text):
    pages = annual_report_pages(source_text)
    pages[1] = pages[1].replace("单位（盖章）\n", "")
    doc, scan = fake_scan("年度工作报告书.pdf", pages, signatures={"法定代表人（签字）": "present"})
    (finding,) = check(checker, (doc, scan)).findings
    assert finding.rule_id == "AR-SEAL" and finding.page == 2


def registration(source_text, approval_seals):
    from assistant.text.document import parse_text

    texts = [parse_text(name, source_text(source)) for name, source in [
        ("成立登记申请书.txt", "ss_reg_application.txt"), ("验资报告.txt", "ss_reg_capital.txt"),
        ("场所使用权证明.txt", "ss_reg_lease.txt"), ("章程草案.txt", "ss_charter.txt")]]
    approval = fake_scan("业务主管单位批复.pdf", [source_text("ss_reg_supervisor.txt")], seals={1: approval_seals})
    return [(doc, None) for doc in texts] + [approval]


def test_the_supervisors_approval_must_bear_its_seal(checker, source_text):
    result = check(checker, *registration(source_text, []))
    (finding,) = result.findings
    assert finding.rule_id == "SEAL-SUPERVISOR" and finding.file == "业务主管单位批复.pdf" and finding.page == 1
    assert "上海市长宁区民政局（盖章）" in finding.evidence
    # the material itself is there: only its seal is missing
    assert "REG-SG-02" in result.passed
    assert check(checker, *registration(source_text, ["round"])).findings == []
    grey = check(checker, *registration(source_text, "grey")).findings
    assert [(f.rule_id, f.status) for f in grey] == [("SEAL-SUPERVISOR", "unsure")]


def test_seal_rules_on_materials_need_a_scan(checker, source_text):
    from assistant.text.document import parse_text

    items = registration(source_text, [])[:-1] + [(parse_text("业务主管单位批复.docx", source_text("ss_reg_supervisor.txt")), None)]
    result = check(checker, *items)
    assert result.findings == [] and {"SEAL-SUPERVISOR", "SEAL-CPA"} <= set(result.not_applicable)


def test_the_cpa_seal_on_a_scanned_capital_report(checker, source_text):
    items = registration(source_text, ["round"])
    items[1] = fake_scan("验资报告.pdf", [source_text("ss_reg_capital.txt")], seals={1: ["square"]})
    (finding,) = check(checker, *items).findings
    assert finding.rule_id == "SEAL-CPA" and finding.page == 1 and finding.file == "验资报告.pdf"


def test_a_finding_on_low_confidence_text_says_so(checker, source_text):
    charter = source_text("ss_charter.txt").replace("开办资金为人民币20万元", "开办资金为人民币5万元")
    cut = charter.index("第三章")
    doc, scan = fake_scan("章程.pdf", [charter[:cut], charter[cut:]], low_confidence=("开办资金",))
    (finding,) = [f for f in check(checker, (doc, scan)).findings if f.rule_id == "TH-SS-FUNDS"]
    assert finding.page == 1 and "第1页" in finding.location
    assert finding.detail.endswith("（识别置信度较低，请人工核对）")
    clean, clean_scan = fake_scan("章程.pdf", [charter[:cut], charter[cut:]])
    (plain,) = [f for f in check(checker, (clean, clean_scan)).findings if f.rule_id == "TH-SS-FUNDS"]
    assert "识别置信度较低" not in plain.detail


def test_a_missing_item_over_unclear_pages_names_them(checker, source_text):
    report = annual_report_pages(source_text)
    report[0] = report[0].replace("四、人员和机构变动情况\n本年度本会负责人未发生变动，专职工作人员新增1名。本会未设立分支机构和代表机构。\n", "")
    doc, scan = fake_scan("年度工作报告书.pdf", report, seals={2: ["round"]},
                          signatures={"法定代表人（签字）": "present"}, low_confidence=("财务管理规范",))
    (finding,) = check(checker, (doc, scan)).findings
    assert finding.rule_id == "AR-04"
    assert "扫描件年度工作报告书.pdf第1页有文字识别置信度较低，请人工核对" in finding.detail
