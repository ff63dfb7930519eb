"""Extract quantities from Chinese filing text: amounts, ages, counts, ranges, terms.

Filings write the same number many ways — "3万元", "30,000元", "人民币叁万元整",
"三万元" — and ranges as "5至25名" or "五至二十五名". Every quantity keeps the
sentence it came from, so a finding can quote it verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fractions import Fraction

from assistant.text.amounts import format_yuan
from assistant.text.numerals import NUMERAL_CHARS, RATIO_PHRASE_RE, fraction_words, parse_number, read_ratio
from assistant.text.sentences import sentence_span

_CN_CHARS = "".join(sorted(NUMERAL_CHARS))

# A number written with figures (1,000 / 3.5) or Chinese numerals (叁万 / 二十五).
NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_CHARS}]+)"

# Unit → (quantity kind, multiplier to the base unit: 元 for money).
_UNITS = {
    "亿元": ("amount", 100_000_000), "万元": ("amount", 10_000), "元": ("amount", 1),
    "周岁": ("age", 1), "岁": ("age", 1),
    "名": ("count", 1), "人": ("count", 1), "个": ("count", 1), "位": ("count", 1), "家": ("count", 1),
    "年": ("term", 1), "届": ("terms", 1), "次": ("times", 1), "%": ("percent", 1),
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))

_RANGE_SEP = r"(?:至|到|-|－|~|～|—|–)"
_RANGE_RE = re.compile(rf"(?P<a>{NUMBER})\s*(?P<ua>{_UNIT_RE})?\s*{_RANGE_SEP}\s*(?P<b>{NUMBER})\s*(?P<unit>{_UNIT_RE})")
_SINGLE_RE = re.compile(rf"(?P<a>{NUMBER})\s*(?P<unit>{_UNIT_RE})")
_PERCENT_CN_RE = re.compile(rf"百分之(?P<a>{NUMBER})")
# Table cells such as "年龄: 72" carry no unit after the number.
_AGE_CELL_RE = re.compile(r"年龄\s*[:：]\s*(?P<a>\d{1,3})(?!\d)")

# Words around a number that make it a bound rather than a plain value.
_LOWER_WORDS = ("不少于", "不低于", "不得少于", "不得低于", "至少", "最少", "以上", "及以上")
_UPPER_WORDS = ("不超过", "不得超过", "不高于", "不得高于", "最高", "最多", "最长", "以下", "以内", "之内", "及以下")



@dataclass
class Quantity:
    kind: str  # amount | age | count | term | terms | times | percent | ratio (三分之二以上, 过半数)
    value: float  # the single value, or the low end of a range, in base units
    high: float | None  # the high end of a range, else None
    unit: str  # the unit as written
    text: str  # the matched text, verbatim
    start: int  # offset of the match in the text it was extracted from
    end: int
    bound: str | None  # "min" / "max" when the text states a bound ("不少于5名")
    sentence: str  # the sentence it came from, verbatim
    sentence_start: int

    @property
    def is_range(self) -> bool:
        return self.high is not None


def _bound(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 6):start]
    after = text[end:end + 4]
    if any(w in before for w in _LOWER_WORDS[:6]) or after.startswith(("以上", "及以上")):
        return "min"
    if any(w in before for w in _UPPER_WORDS[:7]) or after.startswith(("以下", "以内", "之内", "及以下")):
        return "max"
    return None


def _scaled(raw: str, unit: str) -> tuple[str, float] | None:
    """(kind, value in base units). "3万元" arrives as "3" + "万元", "叁万元" as "叁万" + "元"."""
    value = parse_number(raw)
    if value is None:
        return None
    kind, multiplier = _UNITS[unit]
    return kind, value * multiplier


def extract_quantities(text: str, kinds: tuple[str, ...] | None = None) -> list[Quantity]:
    """All quantities in ``text`` (optionally only the given kinds), in reading order.

    Offsets refer to ``text`` itself; the caller should pass text already folded
    (``assistant.text.chars.fold``) if it wants full-width digits recognised.
    """
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def overlaps(s: int, e: int) -> bool:
        return any(s < te and ts < e for ts, te in taken)

    def add(kind: str, value: float, high: float | None, unit: str, s: int, e: int) -> None:
        if kinds and kind not in kinds:
            return
        left, right = sentence_span(text, s, e)
        found.append(Quantity(kind, value, high, unit, text[s:e], s, e, _bound(text, s, e), text[left:right], left))
        taken.append((s, e))

    for m in _RANGE_RE.finditer(text):
        unit = m.group("unit")
        a = _scaled(m.group("a"), m.group("ua") or unit)
        b = _scaled(m.group("b"), unit)
        if a is None or b is None:
            continue
        # Years such as "2025至2026年" are dates, not terms.
        if unit == "年" and (a[1] >= 1900 or b[1] >= 1900):
            taken.append((m.start(), m.end()))
            continue
        add(b[0], min(a[1], b[1]), max(a[1], b[1]), unit, m.start(), m.end())
    for m in _SINGLE_RE.finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        unit = m.group("unit")
        scaled = _scaled(m.group("a"), unit)
        if scaled is None:
            continue
        kind, value = scaled
        if unit == "年":
            # "2026年" is a date and "年" after a month/day word is not a term.
            if value >= 1900 or text[m.end():m.end() + 1] in "月度初底末":
                continue
        add(kind, value, None, unit, m.start(), m.end())
    for m in _PERCENT_CN_RE.finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        value = parse_number(m.group("a"))
        if value is not None:
            add("percent", value, None, "%", m.start(), m.end())
    if kinds and "ratio" in kinds:  # only when asked: "2/3" is also how some write a date
        for m in RATIO_PHRASE_RE.finditer(text):
            if overlaps(m.start(), m.end()):
                continue
            ratio = read_ratio(m.group(0))
            if ratio is not None:
                add("ratio", float(ratio), None, "", m.start(), m.end())
    for m in _AGE_CELL_RE.finditer(text):
        if overlaps(m.start("a"), m.end("a")):
            continue
        add("age", float(m.group("a")), None, "岁", m.start("a"), m.end("a"))
    found.sort(key=lambda q: q.start)
    return found


def format_value(kind: str, value: float) -> str:
    if kind == "amount":
        return format_yuan(value)
    if kind == "ratio":
        return fraction_words(Fraction(value).limit_denominator(20))
    unit = {"age": "周岁", "count": "名", "term": "年", "terms": "届", "times": "次", "percent": "%"}.get(kind, "")
    return f"{value:g}{unit}"
