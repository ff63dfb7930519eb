"""Numbered passages and the token-budgeted context given to the model."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace

from langchain_core.documents import Document

from assistant.kb.schema import ISSUER_SEP
from assistant.llm.backends import strip_control_tokens
from assistant.qa.text import CJK_RE, cjk_bigrams, split_sentences, without_instructions
from assistant.versions.asof import METADATA_KEYS as VALIDITY_KEYS

# The context block's own delimiters; removed from passage text so a document
# cannot pretend that the data block has ended.
CONTEXT_END = "【资料结束】"
_DELIMITER_RE = re.compile(r"【资料(?:结束)?】")


@dataclass
class Passage:
    """A retrieved chunk as the answer cites it: ``[n]`` is its number in the context."""

    n: int
    text: str
    title: str = ""
    doc_number: str = ""
    issuers: str = ""
    date: str = ""
    doc_type: str = ""
    section: str = ""
    article: str = ""
    source: str = ""
    chunk_id: str = ""
    score: float = 0.0
    validity: dict = field(default_factory=dict)  # valid_from … superseded_by (assistant/versions/asof.py)

    @classmethod
    def from_document(cls, n: int, doc: Document) -> "Passage":
        md = doc.metadata
        return cls(
            n=n,
            text=doc.page_content,
            title=str(md.get("title", "") or ""),
            doc_number=str(md.get("doc_number", "") or ""),
            issuers=str(md.get("issuers", "") or ""),
            date=str(md.get("date", "") or ""),
            doc_type=str(md.get("doc_type", "") or ""),
            section=str(md.get("section", "") or ""),
            article=str(md.get("article", "") or ""),
            source=str(md.get("source", "") or ""),
            chunk_id=str(md.get("chunk_id", "") or ""),
            score=float(md.get("score", 0.0) or 0.0),
            validity={key: md[key] for key in VALIDITY_KEYS if key in md},
        )

    @property
    def location(self) -> str:
        """Section path, ending with the article when the section does not already name it."""
        if self.article and self.article not in self.section:
            return f"{self.section} > {self.article}" if self.section else self.article
        return self.section

    @property
    def label(self) -> str:
        """《title》（文号） location — how a citation names its passage."""
        head = f"《{self.title}》" if self.title else self.source
        if self.doc_number:
            head += f"（{self.doc_number}）"
        if self.location:
            head += f" {self.location}"
        return head

    @property
    def first_issuer(self) -> str:
        return self.issuers.split(ISSUER_SEP)[0] if self.issuers else ""

    @property
    def support_text(self) -> str:
        """The text an answer may rest on: the passage minus any instructions it contains."""
        return without_instructions(self.text)

    @property
    def evidence(self) -> str:
        """Everything a cited fact may come from: the supporting text plus the document's own facts."""
        return "\n".join([self.support_text, self.title, self.doc_number, self.issuers, self.date, self.section])

    def to_dict(self) -> dict:
        return asdict(self)


def estimate_tokens(text: str) -> int:
    """Qwen2.5 tokens for ``text``, estimated without loading the tokenizer.

    Calibrated against the GGUF's own tokenizer on the two seed notices and the
    eight regulations (30,641 real tokens for 46,043 CJK and 8,144 other
    characters): ~0.6 tokens per CJK character, ~0.3 per other character. The
    estimate comes out 1.7% high on that text, so budgets err on the safe side.
    """
    cjk = len(CJK_RE.findall(text))
    return math.ceil(cjk * 0.62 + (len(text) - cjk) * 0.32)


