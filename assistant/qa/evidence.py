"""Evidence selection: the sentence(s) of the retrieved passages that answer the question.

This is where the Q&A chain decides, without the language model, *whether* the
documents answer and *which words* answer: every sentence of the top passages is
scored by

    similarity to the question (the embedder's sentence vectors)
  + coverage of the question's key terms (in the sentence, and in its passage's
    title and section, which carry the place and the topic)
  + whether it states the kind of value the question asks for (an edition for
    "第几届", a date for "什么时候", a quantity for "多少")
  + a small bonus for the passage's retrieval rank,

and the best is taken, plus the sentences a list or a procedure needs (the items
after an enumerating sentence) and a second sentence when it covers key terms the
first does not (cross-document questions). The question is answerable only when the
evidence covers enough of the key terms and states the asked-for kind of value;
otherwise the answer is a refusal, whatever a model would have said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.kb.splitter import chunk_sentences
from assistant.qa.followup import find_places
from assistant.qa.passages import Passage
from assistant.qa.question import Question, coverage, states_value
from assistant.qa.text import is_instruction

# Weights of the sentence score's parts: a grid search on the development questions
# (eval/data/retrieval.yaml read as Q&A, and eval/data/qa.yaml; see eval/README.md) ranks the
# answering sentence first for 122 of 142; a plateau of neighbouring weights does as well.
SIMILARITY_WEIGHT = 2.0
SENTENCE_COVERAGE_WEIGHT = 0.4
CONTEXT_COVERAGE_WEIGHT = 0.6
VALUE_WEIGHT = 0.25
RANK_WEIGHT = 0.6
# A sentence stating the asked-for kind of value is preferred to a better-scoring one that
# states none, within this margin.
VALUE_PREFERENCE_MARGIN = 0.6
# Answerable when the evidence (with its passage's title and section) covers this share
# of the key terms' weight, and states the asked-for value kind.
MIN_COVERAGE = 0.6
# A second sentence is added when it raises the key-term coverage by this much, and only
# when both it and the first cover this much on their own (no patchwork of unrelated words).
MIN_COVERAGE_GAIN = 0.2
MIN_OWN_COVERAGE = 0.3
# A passage from another place than the one the question names (a district's notice for a
# question about its city) loses this much score.
OTHER_PLACE_PENALTY = 0.8
# A document's head and tail (文件头 / 落款: title, 文号, issuer, date) answer only questions
# about the document itself.
FRONT_MATTER_SECTIONS = ("文件头", "落款")
_ABOUT_THE_DOCUMENT_RE = re.compile(r"印发|发文|文号|发布|落款|成文|哪天|日期|哪个部门|哪个单位|哪家|谁")
MAX_LIST_ITEMS = 8
# Compare questions: a side's second-best sentence is added when it scores within this of its best.
SIDE_SECOND_MARGIN = 0.35
# A chosen sentence this short is an item's title ("（一）夯实党建基础。"): its content follows.
HEADING_CHARS = 14

_ENUMERATES_RE = re.compile(r"[：:]\s*$|下列|如下|以下(?:几|各|内容|方面|条件|情形|材料|事项)|包括[：:]")
_ITEM_RE = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]|[一二三四五六七八九十]+是|[一二三四五六七八九十]+、)")


@dataclass
class EvidenceSentence:
    n: int  # 1-based number in the answer's evidence list
    passage: Passage
    text: str
    start: int  # offsets in passage.text (-1 when the sentence could not be located)
    end: int
    score: float
    coverage: float  # key-term coverage with the passage's title and section
    states_value: bool
    similarity: float = 0.0  # the embedder's cosine between question and sentence
    side: str = ""  # compare questions: the side this sentence answers for


@dataclass
class Evidence:
    sentences: list[EvidenceSentence] = field(default_factory=list)
    answerable: bool = False
    reason: str = ""  # why not answerable: no_sentences | low_coverage | no_value
    coverage: float = 0.0


@dataclass
class _Candidate:
    passage: Passage
    index: int  # position among the passage's sentences
    text: str
    similarity: float
    own_coverage: float
    context_coverage: float
    value: bool
    score: float = 0.0


SentenceVectors = Callable[[list[Passage]], dict[str, list[tuple[str, np.ndarray]]]]


def passage_sentences(p: Passage) -> list[str]:
    """A passage's sentences as the sentence vectors embed them (instructions left out)."""
    return [s for s in chunk_sentences(p.text) if not is_instruction(s)]


