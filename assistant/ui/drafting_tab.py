"""章程起草 tab: a profile form grouped by section (defaults per type), live
validation, Markdown preview, DOCX download, the policy passages relevant to
the organization's field, and optional LLM help for 宗旨/业务范围 and clauses.

All drafting goes through ``services.drafter``; this module only maps form
values to profile data (``form_to_data``) and results to components.
"""

from __future__ import annotations

import html
import re
from fractions import Fraction
from typing import Any

import gradio as gr

from assistant.profile import type_defaults, validate_profile_data
from assistant.rules import Bound, Rulebook
from assistant.text.numerals import ratio_phrase, ratio_text
from assistant.ui import files as ui_files
from assistant.ui import marks

TYPE_CHOICES = ["社会团体", "行业协会", "异地商会", "社会服务机构", "公募基金会", "非公募基金会"]
# A stricter majority than any the rulebook requires, offered as well.
_STRICTER_RATIO = Fraction(3, 4)
FIELD_CATEGORIES = ["行业协会商会", "科技类", "公益慈善类", "城乡社区服务类", "其他"]
PARTY_MODES = ["独立党组织", "联合党组织", "党建联络员", "党建指导员"]
_STANDING_MEETINGS = 2  # the model charters' usual 常务理事会 frequency (not a legal number)
NO_LLM = "未启用大模型（LLM 后端为 none 或不可用），无法生成建议；起草功能不受影响。"

# Form field -> default value, per type choice (from assistant.profile.type_defaults).
FORM_KEYS = [
    "type_choice", "level", "region", "name", "address", "hometown", "registration_authority", "supervisory_unit",
    "direct_registration", "field_category", "purpose", "business_scope", "activity_area",
    "amount_yuan", "funds_source", "member_kinds", "individual_count", "unit_count", "dues", "founders",
    "assembly_form", "term_years", "assembly_quorum", "assembly_pass", "council_size_min", "council_size_max",
    "council_meetings", "council_quorum", "council_pass", "council_special", "has_standing", "standing_size",
    "standing_meetings", "supervision_form", "supervision_count", "chair_title", "vice_chair_title", "secretary_title",
    "legal_representative", "age_limit", "max_consecutive_terms", "full_party_members", "party_mode",
]


def _split_type(choice: str) -> tuple[str, str, str]:
    """Type choice -> (org_type, social_group_kind, foundation_kind)."""
    if choice in ("社会团体", "行业协会", "异地商会"):
        return "社会团体", "一般社会团体" if choice == "社会团体" else choice, "非公募"
    if choice.endswith("基金会"):
        return "基金会", "一般社会团体", choice.removesuffix("基金会")
    return "社会服务机构", "一般社会团体", "非公募"


def ratio_choices(rulebook: Rulebook) -> list[tuple[str, str]]:
    """The majorities a user may pick: every lower bound the rulebook states, and a stricter one."""
    values = {b.min for b in rulebook.provisions.values() if isinstance(b, Bound) and b.quantity == "ratio" and b.min}
    return [(f"{ratio_phrase(v)} ({ratio_text(v)})", ratio_text(v)) for v in sorted(values | {_STRICTER_RATIO}, reverse=True)
            if v < 1]


