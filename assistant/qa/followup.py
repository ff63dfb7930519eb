"""Follow-up questions and comparison questions, resolved deterministically.

A small model is unreliable at rewriting "那长宁区呢？" into a standalone
question, so this is done with rules: a short question that leans on the
previous one ("那……呢", "还有……", "它/该……") is rewritten by swapping the
entity it names into the previous question (上海市 → 长宁区, 社会团体 → 基金会),
or else by appending it to the previous question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Entities that a follow-up typically swaps, grouped by kind. Longer names first
# so that "长宁区民政局" is matched before "长宁区".
_PLACE_RE = re.compile(r"(上海市|本市|全市|市级|市里|[\u4e00-\u9fff]{2}(?:新区|区))")
_ORG_TYPES = ["民办非企业单位", "社会服务机构", "社会团体", "慈善组织", "基金会", "事业单位", "行业协会", "异地商会"]
_ORG_RE = re.compile("|".join(_ORG_TYPES))

_FOLLOWUP_PREFIX_RE = re.compile(r"^(?:那么|那|还有|另外|此外|再问一下|再问|那如果|如果是|换成)[，,、\s]*")
_FOLLOWUP_SUFFIX_RE = re.compile(r"(?:的呢|呢|怎么样|如何|又如何)?[？?。！!\s]*$")
_PRONOUN_RE = re.compile(r"^(?:它|其|该|这个|这份|上述|前者|后者)")

# Words that only repeat the place a question is about; never substituted.
_NOT_A_PLACE = {"社区", "地区", "城区", "园区", "辖区", "小区", "街区", "分区", "片区", "行政区"}


def is_followup(question: str) -> bool:
    q = question.strip()
    if not q:
        return False
    short = len(q) <= 16
    leaning = bool(_FOLLOWUP_PREFIX_RE.match(q)) or q.rstrip("？?。 ").endswith("呢") or bool(_PRONOUN_RE.match(q))
    return short and leaning


def _core(question: str) -> str:
    core = _FOLLOWUP_PREFIX_RE.sub("", question.strip())
    return _FOLLOWUP_SUFFIX_RE.sub("", core).strip()


def _places(text: str) -> list[str]:
    return [m for m in _PLACE_RE.findall(text) if m not in _NOT_A_PLACE]


def rewrite_followup(question: str, previous: str | None) -> str:
    """A standalone question for ``question`` given the previous (resolved) question."""
    if not previous or not is_followup(question):
        return question.strip()
    core = _core(question)
    if not core:
        return previous
    for finder in (_places, lambda t: _ORG_RE.findall(t)):
        new = finder(core)
        old = [e for e in finder(previous) if e not in new]
        if new and old:
            rewritten = previous
            # The first entity of the previous question is what the follow-up replaces.
            rewritten = rewritten.replace(old[0], new[0])
            if old[0] == "上海市" and new[0].endswith("区"):
                # "上海市民政局" → "长宁区民政局" is right; a doubled "长宁区长宁区" is not.
                rewritten = rewritten.replace(new[0] + new[0], new[0])
            return rewritten
    # "非公募基金会" after a question about "公募基金会": the longest tail of the
    # follow-up's subject that the previous question contains is what it replaces.
    noun_only = not re.search(r"几|什么|多少|哪|吗|是否|怎么|如何", core)
    for start in range(1, len(core) - 1 if noun_only else 0):
        tail = core[start:]
        if len(tail) >= 3 and tail in previous and core not in previous:
            return previous.replace(tail, core, 1)
    if _PRONOUN_RE.match(question.strip()):
        return f"{previous.rstrip('？?。')}，{core}？"
    return f"{core}（接上一问：{previous.rstrip('？?。')}）"


def resolve_history(questions: list[str]) -> str | None:
    """The resolved form of the last question in a conversation (follow-ups of follow-ups too)."""
    resolved: str | None = None
    for q in questions:
        resolved = rewrite_followup(q, resolved)
    return resolved


@dataclass
class Comparison:
    """A question that compares what two places' documents say."""

    sides: list[str]  # e.g. ["上海市", "长宁区"]


_COMPARE_RE = re.compile(r"比较|对比|区别|异同|不同|差异|相比|分别|各自|有何不同|一样吗|相同")
_CITY_WORDS = {"上海市", "本市", "全市", "市级", "市里"}


def detect_comparison(question: str) -> Comparison | None:
    if not _COMPARE_RE.search(question):
        return None
    sides: list[str] = []
    for place in _places(question):
        side = "上海市" if place in _CITY_WORDS else place
        if side not in sides:
            sides.append(side)
    if len(sides) < 2:
        return None
    return Comparison(sides=sides[:2])