def _similarities(sentences: list[str], stored: list[tuple[str, np.ndarray]] | None,
                  query_vector: np.ndarray | None) -> list[float]:
    if query_vector is None or not stored:
        return [0.0] * len(sentences)
    by_text = {text.strip(): vector for text, vector in stored}
    return [float(by_text[s] @ query_vector) if s in by_text else 0.0 for s in sentences]


def home_place(p: Passage) -> str:
    """The most specific place a passage's document is from: the last place its first issuer
    names (上级市 + 区 → the 区), else its title's."""
    for text in (p.first_issuer, p.title, p.issuers):
        places = find_places(text or "")
        if places:
            return places[-1]
    return ""


# A template's unfilled field (【name】, 【max_extension_years】): its sentences say what a charter
# would say once filled in, not what a rule says, so they never answer a question.
_PLACEHOLDER_RE = re.compile(r"【[A-Za-z_][A-Za-z0-9_.]*】")


def _usable(question: Question, p: Passage) -> bool:
    if _PLACEHOLDER_RE.search(p.text) or _PLACEHOLDER_RE.search(p.title):
        return False
    if p.section.split(" > ")[0] in FRONT_MATTER_SECTIONS:
        return bool(_ABOUT_THE_DOCUMENT_RE.search(question.text))
    return True


def _place_penalty(question: Question, p: Passage) -> float:
    if not question.places:
        return 0.0
    home = home_place(p)
    return OTHER_PLACE_PENALTY if home and home not in question.places else 0.0


