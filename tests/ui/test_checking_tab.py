"""End-to-end: upload a charter with a missing item in the 材料检查 tab and see the finding,
its quoted basis and a downloadable report."""

from __future__ import annotations

import re

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

SOURCE = PROJECT_ROOT / "eval" / "data" / "checking" / "sources" / "sg_charter.txt"


def charter_without_termination() -> str:
    out, skipping = [], False
    for line in SOURCE.read_text(encoding="utf-8").split("\n"):
        if re.match(r"^第[一二三四五六七八九十]+章", line):
            skipping = "终止" in line
        if not skipping:
            out.append(line)
    return "\n".join(out)


def test_missing_item_is_shown_with_its_basis(ui_page, tmp_path):
    page = ui_page
    charter = tmp_path / "促进会章程.txt"
    charter.write_text(charter_without_termination(), encoding="utf-8")

    page.get_by_role("tab", name="材料检查").click()
    page.locator("#check-upload input[type=file]").set_input_files(str(charter))
    page.locator("#check-run").click()

    finding = page.locator("#check-findings .check-finding").first
    finding.wait_for(timeout=120_000)
    text = finding.inner_text()
    assert "终止程序和终止后资产的处理" in text
    assert "依据：《社会团体登记管理条例》第十四条第（八）项" in text
    assert "促进会章程.txt" in text  # the user's file name, not Gradio's temporary one
    assert "必须补正" in page.locator("#check-findings").inner_text()

    summary = page.locator("#check-summary").inner_text()
    assert "章程" in summary and "社会团体" in summary and "发现1项问题" in summary
    # Both report files are offered for download; the DOCX holds the finding and its basis.
    links = page.locator("#check-report a")
    links.first.wait_for(timeout=30_000)
    # Gradio shows a file as "材料审查意见 .docx  37 KB".
    names = page.locator("#check-report").text_content()
    assert "材料审查意见" in names and ".docx" in names and ".md" in names
    with page.expect_download() as download_info:
        links.first.click()  # the DOCX is listed first
    assert download_info.value.suggested_filename.endswith(".docx")
    target = tmp_path / "report.docx"
    download_info.value.save_as(str(target))
    from docx import Document

    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "终止程序和终止后资产的处理" in text
    assert "《社会团体登记管理条例》第十四条第（八）项" in text


def test_scanned_pdf_shows_progress_and_a_page_located_finding(ui_page, tmp_path):
    """A scan without a text layer: the tab reads it page by page (progress shown) and the
    missing seal is reported on the page of the declaration."""
    from tests.checking.scanned_report import scanned_report

    sources = SOURCE.parent
    scan = scanned_report(tmp_path, lambda name: (sources / name).read_text(encoding="utf-8"), seal=False)
    page = ui_page
    page.get_by_role("tab", name="材料检查").click()
    page.locator("#check-upload input[type=file]").set_input_files(str(scan))
    page.locator("#check-run").click()
    page.get_by_text("正在读取").first.wait_for(timeout=60_000)  # the OCR progress, page by page

    finding = page.locator("#check-findings .check-finding").first
    finding.wait_for(timeout=180_000)
    text = finding.inner_text()
    assert "单位盖章" in text and "AR-SEAL" in text
    assert "2025年度工作报告书.pdf" in text and "第2页" in text
    summary = page.locator("#check-summary").inner_text()
    assert "年度工作报告书" in summary and "共2页经文字识别" in summary and "第2页（未见印章、已签字）" in summary