def form_defaults(choice: str, rulebook: Rulebook) -> dict[str, Any]:
    """Form values for a type choice (the model charters' numbers; names left empty)."""
    org_type, group_kind, foundation_kind = _split_type(choice)
    d = type_defaults(org_type, rulebook, social_group_kind=group_kind, foundation_kind=foundation_kind)
    gov, lead = d["governance"], d["leadership"]
    assembly, council = gov.get("assembly") or {}, gov["council"]
    members = d.get("members") or {}
    return {
        "type_choice": choice,
        "direct_registration": d.get("direct_registration", False),
        "field_category": d.get("field_category", "其他"),
        "amount_yuan": d["funds"]["amount_yuan"],
        "funds_source": d["funds"]["source"],
        "member_kinds": members.get("kinds", ["单位会员"]),
        "individual_count": members.get("individual_count", 0),
        "unit_count": members.get("unit_count", 0),
        "dues": members.get("dues", True),
        "assembly_form": assembly.get("form", "会员大会"),
        "term_years": council["term_years"],
        "assembly_quorum": assembly.get("quorum") or ratio_text(rulebook.bound("assembly_quorum").min),
        "assembly_pass": assembly.get("pass_ratio") or ratio_text(rulebook.bound("assembly_pass").min),
        "council_size_min": council["size_min"],
        "council_size_max": council["size_max"],
        "council_meetings": council["meetings_per_year"],
        "council_quorum": council["quorum"],
        "council_pass": council["pass_ratio"],
        "council_special": council["special_pass_ratio"],
        "has_standing": False,
        "standing_size": 0,
        "standing_meetings": _STANDING_MEETINGS,
        "supervision_form": gov["supervision"]["form"],
        "supervision_count": gov["supervision"]["count"],
        "chair_title": lead["chair_title"],
        "vice_chair_title": lead["vice_chair_title"],
        "secretary_title": lead["secretary_title"],
        "legal_representative": lead["legal_representative"],
        "age_limit": lead["age_limit"],
        "max_consecutive_terms": lead["max_consecutive_terms"],
        "full_party_members": d["party_building"]["full_party_members"],
        "party_mode": d["party_building"]["mode"],
    }


def _int(value: Any) -> Any:
    """Numbers from the form arrive as floats or None; keep anything else for the validator to report."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _lines(text: str) -> list[str]:
    return [re.sub(r"^\s*(?:[-*•]|\d+[.、]|（[一二三四五六七八九十]+）)\s*", "", line).strip().rstrip("；;。")
            for line in (text or "").splitlines() if line.strip()]


def _founders(text: str) -> list[dict]:
    """One 举办者 per line: 名称[，个人|单位[，出资元]]."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in re.split(r"[,，|]", line) if p.strip()]
        if not parts:
            continue
        founder: dict[str, Any] = {"name": parts[0]}
        if len(parts) > 1:
            founder["kind"] = parts[1]
        if len(parts) > 2:
            founder["contribution_yuan"] = _int(float(parts[2])) if re.fullmatch(r"[\d.]+", parts[2]) else parts[2]
        out.append(founder)
    return out


def form_to_data(values: dict[str, Any]) -> dict[str, Any]:
    """Form values (FORM_KEYS) -> raw profile data for validate_profile_data / the drafter.

    What the form does not ask (the region when left empty, the assembly's special majority)
    is left out: the rulebook supplies it.
    """
    v = values
    org_type, group_kind, foundation_kind = _split_type(v["type_choice"])
    term = _int(v["term_years"])
    council = {"size_min": _int(v["council_size_min"]), "size_max": _int(v["council_size_max"]), "term_years": term,
               "meetings_per_year": _int(v["council_meetings"]), "quorum": v["council_quorum"],
               "pass_ratio": v["council_pass"], "special_pass_ratio": v["council_special"]}
    governance: dict[str, Any] = {
        "council": council,
        "supervision": {"form": v["supervision_form"], "count": _int(v["supervision_count"]), "term_years": term},
    }
    data: dict[str, Any] = {
        "org_type": org_type, "level": v["level"], "region": (v["region"] or "").strip(),
        "name": v["name"], "address": v["address"], "purpose": v["purpose"], "business_scope": _lines(v["business_scope"]),
        "activity_area": v["activity_area"] or "", "field_category": v["field_category"],
        "registration_authority": v["registration_authority"],
        "direct_registration": bool(v["direct_registration"]),
        "supervisory_unit": None if v["direct_registration"] else ((v["supervisory_unit"] or "").strip() or None),
        "funds": {"amount_yuan": _int(v["amount_yuan"]), "source": v["funds_source"] or ""},
        "governance": governance,
        "leadership": {"chair_title": v["chair_title"], "vice_chair_title": v["vice_chair_title"],
                       "secretary_title": v["secretary_title"], "legal_representative": v["legal_representative"],
                       "age_limit": _int(v["age_limit"]), "max_consecutive_terms": _int(v["max_consecutive_terms"])},
        "party_building": {"full_party_members": _int(v["full_party_members"]), "mode": v["party_mode"]},
    }
    if org_type == "社会团体":
        data["social_group_kind"] = group_kind
        if group_kind == "异地商会":
            data["hometown"] = (v["hometown"] or "").strip() or None
        data["members"] = {"kinds": list(v["member_kinds"] or []), "individual_count": _int(v["individual_count"]) or 0,
                           "unit_count": _int(v["unit_count"]) or 0, "dues": bool(v["dues"])}
        governance["assembly"] = {"form": v["assembly_form"], "term_years": term, "quorum": v["assembly_quorum"],
                                  "pass_ratio": v["assembly_pass"]}
        if v["has_standing"]:
            governance["standing_council"] = {"size": _int(v["standing_size"]), "meetings_per_year": _int(v["standing_meetings"])}
    else:
        data["founders"] = _founders(v["founders"])
        if org_type == "基金会":
            data["foundation_kind"] = foundation_kind
    return data


