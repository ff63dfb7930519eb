"""Text helpers for Chinese answers and passages (the Chinese-text basics they build on
live in ``assistant.text``)."""

from __future__ import annotations

import re

from assistant.text.instructions import addresses_model as is_instruction
from assistant.text.instructions import without_model_instructions as without_instructions
from assistant.text.sentences import split_sentences

__all__ = ["is_instruction", "split_sentences", "without_instructions"]

_TITLE_RE = re.compile(r"《([^》]{2,80})》")
_WS_RE = re.compile(r"[\s\u3000]+")
_MARKUP_RE = re.compile(r"[*#`>]|-{3,}")

CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """Whitespace- and markup-free form used for verbatim comparison.

    Passages keep page breaks and Markdown emphasis from their source files; a
    quote is verbatim when it matches once those are ignored.
    """
    return _WS_RE.sub("", _MARKUP_RE.sub("", text))


def cjk_bigrams(text: str) -> set[str]:
    chars = "".join(CJK_RE.findall(text))
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


# Quoted spans that name or cite something and therefore must be verbatim.
_QUOTE_RES = [
    re.compile(r"“([^”]{2,80})”"),
    re.compile(r"\"([^\"]{2,80})\""),
    re.compile(r"「([^」]{2,80})」"),
    re.compile(r"『([^』]{2,80})』"),
]


def quoted_spans(text: str) -> list[str]:
    spans: list[str] = []
    for regex in _QUOTE_RES:
        spans.extend(m.group(1) for m in regex.finditer(text))
    return spans


def titles(text: str) -> list[str]:
    return [m.group(1) for m in _TITLE_RE.finditer(text)]


_ARABIC_NUMBER_RE = re.compile(r"\d+(?:[.．]\d+)?")
# Runs of two or more Chinese numerals ("三十", "二〇二六", "十五五"); a single
# 一/二 is too often part of an ordinary word (统一, 一批) to be a fact.
_CN_NUMBER_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")
_MARKER_RE = re.compile(r"\[\d+\]")


def numbers(text: str) -> list[str]:
    """Numbers stated in the text (citation markers excluded)."""
    text = _MARKER_RE.sub("", text)
    found = [m.group(0).replace("．", ".") for m in _ARABIC_NUMBER_RE.finditer(text)]
    found += [m.group(0) for m in _CN_NUMBER_RE.finditer(text) if m.group(0) not in _NOT_NUMBERS]
    return found


# Numeral runs that are ordinary words, not stated quantities.
_NOT_NUMBERS = {"一一", "万一", "千万", "十分"}


def best_sentence(passage: str, reference: str) -> str:
    """The passage sentence that best overlaps ``reference`` (ties: the earlier one)."""
    sentences = [s.strip() for s in split_sentences(passage) if len(normalize(s)) >= 4]
    if not sentences:
        return passage.strip()
    ref = cjk_bigrams(reference)
    best, best_score = sentences[0], -1.0
    for sentence in sentences:
        grams = cjk_bigrams(sentence)
        score = len(grams & ref) / (len(grams) ** 0.5 or 1.0)
        if score > best_score:
            best, best_score = sentence, score
    return best
