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

from assistant.checking.detect import Fact, FilingReader, detect_kind, doc_role, same_organization
from assistant.checking.marks import MarkVerdict, material_seal_verdict, seal_verdict, signature_verdict
from assistant.checking.materials import Package
from assistant.checking.scans import DocumentScan, PageMarks
from assistant.filings.bundle import TITLE_QUALIFIER, BundlePart, compare_checklist, name_similarity
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
    "checklist": "inconsistent", "summary": "unsure",
}
# A title's second line is at most this long when the title wrapped onto it.
WRAPPED_TITLE_TAIL = 20
# Added to a finding that quotes text OCR read with low confidence.
LOW_CONFIDENCE_NOTE = "识别置信度较低，请人工核对"


@dataclass
class Finding:
    rule_id: str
    item: str
    status: str  # missing | violation | inconsistent | unsure (请核对原件: the scan cannot settle it)
    basis: str
    evidence: str  # verbatim quote from the filing ("" when nothing was found)
    location: str
    suggestion: str
    severity: str  # high | medium | low
    detail: str  # one sentence saying what was (not) found
    file: str = ""  # the uploaded file it concerns ("" for the filing as a whole)
    page: int = 0  # the page in that file (0: no page, or the whole file)

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
    scans: list[tuple[str, PageMarks]] = field(default_factory=list)  # (file, what each scanned page shows)

    @property
    def complete(self) -> bool:
        """Checked, and nothing to correct: a filing with no readable file is not complete."""
        return bool(self.files) and not self.findings and not self.errors

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
            "scans": [marks.to_dict(file) for file, marks in self.scans],
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
    def check(self, docs: list[ParsedDocument], kind: str | None = None, org_type: str | None = None,
              package: Package | None = None) -> CheckResult:
        """Check the documents of one filing. ``package`` says, for documents cut out of a
        bundled file or read from a scan, which file each came from, which only summarise
        their material, what each scan shows, and the 材料清单s (default: plain files)."""
        package = package or Package.of_documents(docs)
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
        # A charter given only as a summary is not read as the charter (the summary rule says so).
        full_texts = [d for d in docs if not getattr(package.material_of(d), "summary", "")]
        charter_docs = [d for d in full_texts if doc_role(d) == "charter"]
        if kind == "charter" and not charter_docs:
            charter_docs = full_texts
        ctx = _Context(docs, charter_docs, masked, facts, names, org_type, kind,
                       SemanticMatcher(self.embeddings_factory, self.description_cache, self.semantic_threshold),
                       package)
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
        return [self._finding(rule, "", f"{where}（全文）", detail + _unsure_pages_note(docs, ctx))], ""

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
            if hit is None:
                hit = _find_summary_of(part, ctx)
            (found if hit else missing).append((part.get("label") or rule.item, hit))
        if not missing:
            return [], "；".join(h for _, h in found)
        labels = "、".join(label for label, _ in missing)
        detail = f"申请材料中未见“{labels}”（既无单独文件，也无相应附件标题）"
        return [self._finding(rule, "", "全部申请材料", detail + _unsure_pages_note(ctx.docs, ctx))], ""

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
                    findings.append(self._finding(rule, quote, location, detail, ctx, doc, chosen.sentence_start,
                                                  chosen.sentence_start + len(sentence)))
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
                findings.append(self._finding(rule, fact.quote, fact.location, detail, ctx, ctx.doc_named(fact.file),
                                              fact.start, fact.start + len(fact.shown)))
        return findings, f"名称“{ctx.names[0].shown}”"

    # --- signatures and seals ----------------------------------------------------
    def _check_signature(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        """The field's label must be printed; on a scan, the field must also hold the mark
        (``mark``: signature | seal). A rule naming a ``material`` checks that material's scans."""
        if rule.detect.get("material"):
            return self._check_material_mark(rule, ctx)
        mark = rule.detect.get("mark")
        shapes = tuple(rule.detect.get("shapes") or ())
        patterns = [re.compile(p) for p in rule.detect.get("patterns") or []]
        first_hit: tuple[ParsedDocument, int, int] | None = None
        verdicts: list[tuple[ParsedDocument, MarkVerdict]] = []
        for doc in ctx.docs:
            text = ctx.masked_of(doc)
            hits = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text))
            if hits and first_hit is None:
                first_hit = (doc, *hits[0])
            scan = ctx.scan_of(doc)
            if mark and scan is not None and hits:
                verdict = (signature_verdict(scan, hits) if mark == "signature"
                           else seal_verdict(scan, hits, shapes))
                if verdict is not None:
                    verdicts.append((doc, verdict))
        findings = [self._mark_finding(rule, ctx, doc, v) for doc, v in verdicts if not v.ok]
        if findings:
            return findings, ""
        if verdicts:
            doc, verdict = verdicts[0]
            return [], f"{verdict.how}（{doc.location(verdict.start)}）"
        if first_hit is not None:
            doc, start, end = first_hit
            line_start = doc.text.rfind("\n", 0, start) + 1
            line_end = doc.text.find("\n", end)
            quote = doc.text[line_start:line_end if line_end >= 0 else len(doc.text)].strip()
            return [], f"{quote}（{doc.location(start)}）"
        scanned = [(doc, scan) for doc in ctx.docs if (scan := ctx.scan_of(doc)) is not None and scan.pages]
        if mark == "seal":
            # The label may sit under the seal, unread: the seal itself shows the field was stamped.
            for doc, scan in scanned:
                if scan.seals(shapes):
                    return [], f"扫描件第{scan.seals(shapes)[0].page}页加盖印章（{doc.name}）"
            if scanned:
                # No label and no seal on the scan: the finding points at the 落款 of the first scan.
                doc, scan = scanned[0]
                return [self._mark_finding(rule, ctx, doc, _closing_verdict(doc, scan, shapes))], ""
        detail = f"材料中没有“{rule.item}”栏，或未完成{rule.item}"
        if scanned:
            doc, scan = scanned[0]
            start = _closing_line(doc)
            return [self._finding(rule, "", doc.location(start), detail, ctx, doc, start, start + 1)], ""
        return [self._finding(rule, "", "、".join(d.name for d in ctx.docs), detail)], ""

    def _check_material_mark(self, rule: Rule, ctx: "_Context"):
        """A material that must bear a seal (the 业务主管单位's approval, the 验资报告), on its scans."""
        patterns = [re.compile(p) for p in rule.detect["material"]]
        shapes = tuple(rule.detect.get("shapes") or ())
        verdicts = []
        for doc in ctx.docs:
            scan = ctx.scan_of(doc)
            if scan is None or not scan.pages or not any(p.search(t) for t in _own_titles(doc) for p in patterns):
                continue
            verdict = material_seal_verdict(scan, doc, shapes)
            if verdict is not None:
                verdicts.append((doc, verdict))
        if not verdicts:
            return None  # no scan of that material: a text file cannot show a seal
        findings = [self._mark_finding(rule, ctx, doc, v) for doc, v in verdicts if not v.ok]
        if findings:
            return findings, ""
        return [], "；".join(f"{v.how}（{doc.name}）" for doc, v in verdicts)

    def _mark_finding(self, rule: Rule, ctx: "_Context", doc: ParsedDocument, verdict: MarkVerdict) -> Finding:
        material = ctx.package.material_of(doc)
        what = material.file if material else doc.name
        if verdict.status == "unsure":
            detail = f"扫描件“{what}”{verdict.how}"
        else:
            detail = f"扫描件“{what}”{verdict.how}：{rule.item}"
        line_end = doc.text.find("\n", verdict.start)
        quote = doc.text[doc.text.rfind("\n", 0, verdict.start) + 1:line_end if line_end >= 0 else len(doc.text)].strip()
        return self._finding(rule, quote[:80], doc.location(verdict.start), detail, ctx, doc, verdict.start,
                             verdict.end, status="unsure" if verdict.status == "unsure" else None, page=verdict.page)

    # --- consistency across a package ------------------------------------------------
    def _check_consistency(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        field_name = rule.detect["field"]
        if field_name == "organization":
            return self._check_one_organization(rule, ctx)
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
                if key == "name" and not same_organization(reference.value, other.value):
                    continue  # two organizations, not one name written two ways: the one-organization rule
                if other.value != reference.value:
                    evidence = f"「{reference.quote}」（{reference.location}）；「{other.quote}」（{other.location}）"
                    label = key.split(":", 1)[1] if ":" in key else rule.item.replace("各材料所载", "").replace("一致", "")
                    detail = f"{label}不一致：“{reference.file}”写作“{reference.shown}”，“{other.file}”写作“{other.shown}”"
                    if any(ctx.rests_on_low_confidence(f) for f in (reference, other)):
                        detail = f"{detail}（{LOW_CONFIDENCE_NOTE}）"
                    findings.append(self._finding(rule, evidence, f"{reference.location}；{other.location}", detail))
        first = next(iter(per_file.values()))
        return findings, "、".join(f"{f.file}：{f.shown}" for f in first.values())

    def _check_one_organization(self, rule: Rule, ctx: "_Context"):
        """All files of one filing concern one organization (two charters of two organizations
        checked together are two filings, not one complete one)."""
        groups: list[list[Fact]] = []  # the first name each file states, grouped by organization
        for doc in ctx.docs:
            fact = next((f for f in ctx.facts[doc.name] if f.field == "name"), None)
            if fact is None:
                continue
            group = next((g for g in groups if same_organization(g[0].value, fact.value)), None)
            if group is None:
                groups.append([fact])
            else:
                group.append(fact)
        if sum(len(g) for g in groups) < 2:
            return None
        if len(groups) == 1:
            return [], f"各材料均为“{groups[0][0].shown}”的材料"
        described = "；".join(f"“{g[0].shown}”（{'、'.join(_file_of(f.file, ctx) for f in g)}）" for g in groups)
        detail = f"本次审查的材料分属{len(groups)}个不同的组织：{described}"
        evidence = "；".join(f"「{g[0].quote}」（{g[0].location}）" for g in groups)
        return [self._finding(rule, evidence, "；".join(g[0].location for g in groups), detail)], ""

    # --- packages: the 材料清单 and materials given only as a summary ---------------------
    def _check_checklist(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        """The 材料清单 lists exactly what the package holds ("清单列出6项，实际附有5项")."""
        if not ctx.package.checklists:
            return None
        findings, hows = [], []
        for checklist in ctx.package.checklists:
            # A bundle's list is about what is inside that file; a list on its own, the other files.
            inside = [m for m in ctx.package.materials if m.file == checklist.file and m.doc is not checklist.doc]
            materials = inside or [m for m in ctx.package.materials if m.doc is not checklist.doc]
            parts = [BundlePart(i, m.marker, None, m.title or _own_titles(m.doc)[-1], 0, 0)
                     for i, m in enumerate(materials)]
            comparison = compare_checklist(checklist.items, parts, similarity=self._listed_as(rules, ctx))
            location = checklist.doc.location(checklist.start)
            if comparison.consistent:
                hows.append(f"{comparison.message_zh}（{location}）")
                continue
            detail = f"材料清单与所附材料不一致：{comparison.message_zh}"
            quote = checklist.doc.text[checklist.items[0].start:checklist.items[-1].end]
            findings.append(self._finding(rule, quote[:200], location, detail, ctx, checklist.doc, checklist.start,
                                          checklist.items[-1].end))
        return findings, "；".join(hows)

    def _listed_as(self, rules: list[Rule], ctx: "_Context"):
        """How well a listed name and an attached material agree: the same required material by
        the rulebook's titles (1), two different required materials (0), else by their names."""
        keys = _MaterialKeys([r for r in rules if r.type == "material"])
        org_names = sorted({f.shown for f in ctx.names}, key=len, reverse=True)

        def similarity(item, part) -> float:
            listed, attached = keys.of(item.name), keys.of(part.title)
            if listed & attached:
                return 1.0
            if listed and attached:
                return 0.0
            title = part.title
            for name in org_names:
                title = title.replace(name, "")
            return name_similarity(item.name, title or part.title)
        return similarity

    def _check_summary(self, rule: Rule, ctx: "_Context", rules: list[Rule]):
        """A material given only as a summary (章程摘要, “全文另册附后”) is not checked as that
        material; the report says its full text is not in the filing, unless another file is it."""
        patterns = [re.compile(p) for p in rule.detect.get("titles") or []]
        summaries = [m for m in ctx.package.materials if m.summary
                     and any(p.search(_plain_title(t)) for t in [m.title, *_own_titles(m.doc)] if t for p in patterns)]
        if not summaries:
            return None
        if rule.detect.get("charter_document") and ctx.charter_docs:
            doc = ctx.charter_docs[0]
            return [], f"全文见文件“{doc.name}”（{doc.title}）"
        label = rule.detect.get("label") or rule.item
        findings = []
        for m in summaries:
            detail = (f"“{m.doc.name}”中的{label}仅为摘要（“{m.summary}”），{label}全文不在本次审查的文件中，"
                      f"未按{label}审查其条款")
            findings.append(self._finding(rule, m.summary, m.doc.location(0), detail, ctx, m.doc, 0, 1))
        return findings, ""

    # -----------------------------------------------------------------------
    def _finding(self, rule: Rule, evidence: str, location: str, detail: str, ctx: "_Context | None" = None,
                 doc: ParsedDocument | None = None, start: int | None = None, end: int | None = None,
                 status: str | None = None, page: int | None = None) -> Finding:
        """A finding; with ``doc`` (and the text range it rests on) it names the file and page,
        and says so when the text it quotes was recognised with low confidence."""
        file = ""
        if doc is not None and ctx is not None:
            material = ctx.package.material_of(doc)
            file = material.file if material else doc.name
            scan = ctx.scan_of(doc)
            if page is None and start is not None:
                page = scan.page_at(start) if scan else doc.page_of(start)
            if scan is not None and start is not None and scan.low_confidence_at(start, end):
                detail = f"{detail}（{LOW_CONFIDENCE_NOTE}）"
        return Finding(rule.id, rule.item, status or STATUS_BY_TYPE[rule.type], rule.basis, evidence, location,
                       rule.suggestion, rule.severity, detail, file, page or 0)


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
    package: Package
    _descriptions: dict[str, dict[str, str]] = field(default_factory=dict)

    def scan_of(self, doc: ParsedDocument) -> DocumentScan | None:
        return self.package.scan_of(doc)

    def doc_named(self, name: str) -> ParsedDocument | None:
        return next((d for d in self.docs if d.name == name), None)

    def rests_on_low_confidence(self, fact: Fact) -> bool:
        doc = self.doc_named(fact.file)
        scan = self.scan_of(doc) if doc is not None else None
        return bool(scan and scan.low_confidence_at(fact.start, fact.start + len(fact.shown)))

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


class _MaterialKeys:
    """Which required material (rule id, part) a name is, by the material rules' title patterns."""

    def __init__(self, rules: list[Rule]):
        self._patterns = [((rule.id, index), [re.compile(p) for p in part.get("titles") or []])
                          for rule in rules for index, part in enumerate(rule.parts())]

    def of(self, name: str) -> set[tuple[str, int]]:
        plain = _plain_title(name)
        return {key for key, patterns in self._patterns if any(p.search(plain) for p in patterns)}


def _plain_title(title: str) -> str:
    """A title without its qualifier: 章程草案（摘要，全文另册附后） → 章程草案."""
    return TITLE_QUALIFIER.sub("", title.strip()).strip()


def _file_of(doc_name: str, ctx: "_Context") -> str:
    doc = ctx.doc_named(doc_name)
    material = ctx.package.material_of(doc) if doc is not None else None
    return doc_name if material is None or material.doc.name == material.file else material.doc.name


# The 落款 of a document: its signature or seal fields, or its date.
_CLOSING_RE = re.compile(r"签字|签名|签章|盖章|^\s*[0-9〇一二三四五六七八九十]{4}\s*年[^。\n]{1,8}日\s*$", re.M)


def _closing_line(doc: ParsedDocument) -> int:
    """Where a document's 落款 is (its last signature/seal field or date line), else its last line."""
    found = [m.start() for m in _CLOSING_RE.finditer(doc.norm)]
    if found:
        return found[-1]
    return doc.line_starts[-1] if doc.line_starts else 0


def _closing_verdict(doc: ParsedDocument, scan: DocumentScan, shapes: tuple[str, ...]) -> MarkVerdict:
    """A seal the scan lacks, without a seal field to point at: judged at the 落款."""
    start = _closing_line(doc)
    return seal_verdict(scan, [(start, start + 1)], shapes) or MarkVerdict(
        "absent", scan.page_at(start), start, start + 1, f"第{scan.page_at(start)}页未见印章")


def _title_lines(text: str) -> list[str]:
    """A document's title as its first line, and joined with the second when the title ran on
    to it (a long centred title wraps: "…关于同意…养老服务" / "中心变更住所的批复")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:2]
    if not lines:
        return [""]
    if len(lines) == 2 and not re.search(r"[。：:；;，,）)]$", lines[0]) and len(lines[1]) <= WRAPPED_TITLE_TAIL:
        return [lines[0], lines[0] + lines[1]]
    return lines[:1]


def _own_titles(doc: ParsedDocument) -> list[str]:
    """What a document calls itself: its first two lines (a bundle's marker line, then the
    material's own title; or a title wrapped onto two lines), without Markdown heading marks."""
    lines = [line.strip().lstrip("#").strip() for line in doc.norm.splitlines() if line.strip()]
    return lines[:2] + _title_lines("\n".join(lines[:2]))[1:]


def _unsure_pages_note(docs: list[ParsedDocument], ctx: "_Context") -> str:
    """For a "not found" finding over scans: the pages whose text was recognised with low confidence."""
    notes = []
    for doc in docs:
        scan = ctx.scan_of(doc)
        pages = scan.low_confidence_pages() if scan else []
        if pages:
            material = ctx.package.material_of(doc)
            notes.append(f"{material.file if material else doc.name}第{'、'.join(map(str, pages))}页")
    if not notes:
        return ""
    return f"（扫描件{'；'.join(notes)}有文字{LOW_CONFIDENCE_NOTE}）"


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


def _find_summary_of(part: dict, ctx: _Context) -> str | None:
    """A material supplied only as a summary, its full text filed separately (另册报送), is
    supplied; the summary rule reports that its full text was not checked."""
    patterns = [re.compile(p) for p in part.get("titles") or []]
    for m in ctx.package.materials:
        if not m.summary:
            continue
        titles = [_plain_title(t) for t in [m.title, *_own_titles(m.doc)] if t]
        if any(p.search(t) for t in titles for p in patterns):
            return f"“{m.title or m.doc.title}”（{m.doc.name}，仅附摘要：{m.summary}）"
    return None


def _find_material_title(part: dict, ctx: _Context) -> str | None:
    patterns = [re.compile(p) for p in part.get("titles") or []]
    if not patterns:
        return None
    for doc in ctx.docs:
        masked = ctx.masked_of(doc)
        title_lines = _title_lines(masked)
        candidates = [(t, 0) for t in title_lines] if len(masked.strip()) > len(title_lines[0]) + 15 else []
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
