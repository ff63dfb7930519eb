"""Money as Chinese filings write it, and as the assistant writes it back.

Reading: "3万元", "30,000元", "人民币3万元", "¥30000" (``parse_amount``) and
"人民币叁万元整" / "五十万元" (``parse_chinese_amount``). Writing: "3万元" /
"12.5万元" / "5000元" (``format_yuan``, the one figure form used in charters,
reports and messages) and 大写 "叁万元整" (``capital_yuan``). Values are whole
or decimal 元; ``Decimal`` keeps them exact.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from assistant.text.errors import FormatError
from assistant.text.numerals import grouped_numeral, parse_chinese_number

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000),
                "亿元": Decimal(100_000_000), "亿": Decimal(100_000_000)}
_WAN = UNIT_FACTORS["万元"]
_AMOUNT = re.compile(r"^(?:人民币|RMB|¥|￥)?\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|亿元|元|万|亿)?(?:人民币)?$")

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAPITAL_UNITS = ("", "拾", "佰", "仟")


def _decimal(amount) -> Decimal:
    if isinstance(amount, Decimal):
        return amount
    if isinstance(amount, Fraction):
        return Decimal(amount.numerator) / Decimal(amount.denominator)
    return Decimal(str(amount))


def parse_amount(raw: str, default_unit: str = "元") -> Decimal:
    """Amount in 元. A number without a unit is read in ``default_unit`` (e.g. a 万元 column)."""
    text = re.sub(r"\s+", "", raw or "")
    m = _AMOUNT.match(text)
    if not m:
        raise FormatError(f"无法识别金额“{raw}”，请填写阿拉伯数字，并注明单位（元或万元），如“50000元”或“5万元”。")
    try:
        number = Decimal(m[1].replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise FormatError(f"无法识别金额“{raw}”。") from None
    return number * UNIT_FACTORS[m[2] or default_unit]


def parse_chinese_amount(text: str) -> int | None:
    """'伍万元' / '五十万元' / '人民币贰佰万元整' -> 元; None when it is not a Chinese-numeral amount."""
    body = text.strip().removeprefix("人民币").removesuffix("整").removesuffix("元")
    return parse_chinese_number(body)


def format_yuan(amount) -> str:
    """30000 -> 3万元, 125000 -> 12.5万元, 5000 -> 5000元, 123456 -> 123456元.

    万元 is used from 1万 up when the amount is a whole number of 百元; anything
    finer is written in 元 so that no digit is lost.
    """
    yuan = _decimal(amount)
    if yuan >= _WAN and yuan % 100 == 0:
        return f"{(yuan / _WAN).normalize():f}万元"
    return f"{yuan.normalize():f}元"


def amount_in_unit(amount, unit: str) -> str:
    """An amount as typed into a column of the given unit: (30000, 万元) -> 3万元."""
    yuan = _decimal(amount)
    if unit == "万元":
        return f"{(yuan / _WAN).normalize():f}万元"
    return f"{yuan.normalize():f}元"


def capital_yuan(amount_yuan: int) -> str:
    """100000 -> 壹拾万元整; 105000 -> 壹拾万伍仟元整; 100500 -> 壹拾万零伍佰元整 (whole yuan only)."""
    if amount_yuan < 0:
        raise ValueError("amount must not be negative")
    return grouped_numeral(amount_yuan, _CAPITAL_DIGITS, _CAPITAL_UNITS) + "元整"


def parse_capital_yuan(text: str) -> int:
    """Inverse of capital_yuan: 壹拾万元整 -> 100000 (raises ValueError if malformed)."""
    body = text.strip().removesuffix("整").removesuffix("元")
    value = parse_chinese_number(body) if body and all(c in _CAPITAL_DIGITS + "拾佰仟万亿" for c in body) else None
    if value is None:
        raise ValueError(f"not a capital-numeral amount: {text!r}")
    return value
