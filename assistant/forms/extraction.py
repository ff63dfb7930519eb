"""Facts for prefilling, read from uploaded documents (rules, no LLM).

Two kinds of document are understood:

* a **charter** (章程): name, 住所, 宗旨, 业务范围, 活动地域, 业务主管单位,
  登记管理机关, funds, 理事/监事 numbers, which office is the 法定代表人;
* a **previous annual report** (年度工作报告书) or any other filled form:
  labelled values such as 个人会员数, 专职工作人员数, 法定代表人, read from the
  document's tables (label cell, value cell) and from "标签：值" sentences.

Every fact keeps the file name and the quoted sentence (or table cells) it
came from, so the form can show where each prefilled value comes from.
Fact keys are the names used in ``fill.document`` in corpus/forms/*.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.forms.validators import FieldError, parse_amount, parse_date
from assistant.text.amounts import parse_chinese_amount
from assistant.text.numerals import read_ratio, small_number
from assistant.text.sentences import quote_around as sentence_around

# The self-reference a charter uses for the organization.
_SELF = r"(?:本会|本团体|本基金会|本单位|本机构|本中心|本院|本校|本社|本所)"
_BODY_SUFFIX = r"(?:委员会|民政局|民政厅|民政部|街道办事处|办事处|局|厅|部|委|办公室|政府|联合会|协会|总会)"
# "为" / "是" / "：" or "为：" between a label and its value
_IS = r"(?:为|是)?\s*[：:]?\s*"


@dataclass(frozen=True)
class DocumentFact:
    key: str  # e.g. "name", "members_individual" (see fill.document in the form YAML)
    value: Any  # str, int, Decimal (元) or date
    file: str  # file name as uploaded
    quote: str  # the sentence or table cells the value was read from
    kind: str  # "charter" | "annual_report" | "document"


def classify(text: str) -> str:
    head = text[:300]
    if "章程" in head or re.search(rf"{_SELF}的?名称(?:为|是|：|:)", text):
        return "charter"
    if re.search(r"年度(?:工作)?报告|年检|年度检查", head):
        return "annual_report"
    return "document"


# --- charters ----------------------------------------------------------------

_ENUM_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[一二三四五六七八九十]+、)\s*(.+?)\s*[；;。，,]?\s*$")


def _charter_scope(text: str) -> tuple[str, str] | None:
    # The chapter heading "第二章 业务范围" also contains the words: try each mention.
    for m in re.finditer(rf"{_SELF}的?业务范围(?:是|为|包括)?[：:]?|业务范围(?:是|为|包括)?[：:]", text):
        found = _scope_after(text, m)
        if found:
            return found
    return None


def _scope_after(text: str, m: re.Match) -> tuple[str, str] | None:
    """The scope after its heading: inline ("…：培训；咨询。") or as enumerated lines ("（一）培训；")."""
    rest = text[m.end():]
    first_line, _, after = rest.partition("\n")
    inline = first_line.strip().rstrip("。")
    items: list[str] = []
    raw_lines: list[str] = []
    if inline and not _ENUM_ITEM.match(inline):
        # "业务范围：咨询服务；培训交流。" on one line
        items = [p.strip() for p in re.split(r"[；;]", inline) if p.strip()]
        return "；".join(items), sentence_around(text, m.start(), m.end() + len(first_line))
    for line in (inline + "\n" + after).split("\n"):
        if not line.strip():
            continue  # blank lines separate docx paragraphs, also inside an enumeration
        item = _ENUM_ITEM.match(line)
        if not item:
            break
        items.append(item.group(1).rstrip("；;。，, "))
        raw_lines.append(line.strip())
    if not items:
        return None
    quote = text[m.start(): m.end()] + "".join(raw_lines[:2]) + ("……" if len(items) > 2 else "")
    return "；".join(items), quote


def extract_charter(text: str, file: str) -> list[DocumentFact]:
    facts: list[DocumentFact] = []

    def add(key: str, value: Any, m: re.Match, quote: str | None = None) -> None:
        if value not in (None, ""):
            facts.append(DocumentFact(key, value, file, quote or sentence_around(text, m.start(), m.end()), "charter"))

    m = re.search(rf"{_SELF}的?(?:中文)?名称(?:为|是|：|:){_IS}[“\"]?([^，,。；;（(”\"\n]+)", text)
    if m:
        add("name", m.group(1).strip(), m)
    m = re.search(rf"{_SELF}的?住所(?:设在|设于|位于|在|为|是|：|:){_IS}([^。；;\n]+)", text)
    if m:
        add("address", m.group(1).strip(), m)
    m = re.search(rf"{_SELF}的?(?:设立)?宗旨{_IS}([^\n]+)", text)
    if m:
        add("purpose", m.group(1).strip().rstrip("。").strip(), m)
    m = re.search(rf"{_SELF}的?活动地域(?:是|为|：|:){_IS}([^，,。；;\n]+)", text)
    if m:
        add("activity_area", m.group(1).strip(), m)
    m = re.search(rf"{_SELF}的?举办者(?:为|是|：|:){_IS}([^。；;\n]+)", text)
    if m:
        add("founders", m.group(1).strip(), m)
    scope = _charter_scope(text)
    if scope:
        facts.append(DocumentFact("business_scope", scope[0], file, scope[1], "charter"))
    m = re.search(rf"业务主管单位(?:是|为|：|:)?\s*([\u4e00-\u9fa5（）()]{{2,40}}?{_BODY_SUFFIX})(?=[，,。；;、和的\s]|$)", text)
    if m:
        add("supervisory_unit", m.group(1), m)
    m = re.search(r"登记管理机关(?:是|为|：|:)?\s*([\u4e00-\u9fa5]{2,30}?(?:民政局|民政厅|民政部))", text)
    if m:
        add("registration_authority", m.group(1), m)
    m = re.search(r"(?:注册资金|活动资金|开办资金|原始基金)(?:数额)?(?:为|是|：|:)?\s*((?:人民币)?\s*[0-9][0-9,，.]*\s*(?:万元|元|万))", text)
    if m:
        try:
            add("funds_yuan", parse_amount(m.group(1), "元"), m)
        except FieldError:
            pass
    else:  # written in Chinese numerals: 人民币伍万元整
        m = re.search(r"(?:注册资金|活动资金|开办资金|原始基金)(?:数额)?(?:为|是|：|:)?\s*(?:人民币)?\s*"
                      r"([零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元)", text)
        if m and parse_chinese_amount(m.group(1)):
            add("funds_yuan", Decimal(parse_chinese_amount(m.group(1))), m)
    if m:  # "……，来源为发起单位出资" follows the amount
        src = re.search(r"来源(?:为|是|：|:)\s*([^，,。；;（(\n]+)", text[m.end(): m.end() + 120])
        if src:
            add("funds_source", src.group(1).strip(), m, sentence_around(text, m.start(), m.end()))
    m = re.search(r"理事会由\s*([0-9一二三四五六七八九十两]+)\s*(?:名)?\s*(?:至|到|-|—|~|－)\s*([0-9一二三四五六七八九十两]+)\s*名理事组成", text)
    if m:
        add("council_size", small_number(m.group(2)), m)
    else:
        m = re.search(r"理事会由\s*([0-9一二三四五六七八九十两]+)\s*名理事组成", text)
        if m:
            add("council_size", small_number(m.group(1)), m)
    m = re.search(r"(?:设监事会，由\s*([0-9一二三四五六七八九十两]+)\s*名监事组成|设监事\s*([0-9一二三四五六七八九十两]+)\s*名)", text)
    if m:
        add("supervisors", small_number(m.group(1) or m.group(2)), m)
    m = re.search(rf"(?:{_SELF})?(会长|理事长|院长|校长|主任|执行理事)为{_SELF}?的?法定代表人", text) or \
        re.search(rf"法定代表人由{_SELF}?(会长|理事长|院长|校长|主任)担任", text)
    if m:
        add("legal_rep_title", m.group(1), m)
    kind = _org_type_from_text(text, facts)
    if kind:
        facts.append(DocumentFact("org_type", kind[0], file, kind[1], "charter"))
    facts += _charter_governance(text, file)
    return facts


_N = r"([0-9一二三四五六七八九十两]+)"
_RATIO = r"(\d+\s*/\s*\d+(?:以上)?|[零〇一二两三四五六七八九十百]+分之[零〇一二两三四五六七八九十百]+(?:以上)?|过半数|半数以上|全体)"
# fact key -> (pattern, group, conversion): what a profile needs beyond the form fields above,
# stated as the model charters state it (our drafts among them), so a charter reads back into a profile.
_GOVERNANCE: dict[str, tuple[str, int, Any]] = {
    "council_size_min": (rf"理事会由\s*{_N}\s*名?\s*(?:至|到|-|—|~|－)\s*{_N}\s*名理事组成", 1, small_number),
    "council_meetings_min": (rf"(?<!常务)理事会每年至少召开\s*{_N}\s*次", 1, small_number),
    "council_quorum": (rf"(?<!常务)理事会(?:会议)?须有{_RATIO}的?理事出席", 1, read_ratio),
    "council_pass": (rf"(?<!常务)理事会(?:会议)?须有[^。；]*?出席方能召开[，,]\s*(?:其|理事会)?决议须经(?:到会|出席)理事{_RATIO}", 1,
                     read_ratio),
    "council_special": (rf"重要事项的决议[，,]?\s*须经(?:到会|出席)理事{_RATIO}", 1, read_ratio),
    "assembly_form": (r"最高权力机构是(会员代表大会|会员大会)", 1, str),
    "assembly_quorum": (rf"(?:会员代表大会|会员大会)须有{_RATIO}的会员(?:代表)?出席", 1, read_ratio),
    "assembly_pass": (rf"(?:会员代表大会|会员大会)须有[^。；]*?出席方能召开[，,]\s*其决议须经到会会员(?:代表)?{_RATIO}", 1, read_ratio),
    "supervision_form": (r"设(监事会)|设监事\s*[0-9一二三四五六七八九十两]+\s*名", 1, lambda v: v or "监事"),
    "term_years": (rf"理事[^。；]{{0,30}}?每届任期\s*{_N}\s*年", 1, small_number),
    "age_limit": (rf"最高任职年龄不超过\s*{_N}\s*周岁", 1, small_number),
    "max_consecutive_terms": (rf"连任不得超过\s*{_N}\s*届", 1, small_number),
    "member_kinds": (r"会员为(个人会员和单位会员|单位会员和个人会员|个人会员|单位会员)", 1,
                     lambda v: [k for k in ("个人会员", "单位会员") if k in v]),
    "direct_registration": (r"依法直接登记", 0, lambda v: True),
    "foundation_kind": (r"属于(?:全国性|地方性)?(非公募|公募)基金会", 1, str),
    "party_mode": (r"(单独建立党的基层组织|联合建立党的基层组织|选派党建联络员|选派党建指导员)", 1,
                   lambda v: {"单独": "独立党组织", "联合": "联合党组织"}.get(v[:2], v.removeprefix("选派"))),
    "hometown": (r"由([\u4e00-\u9fa5]{2,12}?(?:省|自治区)?[\u4e00-\u9fa5]{1,8}?(?:市|州|盟|县))籍人士", 1, str),
}


def _charter_governance(text: str, file: str) -> list[DocumentFact]:
    facts = []
    for key, (pattern, group, convert) in _GOVERNANCE.items():
        m = re.search(pattern, text)
        if not m:
            continue
        value = convert(m.group(group))
        if value not in (None, "", []):
            facts.append(DocumentFact(key, value, file, sentence_around(text, m.start(), m.end()), "charter"))
    return facts


def _org_type_from_text(text: str, facts: list[DocumentFact]) -> tuple[str, str] | None:
    name = next((f.value for f in facts if f.key == "name"), "")
    if name.endswith("基金会"):
        return "基金会", f"名称“{name}”"
    m = re.search(r"(社会服务机构|民办非企业单位|社会团体)法人", text) or re.search(r"是依法登记的(社会服务机构|民办非企业单位|社会团体)", text)
    if m:
        kind = "社会团体" if m.group(1) == "社会团体" else "社会服务机构"
        return kind, sentence_around(text, m.start(), m.end())
    return None


# --- labelled values (annual reports, forms) ---------------------------------

# fact key -> (label pattern, value kind)
LABELS: dict[str, tuple[str, str]] = {
    "uscc": (r"统一社会信用代码", "code"),
    "name": (r"(?:社会组织|单位|组织)名称|名称", "text"),
    "org_type": (r"(?:组织|单位|社会组织)类型", "text"),
    "legal_rep_name": (r"法定代表人(?:姓名)?", "person"),
    "members_individual": (r"个人会员(?:数|人数|数量)?", "count"),
    "members_unit": (r"单位会员(?:数|数量)?", "count"),
    "staff_fulltime": (r"专职(?:工作)?人员(?:数|人数)?", "count"),
    "standing_directors": (r"常务理事(?:人数|数)", "count"),
    "directors": (r"(?<!常务)理事(?:人数|数)|理事会成员(?:人数|数)", "count"),
    "council_meetings": (r"(?:召开)?理事会(?:会议)?(?:召开)?次数", "count"),
    "party_members": (r"(?:正式)?党员(?:人数|数)", "count"),
    "address": (r"住所|办公地址", "text"),
    "postal_code": (r"邮政编码|邮编", "text"),
    "phone": (r"联系电话|电话", "text"),
    "founding_date": (r"成立(?:登记)?日期|登记日期", "date"),
    "registration_authority": (r"登记管理机关", "text"),
    "supervisory_unit": (r"业务主管单位", "text"),
    "funds_yuan": (r"注册资金|活动资金|开办资金|原始基金", "amount"),
}

_VALUE_PATTERNS = {
    "code": r"[0-9A-Za-z]{18}",
    "count": r"\d+",
    "person": r"[\u4e00-\u9fa5·]{2,6}",
    "date": r"\d{4}\s*(?:年|-|/|\.)\s*\d{1,2}\s*(?:月|-|/|\.)\s*\d{1,2}\s*日?",
    "amount": r"(?:人民币)?\s*[0-9][0-9,，.]*\s*(?:万元|元|万)?",
    "text": r"[^，,；;。\n｜|]+",
}


def _convert(kind: str, raw: str, label: str) -> Any:
    raw = raw.strip()
    if kind == "count":
        return int(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "amount":
        return parse_amount(raw, "万元" if "万元" in label else "元")
    if kind == "code":
        return raw.upper()
    return raw


def _label_matches(cell: str, label_pattern: str) -> bool:
    cleaned = re.sub(r"[（(][^）)]*[）)]|[：:\s*＊]", "", cell)
    return re.fullmatch(label_pattern, cleaned) is not None


def extract_labelled(loaded_text: str, tables: list[list[list[str]]], file: str, kind: str) -> list[DocumentFact]:
    facts: dict[str, DocumentFact] = {}
    # 1. tables laid out like paper forms: label cell followed by its value cell
    for table in tables:
        for row in table:
            for i in range(len(row) - 1):
                for key, (pattern, vkind) in LABELS.items():
                    if key in facts or not _label_matches(row[i], pattern):
                        continue
                    value_text = row[i + 1].strip()
                    m = re.match(_VALUE_PATTERNS[vkind], value_text)
                    if not value_text or not m:
                        continue
                    try:
                        value = _convert(vkind, m.group(0), row[i])
                    except (FieldError, ValueError):
                        continue
                    facts[key] = DocumentFact(key, value, file, f"{row[i]}｜{value_text}", kind)
                    break
    # 2. "标签：值" or "标签为值" in running text
    for key, (pattern, vkind) in LABELS.items():
        if key in facts:
            continue
        if vkind in ("count", "amount"):
            joiner = r"\s*(?:为|是|共|共计|：|:)?\s*(?:有)?\s*"
        else:
            joiner = r"\s*(?:为|是|：|:)\s*"
        m = re.search(rf"(?<![\u4e00-\u9fa5])(?:{pattern}){joiner}({_VALUE_PATTERNS[vkind]})", loaded_text) \
            or re.search(rf"(?:{pattern}){joiner}({_VALUE_PATTERNS[vkind]})", loaded_text)
        if not m or not m.group(1).strip():
            continue
        label = loaded_text[m.start(): m.start(1)]
        try:
            value = _convert(vkind, m.group(1), label)
        except (FieldError, ValueError):
            continue
        facts[key] = DocumentFact(key, value, file, sentence_around(loaded_text, m.start(), m.end()), kind)
    return list(facts.values())


# --- entry point -------------------------------------------------------------


def extract_facts(text: str, tables: list[list[list[str]]], file: str) -> list[DocumentFact]:
    """All facts one document provides, charter or labelled form."""
    kind = classify(text)
    if kind == "charter":
        return extract_charter(text, file)
    return extract_labelled(text, tables, file, kind)


def extract_from_file(path: str | Path, display_name: str | None = None) -> list[DocumentFact]:
    """Load a file with the knowledge-base loader and extract its facts.

    Raises ``assistant.kb.loaders.LoadError`` (bilingual) for unreadable files.
    """
    from assistant.kb.loaders import load_file

    loaded = load_file(path)
    return extract_facts(loaded.text, loaded.tables, display_name or Path(path).name)


def facts_as_values(facts: list[DocumentFact]) -> dict[str, Any]:
    """First value per key (handy for tests and the eval)."""
    out: dict[str, Any] = {}
    for fact in facts:
        out.setdefault(fact.key, fact.value)
    return out

