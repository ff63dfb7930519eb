"""The parsed document: a document's verbatim text with its located headings.

Every reader that must quote a document and say where the quote is (the filing
checker, form extraction) works on a ``ParsedDocument``: the loaded text kept
verbatim, a same-length ``norm`` copy with full-width forms folded for matching,
line starts, and the headings (chapters, sections, articles, 一、 headings,
attachments) with the span each one governs. ``location(offset)`` says where an
offset is in the words staff use (文件 · 第七章 … · 第三十条 · 第N页/行).

(The knowledge base's chunker needs a different view — cleaned text regrouped
into paragraphs with heading paths — built by ``assistant.kb.structure``.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.text.chars import fold
from assistant.text.headings import (
    ARTICLE_LINE_RE,
    ATTACHMENT_LABEL_RE,
    ATTACHMENT_LINE_RE,
    CHAPTER_LINE_RE,
    CN_HEADING_LINE_RE,
    PAREN_HEADING_LINE_RE,
    RE_BARE_ARTICLE,
    SECTION_LINE_RE,
)
from assistant.text.sentences import sentence_span

# A table row as the loader renders it: "姓名: 李明；年龄: 58；职务: 会长".
TABLE_ROW_RE = re.compile(r"^([^:：；;]{1,12}[:：][^；;]*[；;])+[^:：；;]{1,12}[:：]")


@dataclass
class Heading:
    kind: str  # chapter | section | article | heading | attachment
    label: str  # "第七章", "第十二条", "一、" …
    title: str  # heading text without its number ("终止程序及终止后的财产处理")
    start: int
    end: int  # end of the body that belongs to this heading
    line_no: int


@dataclass
class Unit:
    """A piece of text searched as a whole: an article, or a paragraph outside articles."""

    text: str
    start: int
    end: int


@dataclass
class ParsedDocument:
    name: str  # file name shown in findings
    text: str  # the loaded text, verbatim
    norm: str  # same length as text: full-width digits/punctuation folded (for matching)
    line_starts: list[int]
    headings: list[Heading] = field(default_factory=list)
    pages: list[tuple[int, int]] = field(default_factory=list)  # (page number, start offset)
    tables: list[list[list[str]]] = field(default_factory=list)

    # --- navigation ------------------------------------------------------
    @property
    def title(self) -> str:
        """The first non-empty line: the document's own title."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()[:80]
        return ""

    def lines(self) -> list[tuple[int, str]]:
        """(start offset, line text) for every line."""
        out = []
        for i, start in enumerate(self.line_starts):
            end = self.line_starts[i + 1] - 1 if i + 1 < len(self.line_starts) else len(self.text)
            out.append((start, self.text[start:end]))
        return out

    def line_no(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def page_of(self, offset: int) -> int:
        return _page_at(self.pages, offset)

    def chapters(self) -> list[Heading]:
        return [h for h in self.headings if h.kind == "chapter"]

    def titled_headings(self) -> list[Heading]:
        """Headings that have a title of their own (chapters, sections, 一、 headings, attachments)."""
        return [h for h in self.headings if h.kind != "article" and h.title]

    def units(self) -> list[Unit]:
        """Articles where the document has them, plus every paragraph outside articles."""
        articles = [h for h in self.headings if h.kind == "article"]
        units = [Unit(self.text[h.start:h.end], h.start, h.end) for h in articles]
        covered = [(h.start, h.end) for h in articles]
        for start, line in self.lines():
            if not line.strip():
                continue
            if any(s <= start < e for s, e in covered):
                continue
            units.append(Unit(line, start, start + len(line)))
        units.sort(key=lambda u: u.start)
        return units

    def location(self, offset: int) -> str:
        """Where an offset is, in the words staff use: 文件 · 第七章 … · 第三十条 · 第N页/行."""
        parts = [self.name]
        chapter = next((h for h in reversed(self.headings)
                        if h.kind in ("chapter", "attachment") and h.start <= offset), None)
        if chapter is not None:
            parts.append(f"{chapter.label} {chapter.title}".strip())
        article = next((h for h in self.headings if h.kind == "article" and h.start <= offset < h.end), None)
        if article is not None:
            parts.append(article.label)
        page = self.page_of(offset)
        if page:
            parts.append(f"第{page}页")
        if article is None:
            parts.append(f"第{self.line_no(offset)}行")
        return " · ".join(parts)

    def sentence_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of the sentence holding [start, end), without surrounding blanks.

        A table row ("表头: 值；表头: 值") counts as one sentence: its cells belong together.
        """
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line_end = len(self.text) if line_end < 0 else line_end
        if TABLE_ROW_RE.match(self.norm[line_start:line_end].strip()):
            left, right = line_start, line_end
            while left < right and self.text[left].isspace():
                left += 1
            while right > left and self.text[right - 1].isspace():
                right -= 1
            return left, right
        return sentence_span(self.text, start, end)

    def sentence_at(self, start: int, end: int) -> str:
        """The verbatim sentence (or table row) holding [start, end)."""
        left, right = self.sentence_span(start, end)
        return self.text[left:right]


def parse_text(name: str, text: str, pages=None, tables=None) -> ParsedDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    doc = ParsedDocument(name=name, text=text, norm=fold(text), line_starts=line_starts,
                         pages=list(pages or []), tables=list(tables or []))
    doc.headings = _headings(doc)
    return doc


def _headings(doc: ParsedDocument) -> list[Heading]:
    found: list[Heading] = []
    in_article = False  # （一）… lines inside an article are list items, not headings
    for no, (start, line) in enumerate(doc.lines(), start=1):
        norm_line = doc.norm[start:start + len(line)]
        stripped = norm_line.strip()
        if not stripped:
            continue
        if m := CHAPTER_LINE_RE.match(norm_line):
            label = stripped[: stripped.index("章") + 1]
            found.append(Heading("chapter", label, m.group("title").strip(), start, 0, no))
            in_article = False
        elif m := SECTION_LINE_RE.match(norm_line):
            label = stripped[: stripped.index("节") + 1]
            found.append(Heading("section", label, m.group("title").strip(), start, 0, no))
            in_article = False
        elif m := ARTICLE_LINE_RE.match(norm_line):
            found.append(Heading("article", m.group("label"), "", start, 0, no))
            in_article = True
        elif (m := ATTACHMENT_LINE_RE.match(norm_line)) and len(stripped) <= 40:
            label = ATTACHMENT_LABEL_RE.match(stripped).group(0)
            found.append(Heading("attachment", label, m.group("title").strip(), start, 0, no))
            in_article = False
        elif (not in_article and len(stripped) <= 40 and not stripped.endswith(("；", ";", "。", "，", ","))
              and ((m := CN_HEADING_LINE_RE.match(norm_line)) or (m := PAREN_HEADING_LINE_RE.match(norm_line)))):
            label = stripped[: len(stripped) - len(m.group("title").strip())].strip()
            found.append(Heading("heading", label, m.group("title").strip(), start, 0, no))
    # Each heading's body runs to the next heading of the same or a higher rank.
    rank = {"attachment": 0, "chapter": 1, "section": 2, "heading": 2, "article": 3}
    for i, h in enumerate(found):
        end = len(doc.text)
        for later in found[i + 1:]:
            if rank[later.kind] <= rank[h.kind]:
                end = later.start
                break
        h.end = end
    return found


def drop_nuls(text: str, pages: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Some PDF writers (fpdf2 with CJK fonts) come back from pypdf with a NUL before
    every character. NULs are never content; drop them and move page offsets along."""
    if "\x00" not in text:
        return text, pages
    removed_before = []
    count = 0
    for ch in text:
        removed_before.append(count)
        if ch == "\x00":
            count += 1
    removed_before.append(count)
    pages = [(number, start - removed_before[min(start, len(text))]) for number, start in pages]
    return text.replace("\x00", ""), pages


def _page_at(pages: list[tuple[int, int]], offset: int) -> int:
    page = 0
    for number, start in pages:
        if start <= offset:
            page = number
    return page


def _width(line: str) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in line)