def candidates(question: Question, passages: list[Passage], query_vector: np.ndarray | None,
               vectors: dict[str, list[tuple[str, np.ndarray]]]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for rank, p in enumerate(passages):
        if not _usable(question, p):
            continue
        penalty = _place_penalty(question, p)
        sentences = passage_sentences(p)
        sims = _similarities(sentences, vectors.get(p.chunk_id), query_vector)
        context = f"{p.title} {p.section} {p.article}"
        for i, (sentence, sim) in enumerate(zip(sentences, sims)):
            found.append(_Candidate(
                passage=p, index=i, text=sentence, similarity=sim,
                own_coverage=coverage(question, sentence),
                context_coverage=coverage(question, f"{sentence} {context}"),
                value=states_value(sentence, question.wants, question.unit),
            ))
            found[-1].score = _score(found[-1], rank) - penalty
    return found


def _score(c: _Candidate, rank: int) -> float:
    return (SIMILARITY_WEIGHT * c.similarity + SENTENCE_COVERAGE_WEIGHT * c.own_coverage
            + CONTEXT_COVERAGE_WEIGHT * c.context_coverage + VALUE_WEIGHT * float(c.value)
            + RANK_WEIGHT / (1 + rank))


def select(question: Question, passages: list[Passage], query_vector: np.ndarray | None = None,
           vectors: dict[str, list[tuple[str, np.ndarray]]] | None = None,
           side_of: Callable[[Passage], str] | None = None) -> Evidence:
    """The evidence for ``question`` among ``passages`` (best first by retrieval)."""
    pool = candidates(question, passages, query_vector, vectors or {})
    if not pool:
        return Evidence(reason="no_sentences")
    if question.shape == "compare" and question.sides and side_of is not None:
        return _select_per_side(question, pool, side_of)
    ranked = sorted(pool, key=lambda c: -c.score)
    best = _best_answering(question, ranked)
    chosen = _with_body(best, pool)
    if question.shape in ("list", "procedure") or _ENUMERATES_RE.search(best.text):
        chosen += _following_items(chosen[-1], pool, question)
    chosen += _complement(question, chosen, ranked)
    return _verdict(question, chosen)


def _with_body(best: _Candidate, pool: list[_Candidate]) -> list[_Candidate]:
    """The sentence, and the next one when it is only an item's title."""
    if len(re.findall(r"[\u4e00-\u9fff]", best.text)) > HEADING_CHARS:
        return [best]
    following = [c for c in pool if c.passage is best.passage and c.index == best.index + 1]
    return [best, *following]


def _best_answering(question: Question, ranked: list[_Candidate]) -> _Candidate:
    """The top sentence, preferring one that states the asked-for value kind."""
    if question.wants:
        stating = [c for c in ranked if c.value]
        if stating and stating[0].score >= ranked[0].score - VALUE_PREFERENCE_MARGIN:
            return stating[0]
    return ranked[0]


def _following_items(best: _Candidate, pool: list[_Candidate], question: Question) -> list[_Candidate]:
    """An enumerating sentence's items (（一）…, 1. …, 一是…, or the sentences right after a colon)."""
    same = sorted((c for c in pool if c.passage is best.passage and c.index > best.index), key=lambda c: c.index)
    items: list[_Candidate] = []
    enumerates = bool(_ENUMERATES_RE.search(best.text))
    for c in same:
        if len(items) >= MAX_LIST_ITEMS:
            break
        if c.index != best.index + len(items) + 1:
            break
        if enumerates or _ITEM_RE.match(c.text) or (question.shape == "procedure" and c.own_coverage > 0):
            items.append(c)
        else:
            break
    return items


def _complement(question: Question, chosen: list[_Candidate], ranked: list[_Candidate]) -> list[_Candidate]:
    """A sentence covering key terms the chosen ones miss (often from another document)."""
    have = " ".join(c.text + " " + c.passage.title + " " + c.passage.section for c in chosen)
    base = coverage(question, have)
    if base >= 0.999 or max(c.own_coverage for c in chosen) < MIN_OWN_COVERAGE:
        return []
    best_gain, best = 0.0, None
    for c in ranked[:20]:
        if any(c is o for o in chosen) or c.own_coverage < MIN_OWN_COVERAGE:
            continue
        gain = coverage(question, f"{have} {c.text} {c.passage.title} {c.passage.section}") - base
        if gain > best_gain + 1e-9:
            best_gain, best = gain, c
    return [best] if best is not None and best_gain >= MIN_COVERAGE_GAIN else []


def _select_per_side(question: Question, pool: list[_Candidate], side_of: Callable[[Passage], str]) -> Evidence:
    chosen: list[_Candidate] = []
    sides: list[str] = []
    for side in question.sides:
        own = sorted((c for c in pool if side_of(c.passage) == side), key=lambda c: -c.score)
        picked: list[_Candidate] = []
        for c in own[:2]:  # the best sentence, and a second one close to it (a comparison wants substance)
            if picked and (c.score < own[0].score - SIDE_SECOND_MARGIN or any(c is o for o in picked)):
                break
            picked += [b for b in _with_body(c, pool) if not any(b is o for o in picked)]
        chosen += picked
        sides += [side] * len(picked)
    evidence = _verdict(question, chosen, require_value=False)
    for sentence, side in zip(evidence.sentences, sides):
        sentence.side = side
    if len(chosen) < len(question.sides):
        evidence.answerable = False
        evidence.reason = "one_side_missing"
    return evidence


def _verdict(question: Question, chosen: list[_Candidate], require_value: bool = True) -> Evidence:
    joined = " ".join(f"{c.text} {c.passage.title} {c.passage.section} {c.passage.article}" for c in chosen)
    total = coverage(question, joined)
    sentences = [_as_evidence(n, c) for n, c in enumerate(chosen, start=1)]
    evidence = Evidence(sentences=sentences, coverage=total)
    if total < MIN_COVERAGE:
        evidence.reason = "low_coverage"
    elif require_value and question.wants and not any(c.value for c in chosen):
        evidence.reason = "no_value"
    else:
        evidence.answerable = True
    return evidence


def _as_evidence(n: int, c: _Candidate) -> EvidenceSentence:
    start = c.passage.text.find(c.text)
    return EvidenceSentence(n=n, passage=c.passage, text=c.text, start=start,
                            end=start + len(c.text) if start >= 0 else -1, score=round(c.score, 4),
                            coverage=round(c.context_coverage, 3), states_value=c.value,
                            similarity=round(c.similarity, 4))
