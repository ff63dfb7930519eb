"""Scanned filings end to end (slow: real OCR): the annual report's declaration signed and
stamped, unstamped, unsigned and as a grey copy; an approval scanned without its seal."""

from __future__ import annotations

import numpy as np
import pytest

from tests.page_images import colour_scan, render_page, require_ocr, save_image_pdf, stamp_seal

from .checking_helpers import write
from .scanned_report import DPI, MM, scanned_report

pytestmark = pytest.mark.slow

def findings(result):
    return [(f.rule_id, f.status, f.page) for f in result.findings]


def test_signed_and_stamped_declaration_passes(checker, source_text, tmp_path):
    result = checker.check_files([scanned_report(tmp_path, source_text)])
    assert result.kind == "annual_report" and findings(result) == []
    assert [(file, marks.page, marks.seals.status) for file, marks in result.scans] == [
        ("2025年度工作报告书.pdf", 1, "absent"), ("2025年度工作报告书.pdf", 2, "present")]
    assert [c.status for c in result.scans[1][1].signatures] == ["present"]


def test_unstamped_declaration_is_a_finding_on_its_page(checker, source_text, tmp_path):
    result = checker.check_files([scanned_report(tmp_path, source_text, seal=False)])
    assert findings(result) == [("AR-SEAL", "missing", 2)]
    assert "第2页" in result.findings[0].location


def test_unsigned_declaration_is_a_finding_on_its_page(checker, source_text, tmp_path):
    result = checker.check_files([scanned_report(tmp_path, source_text, signed=False)])
    assert findings(result) == [("AR-SIGN", "missing", 2)]
    assert "签字处未见手写签名" in result.findings[0].detail


def test_grey_copy_asks_for_the_original(checker, source_text, tmp_path):
    result = checker.check_files([scanned_report(tmp_path, source_text, grey=True)])
    assert findings(result) == [("AR-SEAL", "unsure", 2)]
    assert "黑白" in result.findings[0].detail and "请核对原件" in result.findings[0].detail


def test_a_scanned_approval_without_its_seal(checker, source_text, tmp_path):
    require_ocr()
    files = [write(tmp_path, name, source_text(source)) for name, source in [
        ("成立登记申请书.txt", "ss_reg_application.txt"), ("验资报告.txt", "ss_reg_capital.txt"),
        ("场所使用权证明.txt", "ss_reg_lease.txt"), ("章程草案.txt", "ss_charter.txt")]]
    page = render_page(source_text("ss_reg_supervisor.txt").split("\n"), dpi=DPI)
    files.append(save_image_pdf([colour_scan(page.image)], tmp_path / "业务主管单位批复.pdf", dpi=DPI))
    result = checker.check_files(files)
    assert findings(result) == [("SEAL-SUPERVISOR", "missing", 1)]
    assert result.findings[0].file == "业务主管单位批复.pdf"
    assert "REG-SG-02" in result.passed  # the approval is there; only its seal is not
    stamped = page.image.copy()
    line = next(l for l in page.lines if "盖章" in l.text).box
    stamp_seal(stamped, (line[2] - int(10 * MM), (line[1] + line[3]) // 2), int(42 * MM), text="上海市长宁区民政局")
    save_image_pdf([colour_scan(np.ascontiguousarray(stamped))], files[-1], dpi=DPI)
    assert checker.check_files(files).findings == []
