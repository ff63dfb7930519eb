"""The organizations to screen, built from the tables of a registry export and the annual reports.

``RecordSet.add_table(table)`` reads one table (registry, annual figures or penalties, decided by
its columns) row by row: every cell is read by its field's type, every value remembers where it
came from (``Origin``: the file, line and column, or the report and its sentence), every row
with a problem gets a row- and column-specific ``InputProblem`` and the rest is kept.
``add_report`` adds the figures of one 年度工作报告书. ``finish()`` links annual rows and
penalties to their organizations.

    records = RecordSet(columns, rulebook)
    for table in tables: records.add_table(table)
    records.finish()
    records.organizations   # {统一社会信用代码: Organization}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.risk.columns import ColumnMap, HeaderMapping
from assistant.risk.problems import InputProblem
from assistant.risk.tables import Table
from assistant.risk.values import CellError, make_reader
from assistant.text.errors import FormatError
from assistant.text.ids import USCC_ALPHABET, USCC_CIVIL_KINDS, check_uscc, uscc_check_char

# --- where a value came from ---------------------------------------------------------------------


class RowOrigin:
    """A row of a table: ``where(key)`` -> 'registry.csv 第12行「法定代表人出生日期」'."""

    __slots__ = ("table", "line", "headers")

    def __init__(self, table: str, line: int, headers: dict[str, str]):
        self.table, self.line, self.headers = table, line, headers

    def where(self, key: str) -> str:
        column = self.headers.get(key)
        return f"{self.table} 第{self.line}行" + (f"「{column}」" if column else "")


class ReportOrigin:
    """A 年度工作报告书: ``where(key)`` -> '2025_chunhui.docx：“本年度公益事业支出1,573.00万元……”'."""

    __slots__ = ("file", "quotes")

    def __init__(self, file: str):
        self.file = file
        self.quotes: dict[str, str] = {}

    def where(self, key: str) -> str:
        quote = self.quotes.get(key)
        return f"{self.file}：“{quote}”" if quote else self.file


class RegistryOrigin:
    """A year's status inferred from the registry's 最近年检年度 / 最近年检结论."""

    __slots__ = ("origin", "key")

    def __init__(self, origin: RowOrigin, key: str):
        self.origin, self.key = origin, key

    def where(self, key: str) -> str:
        return self.origin.where(self.key)


# --- records ------------------------------------------------------------------------------------

@dataclass
class YearRecord:
    year: int
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Any] = field(default_factory=dict)  # key -> Origin
    from_report: str = ""  # the report document that supplied this year (its file name)

    def put(self, key: str, value: Any, origin, overwrite: bool = False) -> bool:
        """Set a value unless one is already there (the export wins over a report); False on conflict."""
        if value is None:
            return True
        if key in self.values and self.values[key] is not None and not overwrite:
            return self.values[key] == value
        self.values[key] = value
        self.origins[key] = origin
        return True


@dataclass
class Penalty:
    date: date
    type: str
    fine: Any  # 元, None when no fine
    values: dict[str, Any]
    origin: RowOrigin

    def describe(self) -> str:
        fine = f"罚款{self.fine:,}元" if self.fine else ""
        kind = self.type or "行政处罚"
        bits = [kind if not fine or "罚款" in kind else f"{kind}、{fine}"]
        if fine and "罚款" in kind:
            bits = [f"{kind}（{fine}）"]
        for key in ("penalty_authority", "penalty_reason", "penalty_doc"):
            if self.values.get(key):
                bits.append(str(self.values[key]))
        return f"{self.date.isoformat()} " + "，".join(bits)


@dataclass
class Organization:
    code: str
    fields: dict[str, Any]
    origin: Any  # RowOrigin of the registry row (or of the first row that named it)
    years: dict[int, YearRecord] = field(default_factory=dict)
    penalties: list[Penalty] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how a value was derived (type from the code …)
    reports: list[str] = field(default_factory=list)  # report documents read for it

    @property
    def name(self) -> str:
        return self.fields.get("name") or ""

    @property
    def org_type(self) -> str:
        return self.fields.get("org_type") or ""

    def year(self, year: int) -> YearRecord:
        record = self.years.get(year)
        if record is None:
            record = self.years[year] = YearRecord(year)
        return record

    def where(self, key: str) -> str:
        return self.origin.where(key)


def uscc_problem(code: str) -> tuple[str, str, str] | None:
    """(kind, Chinese, English) of what is wrong with a 统一社会信用代码, None when it is valid."""
    try:
        check_uscc(code)
        return None
    except FormatError as exc:
        zh = str(exc).rstrip("。")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if len(code) != 18:
        return "code_length", zh, f"a unified social credit code has 18 characters, this one {len(code)}"
    if bad:
        return "illegal_character", zh, f"characters not allowed by GB 32100: {', '.join(bad)}"
    if code[17] != uscc_check_char(code[:17]):
        return "check_character", zh, f"wrong check character: GB 32100 gives '{uscc_check_char(code[:17])}', not '{code[17]}'"
    return "check_character", zh, "the embedded organization code (characters 9-17) has a wrong check character"


class RecordSet:
    """Every organization of one screening run, with its years and penalties."""

    def __init__(self, columns: ColumnMap, locality=None, name_types=None):
        self.columns = columns
        self.locality = locality  # assistant.rules.Locality: districts named in addresses
        self.name_types = name_types  # callable(name) -> org type from the name's ending, or None
        self.organizations: dict[str, Organization] = {}
        self.problems: list[InputProblem] = []
        self.available: set[str] = set()  # fields some table of the run has (or reports provide)
        self.kinds_read: set[str] = set()
        self._first_line: dict[str, tuple[str, int]] = {}
        self._pending_annual: list[tuple[str, int, dict, RowOrigin, int]] = []
        self._pending_penalties: list[tuple[str, Penalty]] = []
        self._registry_loaded = False
        self._valid_codes: set[str] = set()

    # --- tables -------------------------------------------------------------------------
    def add_table(self, table: Table) -> str:
        """Read one table; returns its kind (registry / annual / penalties)."""
        self.problems.extend(table.problems)
        kind = self.columns.table_kind(table.headers)
        mapping = self.columns.map_headers(table.headers, kind)
        self._report_columns(table, mapping)
        required = [f for f in mapping.missing(self.columns) if f.required]
        if required:
            labels = "、".join(f.label for f in required)
            self.problems.append(InputProblem(table.file, "missing_column", f"缺少必需列「{labels}」，本表未筛查",
                                              f"the required column(s) {labels} are missing; this table was not screened",
                                              severity="error", column=labels))
            return kind
        self.kinds_read.add(kind)
        self.available.update(mapping.columns)
        self.available.update(f.key for f in self.columns.fields_of(kind) if f.absent_empty)
        headers = {key: h.text for key, h in mapping.columns.items()}
        words = (self.columns.true_words, self.columns.false_words)
        fields = [(key, h.index, make_reader(self.columns.fields[key], h.unit, words))
                  for key, h in mapping.columns.items()]
        reader = {"registry": self._registry_row, "annual": self._annual_row, "penalties": self._penalty_row}[kind]
        for number, (line, cells) in enumerate(table.rows, 1):
            values = {}
            width = len(cells)
            for key, index, read in fields:
                raw = cells[index] if index < width else None
                try:
                    value, note = read(raw)
                except CellError as exc:
                    self._problem(table.file, exc.kind, exc.zh, exc.en, "warning", line, number, headers[key], raw)
                    continue
                if note is not None:
                    self._problem(table.file, note.kind, note.zh, note.en, "notice", line, number, headers[key], raw)
                values[key] = value
            reader(table.file, line, number, values, RowOrigin(table.file, line, headers))
        if kind == "registry":
            self._registry_loaded = True
        return kind

    def _report_columns(self, table: Table, mapping: HeaderMapping) -> None:
        for header in mapping.unknown:
            self.problems.append(InputProblem(table.file, "unknown_column", "未知列，已忽略（列名对照见 corpus/risk/columns.yaml）",
                                              "unknown column, ignored (see corpus/risk/columns.yaml for the column names)",
                                              severity="notice", column=header.text))
        for header, key in mapping.duplicates:
            first = mapping.columns[key].text
            self.problems.append(InputProblem(table.file, "duplicate_column", f"与「{first}」是同一字段，已忽略本列",
                                              f"the same field as column '{first}'; this column was ignored",
                                              severity="warning", column=header.text))

    def _problem(self, file, kind, zh, en, severity, line=None, row=None, column=None, value=None) -> None:
        self.problems.append(InputProblem(file, kind, zh, en, severity, line, row, column,
                                          None if value is None else str(value)))

    def _checked_code(self, file: str, line: int, row: int, values: dict, origin: RowOrigin) -> str | None:
        code = values.get("code")
        column = origin.headers.get("code")
        if not code:
            self._problem(file, "code_missing", "缺少统一社会信用代码，本行未筛查", "no unified social credit code; row not screened",
                          "error", line, row, column)
            return None
        if code in self._valid_codes:
            return code
        bad = uscc_problem(code)
        if bad is None:
            self._valid_codes.add(code)
        if bad:
            kind, zh, en = bad
            self._problem(file, kind, f"{zh}；本行未筛查，请更正后重新筛查",
                          f"{en}; the row was not screened, correct it and screen again", "error", line, row, column, code)
            return None
        return code

    # --- one row of each kind -------------------------------------------------------------
    def _registry_row(self, file, line, row, values, origin) -> None:
        code = self._checked_code(file, line, row, values, origin)
        if code is None:
            return
        if code in self._first_line:
            first_file, first_line = self._first_line[code]
            where = f"第{first_line}行" if first_file == file else f"“{first_file}”第{first_line}行"
            self._problem(file, "duplicate_code", f"统一社会信用代码与{where}重复，本行未筛查（按{where}筛查）",
                          f"the unified social credit code repeats line {first_line} of '{first_file}'; this row was not "
                          "screened (the first one was)", "error", line, row, origin.headers.get("code"), code)
            return
        self._first_line[code] = (file, line)
        org = Organization(code, values, origin)
        self._derive(org)
        self.organizations[code] = org

    def _derive(self, org: Organization) -> None:
        """Facts the export leaves blank but the record states elsewhere (each noted as derived)."""
        f = org.fields
        if not f.get("org_type"):
            kind = USCC_CIVIL_KINDS.get(org.code[1]) if org.code[0] == "5" else None
            if kind in ("社会团体", "社会服务机构", "基金会"):
                f["org_type"] = kind
                org.notes.append(f"社会组织类型按统一社会信用代码第2位“{org.code[1]}”取为{kind}")
        if f.get("legal_rep_other") and not f.get("legal_rep_other_type") and self.name_types:
            kind = self.name_types(f["legal_rep_other"])
            if kind:
                f["legal_rep_other_type"] = kind
                org.notes.append(f"兼任组织“{f['legal_rep_other']}”的类型按名称取为{kind}")
        if not f.get("district") and self.locality is not None:
            for key in ("address", "authority", "name"):
                found = self.locality.district_of(str(f.get(key) or "")) if f.get(key) else None
                if found:
                    f["district"] = found
                    org.notes.append(f"所属区按{self.columns.fields[key].label}取为{found}")
                    break

    def _annual_row(self, file, line, row, values, origin) -> None:
        code = self._checked_code(file, line, row, values, origin)
        if code is None:
            return
        if values.get("year") is None:
            self._problem(file, "year_missing", "缺少年度，本行未使用", "no year; row not used", "warning", line, row,
                          origin.headers.get("year"))
            return
        self._pending_annual.append((code, values.pop("year"), values, origin, row))

    def _penalty_row(self, file, line, row, values, origin) -> None:
        code = self._checked_code(file, line, row, values, origin)
        if code is None:
            return
        when = values.get("penalty_date")
        if when is None:
            self._problem(file, "date_missing", "缺少行政处罚日期，本条处罚未统计", "no penalty date; penalty not counted",
                          "warning", line, row, origin.headers.get("penalty_date"))
            return
        self._pending_penalties.append((code, Penalty(when, str(values.get("penalty_type") or ""),
                                                      values.get("fine_amount"), values, origin)))

    # --- reports --------------------------------------------------------------------------
    def add_report(self, report) -> None:
        """The figures of one annual report (assistant.risk.reports.ReportFigures)."""
        org = self.organizations.get(report.code) if report.code else None
        if org is None and report.name:
            org = next((o for o in self.organizations.values() if o.name == report.name), None)
        if org is None:
            self.problems.append(InputProblem(report.file, "report_unmatched",
                                              f"年度工作报告书的统一社会信用代码“{report.code or '未写明'}”（{report.name or '名称未写明'}）"
                                              "不在登记信息中，报告未使用",
                                              "the report's organization is not in the registry export; report not used",
                                              severity="warning"))
            return
        self.available.update(report.provides)
        org.reports.append(report.file)
        for year, values, origin in report.years():
            record = org.year(year)
            if year == report.year:
                record.from_report = report.file
            for key, value in values.items():
                if not record.put(key, value, origin):
                    org.notes.append(f"{year}年度{self.columns.fields[key].label}：导出数据为{record.values[key]}，"
                                     f"{report.file}为{value}（以导出数据为准）")

    # --- linking --------------------------------------------------------------------------
    def finish(self) -> None:
        create = not self._registry_loaded  # annual rows or penalties alone: their organizations are screened
        seen: dict[tuple[str, int], RowOrigin] = {}
        for code, year, values, origin, row in self._pending_annual:
            org = self._owner(code, values, origin, create)
            if org is None:
                continue
            if (code, year) in seen:
                first = seen[(code, year)]
                self._problem(origin.table, "duplicate_year", f"{year}年度的数据与第{first.line}行重复，本行未使用",
                              f"the {year} figures repeat line {first.line}; this row was not used", "warning",
                              origin.line, row, origin.headers.get("year"), str(year))
                continue
            seen[(code, year)] = origin
            record = org.year(year)
            for key, value in values.items():
                if key not in ("code", "name", "seq"):
                    record.put(key, value, origin, overwrite=True)
        for code, penalty in self._pending_penalties:
            org = self._owner(code, penalty.values, penalty.origin, create)
            if org is not None:
                org.penalties.append(penalty)
        self._pending_annual.clear()
        self._pending_penalties.clear()

    def _owner(self, code: str, values: dict, origin: RowOrigin, create: bool) -> Organization | None:
        org = self.organizations.get(code)
        if org is None and create:
            org = self.organizations[code] = Organization(code, {"code": code, "name": values.get("name")}, origin)
            self._derive(org)
        if org is None:
            self._problem(origin.table, "code_not_in_registry", "统一社会信用代码不在登记信息中，本行未使用",
                          "the unified social credit code is not in the registry export; row not used", "notice",
                          origin.line, None, origin.headers.get("code"), code)
        return org
