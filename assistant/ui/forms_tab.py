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
import time

import gradio as gr

from assistant.ui import files as ui_files

STATUS_ICONS = {"ok": "✓", "missing": "○", "invalid": "✗"}  # glyphs every CJK font has


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


PREFILL_NOTES = "_prefill_notes"  # key in the per-session state: form id -> (messages, time line)


def render_summary(filled, messages: list[str]) -> str:
    rows = filled.rows()
    missing = sum(r["status"] == "missing" for r in rows)
    invalid = sum(r["status"] == "invalid" for r in rows)
    prefilled = sum(1 for r in rows if r["source"] and not r["source"].startswith("用户"))
    head = f"**{filled.form.title}**：共{len(rows)}栏，已预填{prefilled}栏；"
    head += "全部通过校验。" if not (missing or invalid) else f"{missing}栏必填未填，{invalid}栏有误。"
    return "\n".join([head] + [f"- {n}" for n in filled.notices] + [f"- ✗ {m}" for m in messages])


def build(services, profile: gr.State | None = None) -> None:
    """The tab; ``profile`` is the organization profile the tabs share (章程起草 edits it)."""
    filler = services.filler
    if not filler.forms:
        gr.Markdown("没有可用的表单定义（corpus/forms）。\n" + "\n".join(f"- {e}" for e in filler.load_errors))
        return
    gr.Markdown("选择表单，点击“预填”：各栏取自“章程起草”中的组织概况（不需要任何文件），也可上传保存过的组织概况文件，"
                "或章程、上年度工作报告等材料；每一栏右侧显示内容来源和校验结果，修改时即时校验。校验只依据规则，不依赖大模型。")
    tab = _FormsTab(filler, profile if profile is not None else gr.State(None))
    tab.wire_choose()
    tab.wire_prefill()
    tab.wire_live_validation()
    tab.wire_guidance()
    tab.wire_export()