def clean_passage_text(text: str) -> str:
    """Passage text as it goes into the prompt: data only, no control tokens or our delimiters."""
    text = strip_control_tokens(text)
    text = _DELIMITER_RE.sub("", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip()


def format_passage(p: Passage, text: str | None = None) -> str:
    """``[n]（《title》 第十条）text`` — a short header: the small model copies long ones."""
    where = f"《{p.title}》" if p.title else ""
    # Only an article number (第十条): item labels such as "（一）至（四）" get
    # copied into answers by the small model instead of the content.
    if p.article:
        where += f" {p.article}"
    header = f"[{p.n}]（{where.strip()}）" if where.strip() else f"[{p.n}]"
    return f"{header}{clean_passage_text(text if text is not None else p.text)}"


_NUMBER_RE = re.compile(r"\d|[一二三四五六七八九十]+(?:个|年|日|届|万|元|人|条|项)")


def excerpt(text: str, question: str, max_chars: int, prefer_numbers: bool = False) -> str:
    """The sentences of ``text`` that best match ``question``, in their original order.

    A 400-character chunk usually answers with one or two sentences; sending only
    those keeps the prompt short (prompt processing dominates the answer time on
    two cores) and gives the small model less to wander off into. Skipped
    stretches become line breaks. The full chunk stays in the Passage, so
    citations are still verified against the whole text. For questions asking
    "how many / when" (``prefer_numbers``), sentences that state a number or a
    date are preferred even when they share no wording with the question.
    """
    text = clean_passage_text(text)
    if len(text) <= max_chars:
        return text
    sentences = [s for s in split_sentences(text) if s.strip()]
    q = cjk_bigrams(question)
    shared = {i: len(cjk_bigrams(sentences[i]) & q) for i in range(len(sentences))}
    # Density, not count: a long sentence shares more bigrams by length alone.
    score = {i: shared[i] / (len(cjk_bigrams(sentences[i])) or 1) ** 0.5 for i in shared}
    if prefer_numbers:
        for i in score:
            if _NUMBER_RE.search(sentences[i]):
                score[i] += 1.0
                shared[i] += 2
    ranked = sorted(range(len(sentences)), key=lambda i: (-score[i], i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        if chosen and shared[i] < 2:
            break  # only sentences that share wording with the question
        length = len(sentences[i].strip())
        if used + length > max_chars and chosen:
            continue
        chosen.append(i)
        used += length
    chosen.sort()
    parts: list[str] = []
    previous = -1
    for i in chosen:
        if parts and i != previous + 1 and not parts[-1].endswith("\n"):
            parts.append("\n")
        parts.append(sentences[i].strip() + ("\n" if sentences[i].endswith("\n") else ""))
        previous = i
    out = "".join(parts).strip()
    return out if len(out) <= max_chars * 2 else out[: max_chars * 2]


def assemble_context(
    passages: list[Passage],
    token_budget: int,
    question: str = "",
    excerpt_chars: int | None = None,
    prefer_numbers: bool = False,
) -> tuple[list[Passage], str]:
    """Pick passages in rank order while they fit in ``token_budget``.

    With ``question`` and ``excerpt_chars``, each passage is reduced to its
    best-matching sentences (see excerpt). The first passage is always kept
    (cut to the budget if it alone is too long): answering from a truncated best
    passage beats answering from none. Returns the kept passages (renumbered
    1..n) and the context text.
    """
    kept: list[Passage] = []
    blocks: list[str] = []
    used = 0
    for p in passages:
        p = replace(p, n=len(kept) + 1)  # numbers follow the context, without gaps
        shown = excerpt(p.text, question, excerpt_chars, prefer_numbers) if question and excerpt_chars else None
        block = format_passage(p, shown)
        cost = estimate_tokens(block) + 2
        if used + cost > token_budget:
            if kept:
                continue  # a later, shorter passage may still fit
            # Cut the best passage to the budget.
            room = max(token_budget - estimate_tokens(format_passage(p, "")) - 2, 20)
            text = shown if shown is not None else clean_passage_text(p.text)
            while text and estimate_tokens(text) > room:
                text = text[: int(len(text) * 0.9)]
            block = format_passage(p, text + "……")
            cost = estimate_tokens(block) + 2
        kept.append(p)
        blocks.append(block)
        used += cost
    return kept, "\n\n".join(blocks)
