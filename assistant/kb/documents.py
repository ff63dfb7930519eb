"""Document viewer service: an indexed document, whole, opened at a cited passage.

The text comes from the knowledge base's own chunks (their ``char_start`` / ``char_end``
in the parsed document), never from a file: a client names a document only by its
``doc_id``, and an id that is not in the index is a ``DocumentNotFound``.

Where to open it:
* ``chunk_id``: a cited passage (a Q&A citation, a search hit);
* ``locate``: what a reader types or a rule's basis names: an article (第十条, 第10条) or a
  phrase of the text;
* ``quote``: the words to highlight inside the passage (the answering sentence).

``references(basis)`` reads a rule's basis (“社会团体登记管理条例 第十条；《基金会管理条例》第八条”)
into its parts, each with the indexed document and article it names, when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from assistant.kb.retriever import SECONDARY_DOC_TYPES
from assistant.kb.store import ChunkStore
from assistant.text.headings import CN_DIGITS
from assistant.text.numerals import article_number

RE_DOC_ID = re.compile(r"^[0-9a-f]{8,40}$")
RE_ARTICLE_REF = re.compile(rf"第\s*([{CN_DIGITS}]+|\d+)\s*条")
RE_BASIS_SPLIT = re.compile(r"[；;]")
# The name a basis part starts with: 《…》 or the words before a space, a bracket or 第X条.
RE_BASIS_NAME = re.compile(rf"^\s*《?([^《》\s（(]+?)》?\s*(?:[（(][^）)]*[）)])?\s*(?:第[{CN_DIGITS}\d]+条|$|\s)")
RE_TITLE_NOISE = re.compile(r"^中华人民共和国|[（(][^）)]*[）)]$")


class DocumentNotFound(LookupError):
    """No indexed document has this id."""

    def __init__(self, doc_id: str):
        super().__init__(f"知识库中没有编号为“{doc_id}”的文档（可能已被删除，或链接有误）。 / "
                         f"No indexed document has the id '{doc_id}' (deleted, or a wrong link).")
        self.doc_id = doc_id


@dataclass
class ViewedChunk:
    chunk_id: str
    text: str  # the part of the chunk not already shown by the chunk before it
    section: str = ""
    article: str = ""


@dataclass
class ViewedDocument:
    doc_id: str
    source: str
    title: str
    doc_number: str = ""
    issuers: list[str] = field(default_factory=list)
    date: str = ""
    doc_type: str = ""
    chunks: list[ViewedChunk] = field(default_factory=list)
    target: int | None = None  # index of the chunk opened at
    quote: str = ""  # the words to highlight in the target chunk, as they stand in its text
    note: str = ""  # why the requested place or quote was not found

    @property
    def located(self) -> ViewedChunk | None:
        return self.chunks[self.target] if self.target is not None else None


@dataclass
class Reference:
    """One part of a basis text, with the indexed document and passage it names (when found)."""

    text: str
    doc_id: str = ""
    chunk_id: str = ""


def normalized_article(text: str) -> str:
    """第10条 / 第 十 条 → 第十条 ("" when the text names no article)."""
    m = RE_ARTICLE_REF.search(text)
    if not m:
        return ""
    number = m.group(1)
    return article_number(int(number)) if number.isdigit() else f"第{number}条"


def bare_title(title: str) -> str:
    """A title as a basis names it: without 中华人民共和国 and a trailing (2016修订)-style note."""
    return RE_TITLE_NOISE.sub("", re.sub(r"\s+", "", title.strip("《》")))


def find_quote(text: str, quote: str) -> str:
    """``quote`` as it stands in ``text`` (line breaks and spaces may differ); "" when absent."""
    quote = quote.strip()
    if not quote:
        return ""
    if quote in text:
        return quote
    chars = [re.escape(c) for c in re.sub(r"\s+", "", quote)]
    m = re.search(r"\s*".join(chars), text) if chars else None
    return m.group(0) if m else ""


class DocumentViewer:
    def __init__(self, store: ChunkStore, documents: Callable[[], list[dict]]):
        """``documents``: the index's document rows (``IngestService.documents``)."""
        self.store = store
        self._documents = documents

    def documents(self) -> list[dict]:
        return self._documents()

    def _row(self, doc_id: str) -> dict:
        if RE_DOC_ID.match(doc_id or ""):
            for row in self._documents():
                if row["doc_id"] == doc_id:
                    return row
        raise DocumentNotFound(doc_id)

    def doc_of_chunk(self, chunk_id: str) -> str:
        """The document a chunk belongs to ("" for an unknown chunk)."""
        doc = self.store.get([chunk_id]).get(chunk_id) if chunk_id else None
        return str(doc.metadata.get("doc_id", "")) if doc else ""

    def open(self, doc_id: str, chunk_id: str = "", locate: str = "", quote: str = "") -> ViewedDocument:
        """The whole document, with the target chunk and quote found (raises DocumentNotFound)."""
        row = self._row(doc_id)
        chunks = self.store.chunks_of(doc_id)
        viewed = ViewedDocument(doc_id=doc_id, source=row["source"], title=row["title"],
                                doc_number=row.get("doc_number", ""), issuers=list(row.get("issuers") or []),
                                date=row.get("date", ""), doc_type=row.get("doc_type", ""))
        target = self._target(chunks, chunk_id, locate, quote)
        viewed.chunks = _without_overlaps(chunks, target)
        viewed.target = target
        wanted = quote or (locate if not normalized_article(locate) else "")
        if target is not None and wanted:
            viewed.quote = find_quote(viewed.chunks[target].text, wanted)
        if (chunk_id or locate) and target is None:
            asked = locate or chunk_id
            viewed.note = f"文中没有找到“{asked}”，显示全文。 / '{asked}' was not found in this document."
        elif wanted and not viewed.quote:
            viewed.note = f"引文“{wanted}”在该段中没有逐字找到。 / The quote was not found verbatim."
        return viewed

    @staticmethod
    def _target(chunks, chunk_id: str, locate: str, quote: str) -> int | None:
        ids = [d.id for d in chunks]
        if chunk_id in ids:
            return ids.index(chunk_id)
        article = normalized_article(locate)
        if article:
            for i, d in enumerate(chunks):
                if d.metadata.get("article") == article:
                    return i
            return None
        for phrase in (locate, quote):
            if phrase and phrase.strip():
                for i, d in enumerate(chunks):
                    if find_quote(d.page_content, phrase):
                        return i
                return None
        return None

    # --- a rule's basis -------------------------------------------------------
    def references(self, basis: str) -> list[Reference]:
        """The parts of ``basis`` (split at ；), each linked to the indexed document and article it names."""
        rows = None
        refs: list[Reference] = []
        for part in (p.strip() for p in RE_BASIS_SPLIT.split(basis or "")):
            if not part:
                continue
            m = RE_BASIS_NAME.match(part)
            if not m:
                refs.append(Reference(part))
                continue
            rows = rows if rows is not None else self._documents()
            doc = _best_titled(rows, bare_title(m.group(1)))
            if doc is None:
                refs.append(Reference(part))
                continue
            article = normalized_article(part[m.end(1):])
            chunk_id = ""
            if article:
                chunk_id = next((d.id for d in self.store.chunks_of(doc["doc_id"])
                                 if d.metadata.get("article") == article), "")
            refs.append(Reference(part, doc["doc_id"], chunk_id))
        return refs


def _best_titled(rows: list[dict], name: str) -> dict | None:
    """The document titled ``name``: the one in force, else the latest version."""
    if len(name) < 2:
        return None
    matches = [r for r in rows if bare_title(r["title"]) == name and r.get("doc_type") not in SECONDARY_DOC_TYPES]
    if not matches:
        return None
    return sorted(matches, key=lambda r: (not (r.get("validity") or {}).get("valid_to"), r.get("date", "")))[-1]


def _without_overlaps(chunks, keep: int | None) -> list[ViewedChunk]:
    """Chunks in order, each cut where the one before it ended (long paragraphs are split with
    overlap); the target chunk is kept whole and its successor cut instead."""
    viewed: list[ViewedChunk] = []
    shown_to = 0
    for i, d in enumerate(chunks):
        md = d.metadata
        start, end = int(md.get("char_start", 0)), int(md.get("char_end", 0))
        text = d.page_content
        if i != keep and shown_to > start and end > start:
            text = text[min(len(text), shown_to - start):]
        shown_to = max(shown_to, end)
        viewed.append(ViewedChunk(d.id, text, str(md.get("section", "")), str(md.get("article", ""))))
    return viewed
