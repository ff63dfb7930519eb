"""章程起草 tab: a profile form grouped by section (defaults per type), live
validation, Markdown preview, DOCX download, the policy passages relevant to
the organization's field, and optional LLM help for 宗旨/业务范围 and clauses.

The form is the editor of the organization profile the tabs share (one
``gr.State`` made in assistant/ui/app.py): it starts from an example, a saved
profile file or a charter read back, every edit updates the shared profile, and
a profile changed elsewhere (智能填报, 材料检查) refills the form. The form on the
left, the checks and the (height-limited) preview on the right, wrapping to one
column on a narrow screen.

All drafting goes through ``services.drafter``; this module only maps form
values to profile data (``form_to_data``, ``data_to_form``) and results to components.
"""

from __future__ import annotations

import html
import re
import time
from fractions import Fraction
from typing import Any

import gradio as gr

from assistant.profile import (
    PROFILE_SUFFIXES,
    ProfileError,
    example_profiles,
    keep_unasked,
    load_profile_data,
    save_profile_data,
    type_defaults,
    validate_profile_data,
)
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
PREVIEW_MAX_HEIGHT = 640  # px: the preview scrolls instead of making the page ~8,000 px tall
COLUMN_MIN_WIDTH = 460  # px: below two of these the columns wrap into one
# What the form leaves out on purpose for some types; a loaded profile's value must not come back.
FORM_DECIDES = ("members", "founders", "hometown", "social_group_kind", "foundation_kind", "supervisory_unit",
                "governance.assembly", "governance.standing_council")

