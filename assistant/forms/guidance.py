"""Per-field guidance: what a field means, what the rules require, and where that is written.

The static part (help, requirement, basis) is in the form YAML. The dynamic
part applies the form's own rules to the values entered so far (e.g. the
minimum 活动资金 for the level chosen). Citations come from the knowledge base
when it is available; an empty or missing knowledge base only removes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from assistant.forms.cross_rules import RuleContext, applicable_bound, matches_when
from assistant.forms.definitions import TYPE_LABELS, FormDefinition
from assistant.rules import Bound, Rulebook

log = logging.getLogger(__name__)


@dataclass
class Guidance:
    field_id: str
    label: str
    type_label: str
    required: bool
    help: str
    requirement: str
    basis: list[str]
    applicable: list[str] = field(default_factory=list)  # rules applied to the current values
    citations: list[dict[str, Any]] = field(default_factory=list)
    kb_note: str = ""  # why there are no citations, when there are none

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def markdown(self) -> str:
        lines = [f"**{self.label}**（{self.type_label}{'，必填' if self.required else '，选填'}）", ""]
        if self.help:
            lines.append(f"- 含义：{self.help}")
        if self.requirement:
            lines.append(f"- 要求：{self.requirement}")
        for text in self.applicable:
            lines.append(f"- 按已填内容：{text}")
        if self.basis:
            lines.append(f"- 依据：{'；'.join(self.basis)}")
        if self.citations:
            lines.append("- 知识库出处：")
            for c in self.citations:
                where = "，".join(x for x in (c.get("doc_number", ""), c.get("section", "")) if x)
                snippet = c.get("text", "").replace("\n", " ")
                snippet = snippet[:80] + ("…" if len(snippet) > 80 else "")
                lines.append(f"  - 《{c.get('title', '')}》{('（' + where + '）') if where else ''}：{snippet}")
        elif self.kb_note:
            lines.append(f"- {self.kb_note}")
        return "\n".join(lines)


def applicable_rules(form: FormDefinition, field_id: str, values: dict[str, str], today: date,
                     rulebook: Rulebook) -> list[str]:
    """The form's numeric cross rules that concern this field, applied to the current values."""
    ctx = RuleContext(form=form, values=values, parsed={}, today=today, rulebook=rulebook)
    out: list[str] = []
    for rule in form.cross_rules:
        if rule.kind != "min_amount" or rule.params.get("amount") != field_id:
            continue
        label = form.field(field_id).label
        bound = applicable_bound(ctx, rule)
        if bound:
            out.append(f"{bound.label}的{label}不得低于{bound}（依据：{bound.basis}）。")
            continue
        # Which level or kind applies is not known yet: list every case of this org type.
        cases = [b for b in rulebook.topic(rule.params["topic"])
                 if isinstance(b, Bound) and b.match({"org_type": ctx.org_type}) is not False]
        if cases:
            bases = "；".join(dict.fromkeys(b.basis for b in cases))
            out.append("；".join(f"{b.label}不低于{b}" for b in cases) + f"（依据：{bases}）。请先选择层级或类别。")
    for rule in form.cross_rules:
        if field_id in rule.fields and rule.kind == "forbidden_value" and matches_when(ctx, rule.params.get("when", {})):
            out.append(rule.params["message"])
    return out


def kb_citations(retriever_factory: Callable[[], Any] | None, query: str, k: int = 3) -> tuple[list[dict[str, Any]], str]:
    """Search hits for a query as JSON-ready dicts, and a note when the KB gives nothing."""
    if retriever_factory is None or not query:
        return [], ""
    try:
        from assistant.kb.schema import hit_from_document

        retriever = retriever_factory()
        search = getattr(retriever, "search", None)
        # Ask for more than needed: drafting templates are dropped below.
        docs = search(query, k=k * 2) if search else retriever.invoke(query)
    except Exception as exc:  # no index yet, Chroma missing, model files absent …
        log.info("knowledge base unavailable for guidance: %s", exc)
        return [], "知识库暂不可用（尚未建立索引），仅显示表单内置的说明。"
    hits, seen = [], set()
    for hit in (hit_from_document(d) for d in docs or []):
        # Templates are our own drafting material, not a basis a filer can cite.
        key = (hit["title"], hit["section"])
        if hit["doc_type"] == "template" or key in seen:
            continue
        seen.add(key)
        hits.append(hit)
    hits = hits[:k]
    if not hits:
        return [], "知识库中没有找到相关条文。"
    return hits, ""


def build_guidance(form: FormDefinition, field_id: str, values: dict[str, str], today: date, rulebook: Rulebook,
                   retriever_factory: Callable[[], Any] | None = None, k: int = 3) -> Guidance:
    f = form.field(field_id)
    citations, note = kb_citations(retriever_factory, f.kb_query, k) if f.kb_query else ([], "")
    return Guidance(
        field_id=f.id, label=f.label, type_label=TYPE_LABELS[f.type], required=f.required,
        help=f.help, requirement=f.requirement, basis=list(f.basis),
        applicable=applicable_rules(form, field_id, values, today, rulebook),
        citations=citations, kb_note=note,
    )