def problems_markdown(values: dict[str, Any], rulebook: Rulebook) -> str:
    _, problems = validate_profile_data(form_to_data(values), rulebook)
    if not problems:
        return f"{marks.PASSED}组织概况未发现问题。"
    lines = []
    for p in problems:
        tag = marks.FAILED if p.severity == "error" else marks.CAUTION
        basis = f"（依据：{p.basis}）" if p.basis else ""
        lines.append(f"- {tag}{p.message}{basis}")
    return "\n".join(lines)


def passages_html(passages) -> str:
    if not passages.hits:
        return f"<p>{html.escape(passages.note)}</p>"
    cards = []
    for i, hit in enumerate(passages.hits, 1):
        meta = " · ".join(html.escape(x) for x in (hit["title"], hit["doc_number"], hit["section"]) if x)
        body = html.escape(hit["text"]).replace("\n", "<br>")
        cards.append(f'<div class="szzs-hit"><div class="meta">[{i}] {meta}</div><div class="text">{body}</div>'
                     f'<div class="meta">来源：{html.escape(hit["source"])}</div></div>')
    return "\n".join(cards)


def build(services) -> None:
    drafter, rulebook = services.drafter, services.rulebook
    start = form_defaults("社会团体", rulebook)
    gr.Markdown("根据组织概况起草章程：法定事项由模板逐项覆盖，数字全部取自概况。修改任一项，下方即时显示校验结果。")
    with gr.Row():
        with gr.Column(scale=3):
            c: dict[str, gr.components.Component] = {}
            _basic_info(c, start, rulebook)
            llm_help = _purpose_and_scope(c)
            _funds_and_members(c, start)
            _governance(c, start, ratio_choices(rulebook))
            _leadership_and_party(c, start)
            generate = gr.Button("生成章程草稿", variant="primary", elem_id="drafting-generate")
        with gr.Column(scale=2):
            side = _side_panel(start, rulebook)
    preview = gr.Markdown(elem_id="drafting-preview")
    inputs = [c[k] for k in FORM_KEYS]
    _wire_validation(c, inputs, side["problems"], rulebook)
    _wire_generate(drafter, inputs, generate, side, preview)
    _wire_llm_help(drafter, c, llm_help, side)


def _values_of(args) -> dict[str, Any]:
    return dict(zip(FORM_KEYS, args))


# --- the form, one accordion at a time ---------------------------------------------------

