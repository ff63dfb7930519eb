"""Dates as documents and forms write them."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.text.dates import find_date, parse_date
from assistant.text.errors import FormatError as FieldError


@pytest.mark.parametrize("text", ["2026-03-01", "2026/3/1", "2026年3月1日", "2026.03.01", "20260301"])
def test_dates_in_common_formats(text):
    assert parse_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text, fragment", [("2026-02-30", "不是有效日期"), ("明年三月", "无法识别日期")])
def test_dates_invalid(text, fragment):
    with pytest.raises(FieldError, match=fragment):
        parse_date(text)


@pytest.mark.parametrize("text,iso", [("2026年3月3日", "2026-03-03"), ("二〇二六年四月九日", "2026-04-09"),
                                      ("2026 年 12 月 31 日印发", "2026-12-31"), ("无日期", "")])
def test_dates_found_in_text(text, iso):
    assert find_date(text) == iso