class _FormsTab:
    """The tab's components and their events. Every form's fields are built once (hidden unless
    chosen); ``boxes``/``notes`` hold each form's inputs and note lines, in field order."""

    def __init__(self, filler, profile: gr.State):
        self.filler = filler
        self.profile = profile
        self.forms = filler.forms
        self.form_list = list(self.forms.values())
        default_id = self.form_list[0].id
        from assistant.ui.drafting_tab import profile_label

        self.profile_line = gr.Markdown(profile_label(None), elem_id="fill-profile-current")
        self.profile.change(profile_label, inputs=self.profile, outputs=self.profile_line, show_progress="hidden")
        with gr.Row():
            self.chooser = gr.Dropdown(choices=[(f.title, f.id) for f in self.form_list], value=default_id, label="选择表单",
                                       elem_id="fill-form", scale=2)
            self.profile_file = gr.File(label="另用保存过的组织概况文件（可选，.yaml / .json）", file_types=[".yaml", ".yml", ".json"],
                                        type="filepath", elem_id="fill-profile", scale=2)
            self.documents = gr.File(label="材料：章程、上年度工作报告等", file_count="multiple",
                                     file_types=[".docx", ".pdf", ".txt", ".md"], type="filepath", elem_id="fill-documents",
                                     scale=2)
            self.prefill_button = gr.Button("预填", variant="primary", elem_id="fill-prefill", scale=1)
        self.summary = gr.Markdown(elem_id="fill-summary")
        self.state = gr.State({})  # form id -> FilledForm
        self.groups, self.boxes, self.notes = {}, {}, {}
        for form in self.form_list:
            self._form_group(form, visible=form.id == default_id)
        self._help_panel(default_id)
        with gr.Row():
            self.docx_button = gr.Button("生成 DOCX", variant="primary", elem_id="fill-docx")
            self.json_button = gr.Button("导出 JSON", elem_id="fill-json")
        self.download = gr.File(label="下载", elem_id="fill-download", interactive=False)
        self.all_boxes = [b for fid in self.boxes for b in self.boxes[fid]]
        self.all_notes = [n for fid in self.notes for n in self.notes[fid]]

    # --- layout -------------------------------------------------------------------------
    def _form_group(self, form, visible: bool) -> None:
        with gr.Column(visible=visible, elem_id=f"fill-group-{form.id}") as group:
            gr.Markdown(f"### {form.title}\n{form.description}")
            self.boxes[form.id], self.notes[form.id] = [], []
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
                self.boxes[form.id].append(box)
                self.notes[form.id].append(note)
        self.groups[form.id] = group

    def _help_panel(self, default_id: str) -> None:
        with gr.Accordion("填写说明与建议措辞", open=False, elem_id="fill-help"):
            with gr.Row():
                self.field_choice = gr.Dropdown(label="栏目", choices=[(f.label, f.id) for f in self.forms[default_id].fields],
                                                elem_id="fill-help-field", scale=2)
                self.help_button = gr.Button("查看说明", elem_id="fill-help-button", scale=1)
                self.suggest_button = gr.Button("AI 建议措辞", elem_id="fill-suggest-button", scale=1)
            self.guidance = gr.Markdown(elem_id="fill-guidance")
            self.suggestion = gr.Textbox(label="建议措辞（采纳前请核对）", lines=3, elem_id="fill-suggestion")
            self.accept_button = gr.Button("采纳建议", elem_id="fill-accept")

    # --- helpers ----------------------------------------------------------------------------
    def entries_of(self, form_id, values) -> dict[str, str]:
        return {f.id: "" if v is None else str(v) for f, v in zip(self.forms[form_id].fields, values)}

    def summary_of(self, state_value, form_id: str, filled) -> str:
        """The form's summary with the last prefill's messages and time."""
        messages, took = state_value.get(PREFILL_NOTES, {}).get(form_id, ([], ""))
        return render_summary(filled, messages) + (f"\n\n{took}" if took else "")

    def current(self, state_value, form_id):
        if form_id not in state_value:
            state_value[form_id] = self.filler.prefill(form_id)
        return state_value[form_id]

    def offset(self, form_id: str) -> int:
        """Where a form's boxes start in ``all_boxes``."""
        out = 0
        for fid in self.boxes:
            if fid == form_id:
                return out
            out += len(self.boxes[fid])
        raise KeyError(form_id)

    # --- events -------------------------------------------------------------------------------
    def wire_choose(self) -> None:
        def choose(form_id):
            return [gr.update(visible=fid == form_id) for fid in self.groups] + [
                gr.update(choices=[(f.label, f.id) for f in self.forms[form_id].fields], value=None)]

        self.chooser.change(choose, inputs=self.chooser, outputs=[*self.groups.values(), self.field_choice])

    def shared_profile(self, data, messages: list[str]):
        """The shared profile as an OrgProfile for prefilling, or None (with the reason in ``messages``)."""
        from assistant.profile import validate_profile_data

        if not data or not data.get("name"):
            return None
        profile, problems = validate_profile_data(data, self.filler.rulebook)
        if profile is None:
            shown = "；".join(p.message for p in problems[:3]) + ("……" if len(problems) > 3 else "")
            messages.append(f"组织概况尚不完整，未用于预填（请在“章程起草”中补全）：{shown}")
        return profile

    def wire_prefill(self) -> None:
        def prefill(form_id, profile_path, document_files, state_value, shared):
            from assistant.profile import ProfileError, load_profile_data

            started = time.perf_counter()
            messages: list[str] = []
            with ui_files.reading(profile_path) as profile_paths, ui_files.reading(document_files) as paths:
                if profile_paths:
                    try:
                        shared = load_profile_data(profile_paths[0])  # the file becomes the shared profile
                    except ProfileError as exc:
                        messages.append(str(exc).replace(str(profile_paths[0]), profile_paths[0].name))
                profile = self.shared_profile(shared, messages)
                filled = self.filler.fill(form_id, profile=profile, documents=[str(p) for p in paths],
                                          document_names=[p.name for p in paths])
            messages += filled.document_errors
            took = f"预填用时 {time.perf_counter() - started:.1f} 秒" + ("（组织概况来自“章程起草”）" if profile is not None else "")
            state_value[form_id] = filled
            # Kept with the form: the live re-check after the boxes fill must not drop them.
            state_value.setdefault(PREFILL_NOTES, {})[form_id] = (messages, took)
            rows = {r["id"]: r for r in filled.rows()}
            box_updates, note_updates = [], []
            for fid in self.boxes:
                for f in self.forms[fid].fields:
                    if fid == form_id:
                        value = rows[f.id]["value"]
                        box_updates.append(gr.update(value=value or None if f.type == "choice" else value))
                        note_updates.append(render_note(rows[f.id]))
                    else:
                        box_updates.append(gr.skip())
                        note_updates.append(gr.skip())
            return [state_value, shared, self.summary_of(state_value, form_id, filled), *box_updates, *note_updates]

        self.prefill_button.click(prefill, inputs=[self.chooser, self.profile_file, self.documents, self.state, self.profile],
                                  outputs=[self.state, self.profile, self.summary, *self.all_boxes, *self.all_notes],
                                  api_name="prefill")

    def wire_live_validation(self) -> None:
        """One listener per form: ``change`` (not ``input``) so that pasted or scripted values are
        checked too; after a prefill it re-checks once more, which is harmless (always_last)."""
        for form in self.form_list:
            def validate_live(state_value, *values, form_id=form.id):
                filled = self.filler.apply(self.current(state_value, form_id), self.entries_of(form_id, values))
                # A corrected ID number re-derives birth date and gender: show the new values.
                shown = self.entries_of(form_id, values)
                boxes = [gr.update(value=filled.values[f.id].value) if filled.values[f.id].value != shown[f.id].strip()
                         else gr.skip() for f in self.forms[form_id].fields]
                return [state_value, self.summary_of(state_value, form_id, filled), *boxes,
                        *[render_note(r) for r in filled.rows()]]

            gr.on([b.change for b in self.boxes[form.id]], validate_live, inputs=[self.state, *self.boxes[form.id]],
                  outputs=[self.state, self.summary, *self.boxes[form.id], *self.notes[form.id]], trigger_mode="always_last",
                  show_progress="hidden")

    def wire_guidance(self) -> None:
        def show_guidance(form_id, field_id, state_value):
            if not field_id:
                return "请先选择栏目。"
            filled = self.current(state_value, form_id)
            values = {k: v.value for k, v in filled.values.items()}
            return self.filler.guidance(form_id, field_id, values).markdown()

        self.help_button.click(show_guidance, inputs=[self.chooser, self.field_choice, self.state], outputs=self.guidance)
        self.field_choice.change(show_guidance, inputs=[self.chooser, self.field_choice, self.state], outputs=self.guidance)

        def suggest(form_id, field_id, state_value):
            if not field_id:
                return gr.update(), "请先选择栏目。"
            field = self.forms[form_id].field(field_id)
            if not field.suggest:
                return "", f"“{field.label}”不提供建议措辞（只对业务范围、活动情况等自由文字栏目提供）。"
            filled = self.current(state_value, form_id)
            try:
                result = self.filler.suggest(form_id, field_id, {k: v.value for k, v in filled.values.items()})
            except Exception as exc:  # a model that fails must not break the form
                return "", f"生成建议失败：{exc}"
            if result is None:
                return "", "未配置大模型（LLM backend 为 none），无法提供建议措辞；校验与预填不受影响。"
            return result.text, result.note or "已生成建议，核对后点击“采纳建议”填入该栏。"

        self.suggest_button.click(suggest, inputs=[self.chooser, self.field_choice, self.state],
                                  outputs=[self.suggestion, self.guidance])

        def accept(form_id, field_id, text, state_value):
            updates = [gr.skip() for _ in self.all_boxes]
            note_updates = [gr.skip() for _ in self.all_notes]
            if not field_id or not (text or "").strip():
                return [state_value, "没有可采纳的建议。", *updates, *note_updates]
            from assistant.forms.service import Suggestion

            filled = self.filler.accept_suggestion(self.current(state_value, form_id), Suggestion(field_id, text.strip()))
            start = self.offset(form_id)
            index = [f.id for f in self.forms[form_id].fields].index(field_id)
            updates[start + index] = gr.update(value=text.strip())
            for i, row in enumerate(filled.rows()):
                note_updates[start + i] = render_note(row)
            return [state_value, render_summary(filled, []), *updates, *note_updates]

        self.accept_button.click(accept, inputs=[self.chooser, self.field_choice, self.suggestion, self.state],
                                 outputs=[self.state, self.summary, *self.all_boxes, *self.all_notes])

    def wire_export(self) -> None:
        def export(kind, form_id, state_value, *values):
            start = self.offset(form_id)
            own = values[start: start + len(self.boxes[form_id])]
            filled = self.filler.apply(self.current(state_value, form_id), self.entries_of(form_id, own))
            out_dir = ui_files.output_dir("szzs-fill-")
            if kind == "docx":
                path = self.filler.write_docx(filled, out_dir / f"{filled.form.title}.docx")
            else:
                path = out_dir / f"{filled.form.title}.json"
                path.write_text(json.dumps(self.filler.to_json(filled), ensure_ascii=False, indent=1), encoding="utf-8")
            return state_value, str(path)

        inputs = [self.chooser, self.state, *self.all_boxes]
        self.docx_button.click(lambda *a: export("docx", *a), inputs=inputs, outputs=[self.state, self.download])
        self.json_button.click(lambda *a: export("json", *a), inputs=inputs, outputs=[self.state, self.download])
