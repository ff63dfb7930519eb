"""Dates as Chinese documents and forms write them."""

from __future__ import annotations

import re
from datetime import date

from assistant.text.errors import FormatError
from assistant.text.numerals import parse_chinese_number

RE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
RE_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")

_FIELD_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def find_date(text: str) -> str:
    """The first date written in ``text`` (2026年3月3日 or 二〇二六年三月三日) as ISO, or ""."""
    m = RE_DATE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = RE_CN_DATE.search(text)
        if not m:
            return ""
        y, mo, d = (parse_chinese_number(g) or 0 for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_date(raw: str) -> date:
    """A whole field value as a date ("2026-03-31", "2026年3月31日", "20260331"), else FormatError."""
    text = (raw or "").strip()
    for pattern in _FIELD_DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise FormatError(f"“{text}”不是有效日期（请核对月份和日）。") from None
    raise FormatError(f"无法识别日期“{text}”，请按“2026-03-31”或“2026年3月31日”的格式填写。")