def _basic_info(c: dict, start: dict, rulebook: Rulebook) -> None:
    here = rulebook.locality
    with gr.Accordion("一、基本信息", open=True):
        with gr.Row():
            c["type_choice"] = gr.Radio(TYPE_CHOICES, value="社会团体", label="组织类型", elem_id="drafting-type")
            c["level"] = gr.Radio(["全国性", "市级", "区级"], value="市级", label="层级", elem_id="drafting-level")
        with gr.Row():
            c["name"] = gr.Textbox(label="名称", placeholder=f"如：{here.name}人工智能伦理研究会", elem_id="drafting-name")
            c["region"] = gr.Textbox(label="行政区划", value=here.name, elem_id="drafting-region")
        c["address"] = gr.Textbox(label="住所", placeholder="具体到门牌号", elem_id="drafting-address")
        c["hometown"] = gr.Textbox(label="原籍地（仅异地商会）", placeholder="如：浙江省温州市", elem_id="drafting-hometown")
        with gr.Row():
            c["registration_authority"] = gr.Textbox(label="登记管理机关", value=here.registration_authority,
                                                     elem_id="drafting-authority")
            c["supervisory_unit"] = gr.Textbox(label="业务主管单位（直接登记的不填）", elem_id="drafting-unit")
        with gr.Row():
            c["direct_registration"] = gr.Checkbox(label="直接登记", value=start["direct_registration"], elem_id="drafting-direct")
            c["field_category"] = gr.Dropdown(FIELD_CATEGORIES, value=start["field_category"], label="领域类别",
                                              elem_id="drafting-category")


def _purpose_and_scope(c: dict) -> dict:
    """宗旨 and 业务范围, with the optional LLM polishing; returns the polishing components."""
    ui: dict[str, Any] = {}
    with gr.Accordion("二、宗旨和业务范围", open=True):
        c["purpose"] = gr.Textbox(label="宗旨", lines=2, elem_id="drafting-purpose")
        c["business_scope"] = gr.Textbox(label="业务范围（每行一项）", lines=4, elem_id="drafting-scope")
        c["activity_area"] = gr.Textbox(label="活动地域（空则按行政区划）", elem_id="drafting-area")
        with gr.Row():
            ui["description"] = gr.Textbox(label="简短说明（供大模型润色）", placeholder="用几句话说明组织做什么", scale=3)
            ui["polish_purpose"] = gr.Button("润色宗旨", scale=1)
            ui["polish_scope"] = gr.Button("润色业务范围", scale=1)
        ui["suggestion"] = gr.Textbox(label="建议（可编辑后采用）", lines=3, elem_id="drafting-suggestion")
        ui["suggestion_field"] = gr.State("")
        ui["accept"] = gr.Button("采用建议")
    return ui


def _funds_and_members(c: dict, start: dict) -> None:
    with gr.Accordion("三、资金", open=False):
        with gr.Row():
            c["amount_yuan"] = gr.Number(label="活动资金/开办资金/原始基金（元）", value=start["amount_yuan"], precision=0,
                                         elem_id="drafting-amount")
            c["funds_source"] = gr.Textbox(label="资金来源", value=start["funds_source"], elem_id="drafting-source")
    with gr.Accordion("四、会员（社会团体）/ 举办者（社会服务机构、基金会）", open=False):
        with gr.Row():
            c["member_kinds"] = gr.CheckboxGroup(["个人会员", "单位会员"], value=start["member_kinds"], label="会员类别")
            c["individual_count"] = gr.Number(label="个人会员数", value=start["individual_count"], precision=0,
                                              elem_id="drafting-individuals")
            c["unit_count"] = gr.Number(label="单位会员数", value=start["unit_count"], precision=0, elem_id="drafting-units")
            c["dues"] = gr.Checkbox(label="收取会费", value=True)
        c["founders"] = gr.Textbox(label="举办者/发起人（每行：名称，个人或单位，出资元）", lines=2, elem_id="drafting-founders")