# Form field -> default value, per type choice (from assistant.profile.type_defaults).
FORM_KEYS = [
    "type_choice", "level", "region", "name", "credit_code", "address", "hometown", "registration_authority", "supervisory_unit",
    "direct_registration", "field_category", "purpose", "business_scope", "activity_area",
    "amount_yuan", "funds_source", "member_kinds", "individual_count", "unit_count", "dues", "founders",
    "assembly_form", "term_years", "assembly_quorum", "assembly_pass", "council_size_min", "council_size_max",
    "council_meetings", "council_quorum", "council_pass", "council_special", "has_standing", "standing_size",
    "standing_meetings", "supervision_form", "supervision_count", "chair_title", "vice_chair_title", "secretary_title",
    "legal_representative", "age_limit", "max_consecutive_terms", "persons", "full_party_members", "party_mode",
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


def _persons(text: str) -> list[dict]:
    """One 拟任负责人 per line: 姓名，职务[，身份证号码]."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in re.split(r"[,，|]", line) if p.strip()]
        if len(parts) >= 2:
            person = {"name": parts[0], "role": parts[1]}
            if len(parts) > 2:
                person["id_number"] = parts[2].upper()
            out.append(person)
    return out


def _with_known_persons(persons: list[dict], known: list[dict]) -> list[dict]:
    """The form's persons, each keeping what a loaded profile knew of them beyond name, role and ID."""
    by_name = {p.get("name"): p for p in known or []}
    return [{**{k: v for k, v in by_name.get(p["name"], {}).items() if k not in ("role", "id_number")}, **p}
            for p in persons]


def form_to_data(values: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Form values (FORM_KEYS) -> raw profile data for validate_profile_data / the drafter.

    What the form does not ask (the region when left empty, the assembly's special majority)
    is left out: the rulebook supplies it, unless ``base`` (the profile the form was loaded
    from) states it.
    """
    data = _form_data(values)
    if base:
        data["leadership"]["persons"] = _with_known_persons(data["leadership"]["persons"],
                                                            (base.get("leadership") or {}).get("persons") or [])
    return keep_unasked(data, base, FORM_DECIDES)


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
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
        "name": v["name"], "credit_code": (v.get("credit_code") or "").strip().upper() or None, "address": v["address"], "purpose": v["purpose"], "business_scope": _lines(v["business_scope"]),
        "activity_area": v["activity_area"] or "", "field_category": v["field_category"],
        "registration_authority": v["registration_authority"],
        "direct_registration": bool(v["direct_registration"]),
        "supervisory_unit": None if v["direct_registration"] else ((v["supervisory_unit"] or "").strip() or None),
        "funds": {"amount_yuan": _int(v["amount_yuan"]), "source": v["funds_source"] or ""},
        "governance": governance,
        "leadership": {"chair_title": v["chair_title"], "vice_chair_title": v["vice_chair_title"],
                       "secretary_title": v["secretary_title"], "legal_representative": v["legal_representative"],
                       "age_limit": _int(v["age_limit"]), "max_consecutive_terms": _int(v["max_consecutive_terms"]),
                       "persons": _persons(v.get("persons") or "")},
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


def type_choice_of(data: dict[str, Any]) -> str:
    """The form's type choice for profile data (the inverse of ``_split_type``)."""
    org_type = data.get("org_type") or "社会团体"
    if org_type == "基金会":
        return f"{data.get('foundation_kind') or '非公募'}基金会"
    if org_type == "社会团体":
        kind = data.get("social_group_kind") or "一般社会团体"
        return kind if kind in TYPE_CHOICES else "社会团体"
    return org_type if org_type in TYPE_CHOICES else "社会团体"


def _ratio_value(value: Any) -> Any:
    try:
        return ratio_text(value)
    except ValueError:
        return None


def data_to_form(data: dict[str, Any], rulebook: Rulebook) -> dict[str, Any]:
    """Profile data -> form values (FORM_KEYS), the inverse of ``form_to_data``; what the
    data leaves out shows the type's default."""
    choice = type_choice_of(data)
    values = {**form_defaults(choice, rulebook), **_blank_text(rulebook)}
    gov = data.get("governance") or {}
    council, assembly = gov.get("council") or {}, gov.get("assembly") or {}
    standing, supervision = gov.get("standing_council") or {}, gov.get("supervision") or {}
    lead, members = data.get("leadership") or {}, data.get("members") or {}
    funds, party = data.get("funds") or {}, data.get("party_building") or {}
    stated = {
        "level": data.get("level"), "region": data.get("region"), "name": data.get("name"),
        "credit_code": data.get("credit_code"), "address": data.get("address"), "hometown": data.get("hometown"),
        "registration_authority": data.get("registration_authority"), "supervisory_unit": data.get("supervisory_unit"),
        "direct_registration": data.get("direct_registration"), "field_category": data.get("field_category"),
        "purpose": data.get("purpose"), "business_scope": "\n".join(data.get("business_scope") or []),
        "activity_area": data.get("activity_area"), "amount_yuan": funds.get("amount_yuan"),
        "funds_source": funds.get("source"), "member_kinds": members.get("kinds"),
        "individual_count": members.get("individual_count"), "unit_count": members.get("unit_count"),
        "dues": members.get("dues"),
        "founders": "\n".join("，".join(str(x) for x in (f.get("name"), f.get("kind"), f.get("contribution_yuan")) if x)
                              for f in data.get("founders") or []),
        "assembly_form": assembly.get("form"), "term_years": council.get("term_years") or assembly.get("term_years"),
        "assembly_quorum": _ratio_value(assembly.get("quorum")), "assembly_pass": _ratio_value(assembly.get("pass_ratio")),
        "council_size_min": council.get("size_min"), "council_size_max": council.get("size_max"),
        "council_meetings": council.get("meetings_per_year"), "council_quorum": _ratio_value(council.get("quorum")),
        "council_pass": _ratio_value(council.get("pass_ratio")),
        "council_special": _ratio_value(council.get("special_pass_ratio")),
        "has_standing": bool(standing), "standing_size": standing.get("size"),
        "standing_meetings": standing.get("meetings_per_year"),
        "supervision_form": supervision.get("form"), "supervision_count": supervision.get("count"),
        "chair_title": lead.get("chair_title"), "vice_chair_title": lead.get("vice_chair_title"),
        "secretary_title": lead.get("secretary_title"), "legal_representative": lead.get("legal_representative"),
        "age_limit": lead.get("age_limit"), "max_consecutive_terms": lead.get("max_consecutive_terms"),
        "persons": "\n".join("，".join(str(x) for x in (p.get("name"), p.get("role"), p.get("id_number")) if x)
                             for p in lead.get("persons") or []),
        "full_party_members": party.get("full_party_members"), "party_mode": party.get("mode"),
    }
    values.update({k: v for k, v in stated.items() if v is not None})
    return values


def profile_label(data: dict[str, Any] | None) -> str:
    """One line naming the shared profile, for the tabs that use it."""
    if not data or not data.get("name"):
        return "尚未填写组织概况（可在“章程起草”中从示例开始、载入已保存的概况或从章程读取）。"
    code = f"，统一社会信用代码 {data['credit_code']}" if data.get("credit_code") else ""
    return f"当前组织概况：**{data['name']}**（{type_choice_of(data)}{code}）"


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


def build(services, profile: gr.State | None = None) -> None:
    """The tab; ``profile`` is the organization profile the tabs share (a local one when absent)."""
    drafter, rulebook = services.drafter, services.rulebook
    profile = profile if profile is not None else gr.State(None)
    start = form_defaults("社会团体", rulebook)
    gr.Markdown("根据组织概况起草章程：法定事项由模板逐项覆盖，数字全部取自概况。可从示例开始、载入保存过的概况，"
                "或从已有章程读取；修改任一项，右侧即时显示校验结果。组织概况在“材料检查”“智能填报”“风险识别”中共用。")
    bar = _profile_bar(services.settings, rulebook)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=COLUMN_MIN_WIDTH):
            c: dict[str, gr.components.Component] = {}
            _basic_info(c, start, rulebook)
            llm_help = _purpose_and_scope(c)
            _funds_and_members(c, start)
            _governance(c, start, ratio_choices(rulebook))
            _leadership_and_party(c, start)
            generate = gr.Button("生成章程草稿", variant="primary", elem_id="drafting-generate")
        with gr.Column(scale=1, min_width=COLUMN_MIN_WIDTH):
            side = _side_panel(start, rulebook)
    inputs = [c[k] for k in FORM_KEYS]
    # What this form itself last made the shared profile: a change that is not it came from another tab.
    written = gr.State(None)
    _wire_validation(c, inputs, side["problems"], rulebook, profile, written)
    _wire_profile_bar(services, bar, inputs, [profile, written], llm_help["description"])
    _wire_generate(drafter, inputs, generate, side, profile)
    _wire_llm_help(drafter, c, llm_help, side)


def _profile_bar(settings, rulebook: Rulebook) -> dict:
    """Where a profile comes from and goes to: an example, a saved file, a charter read back; save."""
    bar: dict[str, Any] = {}
    examples, errors = example_profiles(settings.profiles_dir, rulebook)
    bar["examples"] = {e.key: e for e in examples}
    with gr.Accordion("组织概况：从示例开始 · 载入 · 从章程读取 · 保存", open=True, elem_id="drafting-profile-bar"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=280):
                bar["example"] = gr.Dropdown([(e.title, e.key) for e in examples], value=examples[0].key if examples else None,
                                             label="示例组织概况（各类型一份，名称、人员均为虚构）", elem_id="drafting-example")
                bar["load_example"] = gr.Button("从示例开始", elem_id="drafting-load-example")
            bar["file"] = gr.File(label="载入保存过的组织概况（.yaml / .json）", file_types=list(PROFILE_SUFFIXES),
                                  type="filepath", elem_id="drafting-profile-file", scale=2, min_width=240)
            bar["charter"] = gr.File(label="从章程或申请材料读取（.docx / .pdf / .txt）", file_types=[".docx", ".pdf", ".txt", ".md"],
                                     type="filepath", elem_id="drafting-readback-file", scale=2, min_width=240)
            with gr.Column(scale=2, min_width=240):
                bar["save"] = gr.Button("保存组织概况（下载 YAML 文件）", elem_id="drafting-save")
                bar["download"] = gr.File(label="组织概况文件", interactive=False, elem_id="drafting-profile-download")
        bar["status"] = gr.Markdown("\n".join(f"- {e}" for e in errors), elem_id="drafting-profile-status")
    return bar


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
        c["credit_code"] = gr.Textbox(label="统一社会信用代码（已登记的填写，新设立的不填）", elem_id="drafting-credit-code")
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
        ui["polish_status"] = gr.Markdown(elem_id="drafting-polish-status")
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
        c["persons"] = gr.Textbox(label="拟任负责人（每行：姓名，职务，身份证号码；供“智能填报”预填）", lines=2,
                                  elem_id="drafting-persons")
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
    with gr.Accordion("章程预览", open=True):
        side["preview"] = gr.Markdown("生成后在此预览全文（可滚动）。", elem_id="drafting-preview", max_height=PREVIEW_MAX_HEIGHT,
                                      container=True)
    with gr.Accordion("相关政策条文", open=True):
        side["passages"] = gr.HTML(elem_id="drafting-passages")
    with gr.Accordion("条款解释（需大模型）", open=False):
        side["clause"] = gr.Textbox(label="粘贴一条条款", lines=2)
        side["explain"] = gr.Button("解释")
        side["explanation"] = gr.Markdown()
    return side


# --- events ---------------------------------------------------------------------------------

def _wire_validation(c: dict, inputs: list, problems, rulebook: Rulebook, profile: gr.State, written: gr.State) -> None:
    """Every edit re-checks the form and becomes the shared profile; a profile changed by
    another tab refills the form. The form's own writes are told apart by ``written``, never
    by comparing with the fields: the user may have typed on since (the refill would undo it)."""
    def on_change(*args):
        *values, shared = args
        data = form_to_data(_values_of(values), shared)
        return problems_markdown(_values_of(values), rulebook), data, data

    # One listener for all fields: .change also fires when a load or the type switch
    # rewrites them, so the messages always describe what the form shows; always_last
    # drops stale runs.
    gr.on([component.change for component in inputs], on_change, inputs=[*inputs, profile],
          outputs=[problems, profile, written], show_progress="hidden", trigger_mode="always_last")

    def on_shared(shared, own):
        if not shared or shared == own:
            return [gr.skip() for _ in range(len(inputs) + 1)]
        filled = data_to_form(shared, rulebook)
        return [shared, *[filled[k] for k in FORM_KEYS]]

    profile.change(on_shared, inputs=[profile, written], outputs=[written, *inputs], show_progress="hidden")

    default_keys = [k for k in FORM_KEYS if k in form_defaults("社会团体", rulebook) and k != "type_choice"]

    def on_type(choice):
        defaults = form_defaults(choice, rulebook)
        return [defaults[k] for k in default_keys]

    # .input: only the user's own switch brings the type's defaults, not a loaded profile.
    c["type_choice"].input(on_type, inputs=c["type_choice"], outputs=[c[k] for k in default_keys])


def _seconds(started: float) -> str:
    return f"用时 {time.perf_counter() - started:.1f} 秒"


def _wire_profile_bar(services, bar: dict, inputs: list, states: list, description) -> None:
    """``states``: the shared profile and what this form last wrote into it (both set by a load)."""
    rulebook = services.rulebook
    profile = states[0]

    def loaded(data: dict, note: str, started: float):
        filled = data_to_form(data, rulebook)
        return [f"{note}（{_seconds(started)}）", data, data, data.get("description") or gr.skip(),
                *[filled[k] for k in FORM_KEYS]]

    def unchanged(note: str):
        return [note, gr.skip(), gr.skip(), gr.skip(), *[gr.skip() for _ in inputs]]

    outputs = [bar["status"], *states, description, *inputs]

    def from_example(key):
        started = time.perf_counter()
        example = bar["examples"].get(key)
        if example is None:
            return unchanged("请先选择一个示例。")
        return loaded(example.data, f"已载入示例“{example.title}”：名称、地址和人员均为虚构，请逐项改成本组织的情况", started)

    def from_file(path):
        started = time.perf_counter()
        with ui_files.reading(path) as paths:
            if not paths:
                return unchanged("")
            try:
                data = load_profile_data(paths[0])
            except ProfileError as exc:
                return unchanged(f"**未能载入：** {html.escape(str(exc).replace(str(paths[0]), paths[0].name))}")
            return loaded(data, f"已载入组织概况文件“{paths[0].name}”", started)

    def from_charter(path):
        started = time.perf_counter()
        with ui_files.reading(path) as paths:
            if not paths:
                return unchanged("")
            read, errors = services.filler.read_profile(paths, [p.name for p in paths])
        if errors:
            return unchanged("**未能读取：** " + "；".join(html.escape(e) for e in errors))
        return loaded(read.data, read.summary(), started)

    bar["load_example"].click(from_example, inputs=bar["example"], outputs=outputs)
    bar["file"].upload(from_file, inputs=bar["file"], outputs=outputs)
    bar["charter"].upload(from_charter, inputs=bar["charter"], outputs=outputs)

    def save(shared, *values):
        data = form_to_data(_values_of(values), shared)
        out_dir = ui_files.output_dir("szzs-profile-")
        name = re.sub(r"[\\/:*?\"<>|\s]", "", data.get("name") or "") or "组织"
        path = save_profile_data(data, out_dir / f"{name}组织概况.yaml")
        return f"已保存：{path.name}。下次在此处“载入保存过的组织概况”即可继续。", str(path)

    bar["save"].click(save, inputs=[profile, *inputs], outputs=[bar["status"], bar["download"]])


def _wire_generate(drafter, inputs: list, generate, side: dict, profile: gr.State) -> None:
    def on_generate(*args):
        *values, shared = args
        started = time.perf_counter()
        try:
            result = drafter.draft(form_to_data(_values_of(values), shared))
        except Exception as exc:  # noqa: BLE001 — show every drafting error to the user, in Chinese
            return (f"**未能生成章程草稿**（{_seconds(started)}）\n\n{html.escape(str(exc))}", None, "", gr.update())
        out_dir = ui_files.output_dir("szzs-draft-")
        safe_name = re.sub(r"[\\/:*?\"<>|\s]", "", result.profile.name) or "charter"
        path = result.write_docx(out_dir / f"{safe_name}章程.docx")
        note = "；".join(result.warnings)
        summary = (f"已生成：{result.charter.title}，共{len(result.charter.chapters)}章{len(result.charter.articles)}条；"
                   f"法定事项 {sum(1 for r in result.charter.coverage if r.articles)}/{len(result.charter.coverage)} 项已覆盖；"
                   f"一致性检查 {result.checks_passed}/{len(result.checks)} 通过。" + (f"\n\n提示：{note}" if note else ""))
        passages = passages_html(drafter.relevant_passages(result.profile))
        return f"{summary}\n\n（起草{result.seconds:.1f} 秒，连同政策条文共{_seconds(started)}）", str(path), result.markdown, passages

    generate.click(on_generate, inputs=[*inputs, profile], outputs=[side["status"], side["docx"], side["preview"], side["passages"]])


def _bare(text: str) -> str:
    return re.sub(r"[\s，,。；;、“”\"'：:（）()]", "", text or "")


def polish_note(field_name: str, suggestion: str, description: str, current: str, seconds: float) -> str:
    """What the polishing did, in plain words, with its time."""
    label = "宗旨" if field_name == "purpose" else "业务范围"
    took = f"（用时 {seconds:.1f} 秒）"
    if _bare(suggestion) in (_bare(description), _bare(current)):
        source = "简短说明" if _bare(suggestion) == _bare(description) else f"当前的{label}"
        return f"模型返回的文字与{source}相同，没有作任何修改{took}。可以补充说明后再试，或直接填写。"
    return f"已生成{label}建议{took}，核对、修改后点击“采用建议”。"


def _wire_llm_help(drafter, c: dict, ui: dict, side: dict) -> None:
    def on_polish(field_name, text, choice, name, purpose, scope):
        org_type = _split_type(choice)[0]
        started = time.perf_counter()
        try:
            s = drafter.suggest_wording(field_name, text or "", org_type, name or "")
        except Exception as exc:  # noqa: BLE001 — a failing model must not break the form
            return "", field_name, f"生成建议失败（{_seconds(started)}）：{html.escape(str(exc))}"
        if s is None:
            return "", field_name, (NO_LLM if not drafter.has_llm else "请先填写简短说明。")
        current = purpose if field_name == "purpose" else scope
        return s.text, field_name, polish_note(field_name, s.text, text or "", current or "", time.perf_counter() - started)

    polish_inputs = [ui["description"], c["type_choice"], c["name"], c["purpose"], c["business_scope"]]
    polish_outputs = [ui["suggestion"], ui["suggestion_field"], ui["polish_status"]]
    ui["polish_purpose"].click(lambda *a: on_polish("purpose", *a), inputs=polish_inputs, outputs=polish_outputs)
    ui["polish_scope"].click(lambda *a: on_polish("business_scope", *a), inputs=polish_inputs, outputs=polish_outputs)

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
            "activity_area": "", "founders": "", "credit_code": "", "persons": ""}
