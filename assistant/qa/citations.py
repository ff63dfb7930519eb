"""Citation markers: parse, verify against the passages, and guard the answer.

The small model is asked to mark facts with ``[n]``, but nothing here trusts it
to have done so correctly. After generation every sentence is checked:

* a marker whose number names no passage is removed;
* a marker whose passage does not contain the sentence's quoted spans verbatim,
  or shares too little wording with the sentence, is removed;
* a sentence stating a number, a quoted name or a 《title》 that none of its
  (remaining) cited passages contains is removed — this is the guard against
  invented figures, dates and document names;
* an answer left with no verified citation becomes a refusal (in service.py).

Everything removed is reported in ``Verification.removed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.qa.passages import Passage
from assistant.qa.text import (
    CJK_RE,
    best_sentence,
    claim_text,
    normalize,
    numbers,
    overlap,
    quoted_spans,
    split_sentences,
    titles,
)

# [1] [1,2] [1、2] 【1】 ［1］ — all normalised to [1][2].
_MARKER_GROUP_RE = re.compile(r"[\[【［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】］]")
MARKER_RE = re.compile(r"\[(\d+)\]")

# A cited sentence must share at least this share of its CJK bigrams with the
# passage it cites (measured on the eval set: grounded sentences from the local
# model score 0.5–1.0; sentences citing an unrelated passage score < 0.2).
MIN_SUPPORT_OVERLAP = 0.3

# A sentence without a usable marker is attributed to the passage it repeats
# when at least this share of its wording comes from that one passage.
ATTRIBUTE_OVERLAP = 0.6

# A written marker is moved to another passage when that passage holds this
# much more of the sentence's wording than the cited one.
REPOINT_MARGIN = 0.25

# A cited sentence must assert something beyond titles and 文号 (CJK characters
# and digits counted: "2026年3月3日" is a claim).
MIN_CLAIM_CHARS = 4

REFUSAL_PHRASES = ("没有找到", "未找到", "没有提到", "未提及", "没有相关", "无法回答", "无法确定", "没有明确", "未涉及", "没有涉及")


@dataclass
class Citation:
    n: int
    passage: Passage
    quote: str  # the passage sentence that best supports the citing answer sentence
    answer_sentence: str

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "title": self.passage.title,
            "doc_number": self.passage.doc_number,
            "section": self.passage.location,
            "quote": self.quote,
            "source": self.passage.source,
        }


@dataclass
class Removal:
    marker: str  # "[7]", or "" when a whole sentence was removed
    reason: str  # no_such_passage | quote_not_verbatim | not_supported | unsupported_fact | better_passage
    sentence: str
    detail: str = ""

    def to_json(self) -> dict:
        return {"marker": self.marker, "reason": self.reason, "sentence": self.sentence, "detail": self.detail}


@dataclass
class Verification:
    answer: str
    citations: list[Citation] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    markers_total: int = 0  # distinct markers the model wrote, per sentence
    refused_by_model: bool = False
    attributed: list[int] = field(default_factory=list)  # passages cited for sentences the model left unmarked

    @property
    def markers_verified(self) -> int:
        return self.markers_total - sum(1 for r in self.removed if r.marker)


def normalize_markers(text: str) -> str:
    def expand(match: re.Match) -> str:
        return "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", match.group(1)))

    return _MARKER_GROUP_RE.sub(expand, text)


def _contains(haystack: str, needle: str) -> bool:
    return normalize(needle) in normalize(haystack)


def _unsupported_facts(sentence: str, evidence: str) -> list[str]:
    """Numbers, quoted spans and titles in ``sentence`` that ``evidence`` does not contain."""
    missing = [q for q in quoted_spans(sentence) + titles(sentence) if not _contains(evidence, q)]
    norm_evidence = normalize(evidence)
    missing += [num for num in numbers(sentence) if num not in norm_evidence]
    return missing


def is_refusal(text: str) -> bool:
    return any(phrase in text for phrase in REFUSAL_PHRASES)


def _enumerator_free(sentence: str) -> str:
    """Drop a list enumerator ("1. ", "（2）", "- ") so it is not taken for a stated number."""
    return _ENUMERATOR_RE.sub("", sentence)


_ENUMERATOR_RE = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[-*•])\s*")


def _claim_chars(claim: str) -> int:
    """Characters that carry content: CJK characters and digits (a date is a claim)."""
    return len(CJK_RE.findall(claim)) + sum(ch.isdigit() for ch in claim)


def _support_overlap(passage: Passage, plain: str, quotes: list[str]) -> float:
    """How much of the sentence's wording the passage's own text holds.

    Titles and 文号 are left out of the sentence first (a line repeating a
    header asserts nothing), unless the sentence quotes them from the passage
    body itself ("要修订《上海市基金会专项基金管理办法》"), where the quote is the claim.
    """
    quoted_from_body = bool(quotes) and all(_contains(passage.support_text, q) for q in quotes)
    claim = plain if quoted_from_body else claim_text(plain)
    if _claim_chars(claim) < MIN_CLAIM_CHARS:
        return 0.0
    return overlap(claim, passage.support_text)


def _supports(passage: Passage, plain: str, quotes: list[str], min_overlap: float) -> str:
    """'' when ``passage`` supports the sentence, else the reason it does not."""
    if any(not _contains(passage.evidence, q) for q in quotes):
        return "quote_not_verbatim"
    if _support_overlap(passage, plain, quotes) < min_overlap:
        return "not_supported"
    return ""


def verify_answer(
    raw_answer: str,
    passages: list[Passage],
    min_overlap: float = MIN_SUPPORT_OVERLAP,
    attribute_overlap: float = ATTRIBUTE_OVERLAP,
) -> Verification:
    by_n = {p.n: p for p in passages}
    text = normalize_markers(raw_answer).strip()
    result = Verification(answer="")
    kept_sentences: list[str] = []
    for sentence in split_sentences(text):
        markers = list(dict.fromkeys(int(m) for m in MARKER_RE.findall(sentence)))  # each number once
        result.markers_total += len(markers)
        plain = _enumerator_free(MARKER_RE.sub("", sentence))
        quotes = quoted_spans(plain) + titles(plain)
        valid: list[int] = []
        for n in markers:
            passage = by_n.get(n)
            if passage is None:
                result.removed.append(Removal(f"[{n}]", "no_such_passage", sentence.strip()))
                continue
            reason = _supports(passage, plain, quotes, min_overlap)
            if reason:
                detail = "；".join(q for q in quotes if not _contains(passage.evidence, q))
                result.removed.append(Removal(f"[{n}]", reason, sentence.strip(), detail))
                continue
            valid.append(n)
        if valid:
            # A marker can pass on shared boilerplate ("志愿服务活动") while another
            # passage holds the sentence itself: cite that one instead.
            best = max(passages, key=lambda p: _support_overlap(p, plain, quotes))
            best_overlap = _support_overlap(best, plain, quotes)
            cited_overlap = max(_support_overlap(by_n[n], plain, quotes) for n in valid)
            if (
                best.n not in valid
                and best_overlap >= max(attribute_overlap, cited_overlap + REPOINT_MARGIN)
                and not _supports(best, plain, quotes, min_overlap)
            ):
                for n in valid:
                    result.removed.append(Removal(f"[{n}]", "better_passage", sentence.strip(), f"[{best.n}]"))
                valid = [best.n]
                result.attributed.append(best.n)
        if not valid:
            # The small model often forgets a marker or writes the wrong number.
            # A sentence is attributed to the passage it (nearly) repeats, or,
            # when it quotes a name, to the passage holding that name verbatim;
            # the attribution passes the same checks as a written marker.
            candidates = [p for p in passages if all(_contains(p.evidence, q) for q in quotes)]
            needed = min_overlap if quotes else attribute_overlap
            best = max(candidates, key=lambda p: _support_overlap(p, plain, quotes), default=None)
            if (
                best is not None
                and _support_overlap(best, plain, quotes) >= needed
                and not _supports(best, plain, quotes, min_overlap)
            ):
                valid.append(best.n)
                result.attributed.append(best.n)

        evidence = "\n".join(by_n[n].evidence for n in valid)
        missing = _unsupported_facts(plain, evidence)
        if missing:
            # A number or name not in the cited passages: drop the sentence and
            # report its surviving markers as removed with it.
            for n in valid:
                if n in markers:
                    result.removed.append(Removal(f"[{n}]", "unsupported_fact", sentence.strip(), "；".join(missing)))
            if not any(n in markers for n in valid):
                result.removed.append(Removal("", "unsupported_fact", sentence.strip(), "；".join(missing)))
            continue
        if is_refusal(plain) and not valid:
            result.refused_by_model = True
        body = plain.rstrip()
        # Put the verified markers before the sentence's closing punctuation.
        m = re.search(r"[。！？!?；;]+$", body)
        tail = m.group(0) if m else ""
        body = body[: len(body) - len(tail)] if tail else body
        kept_sentences.append(body + "".join(f"[{n}]" for n in valid) + tail + ("\n" if sentence.endswith("\n") else ""))
        for n in valid:
            result.citations.append(
                Citation(n=n, passage=by_n[n], quote=best_sentence(by_n[n].support_text, plain), answer_sentence=body.strip())
            )
    result.answer = "".join(kept_sentences).strip()
    # One citation entry per passage number, in order of number.
    seen: dict[int, Citation] = {}
    for c in result.citations:
        seen.setdefault(c.n, c)
    result.citations = sorted(seen.values(), key=lambda c: c.n)
    return result
