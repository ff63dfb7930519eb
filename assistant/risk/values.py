"""Reading one cell of an export by its field's type.

``read_cell(field, raw, unit)`` returns ``(value, note)``: the value (str, date, int, Fraction
for non-whole amounts, "是"/"否" for yes/no) and, when the cell was written in a form that needs
a second look (2024年3月, an Excel serial, 8.45万元, 1,934,300), a ``CellNote`` saying how it
was read. A cell that cannot be read raises ``CellError`` (kind, Chinese and English message);
the caller reports it with its row and column and leaves the value out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assistant.rules import ORG_TYPE_ALIASES
from assistant.text.amounts import parse_amount
from assistant.text.chars import nfkc
from assistant.text.dates import parse_export_date
from assistant.text.errors import FormatError

_DATE_FORMS = {  # form -> (kind, Chinese, English)
    "slash": ("date_slash", "斜杠分隔的日期", "a date written with slashes"),
    "dot": ("date_dot", "点分隔的日期", "a date written with dots"),
    "chinese": ("date_chinese", "中文写法的日期", "a date written in Chinese"),
    "compact": ("date_compact", "8位数字日期", "an 8-digit date"),
    "serial": ("date_serial", "Excel 日期序列号", "an Excel date serial number"),
    "month_chinese": ("date_ym_cn", "只有年月（精度为月）", "year and month only (month precision)"),
    "month_dot": ("date_ym_dot", "只有年月（精度为月）", "year and month only (month precision)"),
    "month_dash": ("date_ym_dash", "只有年月（精度为月）", "year and month only (month precision)"),
    "month_slash": ("date_ym_slash", "只有年月（精度为月）", "year and month only (month precision)"),
}
_COUNT = re.compile(r"^(-?\d+)(?:\.0+)?\s*(?:人|次|个|名|届|年|场次|场|项)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*(?:年度|年)?$")
_PLAIN_INT = re.compile(r"^-?\d+$")
_YES_NO = ("是", "否")


class CellError(ValueError):
    def __init__(self, kind: str, zh: str, en: str):
        super().__init__(zh)
        self.kind, self.zh, self.en = kind, zh, en


@dataclass(frozen=True)
class CellNote:
    kind: str
    zh: str
    en: str


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def read_cell(field, raw: Any, unit: str | None = None, words: tuple[frozenset, frozenset] = (frozenset(), frozenset())
              ) -> tuple[Any, CellNote | None]:
    """The value of one cell (None for blank) and a note on how it was read."""
    return make_reader(field, unit, words)(raw)


def make_reader(field, unit: str | None = None, words: tuple[frozenset, frozenset] = (frozenset(), frozenset())):
    """``read(raw) -> (value, note)`` for one column: the common forms (plain text, ISO dates, whole
    numbers) are read on a fast path, everything else by the type's reader."""
    reader = _READERS[field.type]
    null = field.null
    ftype = field.type
    plain_numbers = ftype in ("int", "year") or (ftype == "amount" and unit != "万元")

    def read(raw):
        if raw is None:
            return None, None
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw or raw in null:
                return None, None
            if ftype == "text":
                return raw, None
            if ftype == "date" and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
                try:
                    return date.fromisoformat(raw), None
                except ValueError:
                    pass
            elif plain_numbers and raw.isdigit():
                return int(raw), None
            elif ftype == "yesno" and raw in _YES_NO:
                return raw, None
            elif ftype == "org_type" and raw in ORG_TYPE_ALIASES:
                return ORG_TYPE_ALIASES[raw], None
        return reader(raw, unit, words)

    return read


def _read_text(raw, unit, words):
    return _text(raw), None


def _read_code(raw, unit, words):
    return re.sub(r"\s+", "", _text(raw)).upper(), None


def _read_org_type(raw, unit, words):
    text = _text(raw)
    found = ORG_TYPE_ALIASES.get(text) or ORG_TYPE_ALIASES.get(nfkc(text))
    if found is None:
        raise CellError("org_type", f"无法识别社会组织类型（应为社会团体、社会服务机构或基金会）",
                        "unknown organization type (社会团体, 社会服务机构 or 基金会)")
    return found, None


def _read_date(raw, unit, words):
    try:
        parsed = parse_export_date(raw)
    except FormatError as exc:
        raise CellError("date_invalid", str(exc).rstrip("。") + "，该值不参与判断",
                        "not a date this screening can read; the value is left out") from None
    if parsed.form in ("iso", "cell"):
        return parsed.value, None
    kind, zh, en = _DATE_FORMS[parsed.form]
    shown = parsed.value.isoformat()[:7] if parsed.precision == "month" else parsed.value.isoformat()
    return parsed.value, CellNote(kind, f"{zh}，按 {shown} 读取" + ("（取该月1日）" if parsed.precision == "month" else ""),
                                  f"{en}; read as {shown}" + (" (the 1st of the month)" if parsed.precision == "month" else ""))


def _read_year(raw, unit, words):
    if isinstance(raw, (datetime, date)):
        return raw.year, None
    m = _YEAR.match(_text(raw))
    if not m:
        raise CellError("year_invalid", "不是年度（应为4位年份，如2025）", "not a year (four digits, e.g. 2025)")
    return int(m[1]), None


def _read_int(raw, unit, words):
    if isinstance(raw, bool):
        raise CellError("number_invalid", "不是整数", "not a whole number")
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw), None
    m = _COUNT.match(nfkc(_text(raw)))
    if not m:
        raise CellError("number_invalid", "不是整数（人数、次数、届数应填整数）", "not a whole number (counts are whole numbers)")
    return int(m[1]), None


def _whole(value: Decimal) -> int | Fraction:
    return int(value) if value == value.to_integral_value() else Fraction(value)


def _read_amount(raw, unit, words):
    if isinstance(raw, bool):
        raise CellError("amount_invalid", "不是金额", "not an amount")
    if isinstance(raw, (int, float)):
        value = Decimal(str(raw)) * (10_000 if unit == "万元" else 1)
        return _whole(value), None
    text = nfkc(_text(raw))
    if _PLAIN_INT.match(text) and unit != "万元":
        return int(text), None
    negative = text.startswith("-")
    try:
        value = parse_amount(text.lstrip("-"), unit or "元")
    except FormatError:
        raise CellError("amount_invalid", "无法识别金额（应为数字，可带“元”“万元”）",
                        "not an amount (a number, optionally with 元 or 万元)") from None
    value = -value if negative else value
    if _PLAIN_INT.match(text):
        return _whole(value), None  # a plain number in a 万元 column: the column's unit, nothing to note
    shown = f"{value:,.2f}".rstrip("0").rstrip(".")
    return _whole(value), CellNote("amount_format", f"金额带单位或千分位，按 {shown} 元读取",
                                   f"an amount with a unit or thousands separators; read as {shown} yuan")


def _read_yesno(raw, unit, words):
    true_words, false_words = words
    text = nfkc(_text(raw)).upper()
    if text in true_words:
        return "是", None
    if text in false_words:
        return "否", None
    raise CellError("yesno_invalid", "应填“是”或“否”", "should be 是 (yes) or 否 (no)")


_READERS = {"text": _read_text, "code": _read_code, "org_type": _read_org_type, "date": _read_date,
            "year": _read_year, "int": _read_int, "amount": _read_amount, "yesno": _read_yesno}
