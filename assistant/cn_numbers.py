"""Reading Chinese numerals, shared by every part that reads documents.

One parser for ordinary numerals (二十五, 一百零五, 两千), capital numerals
(叁万, 贰佰万零伍仟) and digit-by-digit forms (二〇二六). Writing numerals for
charters (第十一条, 壹拾万元整) lives in ``assistant.drafting.numerals``.
"""

from __future__ import annotations

# Ordinary and capital (大写) digits, with the traditional forms scanned filings use.
DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)


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
