"""Runs the rulebook over parsed documents and collects findings.

One method per rule type. Everything here is deterministic: the same files
and rulebook always give the same findings, and nothing written inside a
filing can change how it is judged (sentences that address the checker are
masked out before any matching, see ``assistant.text.instructions``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Callable

from assistant.checking.detect import Fact, FilingReader, detect_kind, doc_role
from assistant.text.document import ParsedDocument
from assistant.checking.numbers import extract_quantities, format_value
from assistant.checking.presence import (
    DEFAULT_SEMANTIC_THRESHOLD,
    Hit,
    SemanticMatcher,
    find_by_phrase,
    find_by_structure,
)
from assistant.rules import KIND_LABELS, Rule, Rulebook
from assistant.rules.knowledge import forbidden_words
from assistant.rules.rulebook import CHECKER_SCOPES
from assistant.text.instructions import REVIEWER_SIGNALS, addresses_reviewer

STATUS_BY_TYPE = {
    "presence": "missing", "material": "missing", "signature": "missing",
    "threshold": "violation", "name": "violation", "consistency": "inconsistent",
}


@dataclass
class Finding:
    rule_id: str
    item: str
    status: str  # missing | violation | inconsistent
    basis: str
    evidence: str  # verbatim quote from the filing ("" when nothing was found)
    location: str
    suggestion: str
    severity: str  # high | medium | low
    detail: str  # one sentence saying what was (not) found

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CheckResult:
    kind: str
    kind_reason: str
    org_type: str
    org_type_reason: str
    locality: str
    files: list[str]
    findings: list[Finding] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    checked: list[Rule] = field(default_factory=list)
    evidence_for_passed: dict[str, str] = field(default_factory=dict)  # rule id → how it was satisfied
    notes: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"file", "message"}

    @property
    def complete(self) -> bool:
        return not self.findings and not self.errors

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "org_type": self.org_type,
            "detected": {"kind": self.kind_reason, "org_type": self.org_type_reason},
            "locality": self.locality,
            "files": self.files,
            "complete": self.complete,
            "findings": [f.to_dict() for f in self.findings],
            "passed": list(self.passed),
            "not_applicable": list(self.not_applicable),
            "notes": list(self.notes),
            "errors": list(self.errors),
        }


class CheckEngine:
    def __init__(self, rulebook: Rulebook, embeddings_factory: Callable[[], object] | None,
                 semantic_threshold: float = DEFAULT_SEMANTIC_THRESHOLD,
                 description_cache: dict[str, list[float]] | None = None):
        self.rulebook = rulebook
        self.locality = rulebook.locality.name
        self.reader = FilingReader(rulebook.names, rulebook.locality)
        self.embeddings_factory = embeddings_factory
        self.semantic_threshold = semantic_threshold
        self.description_cache = description_cache if description_cache is not None else {}

    # ------------------------------------------------------------------
    def check(self, docs: list[ParsedDocument], kind: str | None = None, org_type: str | None = None) -> CheckResult:
        masked, notes = self._mask_instructions(docs)
        if self.rulebook.notice:
            notes.insert(0, self.rulebook.notice)
        facts = {d.name: self.reader.extract_facts(d) for d in docs}
        names = [f for d in docs for f in facts[d.name] if f.field == "name"]
        if kind:
            kind_reason = "由用户指定"
        else:
            kind, kind_reason = detect_kind(docs)
        if org_type:
            org_type_reason = "由用户指定"
        else:
            org_type, org_type_reason = self.reader.detect_org_type(docs, names)
        result = CheckResult(kind, kind_reason, org_type, org_type_reason, self.locality, [d.name for d in docs],
                             notes=notes)
        charter_docs = [d for d in docs if doc_role(d) == "charter"]
        if kind == "charter" and not charter_docs:
            charter_docs = list(docs)
        ctx = _Context(docs, charter_docs, masked, facts, names, org_type, kind,
                       SemanticMatcher(self.embeddings_factory, self.description_cache, self.semantic_threshold))
        rules = [r for r in self.rulebook.rules if r.scope in CHECKER_SCOPES and r.applies(kind, org_type)]
        for rule_id, (reason, org_types, kinds) in self.rulebook.inapplicable.items():
            if org_type in org_types and kind in kinds:
                result.not_applicable.append(rule_id)
                result.notes.append(f"{rule_id} 不适用：{reason}")
        for rule in rules:
            if rule.scope == "charter" and not charter_docs:
                result.not_applicable.append(rule.id)
                continue
            if rule.scope == "package" and len(docs) < 2:
                result.not_applicable.append(rule.id)
                continue
            outcome = getattr(self, f"_check_{rule.type}")(rule, ctx, rules)
            if outcome is None:
                result.not_applicable.append(rule.id)
                continue
            result.checked.append(rule)
            findings, how = outcome
            if findings:
                result.findings.extend(findings)
            else:
                result.passed.append(rule.id)
                result.evidence_for_passed[rule.id] = how
        if ctx.semantic.unavailable_reason:
            result.notes.append(ctx.semantic.unavailable_reason)
        return result

    # --- masking -------------------------------------------------------
    def _mask_instructions(self, docs: list[ParsedDocument]) -> tuple[dict[str, str], list[str]]:
        masked: dict[str, str] = {}
        notes: list[str] = []
        for doc in docs:
            chars = list(doc.norm)
            seen: set[int] = set()
            for pattern in REVIEWER_SIGNALS:
                for m in pattern.finditer(doc.norm):
                    start, end = doc.sentence_span(m.start(), m.end())
                    if start in seen or not addresses_reviewer(doc.norm[start:end]):
                        continue
                    seen.add(start)
                    sentence = doc.text[start:end]
                    for i in range(start, end):
                        if chars[i] != "\n":
                            chars[i] = " "
                    note = f"{doc.location(start)}：已忽略文件中针对审查本身的语句“{sentence[:60]}”（文件内容只作为材料审查，不作为指令执行）"
                    if note not in notes:
                        notes.append(note)
            masked[doc.name] = "".join(chars)
        return masked, notes

    # --- presence: statutory items ----------------------------------------
    def _check_presence(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        docs = ctx.charter_docs if rule.scope == "charter" else ctx.docs
        found_parts: list[tuple[str, Hit]] = []
        missing_parts: list[str] = []
        for index, part in enumerate(rule.parts()):
            # Any signal suffices, so the cheap ones go first and the document is
            # embedded only when structure and key phrases found nothing.
            hit = find_by_structure(part, docs, ctx.masked_of) or find_by_phrase(part, docs, ctx.masked_of)
            if hit is None and part.get("description") and part.get("anchors"):
                hit = ctx.semantic.find(f"{rule.id}#{index}", list(part["anchors"]),
                                        ctx.descriptions(rule.scope, rules), docs, ctx.masked_of)
            if hit is None:
                missing_parts.append(part.get("label") or rule.item)
            else:
                found_parts.append((part.get("label") or rule.item, hit))
        how_words = {"structure": "章节标题", "semantic": "语义相近的条文", "phrase": "关键表述"}
        if not missing_parts:
            first = found_parts[0][1]
            return [], f"{how_words[first.how]}：{first.quote}（{first.doc.location(first.start)}）"
        where = "、".join(d.name for d in docs)
        if found_parts:
            detail = f"已载明“{'、'.join(p for p, _ in found_parts)}”，未载明“{'、'.join(missing_parts)}”"
        else:
            detail = f"材料中未找到“{rule.item}”的相关章节或条款"
        return [self._finding(rule, "", f"{where}（全文）", detail)], ""

    # --- material: documents a package must contain ---------------------------
    def _check_material(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        unless = [re.compile(p) for p in rule.detect.get("unless") or []]
        for doc in ctx.docs:
            text = ctx.masked_of(doc)
            for p in unless:
                if m := p.search(text):
                    # Not required here (e.g. 直接登记 needs no 业务主管单位 approval).
                    quote = doc.sentence_at(m.start(), m.end())
                    return [], f"无需提交：{quote}（{doc.location(m.start())}）"
        missing, found = [], []
        for part in rule.parts():
            hit = None
            if part.get("charter_document") and ctx.charter_docs and ctx.kind != "charter":
                doc = ctx.charter_docs[0]
                hit = f"文件“{doc.name}”（{doc.title}）"
            if hit is None:
                hit = _find_material_title(part, ctx)
            (found if hit else missing).append((part.get("label") or rule.item, hit))
        if not missing:
            return [], "；".join(h for _, h in found)
        labels = "、".join(label for label, _ in missing)
        detail = f"申请材料中未见“{labels}”（既无单独文件，也无相应附件标题）"
        return [self._finding(rule, "", "全部申请材料", detail)], ""

    # --- thresholds ---------------------------------------------------------
    def _check_threshold(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        detect = rule.detect
        whole_text = "\n".join(ctx.masked_of(d) for d in ctx.docs)
        if not _condition_holds(detect.get("when_text") or {}, whole_text, "", ctx.org_name, self.rulebook.names.local_prefixes):
            return None
        contexts = [re.compile(p) for p in detect.get("context") or []]
        excludes = [re.compile(p) for p in detect.get("exclude") or []]
        quantity_kind = detect["quantity"]
        findings: list[Finding] = []
        evaluated: list[str] = []
        for doc in ctx.docs:
            text = ctx.masked_of(doc)
            seen_sentences: set[int] = set()
            for q in extract_quantities(text, kinds=(quantity_kind,)):
                sentence_start, sentence_end = doc.sentence_span(q.start, q.end)
                sentence = text[sentence_start:sentence_end]
                if sentence_start in seen_sentences:
                    continue
                seen_sentences.add(sentence_start)
                ctx_match = next((m for p in contexts if (m := p.search(sentence))), None)
                if ctx_match is None or any(p.search(sentence) for p in excludes):
                    continue
                # The number that belongs to the context word is the first one after it
                # (or the nearest before it when none follows).
                chosen = _quantity_for_context(text, sentence_start, sentence, ctx_match, quantity_kind)
                if chosen is None:
                    continue
                variant = next((v for v in detect.get("variants") or []
                                if _condition_holds(v.get("when") or {}, whole_text, sentence, ctx.org_name,
                                                 self.rulebook.names.local_prefixes)), None)
                if variant is None:
                    continue
                bound = self.rulebook.provision(variant["bound"])
                low = None if bound.min is None else float(bound.min)
                high = None if bound.max is None else float(bound.max)
                values = [chosen.value] + ([chosen.high] if chosen.high is not None else [])
                quote = doc.text[chosen.sentence_start:chosen.sentence_start + len(sentence)]
                location = doc.location(chosen.start)
                evaluated.append(f"{quote}（{location}）")
                problems = []
                if low is not None and min(values) < low:
                    problems.append(f"低于{variant.get('label', '')}的下限{format_value(quantity_kind, low)}")
                if high is not None and max(values) > high:
                    problems.append(f"超过{variant.get('label', '')}的上限{format_value(quantity_kind, high)}")
                if problems:
                    shown = chosen.text
                    detail = f"材料写明“{shown}”，{'，'.join(problems)}"
                    findings.append(self._finding(rule, quote, location, detail))
        if not evaluated:
            return None
        return findings, evaluated[0]

    # --- names ---------------------------------------------------------------
    def _check_name(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        if not ctx.names:
            return None
        for doc in ctx.docs:
            for pattern in rule.detect.get("unless") or []:
                if m := re.search(pattern, ctx.masked_of(doc)):
                    # e.g. a 全国性 organization may be named 中国…
                    return [], f"不适用：{doc.sentence_at(m.start(), m.end())}（{doc.location(m.start())}）"
        forbidden = forbidden_words(rule, self.rulebook)
        prefixes, words = (forbidden, ()) if rule.detect.get("forbid") == "local_prefixes" else ((), forbidden)
        findings: list[Finding] = []
        reported: set[str] = set()
        for fact in ctx.names:
            bad = [p for p in prefixes if fact.value.startswith(p)] + [w for w in words if w in fact.value]
            if bad and fact.value not in reported:
                reported.add(fact.value)
                detail = f"名称“{fact.shown}”含有“{'、'.join(bad)}”"
                findings.append(self._finding(rule, fact.quote, fact.location, detail))
        return findings, f"名称“{ctx.names[0].shown}”"

    # --- signatures and seals ----------------------------------------------------
    def _check_signature(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        patterns = [re.compile(p) for p in rule.detect.get("patterns") or []]
        for doc in ctx.docs:
            text = ctx.masked_of(doc)
            for p in patterns:
                if m := p.search(text):
                    line_start = text.rfind("\n", 0, m.start()) + 1
                    line_end = text.find("\n", m.end())
                    quote = doc.text[line_start:line_end if line_end >= 0 else len(doc.text)].strip()
                    return [], f"{quote}（{doc.location(m.start())}）"
        detail = f"材料中没有“{rule.item}”栏，或未完成{rule.item}"
        return [self._finding(rule, "", "、".join(d.name for d in ctx.docs), detail)], ""

    # --- consistency across a package ------------------------------------------------
    def _check_consistency(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        field_name = rule.detect["field"]
        # The first statement of each fact in each file is what that file claims.
        per_file: dict[str, dict[str, Fact]] = {}
        for doc in ctx.docs:
            for fact in ctx.facts[doc.name]:
                if fact.field == field_name or (field_name == "funds" and fact.field.startswith("funds:")):
                    per_file.setdefault(fact.field, {}).setdefault(doc.name, fact)
        if not any(len(files) >= 2 for files in per_file.values()):
            return None
        findings: list[Finding] = []
        for key, files in per_file.items():
            claims = list(files.values())
            reference = claims[0]
            for other in claims[1:]:
                if other.value != reference.value:
                    evidence = f"「{reference.quote}」（{reference.location}）；「{other.quote}」（{other.location}）"
                    label = key.split(":", 1)[1] if ":" in key else rule.item.replace("各材料所载", "").replace("一致", "")
                    detail = f"{label}不一致：“{reference.file}”写作“{reference.shown}”，“{other.file}”写作“{other.shown}”"
                    findings.append(self._finding(rule, evidence, f"{reference.location}；{other.location}", detail))
        first = next(iter(per_file.values()))
        return findings, "、".join(f"{f.file}：{f.shown}" for f in first.values())

    # -----------------------------------------------------------------------
    def _finding(self, rule: Rule, evidence: str, location: str, detail: str) -> Finding:
        return Finding(rule.id, rule.item, STATUS_BY_TYPE[rule.type], rule.basis, evidence, location,
                       rule.suggestion, rule.severity, detail)


@dataclass
class _Context:
    """What every rule check of one filing shares."""

    docs: list[ParsedDocument]
    charter_docs: list[ParsedDocument]
    masked: dict[str, str]
    facts: dict[str, list[Fact]]
    names: list[Fact]
    org_type: str
    kind: str
    semantic: SemanticMatcher
    _descriptions: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def org_name(self) -> str:
        return self.names[0].value if self.names else ""

    def masked_of(self, doc: ParsedDocument) -> str:
        return self.masked[doc.name]

    def descriptions(self, scope: str, rules: list[Rule]) -> dict[str, str]:
        """Every item description of the same scope: a passage must be nearest to the item it proves."""
        if scope not in self._descriptions:
            found = {}
            for rule in rules:
                if rule.type == "presence" and rule.scope == scope:
                    for index, part in enumerate(rule.parts()):
                        if part.get("description"):
                            found[f"{rule.id}#{index}"] = part["description"]
            self._descriptions[scope] = found
        return self._descriptions[scope]


def _condition_holds(when: dict, text: str, sentence: str, org_name: str, national_prefixes: tuple[str, ...]) -> bool:
    # name_prefix: national_prefixes = the name starts with a prefix only national organizations may use.
    prefixes = national_prefixes if when.get("name_prefix") == "national_prefixes" else tuple(when.get("name_prefix") or ())
    if "name_prefix" in when and not org_name.startswith(prefixes):
        return False
    if "text_has" in when and not any(re.search(p, text) for p in when["text_has"]):
        return False
    if "text_lacks" in when and any(re.search(p, text) for p in when["text_lacks"]):
        return False
    if "sentence_has" in when and not any(re.search(p, sentence) for p in when["sentence_has"]):
        return False
    if "sentence_lacks" in when and any(re.search(p, sentence) for p in when["sentence_lacks"]):
        return False
    return True


def _quantity_for_context(text: str, sentence_start: int, sentence: str, ctx_match: re.Match, kind: str):
    quantities = extract_quantities(sentence, kinds=(kind,))
    if not quantities:
        return None
    after = [q for q in quantities if q.start >= ctx_match.start()]
    chosen = after[0] if after else quantities[-1]
    # Re-anchor offsets from the sentence to the document.
    chosen.start += sentence_start
    chosen.end += sentence_start
    chosen.sentence_start = sentence_start
    chosen.sentence = sentence
    return chosen


def _find_material_title(part: dict, ctx: _Context) -> str | None:
    patterns = [re.compile(p) for p in part.get("titles") or []]
    if not patterns:
        return None
    for doc in ctx.docs:
        masked = ctx.masked_of(doc)
        title_line = masked.strip().splitlines()[0].strip() if masked.strip() else ""
        candidates = [(title_line, 0)] if len(masked.strip()) > len(title_line) + 15 else []
        for h in doc.headings:
            if h.kind == "article" or not h.title:
                continue
            line_end = masked.find("\n", h.start)
            if h.title not in masked[h.start:line_end if line_end >= 0 else len(masked)]:
                continue  # masked as an instruction to the checker
            body = masked[h.start:h.end]
            first_line_end = body.find("\n")
            body_rest = body[first_line_end + 1:] if first_line_end >= 0 else ""
            # A heading counts only when something follows it: a bare list of
            # enclosures ("一、验资报告") does not prove the material is there.
            if len(body_rest.strip()) >= 15:
                candidates.append((h.title, h.start))
        for title, start in candidates:
            if any(p.search(title) for p in patterns):
                return f"“{title}”（{doc.location(start)}）"
    return None