def _governance(c: dict, start: dict, ratios: list[tuple[str, str]]) -> None:
    with gr.Accordion("五、组织机构", open=True):
        with gr.Row():
            c["assembly_form"] = gr.Radio(["会员大会", "会员代表大会"], value=start["assembly_form"], label="最高权力机构（社会团体）")
            c["term_years"] = gr.Number(label="每届年限（各机构相同）", value=start["term_years"], precision=0,
                                        elem_id="drafting-term")
            c["assembly_quorum"] = gr.Dropdown(ratios, value=start["assembly_quorum"], label="大会到会比例")
            c["assembly_pass"] = gr.Dropdown(ratios, value=start["assembly_pass"], label="大会表决比例")
        with gr.Row():
            c["council_size_min"] = gr.Number(label="理事人数下限", value=start["council_size_min"], precision=0,
                                              elem_id="drafting-council-min")
            c["council_size_max"] = gr.Number(label="理事人数上限", value=start["council_size_max"], precision=0,
                                              elem_id="drafting-council-max")
            c["council_meetings"] = gr.Number(label="理事会每年至少召开（次）", value=start["council_meetings"], precision=0)
        with gr.Row():
            c["council_quorum"] = gr.Dropdown(ratios, value=start["council_quorum"], label="理事会到会比例")
            c["council_pass"] = gr.Dropdown(ratios, value=start["council_pass"], label="理事会表决比例")
            c["council_special"] = gr.Dropdown(ratios, value=start["council_special"], label="重大事项表决比例")
        with gr.Row():
            c["has_standing"] = gr.Checkbox(label="设常务理事会", value=False, elem_id="drafting-has-standing")
            c["standing_size"] = gr.Number(label="常务理事人数", value=0, precision=0, elem_id="drafting-standing-size")
            c["standing_meetings"] = gr.Number(label="常务理事会每年至少召开（次）", value=start["standing_meetings"], precision=0)
        with gr.Row():
            c["supervision_form"] = gr.Radio(["监事", "监事会"], value=start["supervision_form"], label="监督机构")
            c["supervision_count"] = gr.Number(label="监事人数", value=start["supervision_count"], precision=0)


def _leadership_and_party(c: dict, start: dict) -> None:
    with gr.Accordion("六、负责人", open=True):
        with gr.Row():
            c["chair_title"] = gr.Textbox(label="主要负责人职务", value=start["chair_title"])
            c["vice_chair_title"] = gr.Textbox(label="副职职务", value=start["vice_chair_title"])
            c["secretary_title"] = gr.Textbox(label="秘书长职务", value=start["secretary_title"])
            c["legal_representative"] = gr.Textbox(label="法定代表人由何职务担任", value=start["legal_representative"])
        with gr.Row():
            c["age_limit"] = gr.Number(label="最高任职年龄（周岁）", value=start["age_limit"], precision=0,
                                       elem_id="drafting-age-limit")
            c["max_consecutive_terms"] = gr.Number(label="最多连任届数", value=start["max_consecutive_terms"], precision=0)
    with gr.Accordion("七、党建", open=False):
        with gr.Row():
            c["full_party_members"] = gr.Number(label="正式党员人数", value=start["full_party_members"], precision=0)
            c["party_mode"] = gr.Radio(PARTY_MODES, value=start["party_mode"], label="党建方式")


def _side_panel(start: dict, rulebook: Rulebook) -> dict:
    side: dict[str, Any] = {}
    side["problems"] = gr.Markdown(problems_markdown({**start, **_blank_text(rulebook)}, rulebook), elem_id="drafting-problems",
                                   label="校验结果")
    side["status"] = gr.Markdown(elem_id="drafting-status")
    side["docx"] = gr.File(label="下载章程（DOCX）", interactive=False, elem_id="drafting-docx")
    with gr.Accordion("相关政策条文", open=True):
        side["passages"] = gr.HTML(elem_id="drafting-passages")
    with gr.Accordion("条款解释（需大模型）", open=False):
        side["clause"] = gr.Textbox(label="粘贴一条条款", lines=2)
        side["explain"] = gr.Button("解释")
        side["explanation"] = gr.Markdown()
    return side


# --- events ---------------------------------------------------------------------------------

