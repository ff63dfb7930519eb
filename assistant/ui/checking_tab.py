"""材料检查 tab: upload one or more files (checked together as one filing) — documents,
scans or photos — see the findings grouped by severity with the quoted evidence, the
page and the rule behind each, and download the review report (DOCX and Markdown).
Reading scans (OCR) shows its progress page by page.

All checking goes through ``services.checker``; this module only maps results
to components.
"""

from __future__ import annotations

import html

import gradio as gr

from assistant.checking.report import STATUS_LABELS, conclusion, findings_by_severity
from assistant.rules import KIND_LABELS, ORG_TYPES
from assistant.ui import files as ui_files
from assistant.ui import marks
from assistant.ui.viewer_tab import basis_html

AUTO = "自动识别"
KIND_CHOICES = [(AUTO, "")] + [(label, kind) for kind, label in KIND_LABELS.items()]
ORG_TYPE_CHOICES = [(AUTO, "")] + [(t, t) for t in ORG_TYPES]
UPLOAD_TYPES = [".txt", ".md", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]
SEVERITY_COLORS = {"必须补正": "#cf1322", "应当修改": "#d46b08", "建议完善": "#1d39c4"}


def _summary_markdown(result) -> str:
    lines = [f"**审查结论：** {conclusion(result)}", ""]
    lines.append(f"- 材料类别：{result.kind_label}（{result.kind_reason}）")
    lines.append(f"- 组织类型：{result.org_type}（{result.org_type_reason}）")
    lines.append(f"- 审查材料：{'、'.join(result.files) or '无'}；适用地区：{result.locality}")
    lines.append(f"- 共审查 {len(result.checked)} 项要求：发现问题 {len(result.findings)} 项，通过 {len(result.passed)} 项")
    if result.scans:
        lines.append(f"- 扫描件：{_scans_text(result)}")
    for error in result.errors:
        lines.append(f"- {marks.ERROR}{error['message']}")
    for note in result.notes:
        lines.append(f"- {marks.NOTE}{note}")
    return "\n".join(lines)


SEAL_WORDS = {"present": "有印章", "absent": "未见印章", "unknown": "黑白件，印章待核对"}
SIGNATURE_WORDS = {"present": "已签字", "absent": "未签字", "unsure": "签字待核对"}


def _scans_text(result) -> str:
    """What each scanned page showed: 文件 第N页（有印章、已签字）."""
    pages = []
    for file, page in result.scans:
        seen = [SEAL_WORDS[page.seals.status]] + [SIGNATURE_WORDS[c.status] for c in page.signatures]
        pages.append(f"{file} 第{page.page}页（{'、'.join(seen)}）")
    return f"共{len(pages)}页经文字识别：" + "；".join(pages)


def findings_html(result, basis_html=html.escape) -> str:
    """Findings grouped by severity; every quote is escaped (filings are untrusted text).
    ``basis_html``: a rule's basis as HTML (viewer_tab.basis_html links what is indexed)."""
    if not result.findings:
        return "<p class='check-none'>未发现需要补正的问题。</p>"
    parts = []
    for label, items in findings_by_severity(result):
        color = SEVERITY_COLORS.get(label, "#333")
        parts.append(f"<h3 class='check-severity' style='color:{color}'>{html.escape(label)}（{len(items)}项）</h3>")
        for f in items:
            evidence = (f"<blockquote class='check-evidence'>{html.escape(f.evidence)}</blockquote>"
                        if f.evidence else "")
            parts.append(
                "<div class='szzs-hit check-finding'>"
                f"<div><b>【{html.escape(STATUS_LABELS[f.status])}】{html.escape(f.item)}</b>"
                f" <span class='meta'>{html.escape(f.rule_id)}</span></div>"
                f"<div>{html.escape(f.detail)}</div>{evidence}"
                f"<div class='meta'>位置：{html.escape(f.location)}"
                f"{f' <b class=check-page>第{f.page}页</b>' if f.page and f'第{f.page}页' not in f.location else ''}</div>"
                f"<div class='check-basis'>依据：{basis_html(f.basis)}</div>"
                f"<div>修改建议：{html.escape(f.suggestion)}</div>"
                "</div>"
            )
    return "\n".join(parts)


def _passed_markdown(result) -> str:
    if not result.passed:
        return ""
    by_id = {r.id: r for r in result.checked}
    return "\n".join(f"- {marks.PASSED}{rid} {by_id[rid].item}" for rid in result.passed)


