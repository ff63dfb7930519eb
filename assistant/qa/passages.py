"""Retrieved passages as the Q&A chain numbers, cites and shows them."""

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
    doc_id: str = ""
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
            doc_id=str(md.get("doc_id", "") or ""),
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
