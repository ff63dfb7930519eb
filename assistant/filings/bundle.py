"""Packages in one document: split a bundled filing into its materials.

Applicants often send the whole package as one file: a cover letter or a
材料清单, then each material under its own heading (附件一 …, 附件1 …, 材料之一 …),
as headed sections of a DOCX, or as one scan with a new material on each new
page. ``split_bundle`` finds the parts from the loaded text (and its page
offsets when it has them), parses the 材料清单 into its listed items and
compares listed with present ("清单列出6项，实际附有5项").

A part that only summarises a material and says its full text is elsewhere
(章程摘要, “全文另册附后”) is marked ``is_summary``: the checker must not read it as
the material itself. Which *required material* a part is (章程? 验资报告?) is
the rulebook's question and is left to the checker; every part carries what
that needs: marker, title, first lines and pages.

Independent of the checker: input is text + pages, output plain dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.text.numerals import parse_chinese_number

NUMERAL = r"[零〇一二三四五六七八九十百\d]{1,4}"
# A marker's number: Chinese numerals, or figures not followed by more figures or a list dot
# ("附件1.2" is a cross-reference). OCR drops the blank after a Chinese numeral ("附件一设立登记申请书").
_MARKER_NUMBER = r"(?:[零〇一二三四五六七八九十百]{1,4}(?!览)|\d{1,3}(?![\d.．、]))"
# "附件一", "附件 1", "附件1：章程", "# 附件二 会员名单", "附件三验资证明"; not "附件：1. …" (a list of attachments)
ATTACHMENT_RE = re.compile(rf"^(附\s*件\s*({_MARKER_NUMBER}))(?:\s*[:：、.．\-—]\s*|\s*)(.*)$")
MATERIAL_RE = re.compile(rf"^(材料\s*(?:之\s*)?({_MARKER_NUMBER}))(?:\s*[:：、.．\-—]\s*|\s*)(.*)$")
MAX_HEADING_CHARS = 50
# A cover page has at most this many lines, none longer than this.
COVER_LINES, COVER_LINE_CHARS = 10, 40
# Words a material's title ends with (申请书, 章程, 验资报告 …), for headed sections and page starts.
TITLE_ENDINGS = ("申请书", "申请表", "登记表", "备案表", "审批表", "核准表", "情况表", "信息表", "一览表", "对照表",
                 "章程", "章程草案", "决议", "纪要", "报告", "证明", "名单", "简历", "承诺书", "声明", "协议", "合同",
                 "批复", "意见", "批准文件", "文件", "同意函", "函", "说明", "委托书", "证书", "清单", "目录", "明细表",
                 "报告书", "意见书")
TITLE_QUALIFIER = re.compile(r"\s*[（(](?:摘要|节选|摘录|草案|复印件|副本|样本|修正案)[^）)]{0,12}[）)]$")
# A part titled like this only summarises the material.
SUMMARY_TITLE = re.compile(r"摘要|节选|摘录|要点")
# … and one saying this has its full text elsewhere.
ELSEWHERE = re.compile(r"另册(?:附后|装订|报送|提交)?|全文(?:另附|附后|另行|见)|另行(?:提交|报送|附送|装订)|见另册")
CHECKLIST_TITLE = re.compile(r"(?:材料|申报|申请|报送)?(?:材料)?(?:清单|目录)$")
NAME_KEYS = ("材料名称", "名称", "材料", "文件名称")
COPIES_RE = re.compile(r"([\d一二三四五六七八九十两]+)\s*份")


@dataclass
class BundlePart:
    index: int
    marker: str  # "附件一", "材料之二"; "" for headed sections, page starts and the front matter
    number: int | None  # the marker's number
    title: str
    start: int  # text range of the part (marker line included)
    end: int
    first_page: int = 0  # 0 when the text has no pages
    last_page: int = 0
    first_lines: list[str] = field(default_factory=list)  # up to 3 lines after the title
    is_front: bool = False  # the text before the first marker
    is_checklist: bool = False  # the part is (essentially) the 材料清单
    substantial: bool = True  # more than a title line or two (a cover page is not a material)
    is_cover: bool = False  # front matter of short lines only: a cover page (名称、材料名称、报送日期)
    is_summary: bool = False  # a summary, full text elsewhere: do not check it as the material
    summary_reason: str = ""  # the words that say so ("另册附后", "章程（摘要）")

    @property
    def pages(self) -> list[int]:
        return list(range(self.first_page, self.last_page + 1)) if self.first_page else []

    def text_of(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass
class ChecklistItem:
    number: int | None
    name: str
    copies: str  # as written: "1", "一份", "2份（复印件）"; "" when not given
    start: int
    end: int


@dataclass
class ChecklistComparison:
    listed: int
    attached: int
    matched: list[tuple[int, int]]  # (item index, part index)
    missing: list[ChecklistItem]  # listed, not found among the parts
    unlisted: list[BundlePart]  # attached, not on the list

    @property
    def consistent(self) -> bool:
        return not self.missing and not self.unlisted and self.listed == self.attached

    @property
    def message_zh(self) -> str:
        text = f"清单列出{self.listed}项，实际附有{self.attached}项"
        if self.missing:
            text += "；未见：" + "、".join(item.name for item in self.missing)
        if self.unlisted:
            text += "；清单未列：" + "、".join(part.title or part.marker for part in self.unlisted)
        return text

    @property
    def message_en(self) -> str:
        text = f"the checklist lists {self.listed} item(s), {self.attached} are attached"
        if self.missing:
            text += "; not found: " + ", ".join(item.name for item in self.missing)
        if self.unlisted:
            text += "; not on the checklist: " + ", ".join(part.title or part.marker for part in self.unlisted)
        return text


@dataclass
class Bundle:
    parts: list[BundlePart]
    split_by: str  # "attachment" | "material" | "heading" | "page" | "none"
    checklist: list[ChecklistItem] = field(default_factory=list)
    comparison: ChecklistComparison | None = None

    @property
    def materials(self) -> list[BundlePart]:
        """The parts that are materials: not the checklist, not a front matter of a line or two."""
        return [p for p in self.parts
                if not p.is_checklist and not p.is_cover and not (p.is_front and not p.substantial)]

    @property
    def is_bundle(self) -> bool:
        return self.split_by != "none" and len(self.materials) >= 2

    @property
    def summaries(self) -> list[BundlePart]:
        return [p for p in self.parts if p.is_summary]


# --- lines --------------------------------------------------------------------------

@dataclass
class _Line:
    text: str  # stripped, Markdown heading marks removed
    start: int
    end: int
    heading: int  # number of '#' (a DOCX heading style), 0 otherwise


def _lines(text: str) -> list[_Line]:
    out, offset = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip().strip("\u3000").strip()
        heading = 0
        m = re.match(r"^(#{1,6})\s+", stripped)
        if m:
            heading = len(m.group(1))
            stripped = stripped[m.end():].strip()
        stripped = stripped.replace("**", "")
        out.append(_Line(stripped, offset, offset + len(raw), heading))
        offset += len(raw) + 1
    return out


def _number(token: str) -> int | None:
    token = re.sub(r"\s", "", token)
    return int(token) if token.isdigit() else parse_chinese_number(token)


def looks_like_title(text: str) -> bool:
    """A material's title: short, no sentence punctuation, ending with a document word."""
    if not 2 <= len(text) <= 40 or re.search(r"[，。；;！？]", text):
        return False
    core = TITLE_QUALIFIER.sub("", text).rstrip("：:")
    return core.endswith(TITLE_ENDINGS)