def build(services, profile: gr.State | None = None) -> None:
    """The tab; ``profile`` is the organization profile the tabs share: its type is checked
    against, and the uploaded filing can become it."""
    from assistant.ui.drafting_tab import profile_label

    profile = profile if profile is not None else gr.State(None)
    gr.Markdown("上传一份或多份材料（docx / pdf / txt，或扫描件、照片 pdf / png / jpg / tif），多份文件视为同一申请"
                "一并审查；合订在一个文件里的整套材料按各份材料分别审查。扫描件经文字识别（每页数秒），并核对印章和签字。"
                "检查依据规则库逐项进行，不使用大模型判断；文件中的文字只作为材料内容，不作为指令。")
    profile_line = gr.Markdown(profile_label(None), elem_id="check-profile-current")
    with gr.Row():
        with gr.Column(scale=2):
            uploads = gr.File(label="上传材料", file_count="multiple", file_types=UPLOAD_TYPES, elem_id="check-upload")
        with gr.Column(scale=1):
            kind = gr.Dropdown(KIND_CHOICES, value="", label="材料类别", elem_id="check-kind")
            org_type = gr.Dropdown(ORG_TYPE_CHOICES, value="", label="组织类型", elem_id="check-org-type")
            run_button = gr.Button("开始检查", variant="primary", elem_id="check-run")
            as_profile = gr.Checkbox(label="同时把材料读作组织概况（供章程起草、智能填报使用）", value=False,
                                     elem_id="check-as-profile")
    readback_status = gr.Markdown(elem_id="check-readback-status")
    summary = gr.Markdown(elem_id="check-summary")
    findings = gr.HTML(elem_id="check-findings")
    with gr.Accordion("已通过的审查事项", open=False):
        passed = gr.Markdown(elem_id="check-passed")
    report_files = gr.File(label="下载审查意见（DOCX / Markdown）", file_count="multiple", interactive=False,
                           elem_id="check-report")

    def run(files, kind_value, org_type_value, progress=gr.Progress()):
        if not files:
            return "请先上传要检查的材料。", "", "", None

        def reading(index: int, count: int, name: str, done: int, total: int) -> None:
            # OCR is the slow part: say which file and page is being read.
            progress((index * total + done, count * total), desc=f"正在读取第{index + 1}/{count}份材料“{name}”：第{done}/{total}页")

        # Gradio keeps each upload under its own name; the copies are deleted after the check.
        with ui_files.reading(files) as paths:
            try:
                result = services.checker.check_files(paths, kind=kind_value or None,
                                                      org_type=org_type_value or None, progress=reading)
            except ValueError as exc:
                return f"{marks.ERROR}{exc}", "", "", None
        report_dir = ui_files.output_dir("szzs-check-")
        docx_path = services.checker.write_docx(result, report_dir / "材料审查意见.docx")
        md_path = report_dir / "材料审查意见.md"
        md_path.write_text(services.checker.markdown(result), encoding="utf-8")
        return (_summary_markdown(result), findings_html(result, lambda text: basis_html(services, text)),
                _passed_markdown(result), [str(docx_path), str(md_path)])

    def run_and_read(files, kind_value, org_type_value, read_profile=False, progress=gr.Progress()):
        # Read before the check: the check's run deletes the uploads when it ends.
        shared, note = read_profile_from(services, files) if read_profile and files else (gr.skip(), "")
        return (*run(files, kind_value, org_type_value, progress), shared, note)

    run_button.click(run_and_read, inputs=[uploads, kind, org_type, as_profile],
                     outputs=[summary, findings, passed, report_files, profile, readback_status], api_name="check")

    def shared_changed(data):
        wanted = (data or {}).get("org_type")
        return profile_label(data), gr.update(value=wanted) if wanted in ORG_TYPES else gr.skip()

    profile.change(shared_changed, inputs=profile, outputs=[profile_line, org_type], show_progress="hidden")


def read_profile_from(services, files) -> tuple:
    """(new shared profile or gr.skip(), note): the filing read back into a profile."""
    paths = ui_files.paths_of(files)
    read, errors = services.filler.read_profile(paths, [p.name for p in paths])
    note = read.summary() + "".join(f"\n- {html.escape(e)}" for e in errors)
    if not read.sources:
        return gr.skip(), note
    return read.data, f"{note}\n\n已用作组织概况，可在“章程起草”中核对、补全和保存。"
