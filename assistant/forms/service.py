"""FormFillingService: the one entry point the CLI, the UI and the eval use.

    service = services.filler
    filled = service.fill("shetuan_establishment", profile=service.load_profile("p.yaml"),
                          documents=["章程.docx"], overrides={"phone": "021-12345678"})
    filled.rows()               # [{"id","label","value","source","status","message"}, …]
    service.write_docx(filled, "form.docx")

Validation is rule-based and never calls the LLM; the LLM (when configured)
only proposes wording for free-text fields, which the user may accept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from assistant.forms import output
from assistant.forms.cross_rules import CHECKS, RuleContext, run_cross_rules
from assistant.forms.definitions import FormDefinition, load_forms
from assistant.forms.extraction import DocumentFact, extract_from_file
from assistant.forms.guidance import Guidance, build_guidance
from assistant.forms.prefill import FieldValue, Source, derive_values, prefill
from assistant.forms.validators import FieldError, validate_value
from assistant.rules import Rulebook, load_rulebook

log = logging.getLogger(__name__)


class FormNotFoundError(KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass
class FieldCheck:
    status: str  # "ok" | "missing" | "invalid"
    message: str = ""


@dataclass
class FilledForm:
    form: FormDefinition
    values: dict[str, FieldValue]
    checks: dict[str, FieldCheck] = field(default_factory=dict)
    document_errors: list[str] = field(default_factory=list)  # files that could not be read
    notices: list[str] = field(default_factory=list)  # e.g. no rules file for the configured locality

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for f in self.form.fields:
            value = self.values[f.id]
            check = self.checks.get(f.id, FieldCheck("ok"))
            message = "；".join(m for m in [check.message, *value.notes] if m)
            out.append({
                "id": f.id, "label": f.label, "value": value.value,
                "source": value.source.text() if value.source else None,
                "status": check.status, "message": message,
            })
        return out

    @property
    def problems(self) -> list[dict[str, Any]]:
        return [r for r in self.rows() if r["status"] != "ok"]


@dataclass
class Suggestion:
    field_id: str
    text: str
    note: str = ""  # e.g. "建议过长，已超过字数上限"


class FormFillingService:
    def __init__(self, settings, retriever_factory: Callable[[], Any] | None = None,
                 llm_factory: Callable[[], Any] | None = None, rulebook: Rulebook | None = None):
        self.settings = settings
        self.retriever_factory = retriever_factory
        self.llm_factory = llm_factory
        self.rulebook = rulebook or load_rulebook(settings.rules_dir, settings.localities_dir, settings.locality)
        self._forms: dict[str, FormDefinition] | None = None
        self.load_errors: list[str] = []
        self._guidance_cache: dict[tuple[str, str], tuple[list, str]] = {}

    # --- forms ---------------------------------------------------------------
    @property
    def forms(self) -> dict[str, FormDefinition]:
        if self._forms is None:
            forms, errors = load_forms(self.settings.forms_dir, self.rulebook)
            for form in forms.values():
                for rule in form.cross_rules:
                    if rule.kind not in CHECKS:
                        errors.append(f"表单 {form.source_path} 使用了未知的跨字段规则 {rule.kind}"
                                      f"（unknown cross rule kind {rule.kind} in {form.source_path}）")
            self._forms, self.load_errors = forms, errors
            for error in errors:
                log.warning(error)
        return self._forms

    def list_forms(self) -> list[tuple[str, str]]:
        return [(form.id, form.title) for form in self.forms.values()]

    def form(self, form_id: str) -> FormDefinition:
        try:
            return self.forms[form_id]
        except KeyError:
            known = "、".join(self.forms) or "（无）"
            raise FormNotFoundError(f"没有编号为“{form_id}”的表单，可选：{known}（unknown form {form_id!r}; known: {', '.join(self.forms)}）") from None

    # --- inputs --------------------------------------------------------------
    def load_profile(self, path: str | Path):
        """OrgProfile from YAML/JSON; raises assistant.profile.ProfileError (bilingual)."""
        from assistant.profile import load_profile

        return load_profile(path)

    def profile_from_data(self, data: dict[str, Any]):
        from assistant.profile import OrgProfile

        return OrgProfile.model_validate(data)

    def read_profile(self, paths: Iterable[str | Path], names: Iterable[str] | None = None):
        """A profile read back from documents (a charter, a filed form): ``(ReadBack, errors)``.

        The facts are the same ones prefilling uses; what the documents do not
        state comes from the type's defaults (assistant/profile/readback.py).
        """
        from assistant.profile import profile_from_facts

        facts, errors = self.read_documents(paths, names)
        return profile_from_facts(facts, self.rulebook), errors

    def read_documents(self, paths: Iterable[str | Path], names: Iterable[str] | None = None) -> tuple[list[DocumentFact], list[str]]:
        """Facts from every readable document, and one bilingual error per unreadable one."""
        from assistant.kb.loaders import LoadError

        facts: list[DocumentFact] = []
        errors: list[str] = []
        names = list(names) if names is not None else None
        for i, path in enumerate(paths):
            display = names[i] if names and i < len(names) else Path(path).name
            try:
                facts.extend(extract_from_file(path, display))
            except LoadError as exc:
                errors.append(exc.message)
            except Exception as exc:  # one bad file never stops the batch
                errors.append(f"文件“{display}”无法读取：{exc} / File '{display}' could not be read: {exc}")
        return facts, errors

    # --- fill and check ------------------------------------------------------
    def prefill(self, form_id: str, profile: Any | None = None, documents: Iterable[str | Path] = (),
                facts: list[DocumentFact] | None = None, today: date | None = None,
                document_names: Iterable[str] | None = None) -> FilledForm:
        form = self.form(form_id)
        facts = list(facts or [])
        doc_facts, errors = self.read_documents(documents, document_names) if documents else ([], [])
        values = prefill(form, profile, facts + doc_facts, today)
        notices = [self.rulebook.notice] if self.rulebook.notice else []
        return FilledForm(form=form, values=values, document_errors=errors, notices=notices)

    def fill(self, form_id: str, profile: Any | None = None, documents: Iterable[str | Path] = (),
             overrides: dict[str, str] | None = None, today: date | None = None,
             facts: list[DocumentFact] | None = None, document_names: Iterable[str] | None = None) -> FilledForm:
        """Prefill, apply the user's own entries, then validate."""
        filled = self.prefill(form_id, profile, documents, facts, today, document_names)
        self.apply(filled, overrides or {}, today)
        return filled

    def apply(self, filled: FilledForm, entries: dict[str, str], today: date | None = None) -> FilledForm:
        """Put the user's entries into a filled form (source: 用户填写) and revalidate."""
        changed: set[str] = set()
        for field_id, text in entries.items():
            filled.form.field(field_id)  # unknown ids are an error, not silently dropped
            current = filled.values[field_id]
            text = "" if text is None else str(text)
            if text.strip() != current.value.strip():
                filled.values[field_id] = FieldValue(text.strip(), Source("user") if text.strip() else None)
                changed.add(field_id)
        derive_values(filled.form, filled.values, today, changed)
        filled.checks = self.validate(filled.form.id, {k: v.value for k, v in filled.values.items()}, today)
        return filled

    def validate(self, form_id: str, values: dict[str, str], today: date | None = None) -> dict[str, FieldCheck]:
        """Every field's status and message; rule-based only (no LLM)."""
        form = self.form(form_id)
        today = today or date.today()
        values = {f.id: (values.get(f.id) or "").strip() for f in form.fields}
        checks: dict[str, FieldCheck] = {}
        parsed: dict[str, Any] = {}
        for f in form.fields:
            value = values[f.id]
            if not value:
                checks[f.id] = FieldCheck("missing", f"“{f.label}”为必填项，请填写。") if f.required else FieldCheck("ok")
                continue
            try:
                parsed[f.id] = validate_value(f.type, value, f.validation_rules(), today)
                checks[f.id] = FieldCheck("ok")
            except FieldError as exc:
                checks[f.id] = FieldCheck("invalid", str(exc))
        ctx = RuleContext(form=form, values=values, parsed=parsed, today=today, rulebook=self.rulebook)
        for field_id, message in run_cross_rules(ctx):
            check = checks[field_id]
            if check.status == "invalid":
                if message not in check.message:
                    check.message += message
            else:
                checks[field_id] = FieldCheck("invalid", message)
        return checks

    def check_field(self, form_id: str, field_id: str, values: dict[str, str], today: date | None = None) -> FieldCheck:
        return self.validate(form_id, values, today)[field_id]

    # --- guidance and suggestions --------------------------------------------
    def guidance(self, form_id: str, field_id: str, values: dict[str, str] | None = None,
                 today: date | None = None, with_citations: bool = True) -> Guidance:
        form = self.form(form_id)
        factory = self._cached_citations(form_id, field_id) if with_citations else None
        return build_guidance(form, field_id, values or {}, today or date.today(), self.rulebook, factory)

    def _cached_citations(self, form_id: str, field_id: str):
        """A retriever factory whose search results are remembered per field (queries are static)."""
        service = self

        class _Cached:
            def search(self, query: str, k: int = 6):
                key = (form_id, field_id)
                if key not in service._guidance_cache:
                    retriever = service.retriever_factory() if service.retriever_factory else None
                    if retriever is None:
                        raise RuntimeError("no retriever")
                    search = getattr(retriever, "search", None)
                    docs = search(query, k=k) if search else retriever.invoke(query)[:k]
                    service._guidance_cache[key] = list(docs or [])
                return service._guidance_cache[key]

        return lambda: _Cached()

    def suggest(self, form_id: str, field_id: str, values: dict[str, str] | None = None) -> Suggestion | None:
        """LLM wording for a free-text field, or None when no model is configured.

        The result is only a suggestion: it is never written into the form
        unless the user accepts it (``apply`` with Source "suggestion").
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.prompts import load_prompt

        form = self.form(form_id)
        f = form.field(field_id)
        if not f.suggest:
            raise ValueError(f"字段“{f.label}”不提供措辞建议（field {field_id} takes no suggestions）")
        llm = self.llm_factory() if self.llm_factory else None
        if llm is None:
            return None
        values = values or {}
        # Name, 宗旨, type and the other free-text answers are what the wording can draw on.
        known = "\n".join(f"{g.label}：{values[g.id]}" for g in form.fields
                          if g.id != field_id and values.get(g.id) and g.type in ("text", "choice"))
        system = load_prompt(self.settings, "forms_suggest")
        current = (values.get(field_id) or "").strip()
        human = (f"表单：{form.title}\n栏目：{f.label}\n栏目说明：{f.help}\n要求：{f.requirement or '无'}\n"
                 f"已填写的其他栏目：\n{known or '（无）'}\n"
                 + (f"该栏目当前内容（请改写完整）：{current}\n" if current else "该栏目尚未填写。\n")
                 + f"请直接写出“{f.label}”栏目的内容：")
        reply = llm.invoke([SystemMessage(system), HumanMessage(human)])
        text = clean_suggestion(getattr(reply, "content", str(reply)), f.label)
        def bare(t: str) -> str:
            return re.sub(r"[、；;，,。\s]", "", t)

        if not text or text in ("空", "（空）", "无") or bare(text) == bare(current):
            return Suggestion(field_id=field_id, text="", note="模型没有给出新的措辞，请自行填写或换用更大的模型。")
        note = ""
        limit = f.rules.get("max_length")
        if limit and len(text) > limit:
            note = f"建议内容{len(text)}字，超过本栏{limit}字的上限，请删减后再采纳。"
        return Suggestion(field_id=field_id, text=text, note=note)

    def accept_suggestion(self, filled: FilledForm, suggestion: Suggestion, today: date | None = None) -> FilledForm:
        filled.values[suggestion.field_id] = FieldValue(suggestion.text, Source("suggestion"))
        return self.apply(filled, {}, today)

    # --- output --------------------------------------------------------------
    def write_docx(self, filled: FilledForm, path: str | Path) -> Path:
        return output.write_docx(filled, path)

    def docx_bytes(self, filled: FilledForm) -> bytes:
        return output.docx_bytes(filled)

    def to_json(self, filled: FilledForm) -> dict[str, Any]:
        return output.to_json(filled)


def clean_suggestion(text: Any, label: str) -> str:
    """Strip what small models add around the answer: code fences, a repeated label, quotes, numbering."""
    if isinstance(text, list):  # content blocks
        text = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in text)
    text = re.sub(r"```\w*", "", str(text)).strip()
    text = re.sub(rf"^\s*(?:{re.escape(label)}|建议)\s*[：:]\s*", "", text)
    lines = [re.sub(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[-*•])\s*", "", line).strip()
             for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1:
        if "范围" in label:  # one item per line -> the form's "；"-separated list
            return "；".join(line.rstrip("；;。") for line in lines)
        return "\n".join(lines)
    return (lines[0] if lines else "").strip("“”\"' ")
