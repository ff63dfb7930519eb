"""Citations of an answer, their markers, and what the guard removed.

An answer cites its evidence sentences with ``[n]`` markers (written by the model or by the
template; see assistant/qa/lead.py, which checks each lead sentence against the sentence it
cites). ``Citation`` ties a marker to its passage and the quoted sentence; ``Removal``
records what the guard took out, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.qa.passages import Passage

# [1] [1,2] [1、2] 【1】 ［1］ — all normalised to [1][2].
_MARKER_GROUP_RE = re.compile(r"[\[【［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】］]")
MARKER_RE = re.compile(r"\[(\d+)\]")

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
    reason: str  # no_such_passage | quote_not_verbatim | not_supported | unsupported_fact
    sentence: str
    detail: str = ""

    def to_json(self) -> dict:
        return {"marker": self.marker, "reason": self.reason, "sentence": self.sentence, "detail": self.detail}



def normalize_markers(text: str) -> str:
    def expand(match: re.Match) -> str:
        return "".join(f"[{n}]" for n in re.split(r"\s*[,，、]\s*", match.group(1)))

    return _MARKER_GROUP_RE.sub(expand, text)


def is_refusal(text: str) -> bool:
    return any(phrase in text for phrase in REFUSAL_PHRASES)
