"""Data that flows between the knowledge-base stages.

Chunk metadata is flat (Chroma accepts only scalars): list-valued facts such as
issuers are stored joined by ``ISSUER_SEP`` and split again by ``hit_from_document``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document

ISSUER_SEP = "；"

DOC_TYPES = ("policy", "regulation", "template", "rule", "other")
DOC_TYPE_LABELS = {
    "policy": "政策文件",
    "regulation": "法规规章",
    "template": "范本模板",
    "rule": "审查规则",
    "other": "其他",
}


@dataclass
class Section:
    """A node of the document's heading tree, with the character span of its body."""

    heading: str  # e.g. "四、开展社会组织培育扶持行动", "（五）", "第十四条"
    level: int  # 1 = top level (一、 / 第X章), deeper numbers nest
    kind: str  # "cn_num" 一、 | "paren_cn" （一） | "arabic" 1. | "paren_arabic" （1） | chapter | section | article
    start: int
    end: int


@dataclass
class DocumentInfo:
    """What the structure parser learns about one document."""

    doc_id: str
    source: str  # path relative to the corpus root (or absolute if outside)
    title: str
    issuers: list[str] = field(default_factory=list)
    doc_number: str = ""
    date: str = ""  # ISO yyyy-mm-dd, or "" if unknown
    public: bool | None = None
    doc_type: str = "other"
    content_hash: str = ""


@dataclass
class Chunk:
    id: str
    text: str  # original display text
    index_text: str  # title + section path + text: what is embedded and keyword-indexed
    metadata: dict[str, Any]


def hit_from_document(doc: Document) -> dict[str, Any]:
    """The public JSON shape of a search hit (CLI --json, UI, eval)."""
    md = doc.metadata
    issuers = md.get("issuers") or ""
    return {
        "text": doc.page_content,
        "title": md.get("title", ""),
        "doc_number": md.get("doc_number", ""),
        "issuers": [s for s in issuers.split(ISSUER_SEP) if s],
        "date": md.get("date", ""),
        "doc_type": md.get("doc_type", ""),
        "section": md.get("section", ""),
        "source": md.get("source", ""),
        "score": float(md.get("score", 0.0)),
        "doc_id": md.get("doc_id", ""),
        "chunk_id": md.get("chunk_id", "") or (doc.id or ""),
    }
