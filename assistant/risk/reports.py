"""Annual figures read from 年度工作报告书 (DOCX / PDF / TXT).

The document is loaded by the knowledge base's loader (``assistant.kb.loaders.load_file``:
text and DOCX tables) and its labelled facts (统一社会信用代码, 单位名称, 专职工作人员) by the
form-filling extraction (``assistant.forms.extraction.extract_labelled``). The figures come from
its financial table (业务活动表: rows named as the column-mapping file names the fields, columns
本年数 / 上年数, the unit from the nearest 单位：万元 before it) and, where the table has none,
from the phrases listed under ``reports`` in corpus/risk/columns.yaml. Every value keeps the
sentence or table row it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from assistant.risk.columns import ColumnMap, normalize_header
from assistant.risk.problems import InputProblem
from assistant.risk.records import ReportOrigin
from assistant.text.amounts import parse_amount
from assistant.text.dates import parse_export_date
from assistant.text.errors import FormatError

REPORT_SUFFIXES = {".docx", ".pdf", ".txt", ".md"}
AMOUNT_FIELDS = ("income", "program_spending", "admin_costs", "total_spending", "net_assets")
_NUMBER = re.compile(r"^-?[\d,，]+(?:\.\d+)?$")
_ROW_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|其中[：:]?)\s*")
_UNIT = re.compile(r"单位[：:]\s*(万元|元)")


@dataclass
class ReportFigures:
    file: str
    code: str | None = None
    name: str | None = None
    year: int | None = None
    current: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)  # key -> sentence / table row (current year)
    previous_quotes: dict[str, str] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def provides(self) -> set[str]:
        return set(self.current) | set(self.previous) | {"report_filed"}

    def years(self) -> Iterator[tuple[int, dict[str, Any], ReportOrigin]]:
        """(year, values, origin) for the report's year and, from its 上年数, the year before."""
        if self.year is None:
            return
        origin = ReportOrigin(self.file)
        origin.quotes.update(self.quotes)
        origin.quotes.setdefault("report_filed", "年度工作报告书")
        yield self.year, {"report_filed": "是", **self.current}, origin
        if self.previous:
            before = ReportOrigin(self.file)
            before.quotes.update(self.previous_quotes)
            yield self.year - 1, dict(self.previous), before


def _amount(text: str, unit: str) -> int | None:
    try:
        value = parse_amount(text.replace("，", ","), unit)
    except FormatError:
        return None
    return int(value) if value == value.to_integral_value() else None


def _rows_from_lines(text: str) -> list[tuple[int, list[str]]]:
    """Table-like lines of a TXT or PDF text: '| a | b | c |' or 'label 1,000.00 2,000.00'."""
    rows = []
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            separator = all(re.fullmatch(r":?-+:?", c) for c in cells)
            rows.append((number, [] if separator else cells))
            continue
        tokens = stripped.split()
        if len(tokens) >= 2 and all(_NUMBER.match(t) for t in tokens[1:]):
            rows.append((number, tokens))
        elif len(tokens) >= 2 and all(not _NUMBER.match(t) for t in tokens) and len(tokens) <= 4:
            rows.append((number, tokens))  # a header line such as 项目 上年数 本年数
    return rows


