"""Chinese numerals for article numbers, ratios and capital-numeral amounts."""

import pytest

from assistant.drafting.numerals import (
    article_number,
    capital_yuan,
    chapter_number,
    chinese_number,
    paren_number,
    parse_capital_yuan,
    ratio_phrase,
    yuan_figure,
)


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "一百"),
                                    (101, "一百零一"), (110, "一百一十"), (1005, "一千零五")])
def test_chinese_number(n, text):
    assert chinese_number(n) == text


def test_labels():
    assert article_number(47) == "第四十七条"
    assert chapter_number(8) == "第八章"
    assert paren_number(3) == "（三）"


@pytest.mark.parametrize("amount,text", [(30_000, "叁万元整"), (100_000, "壹拾万元整"), (2_000_000, "贰佰万元整"),
                                         (4_005_000, "肆佰万伍仟元整"), (8_000_000, "捌佰万元整"), (10_010_000, "壹仟零壹万元整"),
                                         (123_456, "壹拾贰万叁仟肆佰伍拾陆元整")])
def test_capital_yuan_round_trip(amount, text):
    assert capital_yuan(amount) == text
    assert parse_capital_yuan(text) == amount


def test_parse_capital_rejects_other_text():
    with pytest.raises(ValueError):
        parse_capital_yuan("十万元整")


def test_figures_and_ratios():
    assert yuan_figure(100_000) == "10万元" and yuan_figure(4_005_000) == "400.5万元" and yuan_figure(123_456) == "123456元"
    assert ratio_phrase("2/3") == "三分之二以上"
    assert ratio_phrase("1/2") == "过半数"
    assert ratio_phrase("3/4") == "四分之三以上"
