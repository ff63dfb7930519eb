"""The comparable units of a document: articles of a regulation, items of a notice.

Built from the heading tree that ``assistant.kb.structure`` already parses (no
second heading parser): a regulation gives one unit per 第X条 inside its
第X章; a notice gives one unit per （一） item inside its 一、 section, or the
一、 section itself when it has no items. The signature block (落款) is never
part of a unit.

A unit's ``key`` is what the diff and the alignment report and what the ground
truth files use: ``第二十二条`` for articles, ``二（三）`` for notice items.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.text.numerals import parse_chinese_number
from assistant.kb.loaders import load_file
from assistant.kb.structure import StructuredDocument, parse_document
from assistant.text.headings import RE_ARTICLE, RE_CN_NUM, RE_PAREN_CN

CLOSING_PATH = ["落款"]


@dataclass
class Unit:
    key: str  # 第二十二条 | 二（三） | 三
    number: int  # article number, or item ordinal within its group; for ordering and "moved" checks
    group: str  # enclosing chapter / top-level section heading ("" if none)
    title: str  # bold lead of a notice item (夯实党建基础), "" otherwise
    text: str  # the unit's body, heading marker removed, paragraphs joined by "\n"
    start: int  # offsets in the parsed document's text
    end: int

    @property
    def label(self) -> str:
        return f"{self.key} {self.title}".strip()

    @property
    def normalized(self) -> str:
        return normalize_text(self.text)


@dataclass
class UnitDocument:
    """A parsed document and its units, as the diff and the alignment read it."""

    parsed: StructuredDocument
    units: list[Unit]
    kind: str  # "articles" | "items"

    @property
    def title(self) -> str:
        return self.parsed.info.title

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(u.group for u in self.units))


_PUNCT_SPACE = re.compile(r"\s+")
# After NFKC (which also turns full-width punctuation into ASCII), Chinese text's
# punctuation is put back in its full-width form so that diffs read naturally.
_TO_FULL_WIDTH = str.maketrans({":": "：", ";": "；", ",": "，", "(": "（", ")": "）", "?": "？", "!": "！"})


def display_text(text: str) -> str:
    """Text as a diff shows it: one line per paragraph, punctuation width unified, no spaces."""
    lines = (_PUNCT_SPACE.sub("", unicodedata.normalize("NFKC", line)).translate(_TO_FULL_WIDTH)
             for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize_text(text: str) -> str:
    """Text as compared: whitespace and full- vs half-width punctuation ignored."""
    return display_text(text).replace("\n", "")


def heading_label(heading: str) -> str:
    """"第一章 总 则" → "第一章 总则": spaces inside a heading's name are layout."""
    heading = heading.strip()
    m = re.match(r"^(第[^章节]+[章节])\s*(.*)$", heading)
    if m:
        return f"{m.group(1)} {_PUNCT_SPACE.sub('', m.group(2))}".strip()
    return _PUNCT_SPACE.sub("", heading)


def _closing_start(parsed: StructuredDocument) -> int:
    for paragraph, path in zip(parsed.paragraphs, parsed.paths):
        if path == CLOSING_PATH:
            return paragraph.start
    return len(parsed.text)


def _body(parsed: StructuredDocument, start: int, end: int, marker: re.Pattern) -> str:
    text = parsed.text[start:end].strip()
    text = marker.sub("", text, count=1).lstrip(" \u3000")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _article_units(parsed: StructuredDocument, stop: int) -> list[Unit]:
    units: list[Unit] = []
    group = ""
    for sec in parsed.sections:
        if sec.start >= stop:
            break
        if sec.kind == "chapter":
            group = heading_label(sec.heading)
        elif sec.kind == "article":
            number = parse_chinese_number(sec.heading[1:-1]) or 0
            end = min(sec.end, stop)
            units.append(Unit(key=sec.heading, number=number, group=group, title="", start=sec.start, end=end,
                              text=_body(parsed, sec.start, end, RE_ARTICLE)))
    return units


def _bold_title(parsed: StructuredDocument, start: int) -> str:
    for paragraph in parsed.paragraphs:
        if paragraph.start == start:
            lead = paragraph.bold_lead
            lead = RE_PAREN_CN.sub("", lead).strip().rstrip("。")
            return lead if 0 < len(lead) <= 30 else ""
    return ""


def _item_units(parsed: StructuredDocument, stop: int) -> list[Unit]:
    tops = [s for s in parsed.sections if s.kind == "cn_num" and s.start < stop]
    items = [s for s in parsed.sections if s.kind == "paren_cn" and s.start < stop]
    units: list[Unit] = []
    for top in tops:
        top_marker = RE_CN_NUM.match(top.heading)
        top_key = top_marker.group(0).rstrip("、") if top_marker else top.heading
        own = [s for s in items if top.start < s.start < top.end]
        end_top = min(top.end, stop)
        if not own:
            units.append(Unit(key=top_key, number=parse_chinese_number(top_key) or 0, group=heading_label(top.heading),
                              title="",
                              start=top.start, end=end_top,
                              text=_body(parsed, top.start, end_top, RE_CN_NUM)))
            continue
        for ordinal, item in enumerate(own, 1):
            marker = RE_PAREN_CN.match(parsed.text[item.start:item.start + 8])
            item_key = marker.group(0).replace("(", "（").replace(")", "）") if marker else f"（{ordinal}）"
            end = min(item.end, end_top, stop)
            units.append(Unit(key=top_key + item_key, number=ordinal, group=heading_label(top.heading),
                              title=_bold_title(parsed, item.start), start=item.start, end=end,
                              text=_body(parsed, item.start, end, RE_PAREN_CN)))
    return units


def units_of(parsed: StructuredDocument) -> UnitDocument:
    stop = _closing_start(parsed)
    if any(s.kind == "article" for s in parsed.sections):
        return UnitDocument(parsed, _article_units(parsed, stop), "articles")
    return UnitDocument(parsed, _item_units(parsed, stop), "items")


def read_units(path: Path | str, source: str | None = None) -> UnitDocument:
    """Load, parse and cut a file into units (raises ``LoadError`` for unreadable files)."""
    path = Path(path)
    loaded = load_file(path)
    parsed = parse_document(loaded.text, path, source or str(path))
    return units_of(parsed)