class ReportReader:
    """Reads the figures of one report; the names and phrases come from the column-mapping data."""

    def __init__(self, columns: ColumnMap, data: dict[str, Any]):
        self.columns = columns
        self.current_columns = tuple(normalize_header(c) for c in data.get("current_columns") or ())
        self.previous_columns = tuple(normalize_header(c) for c in data.get("previous_columns") or ())
        self.year_patterns = [re.compile(p) for p in data.get("year") or ()]
        self.phrases = {k: _compiled(v) for k, v in (data.get("phrases") or {}).items()}
        self.previous_phrases = {k: _compiled(v) for k, v in (data.get("previous_phrases") or {}).items()}
        self.row_names = [(key, self.columns.fields[key].names) for key in AMOUNT_FIELDS]

    def read(self, path: Path, display: str | None = None) -> ReportFigures:
        """Raises assistant.kb.loaders.LoadError (bilingual) for a file that cannot be read."""
        from assistant.forms.extraction import extract_labelled
        from assistant.kb.loaders import load_file

        name = display or Path(path).name
        loaded = load_file(path)
        text = loaded.text
        report = ReportFigures(name)
        facts = {f.key: f for f in extract_labelled(text, loaded.tables, name, "annual_report")}
        if "uscc" in facts:
            report.code = str(facts["uscc"].value)
        if "name" in facts:
            report.name = str(facts["name"].value)
        if "staff_fulltime" in facts:
            report.current["staff"] = int(facts["staff_fulltime"].value)
            report.quotes["staff"] = facts["staff_fulltime"].quote
        head = text[:400]
        for pattern in self.year_patterns:
            m = pattern.search(head)
            if m:
                report.year = int(m.group(1))
                break
        self._read_tables(text, loaded.tables, report)
        self._read_phrases(text, report)
        if report.year is None and "report_date" in report.current:
            report.year = report.current["report_date"].year - 1
        if report.year is None:
            report.problems.append(InputProblem(name, "report_year", "未能确定报告年度（标题应写明“20XX年度工作报告”），报告未使用",
                                                "the report's year could not be found (the title names it); report not used"))
        if not report.code and not report.name:
            report.problems.append(InputProblem(name, "report_org", "报告中没有统一社会信用代码和单位名称，无法对应到社会组织",
                                                "the report names neither the credit code nor the organization"))
        return report

    # --- tables -----------------------------------------------------------------------------
    def _read_tables(self, text: str, tables: list[list[list[str]]], report: ReportFigures) -> None:
        lines = text.split("\n")
        if tables:
            blocks = [(self._table_line(lines, t), t) for t in tables]
        else:
            blocks, current = [], []
            for number, cells in _rows_from_lines(text):
                if current and number != current[-1][0] + 1:
                    blocks.append((current[0][0], [c for _, c in current]))
                    current = []
                current.append((number, cells))
            if current:
                blocks.append((current[0][0], [c for _, c in current]))
        for start, rows in blocks:
            self._read_table(rows, self._unit_before(lines, start), report)

    @staticmethod
    def _table_line(lines: list[str], table: list[list[str]]) -> int:
        # The loader renders a table's first row as "a｜b｜c", or as "a：b" for a two-column table.
        heads = {"｜".join(table[0]), "：".join(c for c in table[0] if c)} if table else set()
        for number, line in enumerate(lines):
            if any(h and line.startswith(h) for h in heads):
                return number
        return len(lines)

    @staticmethod
    def _unit_before(lines: list[str], start: int) -> str:
        for line in reversed(lines[max(0, start - 3): start + 1]):
            m = _UNIT.search(line)
            if m:
                return m.group(1)
        return "元"

    def _read_table(self, rows: list[list[str]], unit: str, report: ReportFigures) -> None:
        header = next((r for r in rows if any(normalize_header(c) in self.current_columns for c in r)), None)
        if header is None:
            return
        names = [normalize_header(c) for c in header]
        current = next(i for i, c in enumerate(names) if c in self.current_columns)
        previous = next((i for i, c in enumerate(names) if c in self.previous_columns), None)
        for row in rows:
            if row is header or not row:
                continue
            label = normalize_header(_ROW_PREFIX.sub("", str(row[0]).strip()))
            key = self._row_key(label)
            if key is None:
                continue
            quote = " | ".join(row)
            for index, values, quotes in ((current, report.current, report.quotes),
                                          (previous, report.previous, report.previous_quotes)):
                if index is None or index >= len(row):
                    continue
                amount = _amount(row[index], unit)
                if amount is not None and self._better(key, label, values, quotes):
                    values[key] = amount
                    quotes[key] = quote + (f"（单位：{unit}）" if unit != "元" else "")

    def _row_key(self, label: str) -> str | None:
        for key, names in self.row_names:
            if label in names:
                return key
        return None

    def _better(self, key: str, label: str, values: dict, quotes: dict) -> bool:
        """The first name of a field wins over later ones (公益事业支出 over 业务活动成本)."""
        if key not in values:
            return True
        names = self.columns.fields[key].names
        old = normalize_header(_ROW_PREFIX.sub("", quotes[key].split(" | ")[0].strip()))
        rank = names.index(label) if label in names else len(names)
        return rank < (names.index(old) if old in names else len(names))

    # --- phrases ----------------------------------------------------------------------------
    def _read_phrases(self, text: str, report: ReportFigures) -> None:
        flat = re.sub(r"[ \t]+", "", text)
        for target, quotes, phrases in ((report.current, report.quotes, self.phrases),
                                        (report.previous, report.previous_quotes, self.previous_phrases)):
            for key, (values, zeros) in phrases.items():
                if key in target:
                    continue
                found = _first_value(flat, values, key)
                if found is None:
                    zero = next((m for p in zeros for m in [p.search(flat)] if m), None)
                    if zero is not None:
                        found = (0, _sentence(flat, zero.start(), zero.end()))
                if found is not None:
                    target[key], quotes[key] = found


def _compiled(raw: Any) -> tuple[list[re.Pattern], list[re.Pattern]]:
    raw = raw or {}
    return [re.compile(p) for p in raw.get("values") or ()], [re.compile(p) for p in raw.get("zero") or ()]


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in "。；\n") + 1
    stops = [i for i in (text.find(ch, end) for ch in "。；\n") if i >= 0]
    return text[left: min(stops) if stops else len(text)].strip()


def _first_value(text: str, patterns: list[re.Pattern], key: str) -> tuple[Any, str] | None:
    for pattern in patterns:
        for m in pattern.finditer(text):
            raw = m.group(1)
            quote = _sentence(text, m.start(), m.end())
            if key == "report_date":
                try:
                    return parse_export_date(raw).value, quote
                except FormatError:
                    continue
            if key in AMOUNT_FIELDS:
                unit = "万元" if raw.endswith("万元") else "元"
                amount = _amount(raw.removesuffix("万元").removesuffix("元"), unit)
                if amount is not None:
                    return amount, quote
                continue
            return int(raw), quote
    return None


def read_report(path: Path, columns: ColumnMap, data: dict[str, Any], display: str | None = None) -> ReportFigures:
    return ReportReader(columns, data).read(path, display)


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def report_date(report: ReportFigures) -> date | None:
    return report.current.get("report_date")
