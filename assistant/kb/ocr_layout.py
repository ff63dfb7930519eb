"""OCR layout: recognised text boxes → lines, paragraphs and table rows in reading order.

The recogniser returns one box per run of text; this module rebuilds what the
structure parser expects from a text layer:

* boxes whose vertical spans overlap form one physical line (left to right);
  a wide horizontal gap inside a line separates cells;
* consecutive lines with two or more cells that line up in columns are a table,
  rendered like DOCX tables (``loaders.render_table_rows``: "表头：值；表头：值");
* other lines are joined into paragraphs; a paragraph ends at a short line, a
  larger vertical gap, an indented line or a line opening with a heading
  number (第X条, 一、, （一）…). Wrapped CJK lines are joined without a space.

Paragraphs are separated by a blank line and table rows by a newline, as the
DOCX loader does. Every physical line keeps its page, box, confidence and its
character range in the page text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from assistant.kb.structure import OFFICIAL_KINDS, REGULATION_KINDS

_HEADING_PATTERNS = tuple(pattern for _, pattern, _ in OFFICIAL_KINDS + REGULATION_KINDS)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")

# Gaps and indents are measured in line heights (≈ one CJK character).
CELL_GAP = 1.5  # a horizontal gap wider than this separates table cells
INDENT = 1.2  # a line starting this far right of the text margin opens a paragraph
SHORT_LINE = 2.0  # a line ending this far left of the right margin closes its paragraph
ROW_CONTINUATION_GAP = 0.6  # a one-cell line this close under a table row continues its cell


@dataclass
class TextBox:
    """One recognised run of text, axis-aligned in page pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class OcrLine:
    """A physical line (or a table row) of recognised text.

    ``box`` is (x0, y0, x1, y1) in pixels of the straightened page image at the
    page's dpi; ``start``/``end`` are offsets of the line's text in the page text
    (in the document text once the loader has placed the page).
    """

    page: int
    text: str
    box: tuple[int, int, int, int]
    confidence: float
    low_confidence: bool
    start: int = 0
    end: int = 0
    paragraph: int = 0  # index of the paragraph (or table) on its page
    table_row: bool = False
    runs: list[TextBox] = field(default_factory=list)  # the recognised boxes that make up the line


@dataclass
class PageLayout:
    text: str
    lines: list[OcrLine] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)


