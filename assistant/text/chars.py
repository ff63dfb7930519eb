"""Character-level normalisation."""

from __future__ import annotations

import unicodedata


def nfkc(text: str) -> str:
    """Full-width digits and punctuation to half-width (NFKC), keeping Chinese as is."""
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Fold full-width forms character by character, so offsets stay the same."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)