def _wire_validation(c: dict, inputs: list, problems, rulebook: Rulebook) -> None:
    def on_change(*args):
        return problems_markdown(_values_of(args), rulebook)

    # .change also fires when the type switch below rewrites the defaults, so the
    # messages always describe what the form shows; always_last drops stale runs.
    for component in inputs:
        component.change(on_change, inputs=inputs, outputs=problems, show_progress="hidden", trigger_mode="always_last")

    default_keys = [k for k in FORM_KEYS if k in form_defaults("社会团体", rulebook) and k != "type_choice"]

    def on_type(choice):
        defaults = form_defaults(choice, rulebook)
        return [defaults[k] for k in default_keys]

    c["type_choice"].change(on_type, inputs=c["type_choice"], outputs=[c[k] for k in default_keys])


def _wire_generate(drafter, inputs: list, generate, side: dict, preview) -> None:
    def on_generate(*args):
        try:
            result = drafter.draft(form_to_data(_values_of(args)))
        except Exception as exc:  # noqa: BLE001 — show every drafting error to the user, in Chinese
            return f"**未能生成章程草稿**\n\n{html.escape(str(exc))}", None, "", gr.update()
        out_dir = ui_files.output_dir("szzs-draft-")
        safe_name = re.sub(r"[\\/:*?\"<>|\s]", "", result.profile.name) or "charter"
        path = result.write_docx(out_dir / f"{safe_name}章程.docx")
        note = "；".join(result.warnings)
        summary = (f"已生成：{result.charter.title}，共{len(result.charter.chapters)}章{len(result.charter.articles)}条；"
                   f"法定事项 {sum(1 for r in result.charter.coverage if r.articles)}/{len(result.charter.coverage)} 项已覆盖；"
                   f"一致性检查 {result.checks_passed}/{len(result.checks)} 通过。" + (f"\n\n提示：{note}" if note else ""))
        return summary, str(path), result.markdown, passages_html(drafter.relevant_passages(result.profile))

    generate.click(on_generate, inputs=inputs, outputs=[side["status"], side["docx"], preview, side["passages"]])


def _wire_llm_help(drafter, c: dict, ui: dict, side: dict) -> None:
    def on_polish(field_name, text, choice, name):
        org_type = _split_type(choice)[0]
        try:
            s = drafter.suggest_wording(field_name, text or "", org_type, name or "")
        except Exception as exc:  # noqa: BLE001 — a failing model must not break the form
            return f"（生成建议失败：{exc}）", field_name
        if s is None:
            return (NO_LLM if not drafter.has_llm else "请先填写简短说明。"), field_name
        return s.text, field_name

    polish_inputs = [ui["description"], c["type_choice"], c["name"]]
    ui["polish_purpose"].click(lambda t, ch, n: on_polish("purpose", t, ch, n), inputs=polish_inputs,
                               outputs=[ui["suggestion"], ui["suggestion_field"]])
    ui["polish_scope"].click(lambda t, ch, n: on_polish("business_scope", t, ch, n), inputs=polish_inputs,
                             outputs=[ui["suggestion"], ui["suggestion_field"]])

    def on_accept(text, field_name, purpose, scope):
        if not text or text.startswith(("（", NO_LLM[:6])) or field_name not in ("purpose", "business_scope"):
            return purpose, scope
        return (text, scope) if field_name == "purpose" else (purpose, text)

    ui["accept"].click(on_accept, inputs=[ui["suggestion"], ui["suggestion_field"], c["purpose"], c["business_scope"]],
                       outputs=[c["purpose"], c["business_scope"]])

    def on_explain(text, choice):
        answer = drafter.explain_clause(text or "", _split_type(choice)[0])
        return answer or (NO_LLM if not drafter.has_llm else "请先粘贴一条条款。")

    side["explain"].click(on_explain, inputs=[side["clause"], c["type_choice"]], outputs=side["explanation"])


def _blank_text(rulebook: Rulebook) -> dict[str, Any]:
    """The text fields' initial values, for the first validation message."""
    here = rulebook.locality
    return {"level": "市级", "region": here.name, "name": "", "address": "", "hometown": "",
            "registration_authority": here.registration_authority, "supervisory_unit": "", "purpose": "", "business_scope": "",
            "activity_area": "", "founders": ""}