# --- markers -------------------------------------------------------------------------

@dataclass
class _Marker:
    line: int  # index into the lines
    kind: str  # "attachment" | "material" | "heading" | "page"
    label: str
    number: int | None
    title: str


def _numbered_markers(lines: list[_Line], pattern: re.Pattern, kind: str) -> list[_Marker]:
    markers = []
    for i, line in enumerate(lines):
        if len(line.text) > MAX_HEADING_CHARS or "；" in line.text or line.text.count("附件") > 1:
            continue
        m = pattern.match(line.text)
        if not m or m.group(3).endswith("。"):
            continue
        title = m.group(3).strip()
        if not title:  # "附件1" alone: the title is the next non-empty line
            title = next((ln.text for ln in lines[i + 1:i + 4] if ln.text), "")
            title = title if looks_like_title(title) or len(title) <= 30 else ""
        markers.append(_Marker(i, kind, re.sub(r"\s", "", m.group(1)), _number(m.group(2)), title))
    return _drop_listings(markers, lines)


def _drop_listings(markers: list[_Marker], lines: list[_Line]) -> list[_Marker]:
    """A cover letter may list "附件1：章程" … before the attachments themselves: of markers
    with the same number keep the one with the most text under it."""
    def body(k: int) -> int:
        end = markers[k + 1].line if k + 1 < len(markers) else len(lines)
        return sum(len(ln.text) for ln in lines[markers[k].line + 1:end])

    best: dict[int | None, int] = {}
    for k, marker in enumerate(markers):
        if marker.number not in best or body(k) > body(best[marker.number]):
            best[marker.number] = k
    return [m for k, m in enumerate(markers) if best[m.number] == k]


