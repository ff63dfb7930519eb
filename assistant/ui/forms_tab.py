"""智能填报 tab: choose a form, load a profile or upload documents, see each field
prefilled with its source, edit with live validation, ask for guidance or an AI
wording suggestion, download the filled form as DOCX or JSON.

Every form's fields are built once (hidden unless chosen), so element ids are
stable: ``fill-<form>-<field>`` for the input, ``fill-<form>-<field>-note`` for
its source and check line. The per-session state keeps one ``FilledForm`` per
form; edits go through ``FormFillingService.apply`` like the CLI's ``--set``.
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path

import gradio as gr

STATUS_ICONS = {"ok": "✓", "missing": "○", "invalid": "✗"}  # glyphs every CJK font has


def _paths(files) -> list[str]:
    if not files:
        return []
    files = files if isinstance(files, list) else [files]
    return [f if isinstance(f, str) else f.name for f in files]


def render_note(row: dict) -> str:
    parts = []
    if row["source"]:
        parts.append(f"<span class='fill-source'>来源：{html.escape(row['source'])}</span>")
    if row["status"] == "ok":
        if row["value"]:
            parts.append(f"{STATUS_ICONS['ok']} 通过")
    else:
        parts.append(f"{STATUS_ICONS[row['status']]} {html.escape(row['message'])}")
    if row["status"] == "ok" and row["message"]:  # e.g. a document that disagrees with the profile
        parts.append(f"注意：{html.escape(row['message']).removeprefix('注意：')}")
    return "<br>".join(parts)


def render_summary(filled, messages: list[str]) -> str:
    rows = filled.rows()
    missing = sum(r["status"] == "missing" for r in rows)
    invalid = sum(r["status"] == "invalid" for r in rows)
    prefilled = sum(1 for r in rows if r["source"] and not r["source"].startswith("用户"))
    head = f"**{filled.form.title}**：共{len(rows)}栏，已预填{prefilled}栏；"
    head += "全部通过校验。" if not (missing or invalid) else f"{missing}栏必填未填，{invalid}栏有误。"
    return "\n".join([head] + [f"- ✗ {m}" for m in messages])


def build(services) -> None:
    filler = services.filler
    forms = filler.forms
    if not forms:
        gr.Markdown("没有可用的表单定义（corpus/forms）。\n" + "\n".join(f"- {e}" for e in filler.load_errors))
        return
    form_list = list(forms.values())
    default_id = form_list[0].id

    gr.Markdown("选择表单后，上传组织概况（YAML/JSON）或章程、上年度工作报告等材料，点击“预填”；"
                "每一栏右侧显示内容来源和校验结果，修改时即时校验。校验只依据规则，不依赖大模型。")
    with gr.Row():
        chooser = gr.Dropdown(choices=[(f.title, f.id) for f in form_list], value=default_id, label="选择表单",
                              elem_id="fill-form", scale=2)
        profile_file = gr.File(label="组织概况（YAML/JSON）", file_types=[".yaml", ".yml", ".json"],
                               type="filepath", elem_id="fill-profile", scale=2)
        documents = gr.File(label="材料：章程、上年度工作报告等", file_count="multiple",
                            file_types=[".docx", ".pdf", ".txt", ".md"], type="filepath", elem_id="fill-documents", scale=2)
        prefill_button = gr.Button("预填", variant="primary", elem_id="fill-prefill", scale=1)
    summary = gr.Markdown(elem_id="fill-summary")
    state = gr.State({})  # form id -> FilledForm

    groups: dict[str, gr.Column] = {}
    boxes: dict[str, list] = {}
    notes: dict[str, list] = {}
    for form in form_list:
        with gr.Column(visible=form.id == default_id, elem_id=f"fill-group-{form.id}") as group:
            gr.Markdown(f"### {form.title}\n{form.description}")
            boxes[form.id], notes[form.id] = [], []
            section = None
            for f in form.fields:
                if f.section and f.section != section:
                    section = f.section
                    gr.Markdown(f"#### {section}")
                with gr.Row(equal_height=False):
                    label = f.label + ("（必填）" if f.required else "")
                    elem_id = f"fill-{form.id}-{f.id}"
                    if f.type == "choice":
                        box = gr.Dropdown(choices=f.choices, value=None, label=label, info=f.help, allow_custom_value=True,
                                          elem_id=elem_id, scale=3)
                    else:
                        box = gr.Textbox(label=label, info=f.help, lines=3 if f.multiline else 1,
                                         placeholder=f.placeholder or None, elem_id=elem_id, scale=3)
                    note = gr.Markdown(elem_id=f"{elem_id}-note", min_height=0)
                boxes[form.id].append(box)
                notes[form.id].append(note)
        groups[form.id] = group

    with gr.Accordion("填写说明与建议措辞", open=False, elem_id="fill-help"):
        with gr.Row():
            field_choice = gr.Dropdown(label="栏目", choices=[(f.label, f.id) for f in forms[default_id].fields],
                                       elem_id="fill-help-field", scale=2)
            help_button = gr.Button("查看说明", elem_id="fill-help-button", scale=1)
            suggest_button = gr.Button("AI 建议措辞", elem_id="fill-suggest-button", scale=1)
        guidance = gr.Markdown(elem_id="fill-guidance")
        suggestion = gr.Textbox(label="建议措辞（采纳前请核对）", lines=3, elem_id="fill-suggestion")
        accept_button = gr.Button("采纳建议", elem_id="fill-accept")

    with gr.Row():
        docx_button = gr.Button("生成 DOCX", variant="primary", elem_id="fill-docx")
        json_button = gr.Button("导出 JSON", elem_id="fill-json")
    download = gr.File(label="下载", elem_id="fill-download", interactive=False)

    all_boxes = [b for fid in boxes for b in boxes[fid]]
    all_notes = [n for fid in notes for n in notes[fid]]

    def entries_of(form_id, values) -> dict[str, str]:
        return {f.id: "" if v is None else str(v) for f, v in zip(forms[form_id].fields, values)}

    def current(state_value, form_id):
        if form_id not in state_value:
            state_value[form_id] = filler.prefill(form_id)
        return state_value[form_id]

    # --- choose a form ---------------------------------------------------------
    def choose(form_id):
        return [gr.update(visible=fid == form_id) for fid in groups] + [
            gr.update(choices=[(f.label, f.id) for f in forms[form_id].fields], value=None)]

    chooser.change(choose, inputs=chooser, outputs=[*groups.values(), field_choice])

    # --- prefill -----------------------------------------------------------------
    def prefill(form_id, profile_path, document_files, state_value):
        from assistant.profile import ProfileError

        messages: list[str] = []
        profile = None
        if profile_path:
            try:
                profile = filler.load_profile(profile_path)
            except ProfileError as exc:
                messages.append(str(exc))
        paths = _paths(document_files)
        filled = filler.fill(form_id, profile=profile, documents=paths, document_names=[Path(p).name for p in paths])
        messages += filled.document_errors
        state_value[form_id] = filled
        rows = {r["id"]: r for r in filled.rows()}
        box_updates, note_updates = [], []
        for fid in boxes:
            for f in forms[fid].fields:
                if fid == form_id:
                    box_updates.append(gr.update(value=rows[f.id]["value"] or None if f.type == "choice" else rows[f.id]["value"]))
                    note_updates.append(render_note(rows[f.id]))
                else:
                    box_updates.append(gr.skip())
                    note_updates.append(gr.skip())
        return [state_value, render_summary(filled, messages), *box_updates, *note_updates]

    prefill_button.click(prefill, inputs=[chooser, profile_file, documents, state],
                         outputs=[state, summary, *all_boxes, *all_notes])

    # --- live validation, one listener per form --------------------------------
    for form in form_list:
        def validate_live(state_value, *values, form_id=form.id):
            filled = filler.apply(current(state_value, form_id), entries_of(form_id, values))
            return [state_value, render_summary(filled, []), *[render_note(r) for r in filled.rows()]]

        # ``change`` (not ``input``) so that pasted or scripted values are checked too;
        # after a prefill it re-checks once more, which is harmless (always_last).
        triggers = [b.change for b in boxes[form.id]]
        gr.on(triggers, validate_live, inputs=[state, *boxes[form.id]], outputs=[state, summary, *notes[form.id]],
              trigger_mode="always_last", show_progress="hidden")

    # --- guidance and suggestions -------------------------------------------------
    def show_guidance(form_id, field_id, state_value):
        if not field_id:
            return "请先选择栏目。"
        filled = current(state_value, form_id)
        values = {k: v.value for k, v in filled.values.items()}
        return filler.guidance(form_id, field_id, values).markdown()

    help_button.click(show_guidance, inputs=[chooser, field_choice, state], outputs=guidance)
    field_choice.change(show_guidance, inputs=[chooser, field_choice, state], outputs=guidance)

    def suggest(form_id, field_id, state_value):
        if not field_id:
            return gr.update(), "请先选择栏目。"
        field = forms[form_id].field(field_id)
        if not field.suggest:
            return "", f"“{field.label}”不提供建议措辞（只对业务范围、活动情况等自由文字栏目提供）。"
        filled = current(state_value, form_id)
        try:
            result = filler.suggest(form_id, field_id, {k: v.value for k, v in filled.values.items()})
        except Exception as exc:  # a model that fails must not break the form
            return "", f"生成建议失败：{exc}"
        if result is None:
            return "", "未配置大模型（LLM backend 为 none），无法提供建议措辞；校验与预填不受影响。"
        return result.text, result.note or "已生成建议，核对后点击“采纳建议”填入该栏。"

    suggest_button.click(suggest, inputs=[chooser, field_choice, state], outputs=[suggestion, guidance])

    def accept(form_id, field_id, text, state_value):
        updates = [gr.skip() for _ in all_boxes]
        note_updates = [gr.skip() for _ in all_notes]
        if not field_id or not (text or "").strip():
            return [state_value, "没有可采纳的建议。", *updates, *note_updates]
        from assistant.forms.service import Suggestion

        filled = filler.accept_suggestion(current(state_value, form_id), Suggestion(field_id, text.strip()))
        offset = 0
        for fid in boxes:
            if fid == form_id:
                index = [f.id for f in forms[fid].fields].index(field_id)
                updates[offset + index] = gr.update(value=text.strip())
                for i, row in enumerate(filled.rows()):
                    note_updates[offset + i] = render_note(row)
                break
            offset += len(boxes[fid])
        return [state_value, render_summary(filled, []), *updates, *note_updates]

    accept_button.click(accept, inputs=[chooser, field_choice, suggestion, state],
                        outputs=[state, summary, *all_boxes, *all_notes])

    # --- download ------------------------------------------------------------------
    def export(kind, form_id, state_value, *values):
        offset = 0
        for fid in boxes:
            if fid == form_id:
                break
            offset += len(boxes[fid])
        own = values[offset: offset + len(boxes[form_id])]
        filled = filler.apply(current(state_value, form_id), entries_of(form_id, own))
        out_dir = Path(tempfile.mkdtemp(prefix="szzs-fill-"))
        if kind == "docx":
            path = filler.write_docx(filled, out_dir / f"{filled.form.title}.docx")
        else:
            path = out_dir / f"{filled.form.title}.json"
            path.write_text(json.dumps(filler.to_json(filled), ensure_ascii=False, indent=1), encoding="utf-8")
        return state_value, str(path)

    docx_button.click(lambda *a: export("docx", *a), inputs=[chooser, state, *all_boxes], outputs=[state, download])
    json_button.click(lambda *a: export("json", *a), inputs=[chooser, state, *all_boxes], outputs=[state, download])