@dataclass
class _Line:
    boxes: list[TextBox]
    cells: list[TextBox] = field(default_factory=list)  # boxes merged across small gaps

    @property
    def x0(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def y0(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def y1(self) -> float:
        return max(b.y1 for b in self.boxes)

    @property
    def height(self) -> float:
        return statistics.median(b.height for b in self.boxes)

    @property
    def confidence(self) -> float:
        return min(b.confidence for b in self.boxes)

    @property
    def text(self) -> str:
        return "　".join(c.text for c in self.cells)


def _join(left: str, right: str) -> str:
    """Join two runs of one line or paragraph: a space only between Latin words or figures."""
    if left and right and _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return left + " " + right
    return left + right


def group_lines(boxes: list[TextBox]) -> list[_Line]:
    """Boxes whose vertical spans overlap by half the smaller height form one line."""
    lines: list[_Line] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        placed = False
        for line in reversed(lines[-3:]):  # sorted by centre: only the last few lines can overlap
            overlap = min(line.y1, box.y1) - max(line.y0, box.y0)
            if overlap >= 0.5 * min(line.height, box.height):
                line.boxes.append(box)
                placed = True
                break
        if not placed:
            lines.append(_Line(boxes=[box]))
    for line in lines:
        line.boxes.sort(key=lambda b: b.x0)
        line.cells = _cells(line.boxes)
    return lines


def _cells(boxes: list[TextBox]) -> list[TextBox]:
    height = statistics.median(b.height for b in boxes)
    cells: list[TextBox] = []
    for box in boxes:
        if cells and box.x0 - cells[-1].x1 <= CELL_GAP * height:
            last = cells[-1]
            cells[-1] = TextBox(last.x0, min(last.y0, box.y0), max(last.x1, box.x1), max(last.y1, box.y1),
                                _join(last.text, box.text), min(last.confidence, box.confidence))
        else:
            cells.append(box)
    return cells


# --- tables ---------------------------------------------------------------------

def _column_of(cell: TextBox, columns: list[tuple[float, float]]) -> int:
    """Index of the column a cell overlaps most (-1 if it overlaps none)."""
    best, best_overlap = -1, 0.0
    for i, (c0, c1) in enumerate(columns):
        overlap = min(c1, cell.x1) - max(c0, cell.x0)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _row_cells(line: _Line, columns: list[tuple[float, float]]) -> list[str] | None:
    """The line's cells placed in the columns, or None when they do not fit them."""
    row = [""] * len(columns)
    for cell in line.cells:
        index = _column_of(cell, columns)
        if index < 0 or row[index]:
            return None
        row[index] = cell.text
    return row


def _find_tables(lines: list[_Line]) -> list[tuple[int, int, list[list[str]], list[list[int]]]]:
    """Runs of lines that line up in ≥2 columns: (first, last, rows, line indexes per row)."""
    tables = []
    i = 0
    while i < len(lines):
        head = lines[i]
        if len(head.cells) < 2:
            i += 1
            continue
        columns = [(c.x0, c.x1) for c in head.cells]
        rows, members = [[c.text for c in head.cells]], [[i]]
        j = i + 1
        while j < len(lines):
            line, previous = lines[j], lines[j - 1]
            if line.y0 - previous.y1 > 3 * head.height:
                break
            row = _row_cells(line, columns)
            if row is None:
                break
            if len(line.cells) >= 2:
                rows.append(row)
                members.append([j])
                # widen the columns to what the rows show
                for cell in line.cells:
                    col = _column_of(cell, columns)
                    columns[col] = (min(columns[col][0], cell.x0), max(columns[col][1], cell.x1))
            elif line.y0 - previous.y1 <= ROW_CONTINUATION_GAP * head.height:
                # a wrapped cell: its second line belongs to the row above
                for k, value in enumerate(row):
                    if value:
                        rows[-1][k] = _join(rows[-1][k], value)
                members[-1].append(j)
            else:
                break
            j += 1
        if len(rows) >= 2:
            tables.append((i, j - 1, rows, members))
            i = j
        else:
            i += 1
    return tables


def _render_rows(rows: list[list[str]]) -> list[str]:
    from assistant.kb.loaders import render_table_rows

    if max(len(r) for r in rows) == 2:
        # key/value form: "名称：某某协会" (a key that already ends with a colon keeps it)
        return [key + ("" if not value or key.endswith(("：", ":")) else "：") + value if key else value
                for key, value in rows]
    return render_table_rows(rows)


# --- paragraphs -------------------------------------------------------------------

def _starts_heading(text: str) -> bool:
    return any(pattern.match(text) for pattern in _HEADING_PATTERNS)


def _paragraph_breaks(lines: list[_Line]) -> list[bool]:
    """For each line: does it open a new paragraph?"""
    if not lines:
        return []
    height = statistics.median(line.height for line in lines)
    left = sorted(line.x0 for line in lines)[len(lines) // 10]
    right = sorted(line.x1 for line in lines)[(len(lines) * 9) // 10]
    gaps = [b.y0 - a.y1 for a, b in zip(lines, lines[1:])]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    breaks = [True]
    for previous, line, gap in zip(lines, lines[1:], gaps):
        breaks.append(
            gap > max(1.8 * usual_gap, usual_gap + 0.6 * height)
            or line.x0 > left + INDENT * height
            or previous.x1 < right - SHORT_LINE * height
            or len(previous.cells) > 1 or len(line.cells) > 1
            or _starts_heading(line.text)
        )
    return breaks


def _box(items) -> tuple[int, int, int, int]:
    return (int(min(i.x0 for i in items)), int(min(i.y0 for i in items)),
            int(max(i.x1 for i in items)), int(max(i.y1 for i in items)))


def layout_page(boxes: list[TextBox], page: int, low_confidence: float) -> PageLayout:
    """Reading-order text of one page, with a located ``OcrLine`` per line or table row."""
    lines = [line for line in group_lines([b for b in boxes if b.text.strip()]) if line.cells]
    tables = {first: (last, rows, members) for first, last, rows, members in _find_tables(lines)}
    breaks = _paragraph_breaks(lines)

    pieces: list[str] = []  # text pieces in order; "\n\n" / "\n" separators included
    out_lines: list[OcrLine] = []
    out_tables: list[list[list[str]]] = []
    length = 0
    paragraph = -1

    def add(text: str) -> tuple[int, int]:
        nonlocal length
        start = length
        pieces.append(text)
        length += len(text)
        return start, length

    after_table = False
    i = 0
    while i < len(lines):
        if i in tables:
            last, rows, members = tables[i]
            paragraph += 1
            if pieces:
                add("\n\n")
            out_tables.append(rows)
            for n, (rendered, member) in enumerate(zip(_render_rows(rows), members)):
                if n:
                    add("\n")
                start, end = add(rendered)
                group = [lines[k] for k in member]
                confidence = min(line.confidence for line in group)
                out_lines.append(OcrLine(page, rendered, _box(group), round(confidence, 4),
                                         confidence < low_confidence, start, end, paragraph, table_row=True,
                                         runs=[box for line in group for box in line.boxes]))
            i = last + 1
            after_table = True
            continue
        line = lines[i]
        text = line.text
        if breaks[i] or after_table:
            after_table = False
            paragraph += 1
            if pieces:
                add("\n\n")
        elif pieces:
            previous_text = pieces[-1]
            if previous_text and text and _ASCII_WORD.match(previous_text[-1]) and _ASCII_WORD.match(text[0]):
                add(" ")
        start, end = add(text)
        out_lines.append(OcrLine(page, text, _box(line.boxes), round(line.confidence, 4),
                                 line.confidence < low_confidence, start, end, paragraph, runs=list(line.boxes)))
        i += 1
    return PageLayout(text="".join(pieces), lines=out_lines, tables=out_tables)