def _heading_markers(lines: list[_Line]) -> list[_Marker]:
    """Headed sections: the top-level Markdown headings (DOCX heading styles) that read as titles."""
    titled = [(i, ln) for i, ln in enumerate(lines) if ln.heading and looks_like_title(ln.text)]
    if not titled:
        return []
    top = min(ln.heading for _, ln in titled)
    return [_Marker(i, "heading", "", None, ln.text) for i, ln in titled if ln.heading == top]


def _page_markers(lines: list[_Line], pages: list[tuple[int, int]]) -> list[_Marker]:
    """A scan of many materials: a page whose first line is a material's title starts one."""
    markers = []
    for _number_, start in pages:
        first = next((i for i, ln in enumerate(lines) if ln.start >= start and ln.text), None)
        if first is not None and looks_like_title(lines[first].text):
            markers.append(_Marker(first, "page", "", None, lines[first].text))
    return markers


def _page_at(pages: list[tuple[int, int]], offset: int) -> int:
    page = 0
    for number, start in pages:
        if start <= offset:
            page = number
        else:
            break
    return page


# --- checklist -----------------------------------------------------------------------

def _cells(text: str) -> dict[str, str]:
    """ "序号：1；材料名称：章程；份数：1" → {"序号": "1", …} (the loaders' table row form)."""
    out = {}
    for piece in re.split(r"[；;]", text):
        key, sep, value = piece.partition("：")
        if not sep:
            key, sep, value = piece.partition(":")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _table_items(lines: list[_Line]) -> list[ChecklistItem]:
    """Rows of a table whose header names the materials (序号｜材料名称｜份数)."""
    items: list[ChecklistItem] = []
    for i, line in enumerate(lines):
        header = [h.strip() for h in line.text.split("｜")]
        if len(header) < 2 or not any(k in header for k in NAME_KEYS):
            continue
        name_key = next(k for k in NAME_KEYS if k in header)
        for row in lines[i + 1:]:
            cells = _cells(row.text)
            if not row.text or name_key not in cells:
                break
            copies = next((v for k, v in cells.items() if "份" in k), "")
            number = next((_number(v) for k, v in cells.items() if k in ("序号", "编号")), None)
            items.append(ChecklistItem(number, cells[name_key], copies, row.start, row.end))
        if items:
            return items
    return []


