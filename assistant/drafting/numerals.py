"""Chinese numerals for charters: article numbers (第十一条), ratios (三分之二以上)
and amounts in capital numerals (大写: 壹拾万元整), plus the reverse parsers the
consistency checks use to read a draft back."""

from __future__ import annotations

from fractions import Fraction

from assistant.cn_numbers import parse_chinese_number

_DIGITS = "零一二三四五六七八九"
_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "十", "百", "千")
_CAPITAL_UNITS = ("", "拾", "佰", "仟")


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


def _grouped(n: int, digits: str, units: tuple[str, ...]) -> str:
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
    text = _grouped(n, _DIGITS, _SMALL_UNITS)
    # 一十一 -> 十一 (customary for 10–19 at the start)
    return text[1:] if text.startswith("一十") else text


def article_number(n: int) -> str:
    return f"第{chinese_number(n)}条"


def chapter_number(n: int) -> str:
    return f"第{chinese_number(n)}章"


def paren_number(n: int) -> str:
    """1 -> （一）, used for enumerated sub-items."""
    return f"（{chinese_number(n)}）"


def capital_yuan(amount_yuan: int) -> str:
    """100000 -> 壹拾万元整; 4005000 -> 肆佰万零伍仟元整 (whole yuan only)."""
    if amount_yuan < 0:
        raise ValueError("amount must not be negative")
    return _grouped(amount_yuan, _CAPITAL, _CAPITAL_UNITS) + "元整"


def parse_capital_yuan(text: str) -> int:
    """Inverse of capital_yuan: 壹拾万元整 -> 100000 (raises ValueError if malformed)."""
    body = text.strip().removesuffix("整").removesuffix("元")
    value = parse_chinese_number(body) if body and all(c in _CAPITAL + "拾佰仟万亿" for c in body) else None
    if value is None:
        raise ValueError(f"not a capital-numeral amount: {text!r}")
    return value


def yuan_figure(amount_yuan: int) -> str:
    """100000 -> 10万元; 123456 -> 123456元 (the figure form used beside the capital form)."""
    if amount_yuan % 10000 == 0:
        return f"{amount_yuan // 10000}万元"
    if amount_yuan % 100 == 0 and amount_yuan >= 10000:
        return f"{amount_yuan / 10000:g}万元"
    return f"{amount_yuan}元"


def ratio_phrase(ratio: str | Fraction) -> str:
    """'2/3' -> 三分之二以上; '1/2' -> 过半数 (strictly more than half, as the model charters say)."""
    value = ratio if isinstance(ratio, Fraction) else Fraction(*map(int, str(ratio).split("/")))
    if value == Fraction(1, 2):
        return "过半数"
    if value == 1:
        return "全体"
    return f"{chinese_number(value.denominator)}分之{chinese_number(value.numerator)}以上"
