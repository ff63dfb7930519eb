"""Money: figures, 万元, capital numerals (大写), both ways."""

from decimal import Decimal

import pytest

from assistant.text.amounts import (
    amount_in_unit,
    capital_yuan,
    format_yuan,
    parse_amount,
    parse_capital_yuan,
    parse_chinese_amount,
)
from assistant.text.errors import FormatError


@pytest.mark.parametrize("amount,text", [(30_000, "叁万元整"), (100_000, "壹拾万元整"), (2_000_000, "贰佰万元整"),
                                         (4_005_000, "肆佰万伍仟元整"), (8_000_000, "捌佰万元整"), (10_010_000, "壹仟零壹万元整"),
                                         (123_456, "壹拾贰万叁仟肆佰伍拾陆元整"), (105_000, "壹拾万伍仟元整"), (100_500, "壹拾万零伍佰元整")])
def test_capital_yuan_round_trip(amount, text):
    assert capital_yuan(amount) == text
    assert parse_capital_yuan(text) == amount


def test_parse_capital_rejects_other_text():
    with pytest.raises(ValueError):
        parse_capital_yuan("十万元整")


def test_one_figure_form_everywhere():
    assert format_yuan(100_000) == "10万元" and format_yuan(4_005_000) == "400.5万元" and format_yuan(123_456) == "123456元"
    assert format_yuan(5000) == "5000元" and format_yuan(Decimal("30000")) == "3万元" and format_yuan(30000.0) == "3万元"
    # No digit is lost on large amounts (a float :g format would print 12345.7万元).
    assert format_yuan(123_456_700) == "12345.67万元"
    assert amount_in_unit(30_000, "万元") == "3万元" and amount_in_unit(30_000, "元") == "30000元"


def test_parse_amount():
    assert parse_amount("3万元") == 30000
    assert parse_amount("人民币30,000元") == 30000
    assert parse_amount("10", "万元") == 100000
    with pytest.raises(FormatError):
        parse_amount("三万")


def test_chinese_numeral_amounts():
    assert [parse_chinese_amount(x) for x in ("伍万元", "五十万元", "贰佰万元整", "壹拾万零伍仟元", "三万美元")] == \
        [50000, 500000, 2000000, 105000, None]


@pytest.mark.parametrize("text, unit, yuan", [
    ("3万元", "元", 30000), ("30000元", "万元", 30000), ("3", "万元", 30000), ("1,200元", "元", 1200),
    ("人民币 200 万元", "元", 2_000_000), ("2.5万", "元", 25000), ("¥5000", "元", 5000),
])
def test_amounts_and_units(text, unit, yuan):
    assert parse_amount(text, unit) == Decimal(yuan)


@pytest.mark.parametrize("text", ["三万元", "3万美元", "", "约3万元"])
def test_amounts_invalid(text):
    with pytest.raises(FormatError, match="无法识别金额"):
        parse_amount(text)
