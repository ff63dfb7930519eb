"""Sentences of Chinese text: where one ends, and splitting text into them.

A sentence ends at 。；！？ (full or half width) or at a line break; the stop
belongs to the sentence it ends.
"""

from __future__ import annotations

import re

SENTENCE_STOPS = "。；;！!？?"  # punctuation that ends a sentence (kept with it)
SENTENCE_BREAKS = SENTENCE_STOPS + "\n"  # … and line breaks (not kept)


def sentence_span(text: str, start: int, end: int, breaks: str = SENTENCE_BREAKS) -> tuple[int, int]:
    """Offsets of the sentence holding ``text[start:end]``, stop included, surrounding blanks excluded."""
    left = start
    while left > 0 and text[left - 1] not in breaks:
        left -= 1
    right = end
    while right < len(text) and text[right] not in breaks:
        right += 1
    if right < len(text) and text[right] in SENTENCE_STOPS and text[right] in breaks:
        right += 1
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def quote_around(text: str, start: int, end: int, limit: int = 120) -> str:
    """The sentence holding ``text[start:end]`` as a quote of at most ``limit`` characters."""
    left, right = sentence_span(text, start, end)
    quote = text[left:right]
    if len(quote) > limit:
        quote = quote[: limit - 1] + "…"
    return quote


# Sentence ends. A citation marker written after the full stop ("……。[1]") is
# moved back onto the sentence it follows (see split_sentences).
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|\n|$)")
_LEADING_MARKERS_RE = re.compile(r"^\s*((?:\[\d+\])+)")


def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences, keeping punctuation and trailing [n] markers."""
    parts = [m.group(0) for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]
    out: list[str] = []
    for part in parts:
        lead = _LEADING_MARKERS_RE.match(part)
        if lead and out:
            out[-1] = out[-1].rstrip("\n") + lead.group(1)
            part = part[lead.end():]
        if part.strip():
            out.append(part)
    return out