LIST_ITEM_RE = re.compile(r"^[（(]?(\d{1,2}|[一二三四五六七八九十]{1,3})[)）.．、\s]\s*(.+?)"
                          r"(?:[\s　]+(\d+|[一二三四五六七八九十两]+)\s*份?[^\s　]*)?$")


def _list_items(lines: list[_Line]) -> list[ChecklistItem]:
    """A numbered list under a heading ending in 清单/目录 ("1. 登记申请书 1份")."""
    for i, line in enumerate(lines):
        if not (line.text and CHECKLIST_TITLE.search(line.text.rstrip("：:")) and len(line.text) <= 30):
            continue
        items: list[ChecklistItem] = []
        for row in lines[i + 1:]:
            if not row.text:
                if items:
                    break
                continue
            if re.fullmatch(r"序号.*名称.*", row.text):  # a plain-text table's header row
                continue
            m = LIST_ITEM_RE.match(row.text)
            if not m:
                break
            name, copies = m.group(2).strip(), m.group(3) or ""
            copy_match = COPIES_RE.search(name)
            if copy_match and not copies:
                copies, name = copy_match.group(0), name[:copy_match.start()].rstrip("（( ，,")
            items.append(ChecklistItem(_number(m.group(1)), name.rstrip("；;。"), copies, row.start, row.end))
        if items:
            return items
    return []


def parse_checklist(text: str) -> list[ChecklistItem]:
    """The 材料清单's items: a table (序号/材料名称/份数) or a numbered list under a 清单/目录 heading."""
    lines = _lines(text)
    return _table_items(lines) or _list_items(lines)


# --- matching listed items with parts ---------------------------------------------------------

