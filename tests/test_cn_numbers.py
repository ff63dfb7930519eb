import pytest

from assistant.cn_numbers import parse_chinese_number, parse_number


@pytest.mark.parametrize("token,value", [
    ("五", 5), ("十五", 15), ("二十五", 25), ("一百零五", 105), ("两千零五十", 2050), ("二〇二六", 2026),
    ("叁万", 30000), ("贰佰万", 2_000_000), ("壹拾万零伍仟", 105_000), ("八百万", 8_000_000), ("一亿", 100_000_000),
])
def test_parse_chinese_number(token, value):
    assert parse_chinese_number(token) == value


def test_not_a_number():
    assert parse_chinese_number("会员") is None
    assert parse_chinese_number("") is None
    assert parse_number("1,000") == 1000.0 and parse_number("3.5") == 3.5 and parse_number("三") == 3.0
