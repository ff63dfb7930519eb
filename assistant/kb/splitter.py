"""Splitter stage: structure-aware chunks.

Invariants (tested):
- a chunk never spans two top-level sections (一、/第X章) or two articles (第X条);
- a chunk's display text is exactly ``parsed.text[char_start:char_end]``;
- long paragraphs split at sentence ends (。！？；) with a small overlap;
- the embedded / keyword-indexed text is prefixed with title and section path.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from assistant.kb.schema import ISSUER_SEP, Chunk
from assistant.kb.structure import StructuredDocument, _is_pure_heading
from assistant.settings import ChunkSettings

RE_SENTENCE_END = re.compile(r"[。！？；!?;]”?")


@dataclass
class _Span:
    start: int
    end: int
    para: int  # index of the paragraph it comes from


def _sentences(text: str, base: int) -> list[tuple[int, int]]:
    spans, last = [], 0
    for m in RE_SENTENCE_END.finditer(text):
        spans.append((base + last, base + m.end()))
        last = m.end()
    if last < len(text):
        spans.append((base + last, base + len(text)))
    return [(a, b) for a, b in spans if b > a]


def _split_long(start: int, end: int, text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Pack sentences of one long paragraph into pieces of about ``size`` chars."""
    sentences = _sentences(text[start:end], start)
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        a = sentences[i][0]
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - a <= size:
            j += 1
        b = sentences[j][1]
        if b - a > size * 1.5:  # one huge "sentence": cut it hard
            b = a + size
            sentences[i] = (b, sentences[i][1])
            pieces.append((a, b))
            continue
        pieces.append((a, b))
        if j + 1 >= len(sentences):
            break
        # Overlap: restart at the last sentences whose length fits the overlap.
        k = j + 1
        while k - 1 > i and sentences[j][1] - sentences[k - 1][0] <= overlap:
            k -= 1
        i = k
    return pieces


def _section_label(paths: list[list[str]]) -> str:
    paths = [p for p in paths if p]
    if not paths:
        return ""
    common: list[str] = []
    for level in zip(*paths):
        if all(x == level[0] for x in level):
            common.append(level[0])
        else:
            break
    deeper = [p[len(common)] for p in paths if len(p) > len(common)]
    label = list(common)
    if deeper:
        first, last = deeper[0], deeper[-1]
        label.append(first if first == last else f"{first}至{last}")
    return " > ".join(label)


def split_document(parsed: StructuredDocument, settings: ChunkSettings, page_of=None) -> list[Chunk]:
    """Split a parsed document into chunks. ``page_of(offset) -> int`` maps offsets to PDF pages."""
    info = parsed.info
    text = parsed.text
    # 1. Units: runs of paragraphs in the same top-level section and article.
    def unit_key(i: int) -> tuple:
        path = parsed.paths[i]
        item = path[1] if settings.split_items and not parsed.articles[i] and len(path) > 1 else ""
        return parsed.top_ids[i], parsed.articles[i], item

    units: list[list[int]] = []
    for i, _ in enumerate(parsed.paragraphs):
        if units and unit_key(units[-1][0]) == unit_key(i):
            units[-1].append(i)
        else:
            units.append([i])
    # A unit made only of a heading (第二章 管辖) is carried by the next unit's
    # section path; merge it forward when it belongs to the same top-level section.
    merged_units: list[list[int]] = []
    carry: list[int] = []
    for unit in units:
        unit = carry + unit
        carry = []
        only_headings = all(_is_pure_heading(parsed.paragraphs[i].text) for i in unit)
        if only_headings and parsed.articles[unit[-1]] == "":
            carry = unit
            continue
        merged_units.append(unit)
    if carry:
        merged_units.append(carry)

    # 2. Pack each unit's paragraphs (and sentence pieces of long paragraphs).
    raw_chunks: list[tuple[int, int, list[int]]] = []
    for unit in merged_units:
        spans: list[_Span] = []
        for i in unit:
            p = parsed.paragraphs[i]
            if p.end - p.start > settings.size:
                spans.extend(_Span(a, b, i) for a, b in _split_long(p.start, p.end, text, settings.size, settings.overlap))
            else:
                spans.append(_Span(p.start, p.end, i))
        current: list[_Span] = []
        for span in spans:
            if current and (span.end - current[0].start > settings.size or span.start < current[-1].end):
                raw_chunks.append((current[0].start, current[-1].end, sorted({s.para for s in current})))
                current = []
            current.append(span)
        if current:
            # A tiny tail joins the previous chunk of the same unit when that stays reasonable.
            start, end = current[0].start, current[-1].end
            paras = sorted({s.para for s in current})
            if (end - start < settings.min_size and raw_chunks and raw_chunks[-1][2][0] in unit
                    and end - raw_chunks[-1][0] <= settings.size * 1.5 and start >= raw_chunks[-1][1]):
                prev = raw_chunks.pop()
                raw_chunks.append((prev[0], end, sorted(set(prev[2]) | set(paras))))
            else:
                raw_chunks.append((start, end, paras))

    # 3. Chunks with metadata.
    chunks: list[Chunk] = []
    for ordinal, (start, end, paras) in enumerate(raw_chunks):
        display = text[start:end]
        section = _section_label([parsed.paths[i] for i in paras])
        if not section and parsed.top_ids[paras[0]] < 0 and any(parsed.top_ids):
            section = "文件头"
        article = next((parsed.articles[i] for i in paras if parsed.articles[i]), "")
        index_text = "\n".join(x for x in (info.title, section, display) if x)
        digest = hashlib.sha1(display.encode("utf-8")).hexdigest()[:8]
        chunk_id = f"{info.doc_id}-{ordinal:04d}-{digest}"
        metadata = {
            "chunk_id": chunk_id,
            "doc_id": info.doc_id,
            "title": info.title,
            "doc_number": info.doc_number,
            "issuers": ISSUER_SEP.join(info.issuers),
            "date": info.date,
            "date_int": int(info.date.replace("-", "")) if info.date else 0,
            "public": bool(info.public) if info.public is not None else False,
            "doc_type": info.doc_type,
            "section": section,
            "article": article,
            "source": info.source,
            "char_start": start,
            "char_end": end,
            "page": int(page_of(start)) if page_of else 0,
            "chunk_index": ordinal,
            "content_hash": info.content_hash,
        }
        chunks.append(Chunk(id=chunk_id, text=display, index_text=index_text, metadata=metadata))
    return chunks


RE_SENTENCE_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")
MIN_SENTENCE_CHARS = 6  # shorter pieces are headings (（五）, 第十条) or list stubs


def chunk_sentences(text: str) -> list[str]:
    """The sentences of a chunk's display text, as the sentence vectors embed them.

    Split at 。！？； and line breaks; headings and stubs shorter than
    ``MIN_SENTENCE_CHARS`` are dropped (a chunk that is all stub keeps its whole text).
    """
    parts = [p.strip() for p in RE_SENTENCE_SPLIT.split(text) if p and p.strip()]
    return [p for p in parts if len(p) >= MIN_SENTENCE_CHARS] or ([text.strip()] if text.strip() else [])
