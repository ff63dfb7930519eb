"""Reading and writing Chinese numerals and ratios."""

from fractions import Fraction

import pytest

from assistant.text.errors import FormatError
from assistant.text.numerals import (
    article_number,
    chapter_number,
    chinese_number,
    fraction_words,
    paren_number,
    parse_chinese_number,
    parse_number,
    parse_ratio,
    ratio_phrase,
    read_ratio,
    small_number,
)


@pytest.mark.parametrize("token,value", [
    ("五", 5), ("十五", 15), ("二十五", 25), ("一百零五", 105), ("两千零五十", 2050), ("二〇二六", 2026),
    ("叁万", 30000), ("贰佰万", 2_000_000), ("壹拾万零伍仟", 105_000), ("八百万", 8_000_000), ("一亿", 100_000_000),
    ("壹佰伍拾万", 1_500_000), ("一亿二千万", 120_000_000),
])
def test_parse_chinese_number(token, value):
    assert parse_chinese_number(token) == value


def test_not_a_number():
    assert parse_chinese_number("会员") is None
    assert parse_chinese_number("") is None
    assert parse_number("1,000") == 1000.0 and parse_number("3.5") == 3.5 and parse_number("三") == 3.0
    assert [small_number(x) for x in ("五", "十", "十五", "二十一", "25", "百", "会员")] == [5, 10, 15, 21, 25, 100, None]


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "一百"),
                                    (101, "一百零一"), (110, "一百一十"), (1005, "一千零五")])
def test_chinese_number(n, text):
    assert chinese_number(n) == text


def test_labels():
    assert article_number(47) == "第四十七条"
    assert chapter_number(8) == "第八章"
    assert paren_number(3) == "（三）"


def test_ratios_both_ways():
    assert ratio_phrase("2/3") == "三分之二以上"
    assert ratio_phrase("1/2") == "过半数"
    assert ratio_phrase("3/4") == "四分之三以上"
    assert ratio_phrase(Fraction(1)) == "全体"
    assert fraction_words("1/3") == "三分之一"
    assert parse_ratio("2 / 3") == Fraction(2, 3)
    with pytest.raises(FormatError):
        parse_ratio("三分之二")
    assert [read_ratio(x) for x in ("三分之二以上", "2/3以上", "过半数", "半数以上", "四分之三", "全体", "会员")] == \
        [Fraction(2, 3), Fraction(2, 3), Fraction(1, 2), Fraction(1, 2), Fraction(3, 4), Fraction(1), None]