def unwrap_pdf_lines(text: str, pages: list[tuple[int, int]],
                     keep_pages: Iterable[int] = ()) -> tuple[str, list[tuple[int, int]]]:
    """Join the lines a PDF broke only because the page was full.

    Text extracted from a PDF has a line break wherever the layout wrapped, which
    would split phrases such as 终止动议 across lines. A line is a wrapped one when
    it is (nearly) as wide as the widest line on the page, or when it is a bare
    article label (第三条) whose text went to the next line; headings stay put.
    Lines on ``keep_pages`` are left as they are (text recognised by OCR already
    comes in paragraphs, and its line offsets must not move).
    """
    lines = text.split("\n")
    line_starts_old = [0]
    for line in lines[:-1]:
        line_starts_old.append(line_starts_old[-1] + len(line) + 1)
    kept = set(keep_pages)
    frozen = [_page_at(pages, start) in kept for start in line_starts_old] if kept else [False] * len(lines)
    widest = max((_width(line.strip()) for line, fixed in zip(lines, frozen) if not fixed), default=0)
    out: list[str] = []
    offsets_old_to_new: list[int] = []  # new offset of each old line start
    position = 0
    for i, line in enumerate(lines):
        offsets_old_to_new.append(position)
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        starts_block = bool(CHAPTER_LINE_RE.match(nxt) or SECTION_LINE_RE.match(nxt) or ARTICLE_LINE_RE.match(nxt)
                            or CN_HEADING_LINE_RE.match(nxt) or PAREN_HEADING_LINE_RE.match(nxt) or ATTACHMENT_LINE_RE.match(nxt))
        wrapped = widest >= 20 and _width(stripped) >= widest - 2.5 and not stripped.endswith(("。", "：", ":"))
        bare_label = bool(RE_BARE_ARTICLE.fullmatch(stripped))
        join = bool(nxt) and not starts_block and (wrapped or bare_label) and not frozen[i]
        piece = line + (" " if bare_label and join else "")
        out.append(piece if join else piece + "\n")
        position += len(out[-1])
    new_text = "".join(out)
    if new_text.endswith("\n") and not text.endswith("\n"):
        new_text = new_text[:-1]
    # Map page starts (old offsets) to new offsets through the line they start on.
    new_pages = []
    for number, start in pages:
        index = max(i for i, ls in enumerate(line_starts_old) if ls <= start) if line_starts_old else 0
        new_pages.append((number, offsets_old_to_new[index] + (start - line_starts_old[index])))
    return new_text, new_pages
