"""Reading exports: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16) and XLSX (every sheet), with
one-row or two-row headers (merged cells over sub-columns).

``read_tables(path, display)`` returns the file's ``Table``s (one per non-empty sheet) and the
file-level problems (encoding, merged header); rows are lists of raw cell values with the line
number the spreadsheet shows. Which field each column is, is decided by ``ColumnMap`` afterwards.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from assistant.risk.columns import Header, normalize_header
from assistant.risk.problems import InputProblem

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")


class TableError(ValueError):
    """A file that cannot be read as a table at all (the message names it, in Chinese and English)."""


@dataclass
class Table:
    file: str  # display name: the file, and for XLSX the sheet
    headers: list[Header]
    rows: list[tuple[int, list[Any]]]  # (line as the spreadsheet shows it, raw cells)
    header_rows: int = 1
    problems: list[InputProblem] = field(default_factory=list)


def column_letter(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_tables(path: Path, display: str | None = None) -> list[Table]:
    path = Path(path)
    name = display or path.name
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"文件“{name}”不存在 / file '{name}' does not exist")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, name)
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, name)]
    if suffix == ".xls":
        raise TableError(f"文件“{name}”是旧版 Excel（.xls），请另存为 .xlsx 或 CSV / file '{name}' is a legacy .xls "
                         "workbook: save it as .xlsx or CSV")
    raise TableError(f"文件“{name}”不是 CSV 或 XLSX 表格 / file '{name}' is not a CSV or XLSX table")


# --- CSV --------------------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> tuple[str, InputProblem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"文件“{name}”既不是 UTF-8 也不是 GBK 编码，无法读取（第{line}行附近）"
                         f" / file '{name}' is neither UTF-8 nor GBK text (near line {line})") from None
    problem = InputProblem(name, "encoding", "文件为 GBK（GB18030）编码而非 UTF-8，已按 GBK 读取；请核对中文是否显示正常",
                           "the file is GBK (GB18030) encoded, not UTF-8; it was read as GBK", severity="notice")
    return text, problem


def _read_csv(path: Path, name: str) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"文件“{name}”无法读取：{exc} / cannot read '{name}': {exc}") from None
    text, problem = _decode(data, name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    for cells in reader:
        rows.append((reader.line_num, cells))
    table = _table_from_rows(name, rows, merges=[])
    if problem:
        table.problems.insert(0, problem)
    return table


# --- XLSX -------------------------------------------------------------------------------------

def _read_xlsx(path: Path, name: str) -> list[Table]:
    import openpyxl

    try:
        merges = _xlsx_merges(path)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"文件“{name}”不是有效的 XLSX 工作簿（{type(exc).__name__}）/ file '{name}' is not a valid "
                         "XLSX workbook") from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = [(i, list(values)) for i, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            if not any(any(v not in (None, "") for v in cells) for _, cells in rows):
                continue
            display = f"{name}［{sheet.title}］" if len(book.worksheets) > 1 else name
            tables.append(_table_from_rows(display, rows, merges.get(sheet.title, [])))
    finally:
        book.close()
    return tables


def _xlsx_merges(path: Path) -> dict[str, list[str]]:
    """Merged ranges per sheet title, read from the workbook's XML (openpyxl's fast reader has none)."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    import xml.etree.ElementTree as ET

    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for sheet in book.iter(f"{ns_main}sheet"):
            target = targets.get(sheet.get(f"{ns_rel}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            try:
                xml = z.read(part)
            except KeyError:
                continue
            out[sheet.get("name")] = [m.decode() for m in re.findall(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml)]
    return out


# --- headers ----------------------------------------------------------------------------------

def _cell_range(ref: str) -> tuple[int, int, int, int]:
    """'L1:O1' -> (first column index, first row, last column index, last row)."""
    def one(part):
        m = re.match(r"([A-Z]+)(\d+)", part)
        col = 0
        for ch in m[1]:
            col = col * 26 + ord(ch) - 64
        return col - 1, int(m[2])
    a, b = ref.split(":")
    (c1, r1), (c2, r2) = one(a), one(b)
    return c1, r1, c2, r2


def _two_row_header(rows: list[tuple[int, list[Any]]], merges: list[str]) -> bool:
    if len(rows) < 2:
        return False
    if any(_cell_range(m)[1] == rows[0][0] and _cell_range(m)[2] > _cell_range(m)[0] for m in merges):
        return True  # a header cell merged across columns
    top, second = rows[0][1], rows[1][1]
    blanks = [i for i, v in enumerate(top) if v in (None, "") and i < len(second) and second[i] not in (None, "")]
    if not blanks:
        return False
    # The second row must be names, not data: no cell looks like a code, a number or a date.
    return not any(isinstance(v, (int, float)) or _CODE_LIKE.match(str(v or "").strip()) or
                   re.match(r"^\d{4}[-/.年]", str(v or "")) for v in second if v not in (None, ""))


def _table_from_rows(name: str, rows: list[tuple[int, list[Any]]], merges: list[str]) -> Table:
    while rows and not any(v not in (None, "") for v in rows[0][1]):
        rows = rows[1:]  # blank lines above the header
    if not rows:
        return Table(name, [], [])
    problems: list[InputProblem] = []
    if _two_row_header(rows, merges):
        top, second = rows[0][1], rows[1][1]
        width = max(len(top), len(second))
        spans = {}
        for ref in merges:
            c1, r1, c2, _ = _cell_range(ref)
            if r1 == rows[0][0] and c2 > c1:
                spans.update({c: c1 for c in range(c1, c2 + 1)})
                label = str(top[c1] or "").strip()
                leafs = [str(second[c] or "").strip() for c in range(c1, min(c2 + 1, len(second)))]
                problems.append(InputProblem(
                    name, "merged_header",
                    f"合并表头「{label}」横跨 {c2 - c1 + 1} 列（{ref}），已按第{rows[1][0]}行的子列名读取：{'、'.join(leafs)}",
                    f"merged header '{label}' spans {c2 - c1 + 1} columns ({ref}); read by the sub-column names of line {rows[1][0]}",
                    severity="notice", line=rows[0][0], column=ref))
        headers = []
        carried = ""  # a CSV's flattened merge: the upper name runs on over the blank cells to its right
        for i in range(width):
            upper = str(top[i] or "").strip() if i < len(top) else ""
            lower = str(second[i] or "").strip() if i < len(second) else ""
            if not lower:  # one column spanning both lines
                carried = ""
                headers.append(Header(i, upper, normalize_header(upper), "", column_letter(i)))
                continue
            if i in spans:
                group = str(top[spans[i]] or "").strip()
            elif merges:
                group = upper
            else:
                carried = upper or carried
                group = carried
            text = f"{group}/{lower}" if group and group != lower else lower
            headers.append(Header(i, text, normalize_header(lower), normalize_header(group) if group != lower else "",
                                  column_letter(i)))
        body = rows[2:]
        header_rows = 2
        if not merges and not any(p.kind == "merged_header" for p in problems):
            problems.append(InputProblem(name, "merged_header", f"表头占两行（第{rows[0][0]}、{rows[1][0]}行），已按上下两层列名读取",
                                         "the header takes two lines; read as upper and lower column names",
                                         severity="notice", line=rows[0][0]))
    else:
        top = rows[0][1]
        headers = [Header(i, str(v or "").strip(), normalize_header(v), "", column_letter(i)) for i, v in enumerate(top)]
        body = rows[1:]
        header_rows = 1
    body = [(line, cells) for line, cells in body if any(v not in (None, "") for v in cells)]
    return Table(name, headers, body, header_rows, problems)


def iter_cells(table: Table) -> Iterator[tuple[int, int, list[Any]]]:
    """(data row number, line, cells) for every row of the table."""
    for number, (line, cells) in enumerate(table.rows, 1):
        yield number, line, cells
