"""Dates as Chinese documents and forms write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


# --- dates as spreadsheets export them ------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its day 60 bug already absorbed)
_SERIAL_RANGE = (10_000, 80_000)  # 1927 … 2119: a bare number in a date column outside this is no date
_EXPORT_DAY = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")
_EXPORT_MONTH = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*月?$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


@dataclass(frozen=True)
class ExportDate:
    """A date read from a spreadsheet cell, with how it was written.

    ``precision`` is "day" or "month" (2024年3月 → 2024-03-01, month precision); ``form`` names the
    writing: iso, slash (2024/3/5), dot (2024.3.5), chinese (2024年3月5日), compact (20240305),
    serial (an Excel day number such as 45336), cell (a date typed in the spreadsheet),
    month_chinese (2024年3月), month_dot (2024.3), month_dash (2024-03), month_slash (2024/3).
    """

    value: date
    precision: str
    form: str


def _export_form(sep: str, month_only: bool) -> str:
    name = {"-": "dash", "/": "slash", ".": "dot", "年": "chinese"}.get(sep, "dash")
    if month_only:
        return f"month_{name}"
    return "iso" if name == "dash" else name


def parse_export_date(raw) -> ExportDate:
    """A cell of a date column: ISO, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, an Excel serial
    (45336, as a number or as text), a datetime from the spreadsheet, or a month only (2024年3月,
    2024.3, 2024-03: the first of the month, precision "month"). FormatError otherwise."""
    if isinstance(raw, datetime):
        return ExportDate(raw.date(), "day", "cell")
    if isinstance(raw, date):
        return ExportDate(raw, "day", "cell")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _serial(raw, str(raw))
    text = _TIME_TAIL.sub("", str(raw or "").strip())
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return ExportDate(date.fromisoformat(text), "day", "iso")
        except ValueError:
            pass
    if text.isdigit():
        if len(text) == 8:
            return ExportDate(_checked(int(text[:4]), int(text[4:6]), int(text[6:]), text), "day", "compact")
        return _serial(int(text), text)
    m = _EXPORT_DAY.match(text)
    if m:
        sep = re.search(r"[年\-/.]", text).group(0)
        return ExportDate(_checked(int(m[1]), int(m[2]), int(m[3]), text), "day", _export_form(sep, False))
    m = _EXPORT_MONTH.match(text)
    if m:
        sep = re.search(r"[年\-/.]", text).group(0)
        return ExportDate(_checked(int(m[1]), int(m[2]), 1, text), "month", _export_form(sep, True))
    raise FormatError(f"无法识别日期“{text}”（可用 2024-03-05、2024/3/5、2024年3月5日 或 Excel 日期）。")


def _checked(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise FormatError(f"“{text}”不是有效日期（请核对月份和日）。") from None


def _serial(number: float, text: str) -> ExportDate:
    if not (_SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]) or number != int(number):
        raise FormatError(f"“{text}”不是日期，也不是 Excel 日期序列号。")
    return ExportDate(EXCEL_EPOCH + timedelta(days=int(number)), "day", "serial")
