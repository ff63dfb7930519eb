"""Form definitions: the YAML files in ``corpus/forms`` as typed objects.

A form is a list of fields (id, label, type, required, help text, rules and
where a value can come from) plus cross-field rules. Files whose name starts
with ``_`` are notes, not forms.

Forms state no legal number themselves: a rule value written ``{bound: KEY}``
(optionally ``side: min|max``) is the rulebook's number, and every text may use
``{{ b.KEY }}`` (the number with its unit), ``{{ place }}`` and
``{{ locality.… }}`` (Jinja2), rendered for the configured locality when the
form is loaded. A rule whose number the locality does not set is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.rules import Rulebook, RulebookError

FieldType = Literal["text", "date", "amount", "count", "choice", "id_number", "uscc", "phone", "address"]

TYPE_LABELS = {
    "text": "文字", "date": "日期", "amount": "金额", "count": "数量", "choice": "选项",
    "id_number": "居民身份证号码", "uscc": "统一社会信用代码", "phone": "电话", "address": "地址",
}


class FormDefinitionError(ValueError):
    """A form file that cannot be read or does not fit the schema (message: 中文 + English)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FillSource(_Strict):
    """Where a value can come from.

    ``profile``: a dotted attribute path on ``assistant.profile.OrgProfile``
    (properties allowed, e.g. ``legal_representative_person.id_number``).
    ``document``: a fact key produced by ``assistant.forms.extraction``.
    ``derive``: computed from another field of the same form (``birth_date`` or
    ``gender`` of an ID-number field: ``{from: id_number, what: gender}``).
    """

    profile: str | None = None
    document: str | None = None
    derive: dict[str, str] | None = None
    # Profile values to form wording, e.g. {true: 直接登记, false: 经业务主管单位审查同意};
    # keys are compared as lower-case text ("true", "none", "公募").
    map: dict[Any, str] | None = None
    # Text for a profile value that is present but not in ``map`` (e.g. any 组织名称 -> 是).
    map_other: str | None = None


class FieldDefinition(_Strict):
    id: str
    label: str
    type: FieldType = "text"
    required: bool = False
    section: str = ""  # heading of the block on the paper form
    help: str = ""  # what the field means (Chinese)
    requirement: str = ""  # what the rules require (Chinese)
    basis: list[str] = Field(default_factory=list)  # legal basis, e.g. "社会团体登记管理条例 第十条"
    kb_query: str = ""  # query for citations from the knowledge base
    rules: dict[str, Any] = Field(default_factory=dict)
    choices: list[str] = Field(default_factory=list)
    unit: str = ""  # amounts: 元 or 万元 (the paper form's column unit)
    multiline: bool = False
    suggest: bool = False  # an LLM may propose wording (free-text fields only)
    placeholder: str = ""
    fill: FillSource = Field(default_factory=FillSource)

    def validation_rules(self) -> dict[str, Any]:
        """The rules as the validators want them (choices and unit folded in)."""
        rules = dict(self.rules)
        if self.choices:
            rules.setdefault("choices", self.choices)
        if self.unit:
            rules.setdefault("unit", self.unit)
        return rules


class CrossRule(_Strict):
    """A rule over several fields; ``kind`` selects the check in cross_rules.py."""

    kind: str
    fields: list[str] = Field(default_factory=list)  # the fields the message is attached to
    params: dict[str, Any] = Field(default_factory=dict)
    basis: str = ""


class FormDefinition(_Strict):
    id: str
    title: str
    org_type: str = ""  # 社会团体 / 社会服务机构 / 基金会, or "" when a field of the form says it
    description: str = ""
    fields: list[FieldDefinition]
    cross_rules: list[CrossRule] = Field(default_factory=list)
    source_path: str = ""

    def field(self, field_id: str) -> FieldDefinition:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(f"表单“{self.title}”没有字段 {field_id}（form {self.id} has no field {field_id}）")

    @property
    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(f"无法读取表单定义 {path}：{exc}（cannot read form definition {path}: {exc}）") from None
    except yaml.YAMLError as exc:
        raise FormDefinitionError(f"表单定义 {path} 不是有效的YAML：{exc}（{path} is not valid YAML: {exc}）") from None


