"""Packages: one document bundling the materials is split and each material matched by the
rulebook; the 材料清单 cross-check; a charter given only as a summary; one organization per
filing; a filing with nothing readable (issue #13 item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checking.materials import split_materials
from assistant.checking.report import conclusion

from .checking_helpers import drop_chapter, write
from .scan_fakes import fake_scan

MATERIALS = [("成立登记申请书", "sg_reg_application.txt"), ("验资报告", "sg_reg_capital.txt"),
             ("场所使用权证明", "sg_reg_lease.txt"), ("发起人和拟任负责人基本情况表", "sg_reg_people.txt"),
             ("章程草案", "sg_charter.txt")]
SUMMARY = """上海市长宁区青少年科技教育促进会章程草案（摘要）
（一）本会名称为上海市长宁区青少年科技教育促进会，是非营利性社会组织。
（二）本会的住所设在上海市长宁区延安西路1001号3楼。
（三）本会的业务范围是组织开展青少年科技教育交流活动。
章程全文另册附后。"""


def bundle_docx(path: Path, source_text, materials=MATERIALS, listed=None, texts=None) -> Path:
    """A whole package in one Word file: a cover, a 材料清单 table, then 附件一 … each under its heading."""
    import docx

    document = docx.Document()
    document.add_heading("上海市长宁区青少年科技教育促进会", level=1)
    document.add_paragraph("成立登记申请材料")
    document.add_paragraph("报送日期：2026年3月20日")
    document.add_heading("材料清单", level=2)
    listed = listed or [title for title, _ in materials]
    table = document.add_table(rows=1 + len(listed), cols=3)
    for c, header in enumerate(("序号", "材料名称", "份数")):
        table.cell(0, c).text = header
    for r, title in enumerate(listed, start=1):
        for c, value in enumerate((str(r), title, "1")):
            table.cell(r, c).text = value
    numerals = "一二三四五六七八九十"
    for title, source in materials:
        number = listed.index(title) + 1 if title in listed else len(listed) + 1
        document.add_heading(f"附件{numerals[number - 1]} {title}", level=2)
        text = (texts or {}).get(title) or source_text(source)
        for line in text.split("\n"):
            if line.strip():
                document.add_paragraph(line)
    document.save(str(path))
    return path


def rule_ids(result):
    return [f.rule_id for f in result.findings]


def test_a_package_in_one_document_is_checked_material_by_material(checker, source_text, tmp_path):
    result = checker.check_files([bundle_docx(tmp_path / "成立登记材料.docx", source_text)])
    assert result.findings == [] and result.kind == "registration" and result.org_type == "社会团体"
    assert result.files == ["成立登记材料.docx"]
    assert any("合订了5份材料" in note and "附件五 章程草案" in note for note in result.notes)
    # every required material found as a material of the bundle, the list agrees with them
    assert {"REG-SG-01", "REG-SG-03", "REG-SG-04", "REG-SG-05", "REG-SG-06", "PKG-LIST"} <= set(result.passed)
    assert "清单列出5项，实际附有5项" in result.evidence_for_passed["PKG-LIST"]
    # the charter inside was checked as a charter
    assert any(rule.startswith("SG-CH-") for rule in result.passed)


def test_a_defect_inside_a_bundled_charter_is_located_in_its_material(checker, source_text, tmp_path):
    texts = {"章程草案": drop_chapter(source_text("sg_charter.txt"), "终止")}
    result = checker.check_files([bundle_docx(tmp_path / "材料.docx", source_text, texts=texts)])
    (finding,) = result.findings
    assert finding.rule_id == "SG-CH-08" and "材料.docx（附件五）" in finding.location


def test_the_checklist_is_cross_checked_against_what_is_attached(checker, source_text, tmp_path):
    listed = [title for title, _ in MATERIALS[:4]] + ["发起人会议纪要", "章程草案"]
    result = checker.check_files([bundle_docx(tmp_path / "材料.docx", source_text, listed=listed)])
    (finding,) = result.findings
    assert finding.rule_id == "PKG-LIST" and finding.status == "inconsistent"
    assert finding.detail == "材料清单与所附材料不一致：清单列出6项，实际附有5项；未见：发起人会议纪要"
    assert "发起人会议纪要" in finding.evidence and finding.file == "材料.docx"


def test_an_attached_material_missing_from_the_checklist(checker, source_text, tmp_path):
    listed = [title for title, _ in MATERIALS if title != "验资报告"]
    (finding,) = checker.check_files([bundle_docx(tmp_path / "材料.docx", source_text, listed=listed)]).findings
    assert finding.rule_id == "PKG-LIST" and "清单未列：验资报告" in finding.detail


def test_a_charter_given_only_as_a_summary_is_not_checked_as_the_charter(checker, source_text, tmp_path):
    materials = MATERIALS[:4] + [("章程草案（摘要，全文另册附后）", "")]
    path = bundle_docx(tmp_path / "材料.docx", source_text, materials=materials,
                       texts={"章程草案（摘要，全文另册附后）": SUMMARY})
    result = checker.check_files([path])
    (finding,) = result.findings
    assert finding.rule_id == "PKG-SUMMARY" and finding.status == "unsure"
    assert "仅为摘要" in finding.detail and "章程全文不在本次审查的文件中" in finding.detail
    assert "另册附后" in finding.evidence
    assert not any(r.startswith(("SG-CH-", "TH-", "CH-PARTY")) for r in rule_ids(result))
    assert "REG-SG-06" in result.passed  # the material is supplied, its full text separately
    assert any(r.startswith("SG-CH-") for r in result.not_applicable)  # no charter to read


def test_the_summary_needs_no_note_once_the_full_charter_is_supplied(checker, source_text, tmp_path):
    materials = MATERIALS[:4] + [("章程草案（摘要，全文另册附后）", "")]
    bundle = bundle_docx(tmp_path / "材料.docx", source_text, materials=materials,
                         texts={"章程草案（摘要，全文另册附后）": SUMMARY})
    charter = write(tmp_path, "章程.txt", source_text("sg_charter.txt"))
    result = checker.check_files([bundle, charter])
    assert result.findings == [] and "PKG-SUMMARY" in result.passed
    assert any(r.startswith("SG-CH-") for r in result.passed)


def test_a_scanned_package_split_at_page_starts_is_matched_by_the_rulebook(checker, source_text):
    """No 附件 headings: each material starts a page with its own title; the checklist names
    materials differently from their titles (理事名单及身份证明 / …基金会理事名单)."""
    checklist = ("材料清单\n序号｜材料名称｜份数\n" + "\n".join(
        f"序号：{i}；材料名称：{name}；份数：1" for i, name in enumerate(
            ["设立登记申请书", "章程草案", "验资证明", "住所证明", "理事名单及身份证明",
             "拟任理事长、副理事长、秘书长简历", "业务主管单位同意设立的文件"], start=1)))
    sources = ["fd_reg_application.txt", "fd_charter.txt", "fd_reg_capital.txt", "fd_reg_premises.txt",
               "fd_reg_board.txt", "fd_reg_resumes.txt", "fd_reg_supervisor.txt"]
    pages = ["上海市启明教育基金会\n设立登记申请材料\n2026年2月", checklist] + [source_text(s) for s in sources]
    doc, scan = fake_scan("设立登记材料.pdf", pages, seals={5: ["round"], 6: ["round"], 9: ["round"]})
    package = split_materials(doc, scan)
    assert len(package.materials) == 7 and len(package.checklists) == 1
    assert package.materials[1].doc.name == "设立登记材料.pdf（上海市启明教育基金会章程）"
    result = checker.check_documents(package.documents, package=package)
    assert result.findings == [], [f.detail for f in result.findings]
    assert {"REG-FD-01", "REG-FD-02", "REG-FD-03", "REG-FD-04", "REG-SG-06", "PKG-LIST", "SEAL-CPA",
            "SEAL-SUPERVISOR"} <= set(result.passed)


# --- issue #13, item 9 ------------------------------------------------------------------------

def test_charters_of_two_organizations_are_not_one_complete_filing(checker, source_text, tmp_path):
    first = write(tmp_path, "促进会章程.txt", source_text("sg_charter.txt"))
    second = write(tmp_path, "养老服务中心章程.txt", source_text("ss_charter.txt"))
    result = checker.check_files([first, second], kind="charter", org_type="社会团体")
    assert "PKG-ONE-ORG" in rule_ids(result)
    finding = next(f for f in result.findings if f.rule_id == "PKG-ONE-ORG")
    assert "分属2个不同的组织" in finding.detail
    assert "上海市长宁区青少年科技教育促进会" in finding.detail and "上海市长宁区阳光社区养老服务中心" in finding.detail
    assert not result.complete and "未发现不符合规定" not in conclusion(result)


def test_one_organization_written_slightly_differently_is_a_name_inconsistency(checker, source_text, tmp_path):
    charter = write(tmp_path, "章程.txt", source_text("sg_charter.txt"))
    report = write(tmp_path, "年报.txt", source_text("sg_annual_report.txt").replace(
        "上海市长宁区青少年科技教育促进会", "上海市长宁区青少年科技促进会", 1))
    result = checker.check_files([report, charter])
    assert "PKG-ONE-ORG" in result.passed and "CON-NAME" in rule_ids(result)


def test_a_filing_with_nothing_readable_is_an_error_not_a_pass(checker, tmp_path):
    broken = tmp_path / "申请书.docx"
    broken.write_bytes(b"PK\x03\x04 not a docx")
    empty = tmp_path / "章程.txt"
    empty.write_text("   ", encoding="utf-8")
    result = checker.check_files([broken, empty])
    assert len(result.errors) == 2 and result.files == [] and not result.complete
    text = conclusion(result)
    assert text.startswith("未能审查") and "2份文件均无法读取" in text
    assert "未发现问题" not in text and "齐全" not in text
    assert result.to_dict()["complete"] is False


def test_a_title_wrapped_onto_two_lines_names_its_material(checker, source_text):
    """OCR gives a long centred title as two lines; the material is known by the whole title."""
    approval = source_text("chg_supervisor.txt")
    first, rest = approval.split("\n", 1)
    wrapped = first[:24] + "\n" + first[24:] + "\n" + rest
    assert "批复" not in first[:24]
    result = checker.check_text(wrapped, "业务主管单位批复.txt", kind="change", org_type="社会服务机构")
    assert "CHG-04" not in rule_ids(result)
