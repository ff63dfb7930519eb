"""Structure stage: read a Chinese official document's metadata and heading tree.

Input is the loader's raw text; output is a ``StructuredDocument`` whose
``text`` is the cleaned text (Markdown markup removed, paragraphs broken by
page boundaries re-joined). All offsets refer to that cleaned text. (This is
the chunker's view of a document; readers that must quote a file verbatim use
``assistant.text.document.ParsedDocument``.) The heading grammar and the 文号
patterns come from ``assistant.text.headings``.

Heading hierarchies understood:
  policy notices  一、 → （一） → 1. → （1）
  regulations     第X章 → 第X节 → 第X条   (inside an article, （一）… are list items)
  other Markdown  #, ##, … (e.g. templates, rulebooks)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.kb.schema import DocumentInfo, Section
from assistant.text.dates import find_date
from assistant.text.headings import (
    RE_ARABIC,
    RE_ARTICLE,
    RE_CHAPTER,
    RE_CN_NUM,
    RE_DECREE_NUMBER,
    RE_DOC_NUMBER,
    RE_PAREN_ARABIC,
    RE_PAREN_CN,
    RE_SECTION,
)

OFFICIAL_KINDS = (("cn_num", RE_CN_NUM, 1), ("paren_cn", RE_PAREN_CN, 2), ("arabic", RE_ARABIC, 3),
                  ("paren_arabic", RE_PAREN_ARABIC, 4))
REGULATION_KINDS = (("chapter", RE_CHAPTER, 1), ("section", RE_SECTION, 2), ("article", RE_ARTICLE, 3))

# --- metadata patterns -------------------------------------------------------
RE_FILENAME_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
ISSUER_SUFFIXES = ("民政局", "管理局", "人民政府", "办公厅", "办公室", "委员会", "部", "局", "厅", "委", "办", "院", "中心")
SENTENCE_END = "。！？；：.!?;:…”」》）)"
OPENERS, CLOSERS = "“《（(「【〔", "”》）)」】〕"


@dataclass
class Paragraph:
    text: str
    start: int
    end: int
    markdown_heading: int = 0  # number of '#' in the source line, a structure hint
    bold_lead: str = ""  # a bold run at the start (**（一）夯实党建基础。**), used as a title


@dataclass
class StructuredDocument:
    info: DocumentInfo
    text: str
    paragraphs: list[Paragraph]
    sections: list[Section] = field(default_factory=list)
    # For each paragraph: the heading path it belongs to (list of heading labels)
    paths: list[list[str]] = field(default_factory=list)
    # For each paragraph: the article it belongs to ("" outside articles)
    articles: list[str] = field(default_factory=list)
    # For each paragraph: index of its top-level section (-1 = before the body)
    top_ids: list[int] = field(default_factory=list)


# --- cleaning -----------------------------------------------------------------

def _clean_lines(raw: str) -> list[tuple[str, int, str]]:
    """(line text without markup, markdown heading level, bold lead) per source line."""
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    out = []
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        s = line.strip().strip("\u3000").strip()
        if re.fullmatch(r"[-*_=]{3,}", s):
            out.append(("", 0, ""))
            continue
        level = 0
        m = re.match(r"^(#{1,6})\s+", s)
        if m:
            level = len(m.group(1))
            s = s[m.end():]
        bold_lead = ""
        m = re.match(r"^\*\*(.+?)\*\*", s)
        if m:
            bold_lead = m.group(1).strip()
        s = s.replace("**", "").replace("__", "").strip()
        # "2026 年长宁区" → "2026年长宁区": spaces between digits and CJK are layout, not text.
        s = re.sub(r"(?<=[\d])\s+(?=[\u4e00-\u9fa5])|(?<=[\u4e00-\u9fa5])\s+(?=[\d])", "", s)
        out.append((s, level, bold_lead))
    return out


def _heading_kind(text: str, kinds) -> tuple[str, int] | None:
    for name, pattern, level in kinds:
        if pattern.match(text):
            return name, level
    return None


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in zip(OPENERS, CLOSERS))


def _is_pure_heading(text: str) -> bool:
    """A short heading line such as "一、强化党对社会组织的领导"."""
    kind = _heading_kind(text, OFFICIAL_KINDS + REGULATION_KINDS)
    return bool(kind) and len(text) <= 30 and "，" not in text and "。" not in text and not _unbalanced(text)


def _starts_block(text: str) -> bool:
    return bool(_heading_kind(text, OFFICIAL_KINDS + REGULATION_KINDS))


def _paragraphs(raw: str) -> tuple[str, list[Paragraph]]:
    """Group lines into paragraphs and re-join paragraphs split by a page break."""
    lines = _clean_lines(raw)
    blocks: list[list] = []  # [text, md_level, bold_lead]
    current: list = []
    for text, level, bold in lines:
        if not text:
            if current:
                blocks.append(current)
                current = []
            continue
        if level:  # a Markdown heading is always a paragraph of its own
            if current:
                blocks.append(current)
            blocks.append([text, level, bold])
            current = []
            continue
        if current:
            # Soft line break inside a paragraph (e.g. two issuers on two lines)
            current[0] += "\n" + text
        else:
            current = [text, 0, bold]
    if current:
        blocks.append(current)

    # Page-break repair: in the body, a paragraph that stops mid-sentence and is
    # followed by one that does not start a new heading continues in it.
    body_started = False
    merged: list[list] = []
    for block in blocks:
        text = block[0]
        if merged and body_started:
            prev = merged[-1]
            ptext = prev[0]
            continues = (
                not prev[1]
                and ptext[-1] not in SENTENCE_END
                and not _starts_block(text)
                and not block[1]
                and (_unbalanced(ptext) or (len(ptext) >= 20 and not _is_pure_heading(ptext)))
            )
            if continues:
                prev[0] = ptext + text
                continue
        if _heading_kind(text, OFFICIAL_KINDS[:1] + REGULATION_KINDS):
            body_started = True
        merged.append(block)

    paragraphs: list[Paragraph] = []
    pieces: list[str] = []
    offset = 0
    for text, level, bold in merged:
        paragraphs.append(Paragraph(text=text, start=offset, end=offset + len(text), markdown_heading=level,
                                    bold_lead=bold))
        pieces.append(text)
        offset += len(text) + 2
    return "\n\n".join(pieces), paragraphs


# --- metadata -------------------------------------------------------------------

def _issuer_from_line(line: str) -> str | None:
    s = re.sub(r"\s*文件$", "", line.strip())
    if 2 <= len(s) <= 24 and not re.search(r"[，。：；、]", s) and s.endswith(ISSUER_SUFFIXES) and "关于" not in s:
        return s
    return None


def _regulation_issuers(head: str) -> list[str]:
    issuers = []
    if "国务院" in head:
        issuers.append("国务院")
    m = re.search(r"((?:[\u4e00-\u9fa5]{2,6}?[省市区])?)第[一二三四五六七八九十]+届(全国)?人民代表大会(常务委员会)?", head)
    if m:
        place = m.group(1) or ""
        if m.group(2) or not place:
            issuers.append("全国人民代表大会" + (m.group(3) or ""))
        else:
            issuers.append(place + "人民代表大会" + (m.group(3) or ""))
    return issuers


# A template's placeholder as the knowledge base shows it (【name】, from {{ p.name }}).
RE_PLACEHOLDER = re.compile(r"【[A-Za-z_][\w.]*】")


def _title(paragraphs: list[Paragraph], path: Path) -> str:
    title = _title_line(paragraphs, path)
    if RE_PLACEHOLDER.search(title):
        # “【name】章程” names no document: the file's own name says which template it is.
        return path.stem + RE_PLACEHOLDER.sub("", title) + "范本"
    return title


def _title_line(paragraphs: list[Paragraph], path: Path) -> str:
    for p in paragraphs[:12]:
        m = re.search(r"关于印发\s*《(.+?)》", p.text)
        if m:
            return m.group(1).strip()
    for p in paragraphs[:12]:
        if p.markdown_heading and not _issuer_from_line(p.text) and not _starts_block(p.text):
            return p.text.replace("\n", "")
    for p in paragraphs[:12]:
        t = p.text.replace("\n", "")
        if re.search(r"(要点|通知|办法|条例|规定|意见|方案|章程|细则|决定|规划|指引|指南|范本)$", t) and len(t) <= 60:
            return t
    return path.stem


def _doc_type(title: str, has_articles: bool, doc_number: str, source: str) -> str:
    parts = Path(source).parts
    if "templates" in parts:
        return "template"
    if "rules" in parts:
        return "rule"
    if has_articles and re.search(r"(条例|法|办法|规定|细则|规则)$", title):
        return "regulation"
    if doc_number or re.search(r"(要点|通知|意见|方案|规划|决定)$", title):
        return "policy"
    if has_articles or re.search(r"(条例|法|办法|规定|细则)$", title):
        return "regulation"
    return "other"


def parse_document(raw_text: str, path: Path, source: str, content_hash: str = "") -> StructuredDocument:
    text, paragraphs = _paragraphs(raw_text)
    head_paras = paragraphs[:15]
    head = "\n".join(p.text for p in head_paras)

    doc_number = ""
    # A 文号 stands on a line of its own; one quoted inside a sentence is a reference.
    for p in head_paras:
        m = RE_DOC_NUMBER.search(p.text)
        if m and len(p.text.replace(" ", "")) <= len(m.group(0)) + 8:
            doc_number = re.sub(r"\s+", "", m.group(0))
            break
    if not doc_number:
        m = RE_DECREE_NUMBER.search(head)
        if m:
            doc_number = m.group(1)

    issuers: list[str] = []
    for p in head_paras:
        if doc_number and doc_number in p.text.replace(" ", ""):
            break
        for line in p.text.split("\n"):
            issuer = _issuer_from_line(line)
            if issuer and issuer not in issuers:
                issuers.append(issuer)
    if not issuers:
        issuers = _regulation_issuers(head)

    # Date: a regulation's file name carries its revision date; a notice has a
    # 成文日期 line of its own (or an 印发 date at the end).
    date = ""
    m = RE_FILENAME_DATE.search(path.name)
    if m:
        date = m.group(1)
    if not date:
        for p in paragraphs[:20]:
            if len(p.text) <= 20 and find_date(p.text):
                date = find_date(p.text)
                break
    if not date:
        for p in reversed(paragraphs[-6:]):
            if len(p.text) <= 20 and find_date(p.text):
                date = find_date(p.text)
                break

    public: bool | None = None
    if "主动公开" in text[:3000] or "主动公开" in text[-300:]:
        public = True
    elif re.search(r"不予公开|依申请公开|不公开", text[:3000] + text[-300:]):
        public = False

    title = _title(paragraphs, path)
    has_articles = any(RE_ARTICLE.match(p.text) for p in paragraphs)
    info = DocumentInfo(
        doc_id=hashlib.sha1(source.encode("utf-8")).hexdigest()[:16],
        source=source,
        title=title,
        issuers=issuers,
        doc_number=doc_number,
        date=date,
        public=public,
        doc_type=_doc_type(title, has_articles, doc_number, source),
        content_hash=content_hash,
    )
    parsed = StructuredDocument(info=info, text=text, paragraphs=paragraphs)
    _build_tree(parsed, has_articles)
    return parsed


def _label(p: Paragraph, kind: str) -> str:
    """The label a heading contributes to a section path."""
    text = p.text.replace("\n", "")
    if kind in {"chapter", "section"}:
        return re.sub(r"\s+", " ", text)
    if kind == "article":
        return RE_ARTICLE.match(text).group(0)
    if kind == "cn_num" or kind == "md":
        return text if len(text) <= 40 else text[:40] + "…"
    # （一） 1. （1）: the marker, plus a short title where the document gives one
    marker = {"paren_cn": RE_PAREN_CN, "arabic": RE_ARABIC, "paren_arabic": RE_PAREN_ARABIC}[kind].match(text).group(0)
    if p.bold_lead and len(p.bold_lead) <= 30:
        return p.bold_lead.rstrip("。")
    return marker


def _build_tree(parsed: StructuredDocument, has_articles: bool) -> None:
    kinds = REGULATION_KINDS if has_articles else OFFICIAL_KINDS
    has_official = has_articles or any(RE_CN_NUM.match(p.text) for p in parsed.paragraphs)
    stack: list[tuple[int, str]] = []  # (level, label)
    open_sections: list[Section] = []
    article = ""
    top_id = -1
    for p in parsed.paragraphs:
        text = p.text.replace("\n", "")
        found = _heading_kind(text, kinds)
        if not has_official and p.markdown_heading:
            found = ("md", p.markdown_heading)
        if found and found[0] == "md" and p is parsed.paragraphs[0]:
            found = None  # the document's title line
        if found:
            kind, level = found
            if has_articles and kind != "article" and kind not in {"chapter", "section"}:
                found = None
        if found:
            kind, level = found
            label = _label(p, kind)
            while stack and stack[-1][0] >= level:
                stack.pop()
            for sec in open_sections:
                if sec.level >= level and sec.end < 0:
                    sec.end = p.start
            stack.append((level, label))
            sec = Section(heading=label, level=level, kind=kind, start=p.start, end=-1)
            open_sections.append(sec)
            parsed.sections.append(sec)
            if kind == "article":
                article = label
            elif kind in {"chapter", "section"}:
                article = ""
            if level == min(lv for _, _, lv in kinds) or (kind == "md" and len(stack) == 1):
                top_id += 1
        parsed.paths.append([label for _, label in stack])
        parsed.articles.append(article)
        parsed.top_ids.append(top_id)
    for sec in parsed.sections:
        if sec.end < 0:
            sec.end = len(parsed.text)
    _mark_closing_block(parsed, top_id)


def _is_closing_line(text: str) -> bool:
    if _starts_block(text):  # "第一百二十五条 本法自2016年9月1日起施行。" is an article, not a signature
        return False
    lines = [s for s in text.split("\n") if s.strip()]
    return bool(lines) and all(
        _issuer_from_line(s) or (len(s) <= 30 and find_date(s)) or "印发" in s[-4:] for s in lines
    )


def _mark_closing_block(parsed: StructuredDocument, last_top_id: int) -> None:
    """The signature block (落款: issuers, date, 印发 line) is not part of the last section."""
    i = len(parsed.paragraphs)
    while i > 0 and len(parsed.paragraphs[i - 1].text) <= 60 and _is_closing_line(parsed.paragraphs[i - 1].text):
        i -= 1
    if i == len(parsed.paragraphs) or i == 0 or parsed.top_ids[i - 1] < 0:
        return
    for j in range(i, len(parsed.paragraphs)):
        parsed.paths[j] = ["落款"]
        parsed.articles[j] = ""
        parsed.top_ids[j] = last_top_id + 1