class _NotHere:
    """A ``{bound: KEY}`` the locality does not set: the rule holding it is dropped."""


NOT_HERE = _NotHere()


def _resolve(value: Any, rulebook: Rulebook, where: str) -> Any:
    """``{bound: KEY, side: min|max}`` mappings -> the rulebook's number (NOT_HERE when not set here)."""
    if isinstance(value, dict) and "bound" in value:
        try:
            bound = rulebook.bound(value["bound"])
        except KeyError as exc:
            raise FormDefinitionError(f"表单定义 {where} 引用了规则库中没有的数值：{exc}（unknown bound in {where}）") from None
        if bound is None:
            return NOT_HERE
        side = value.get("side")
        return getattr(bound, side) if side in ("min", "max") else bound.value
    if isinstance(value, dict):
        return {k: _resolve(v, rulebook, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, rulebook, where) for v in value]
    return value


def _contains(value: Any, marker: Any) -> bool:
    if value is marker:
        return True
    if isinstance(value, dict):
        return any(_contains(v, marker) for v in value.values())
    if isinstance(value, list):
        return any(_contains(v, marker) for v in value)
    return False


def _apply_rulebook(data: dict[str, Any], rulebook: Rulebook, where: str) -> dict[str, Any]:
    """Texts rendered, ``{bound: …}`` resolved, rules the locality has no number for dropped."""
    try:
        data = rulebook.render_data(data, where)
    except RulebookError as exc:
        raise FormDefinitionError(str(exc)) from None
    for f in data.get("fields") or []:
        if not isinstance(f, dict):
            continue
        rules = _resolve(dict(f.get("rules") or {}), rulebook, where)
        dropped = {k for k, v in rules.items() if v is NOT_HERE}
        f["rules"] = {k: v for k, v in rules.items() if k not in dropped and k.removesuffix("_message") not in dropped}
        f["basis"] = [b for b in f.get("basis") or [] if str(b).strip()]
    cross = [_resolve(r, rulebook, where) for r in data.get("cross_rules") or []]
    data["cross_rules"] = [r for r in cross if not _contains(r, NOT_HERE)]
    return data


def load_form(path: Path, rulebook: Rulebook) -> FormDefinition:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise FormDefinitionError(f"表单定义 {path} 顶层应为键值对（{path} must hold a mapping）")
    data = _apply_rulebook(data, rulebook, str(path))
    try:
        form = FormDefinition.model_validate({**data, "source_path": str(path)})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise FormDefinitionError(f"表单定义 {path} 格式错误（invalid form definition {path}）：{problems}") from None
    ids = form.field_ids
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise FormDefinitionError(f"表单定义 {path} 字段编号重复：{duplicates}（duplicate field ids in {path}）")
    for rule in form.cross_rules:
        unknown = [f for f in rule.fields if f not in ids]
        if unknown:
            raise FormDefinitionError(f"表单定义 {path} 的跨字段规则 {rule.kind} 引用了不存在的字段 {unknown}"
                                      f"（cross rule {rule.kind} in {path} names unknown fields {unknown}）")
    for f in form.fields:
        if f.type == "choice" and not f.choices:
            raise FormDefinitionError(f"表单定义 {path} 的选项字段 {f.id} 没有 choices（choice field {f.id} in {path} has no choices）")
    return form


def load_forms(forms_dir: Path, rulebook: Rulebook) -> tuple[dict[str, FormDefinition], list[str]]:
    """All forms in a directory, by id, plus the bilingual errors of files that failed.

    One bad file never hides the others.
    """
    forms: dict[str, FormDefinition] = {}
    errors: list[str] = []
    for path in sorted(Path(forms_dir).glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        try:
            form = load_form(path, rulebook)
        except FormDefinitionError as exc:
            errors.append(str(exc))
            continue
        if form.id in forms:
            errors.append(f"表单编号 {form.id} 重复：{path} 与 {forms[form.id].source_path}（duplicate form id {form.id}）")
            continue
        forms[form.id] = form
    return forms, errors