def _normalise_name(name: str) -> str:
    """A material's name without copies, qualifiers and punctuation: 《章程（草案）》（2份） → 章程."""
    name = re.sub(r"[（(](?:\d+|[一二三四五六七八九十]+)\s*份[）)]", "", name)
    name = re.sub(r"草案|摘要|节选|摘录|复印件|原件|副本|样本", "", name)
    return re.sub(r"[\s《》“”\"'、，,。：:；;（）()]", "", name)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def name_similarity(a: str, b: str) -> float:
    """How well a listed name and a part title agree (0..1): containment, else bigram Dice."""
    a, b = _normalise_name(a), _normalise_name(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def compare_checklist(items: list[ChecklistItem], parts: list[BundlePart], threshold: float = 0.5,
                      similarity: Callable[[ChecklistItem, BundlePart], float] | None = None) -> ChecklistComparison:
    """Listed items against the parts present, one-to-one, best pairs first. ``similarity``
    scores a pair (0..1; default: how well the names agree); a caller that knows which
    required material each name is (the rulebook) can say so."""
    score_of = similarity or (lambda item, part: name_similarity(item.name, part.title))
    candidates = sorted(((score_of(item, part), i, k)
                         for i, item in enumerate(items) for k, part in enumerate(parts) if part.title),
                        reverse=True)
    matched, used_items, used_parts = [], set(), set()
    for score, i, k in candidates:
        if score < threshold:
            break
        if i in used_items or k in used_parts:
            continue
        matched.append((i, parts[k].index))
        used_items.add(i)
        used_parts.add(k)
    return ChecklistComparison(
        listed=len(items), attached=len(parts), matched=sorted(matched),
        missing=[item for i, item in enumerate(items) if i not in used_items],
        unlisted=[part for k, part in enumerate(parts) if k not in used_parts],
    )


# --- summaries -----------------------------------------------------------------------

def summary_reason(title: str, body: str) -> str:
    """Why a part is only a summary of its material ("" when it is not)."""
    m = SUMMARY_TITLE.search(title)
    if m:
        return title
    m = ELSEWHERE.search(body)
    if m:
        start = max(0, m.start() - 12)
        return body[start:m.end() + 6].strip()
    return ""


# --- splitting -----------------------------------------------------------------------

def _choose_markers(lines: list[_Line], pages: list[tuple[int, int]]) -> tuple[str, list[_Marker]]:
    for kind, pattern in (("attachment", ATTACHMENT_RE), ("material", MATERIAL_RE)):
        markers = _numbered_markers(lines, pattern, kind)
        if markers:
            return kind, markers
    headings = _heading_markers(lines)
    if len(headings) >= 2:
        return "heading", headings
    page_starts = _page_markers(lines, pages) if len(pages) > 1 else []
    if len(page_starts) >= 2:
        return "page", page_starts
    return "none", []


def _cover_like(lines: list[str]) -> bool:
    """A cover page: a few short lines (名称, 材料名称, 申请单位, 日期), no sentences."""
    return 0 < len(lines) <= COVER_LINES and all(len(t) <= COVER_LINE_CHARS and not re.search(r"[。；;！？]", t)
                                                  for t in lines)


def _form_feed_pages(text: str) -> list[tuple[int, int]]:
    """Pages of a text whose page breaks are form feeds (text exports of multi-page documents)."""
    if "\f" not in text:
        return []
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\f"]
    return [(number, start) for number, start in enumerate(starts, start=1)]


def split_bundle(text: str, pages: list[tuple[int, int]] | None = None) -> Bundle:
    """Split a loaded document into the materials it bundles (one part when it bundles none)."""
    pages = pages or _form_feed_pages(text)
    lines = _lines(text.replace("\f", "\n"))
    split_by, markers = _choose_markers(lines, pages)
    checklist = parse_checklist(text)
    bounds: list[tuple[int, _Marker | None]] = []
    first_line = markers[0].line if markers else len(lines)
    if not markers or any(ln.text for ln in lines[:first_line]):
        bounds.append((0, None))
    bounds.extend((m.line, m) for m in markers)

    parts: list[BundlePart] = []
    for k, (line_index, marker) in enumerate(bounds):
        end_line = bounds[k + 1][0] if k + 1 < len(bounds) else len(lines)
        own = lines[line_index:end_line]
        start = own[0].start if own else len(text)
        end = lines[end_line].start - 1 if end_line < len(lines) else len(text)
        body_lines = [ln.text for ln in own if ln.text]
        if marker is None:
            title = next((t for t in body_lines[:3] if looks_like_title(t)), body_lines[0] if body_lines else "")
            title = title if len(title) <= 40 else ""
        else:
            title = marker.title
        after_title = body_lines[1:] if marker is not None else body_lines
        after_title = [t for t in after_title if t != title]
        body = "\n".join(body_lines)
        reason = summary_reason(title, body)
        part = BundlePart(index=len(parts), marker=marker.label if marker else "", number=marker.number if marker else None,
                          title=title, start=start, end=max(start, end),
                          first_page=_page_at(pages, start) if pages else 0,
                          last_page=_page_at(pages, max(start, end - 1)) if pages else 0,
                          first_lines=after_title[:3], is_front=marker is None and bool(markers),
                          substantial=len(body_lines) > 2 or sum(len(t) for t in body_lines) > 80,
                          is_cover=marker is None and bool(markers) and _cover_like(body_lines),
                          is_summary=bool(reason), summary_reason=reason)
        parts.append(part)

    if checklist:
        for part in parts:
            inside = [item for item in checklist if part.start <= item.start < part.end]
            if inside:
                rest = [ln for ln in _lines(part.text_of(text))
                        if ln.text and not any(item.start - part.start <= ln.start < item.end - part.start
                                               for item in inside)]
                # the checklist's own title, header row and a line or two besides it, or a cover page
                part.is_checklist = ((len(rest) <= 4 and sum(len(ln.text) for ln in rest) <= 120)
                                     or (part.is_front and _cover_like([ln.text for ln in rest])))
    bundle = Bundle(parts=parts, split_by=split_by, checklist=checklist)
    if checklist:
        bundle.comparison = compare_checklist(checklist, bundle.materials)
    return bundle
