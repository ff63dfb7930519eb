"""Chinese numerals: one reader for every part that reads documents, one writer
for every part that writes them.

Reading: ordinary numerals (二十五, 一百零五, 两千), capital numerals (叁万,
贰佰万零伍仟), digit-by-digit forms (二〇二六) and figures (1,000 / 3.5).
Writing: 十一, 第十一条, 第三章, （一）. Ratios: "2/3" ⇄ 三分之二以上 / 过半数.
Money (3万元, 壹拾万元整) lives in ``assistant.text.amounts``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from assistant.text.errors import FormatError

# Ordinary and capital (大写) digits, with the traditional forms scanned filings use.
DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)

# --- reading ---------------------------------------------------------------------


def parse_chinese_number(token: str) -> int | None:
    """Value of a Chinese numeral, or None when ``token`` is not one."""
    if not token or any(ch not in NUMERAL_CHARS for ch in token):
        return None
    if all(ch in DIGITS for ch in token):  # 二〇二六, 五
        return int("".join(str(DIGITS[ch]) for ch in token))
    total = 0  # completed 亿/万 groups
    section = 0  # the group below 万 being read
    digit: int | None = None  # a digit waiting for its unit
    for ch in token:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]  # 十五 = 15
            digit = None
        else:
            section += digit or 0
            digit = None
            section = section or 1
            if BIG_UNITS[ch] > 10_000:
                total = (total + section) * BIG_UNITS[ch]
            else:
                total += section * BIG_UNITS[ch]
            section = 0
    return total + section + (digit or 0)


def parse_number(token: str) -> float | None:
    """Value of a number written in figures (1,000 / 3.5) or in Chinese numerals."""
    token = token.strip()
    if not token:
        return None
    if token[0].isdigit():
        try:
            return float(token.replace(",", "").replace("，", ""))
        except ValueError:
            return None
    value = parse_chinese_number(token)
    return None if value is None else float(value)


def small_number(text: str) -> int | None:
    """'21' / '二十一' / '五' -> int (counts as charters write them)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    return parse_chinese_number(text)


# --- writing ---------------------------------------------------------------------

_DIGIT_CHARS = "零一二三四五六七八九"
_SMALL_UNIT_CHARS = ("", "十", "百", "千")


def _below_10000(n: int, digits: str, units: tuple[str, ...]) -> str:
    out = ""
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + units[power]
    return out


def grouped_numeral(n: int, digits: str = _DIGIT_CHARS, units: tuple[str, ...] = _SMALL_UNIT_CHARS) -> str:
    """``n`` in groups of 万/亿 with the given digit and unit characters (ordinary or 大写)."""
    if n == 0:
        return digits[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    big = ("", "万", "亿", "万亿")
    out = ""
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += digits[0]
        out += _below_10000(g, digits, units) + big[i]
        need_zero = False
    return out


def chinese_number(n: int) -> str:
    """11 -> 十一, 20 -> 二十, 105 -> 一百零五 (ordinary numerals, as in 第十一条)."""
    if n < 0:
        raise ValueError("negative numbers have no article number")
    text = grouped_numeral(n)
    # 一十一 -> 十一 (customary for 10–19 at the start)
    return text[1:] if text.startswith("一十") else text


def article_number(n: int) -> str:
    return f"第{chinese_number(n)}条"


def chapter_number(n: int) -> str:
    return f"第{chinese_number(n)}章"


def paren_number(n: int) -> str:
    """1 -> （一）, used for enumerated sub-items."""
    return f"（{chinese_number(n)}）"


# --- ratios ------------------------------------------------------------------------

_RATIO_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_ratio(text: str | Fraction) -> Fraction:
    """'2/3' -> Fraction(2, 3). Raises FormatError (a ValueError) for anything else."""
    if isinstance(text, Fraction):
        return text
    m = _RATIO_RE.match(str(text))
    if not m or int(m.group(2)) == 0:
        raise FormatError(f"比例应写成“分子/分母”，如 3/4（got {text!r}）")
    return Fraction(int(m.group(1)), int(m.group(2)))


def ratio_text(ratio: str | Fraction) -> str:
    """Fraction(2, 3) or '2/3' -> '2/3' (the form profiles and forms store)."""
    value = parse_ratio(ratio)
    return f"{value.numerator}/{value.denominator}"


def fraction_words(ratio: str | Fraction) -> str:
    """'2/3' -> 三分之二, '1/2' -> 二分之一 (the fraction itself, no bound word)."""
    value = parse_ratio(ratio)
    return f"{chinese_number(value.denominator)}分之{chinese_number(value.numerator)}"


def ratio_phrase(ratio: str | Fraction) -> str:
    """A ratio as charters state a lower bound: '2/3' -> 三分之二以上; '1/2' -> 过半数
    (strictly more than half, as the model charters say); '1/1' -> 全体."""
    value = parse_ratio(ratio)
    if value == Fraction(1, 2):
        return "过半数"
    if value == 1:
        return "全体"
    return fraction_words(value) + "以上"


# A ratio as filings write it: 三分之二以上, 2/3以上, 过半数, 半数以上, 二分之一以上, 全体.
_CN = "零〇一二两三四五六七八九十百"
RATIO_PHRASE_RE = re.compile(
    rf"(?P<den>[{_CN}]+|\d+)分之(?P<num>[{_CN}]+|\d+)|(?P<a>\d+)\s*/\s*(?P<b>\d+)|(?P<half>超过半数|过半数|半数以上|过半|半数)|(?P<all>全体)")


def read_ratio(text: str) -> Fraction | None:
    """The value of one ratio phrase (三分之二 → 2/3, 过半数 → 1/2, 全体 → 1), None if it is not one.

    过半数 ("more than half") reads as 1/2: as a lower bound it is the weakest
    majority, which is what comparisons against a required 2/3 need.
    """
    text = text.strip()
    m = RATIO_PHRASE_RE.fullmatch(text) or RATIO_PHRASE_RE.fullmatch(text.removesuffix("以上"))
    if not m:
        return None
    if m.group("half"):
        return Fraction(1, 2)
    if m.group("all"):
        return Fraction(1)
    if m.group("den"):
        den, num = small_number(m.group("den")), small_number(m.group("num"))
    else:
        num, den = int(m.group("a")), int(m.group("b"))
    if not den or num is None or num > den:
        return None
    return Fraction(num, den)
