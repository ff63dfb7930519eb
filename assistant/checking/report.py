"""The review report, laid out like a 补正通知: what was checked, each problem with its
basis and fix, and what passed. Markdown for the screen, DOCX for the file.
"""

from __future__ import annotations

from pathlib import Path

from assistant.checking.engine import CheckResult, Finding
from assistant.rules import SEVERITY_LABELS

STATUS_LABELS = {"missing": "缺少", "violation": "不符合规定", "inconsistent": "前后不一致", "unsure": "请核对原件"}
_CN_ORDINALS = "一二三四五六七八九十"


def conclusion(result: CheckResult) -> str:
    if not result.files:
        count = f"{len(result.errors)}份文件均" if result.errors else "没有文件"
        return f"未能审查：{count}无法读取，本次没有审查任何材料；请补交可读取的文件后重新审查。"
    if result.errors and not result.findings:
        return f"有{len(result.errors)}份文件无法读取，其余材料未发现问题；请补交可读取的文件后重新审查。"
    if result.complete:
        return "经审查，所附材料齐全，未发现不符合规定的事项。"
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in SEVERITY_LABELS}
    parts = [f"{SEVERITY_LABELS[s]}{n}项" for s, n in counts.items() if n]
    unsure = sum(1 for f in result.findings if f.status == "unsure")
    verify = f"，其中{unsure}项须核对原件" if unsure else ""
    return f"经审查，发现{len(result.findings)}项问题（{'，'.join(parts)}{verify}），请按下列意见补正后重新提交。"


def findings_by_severity(result: CheckResult) -> list[tuple[str, list[Finding]]]:
    groups = []
    for severity, label in SEVERITY_LABELS.items():
        items = [f for f in result.findings if f.severity == severity]
        if items:
            groups.append((label, items))
    return groups


def _finding_lines(f: Finding) -> list[tuple[str, str]]:
    rows = [("情况", f.detail)]
    if f.evidence:
        rows.append(("原文", f"「{f.evidence}」"))
    rows += [("位置", f.location), ("依据", f.basis), ("修改建议", f.suggestion)]
    return rows


def render_markdown(result: CheckResult) -> str:
    lines = ["# 社会组织申请材料审查意见", ""]
    lines.append(f"- 审查材料：{'、'.join(result.files) or '（无可读取的文件）'}")
    lines.append(f"- 材料类别：{result.kind_label}（识别依据：{result.kind_reason}）")
    lines.append(f"- 组织类型：{result.org_type}（识别依据：{result.org_type_reason}）")
    lines.append(f"- 适用地区：{result.locality}")
    lines.append(f"- 审查结论：{conclusion(result)}")
    lines.append("")
    lines += ["## 一、审查范围", ""]
    lines.append(f"本次依据审查规则库，对以下{len(result.checked)}项要求逐项审查：")
    lines.append("")
    for rule in result.checked:
        lines.append(f"- {rule.id} {rule.item}")
    lines.append("")
    lines += ["## 二、需要补正的事项", ""]
    if not result.findings:
        lines += ["无。", ""]
    for gi, (label, items) in enumerate(findings_by_severity(result)):
        lines += [f"### （{_CN_ORDINALS[gi]}）{label}", ""]
        for i, f in enumerate(items, start=1):
            lines.append(f"{i}. 【{STATUS_LABELS[f.status]}】{f.item}（{f.rule_id}）")
            for key, value in _finding_lines(f):
                lines.append(f"   - {key}：{value}")
        lines.append("")
    lines += ["## 三、已通过的审查事项", ""]
    if not result.passed:
        lines += ["无。", ""]
    by_id = {r.id: r for r in result.checked}
    for rule_id in result.passed:
        how = result.evidence_for_passed.get(rule_id, "")
        lines.append(f"- {rule_id} {by_id[rule_id].item}" + (f"：{how}" if how else ""))
    lines.append("")
    notes = list(result.notes)
    notes += [f"文件“{e['file']}”无法读取：{e['message']}" for e in result.errors]
    if notes:
        lines += ["## 四、说明", ""]
        lines += [f"- {n}" for n in notes]
        lines.append("")
    lines.append("本意见由材料检查工具依据规则库自动生成，供登记管理机关工作人员和申请单位参考，以登记管理机关的正式审查意见为准。")
    return "\n".join(lines) + "\n"


def write_docx(result: CheckResult, path: Path) -> Path:
    from docx import Document

    from assistant.docx_fonts import set_fonts

    path = Path(path)
    document = Document()
    style = document.styles["Normal"]
    set_fonts(style, "宋体", size_pt=11)
    document.add_heading("社会组织申请材料审查意见", level=0)
    for key, value in (
        ("审查材料", "、".join(result.files) or "（无可读取的文件）"),
        ("材料类别", f"{result.kind_label}（识别依据：{result.kind_reason}）"),
        ("组织类型", f"{result.org_type}（识别依据：{result.org_type_reason}）"),
        ("适用地区", result.locality),
        ("审查结论", conclusion(result)),
    ):
        p = document.add_paragraph()
        p.add_run(f"{key}：").bold = True
        p.add_run(value)
    document.add_heading("一、审查范围", level=1)
    document.add_paragraph(f"本次依据审查规则库，对以下{len(result.checked)}项要求逐项审查：")
    for rule in result.checked:
        document.add_paragraph(f"{rule.id} {rule.item}", style="List Bullet")
    document.add_heading("二、需要补正的事项", level=1)
    if not result.findings:
        document.add_paragraph("无。")
    for gi, (label, items) in enumerate(findings_by_severity(result)):
        document.add_heading(f"（{_CN_ORDINALS[gi]}）{label}", level=2)
        for i, f in enumerate(items, start=1):
            p = document.add_paragraph()
            p.add_run(f"{i}. 【{STATUS_LABELS[f.status]}】{f.item}（{f.rule_id}）").bold = True
            for key, value in _finding_lines(f):
                q = document.add_paragraph(style="List Bullet")
                q.add_run(f"{key}：").bold = True
                q.add_run(value)
    document.add_heading("三、已通过的审查事项", level=1)
    if not result.passed:
        document.add_paragraph("无。")
    by_id = {r.id: r for r in result.checked}
    for rule_id in result.passed:
        document.add_paragraph(f"{rule_id} {by_id[rule_id].item}", style="List Bullet")
    notes = list(result.notes) + [f"文件“{e['file']}”无法读取：{e['message']}" for e in result.errors]
    if notes:
        document.add_heading("四、说明", level=1)
        for note in notes:
            document.add_paragraph(note, style="List Bullet")
    document.add_paragraph("本意见由材料检查工具依据规则库自动生成，供参考，以登记管理机关的正式审查意见为准。")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
