"""The answer's lead: one or two sentences written by the model from the evidence
sentences alone, and the sentence-level guard that decides whether to keep it.

The small model sees only the selected sentences (not whole passages), so it has
little room to wander. Its lead is kept only when every sentence of it

* cites an evidence sentence ([n]) — or repeats one closely enough to be attributed to it —
  and is checked against that *sentence*, not its whole passage;
* states no number, edition (第八届), date, percentage, amount, quoted name or
  《title》 that the cited sentence does not contain;
* adds no words of its own: what the lead says beyond the question's words must
  come from the cited sentence (a model that names 民非类新型研发机构 when the
  sentence says 企业和社会力量 is caught here, even if the passage mentions both).

Otherwise — or when the model refuses although the evidence answers — the lead is
a template over the evidence: "根据《…》…：<the sentence>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.qa.citations import MARKER_RE, Removal, is_refusal, normalize_markers
from assistant.qa.evidence import Evidence, EvidenceSentence
from assistant.qa.passages import clean_passage_text
from assistant.qa.question import VALUE_PATTERNS, Question
from assistant.qa.text import cjk_bigrams, normalize, quoted_spans, split_sentences, titles

# Share of the lead's own bigrams (those not in the question) that the cited sentence must hold.
MIN_NOVEL_SUPPORT = 0.75


@dataclass
class Lead:
    text: str  # with [n] markers pointing at evidence sentences
    generated: bool  # False: the template over the evidence
    removed: list[Removal] = field(default_factory=list)
    reason: str = ""  # why a generated lead was replaced: refused | unsupported | empty


def build_messages(system: str, user_template: str, question: Question, evidence: Evidence) -> list[BaseMessage]:
    lines = []
    for s in evidence.sentences:
        where = f"《{s.passage.title}》" if s.passage.title else ""
        side = f"{s.side}：" if s.side else ""
        lines.append(f"[{s.n}]（{where}）{side}{clean_passage_text(s.text)}")
    user = (user_template.replace("{sentences}", "\n".join(lines)).replace("{question}", question.text))
    return [SystemMessage(content=system), HumanMessage(content=user)]


def value_tokens(text: str) -> list[str]:
    """Editions, dates, percentages, amounts and quantities stated in ``text``."""
    found: list[str] = []
    bare = MARKER_RE.sub("", text)
    for pattern in VALUE_PATTERNS.values():
        found += [re.sub(r"\s+", "", m.group(0)) for m in pattern.finditer(bare)]
    return found


def guard(raw: str, question: Question, evidence: Evidence) -> Lead:
    """The generated lead if every sentence of it passes, else the template."""
    text = normalize_markers(raw).strip()
    if not text:
        return Lead(template(evidence), generated=False, reason="empty")
    if is_refusal(text) and evidence.answerable:
        return Lead(template(evidence), generated=False, reason="refused")
    by_n = {s.n: s for s in evidence.sentences}
    removed: list[Removal] = []
    kept: list[str] = []
    for sentence in split_sentences(text):
        plain = MARKER_RE.sub("", sentence).strip()
        if not re.search(r"[\u4e00-\u9fff\w]", plain):
            continue
        markers = [int(n) for n in MARKER_RE.findall(sentence)]
        cited = [by_n[n] for n in dict.fromkeys(markers) if n in by_n]
        removed += [Removal(f"[{n}]", "no_such_passage", sentence.strip()) for n in markers if n not in by_n]
        if not cited:  # an unmarked sentence: the evidence sentence it repeats, if any
            cited = _attributed(plain, evidence)
        problem = _sentence_problem(plain, cited, question)
        if problem:
            removed.append(Removal("", problem, sentence.strip()))
            return Lead(template(evidence), generated=False, removed=removed, reason="unsupported")
        kept.append(_marked(plain, [c.n for c in cited]))
    if not kept:
        return Lead(template(evidence), generated=False, removed=removed, reason="empty")
    return Lead("".join(kept), generated=True, removed=removed)


def _attributed(plain: str, evidence: Evidence) -> list[EvidenceSentence]:
    grams = cjk_bigrams(plain)
    if not grams:
        return []
    best = max(evidence.sentences, key=lambda s: len(grams & cjk_bigrams(s.text)))
    return [best] if len(grams & cjk_bigrams(best.text)) / len(grams) >= MIN_NOVEL_SUPPORT else []


def _marked(plain: str, numbers: list[int]) -> str:
    m = re.search(r"[。；;！？!?，,]+$", plain)
    tail = m.group(0) if m else "。"
    body = plain[: m.start()] if m else plain
    return body + "".join(f"[{n}]" for n in numbers) + tail


def _sentence_problem(plain: str, cited: list[EvidenceSentence], question: Question) -> str:
    """'' when the lead sentence says nothing its cited evidence sentence(s) do not."""
    if not cited:
        return "not_supported"
    source = normalize("".join(s.text for s in cited))
    context = normalize(question.text + "".join(f"{s.passage.title}{s.passage.doc_number}" for s in cited))
    for token in value_tokens(plain):  # numbers, editions, dates, amounts: the sentence's, or the question's own
        if token not in source and token not in context:
            return "unsupported_fact"
    for quoted in quoted_spans(plain) + titles(plain):
        if normalize(quoted) not in source and normalize(quoted) not in context:
            return "quote_not_verbatim"
    novel = cjk_bigrams(plain) - cjk_bigrams(question.text) - cjk_bigrams(context)
    if novel and len(novel & cjk_bigrams(source)) / len(novel) < MIN_NOVEL_SUPPORT:
        return "not_supported"
    return ""


def template(evidence: Evidence) -> str:
    """The evidence itself as the lead: where it says it, then what it says."""
    groups: list[list[EvidenceSentence]] = []
    for s in evidence.sentences:  # consecutive sentences of one passage (a list's items) share a heading
        if groups and groups[-1][-1].passage.chunk_id == s.passage.chunk_id and groups[-1][-1].side == s.side:
            groups[-1].append(s)
        else:
            groups.append([s])
    parts = []
    for group in groups:
        first = group[0]
        where = f"《{first.passage.title}》" if first.passage.title else first.passage.source
        location = f" {first.passage.location}" if first.passage.location else ""
        side = f"{first.side}：" if first.side else ""
        said = "".join(_with_marker(s) for s in group)
        parts.append(f"{side}根据{where}{location}：{said}")
    return "\n".join(parts)


def _with_marker(s: EvidenceSentence) -> str:
    """The sentence with its [n] before its closing punctuation."""
    body = s.text.strip()
    m = re.search(r"[。；;！？!?，,]+$", body)
    tail = m.group(0) if m else "。"
    body = body[: m.start()] if m else body
    return f"{body}[{s.n}]{tail}"


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text)
