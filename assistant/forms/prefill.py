"""Prefill a form from an organization profile and from document facts.

Order for each field: the profile attribute named in ``fill.profile`` first
(the user's own, curated data), then the first document fact named in
``fill.document``; fields with ``fill.derive`` are computed last from another
field (birth date and gender from an ID number). When a document disagrees
with the profile the profile value stays and the field carries a note, so the
user sees the conflict. Every value keeps its ``Source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from assistant.forms.definitions import FieldDefinition, FormDefinition
from assistant.forms.extraction import DocumentFact
from assistant.forms.validators import FieldError, parse_amount, parse_count, parse_date, parse_id_number
from assistant.text.amounts import amount_in_unit


@dataclass
class Source:
    kind: str  # "profile" | "document" | "derived" | "user" | "suggestion"
    attribute: str = ""  # profile attribute path, or the field a value was derived from
    label: str = ""  # Chinese label of the attribute / field
    file: str = ""
    quote: str = ""

    def text(self) -> str:
        if self.kind == "profile":
            return f"组织概况·{self.label}（{self.attribute}）"
        if self.kind == "document":
            return f"{self.file}：“{self.quote}”"
        if self.kind == "derived":
            return f"由“{self.label}”推算"
        if self.kind == "suggestion":
            return "采纳的AI建议措辞（请核对）"
        return "用户填写"


@dataclass
class FieldValue:
    value: str = ""
    source: Source | None = None
    notes: list[str] = field(default_factory=list)  # e.g. a document that disagrees


# --- reading the profile -----------------------------------------------------

_STEP = re.compile(r"^(\w+)(?:\[(\w+)=([^\]]+)\])?$")


def resolve_path(obj: Any, path: str) -> Any:
    """``a.b``, ``persons[role=理事长].name`` on pydantic models (properties allowed); None if absent."""
    current = obj
    for step in path.split("."):
        if current is None:
            return None
        m = _STEP.match(step)
        if not m:
            raise ValueError(f"无法解析的组织概况路径：{path}（bad profile path {path}）")
        name, key, wanted = m.groups()
        current = current.get(name) if isinstance(current, dict) else getattr(current, name, None)
        if key is not None:
            current = next((item for item in (current or [])
                            if str(item.get(key) if isinstance(item, dict) else getattr(item, key, None)) == wanted), None)
    return current


def profile_label(path: str) -> str:
    """Chinese label of a profile path, from the profile module's own titles."""
    try:
        from assistant.profile import field_label
    except ImportError:  # profile module absent: the path is still a precise source
        return path
    plain = re.sub(r"\[[^\]]*\]", "", path)
    label = field_label(plain)
    extras = {
        "legal_representative_person.name": "法定代表人·姓名",
        "legal_representative_person.id_number": "法定代表人·身份证号码",
        "legal_representative_person.birth_date": "法定代表人·出生日期",
        "legal_representative_person.is_state_employee": "法定代表人·现职国家工作人员",
        "legal_representative_person.other_legal_rep": "法定代表人·兼任其他组织法定代表人",
    }
    if label == plain and plain in extras:
        return extras[plain]
    m = re.search(r"\[\w+=([^\]]+)\]", path)
    return f"{label}（{m.group(1)}）" if m else label


def format_for_field(f: FieldDefinition, value: Any) -> str:
    """A profile or document value as the text a user would type into the field."""
    if value is None or value == "" or value == []:
        return ""
    if f.fill.map is not None:
        mapping = {str(k).lower(): v for k, v in f.fill.map.items()}
        key = str(value).lower()
        if key in mapping:
            return mapping[key]
        if f.fill.map_other is not None:
            return f.fill.map_other
    if isinstance(value, bool):
        return "是" if value else "否"
    if f.type == "amount" and isinstance(value, (int, float, Decimal)):
        return amount_in_unit(value, f.unit)
    if f.type == "count" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, BaseModel) or isinstance(item, dict):
                name = resolve_path(item, "name")
                role = resolve_path(item, "role")
                parts.append(f"{name}（{role}）" if role else str(name))
            else:
                parts.append(str(item))
        return ("、" if any(isinstance(i, (BaseModel, dict)) for i in value) else "；").join(parts)
    return str(value)


def comparable(f: FieldDefinition, text: str) -> Any:
    """A normal form for comparing two values of one field (amounts in 元, dates, ints, bare text)."""
    try:
        if f.type == "amount":
            return parse_amount(text, f.unit or "元")
        if f.type == "count":
            return parse_count(text)
        if f.type == "date":
            return parse_date(text)
    except FieldError:
        pass
    # Text: spacing and a closing full stop do not matter; anything else does.
    return re.sub(r"\s+", "", text or "").rstrip("。；;，,").strip("“”\"'")


# --- prefill -----------------------------------------------------------------


def prefill(form: FormDefinition, profile: Any | None = None, facts: list[DocumentFact] | None = None,
            today: date | None = None) -> dict[str, FieldValue]:
    facts = facts or []
    by_key: dict[str, list[DocumentFact]] = {}
    for fact in facts:
        by_key.setdefault(fact.key, []).append(fact)
    values: dict[str, FieldValue] = {f.id: FieldValue() for f in form.fields}
    for f in form.fields:
        current = values[f.id]
        if profile is not None and f.fill.profile:
            text = format_for_field(f, resolve_path(profile, f.fill.profile))
            if text:
                current.value = text
                current.source = Source("profile", attribute=f.fill.profile, label=profile_label(f.fill.profile))
        for fact in by_key.get(f.fill.document or "", []):
            text = format_for_field(f, fact.value)
            if not text:
                continue
            if not current.value:
                current.value = text
                current.source = Source("document", file=fact.file, quote=fact.quote)
            elif comparable(f, text) != comparable(f, current.value):
                current.notes.append(f"注意：{fact.file}中为“{text}”（“{fact.quote}”），与所填“{current.value}”不一致，请核对。")
    derive_values(form, values, today)
    return values


def derive_values(form: FormDefinition, values: dict[str, FieldValue], today: date | None = None,
                  changed: set[str] | frozenset[str] = frozenset()) -> None:
    """Fill derived fields (birth date, gender) from a valid ID number in the same form.

    An empty one is always filled. One the user did not type themselves also follows
    its ID number when that number is among the ``changed`` fields: correcting the
    number corrects the birth date and gender, instead of leaving the old values to
    be flagged as inconsistent with the new number.
    """
    for f in form.fields:
        spec = f.fill.derive
        if not spec:
            continue
        current = values[f.id]
        typed = current.source is not None and current.source.kind in ("user", "suggestion")
        follows = spec["from"] in changed and f.id not in changed and not typed
        if current.value and not follows:
            continue
        origin = values.get(spec["from"])
        if origin is None or not origin.value:
            continue
        try:
            info = parse_id_number(origin.value, today)
        except FieldError:
            continue
        what = spec.get("what")
        text = info.birth_date.isoformat() if what == "birth_date" else info.gender if what == "gender" else ""
        if text:
            values[f.id] = FieldValue(text, Source("derived", attribute=spec["from"], label=form.field(spec["from"]).label))
