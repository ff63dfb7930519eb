"""Plain-language relevance of search hits: 高度相关 / 相关 / 可能相关 instead of raw scores.

A raw score (0.83, or 2.0 after the exact-phrase bonus) means nothing to a reader and is not
comparable across queries or modes. The label says how a hit stands among this query's hits:

* 高度相关: it contains the quoted phrase or 文号 the query names; or it is among the first
  ``HIGH_RANKS`` and scores within ``HIGH_SHARE`` of the best hit, with keyword evidence
  (BM25 found query words in it) whenever keywords were searched;
* 相关: within ``RELATED_SHARE`` of the best hit and among the first ``RELATED_RANKS``;
* 可能相关: the rest (shown because they were asked for, not because they answer).
"""

from __future__ import annotations

from langchain_core.documents import Document

HIGH, RELATED, POSSIBLE = "高度相关", "相关", "可能相关"
LABELS = (HIGH, RELATED, POSSIBLE)
HIGH_RANKS, HIGH_SHARE = 3, 0.85
RELATED_RANKS, RELATED_SHARE = 10, 0.6


def relevance_labels(docs: list[Document], keywords_searched: bool = True) -> list[str]:
    """One label per hit, in the retriever's order (its metadata: score, bm25_score, exact_match)."""
    ranked = [d for d in docs if not d.metadata.get("exact_match")]
    top = max((float(d.metadata.get("score", 0.0)) for d in ranked), default=0.0)
    labels = []
    rank = 0
    for doc in docs:
        md = doc.metadata
        if md.get("exact_match"):
            labels.append(HIGH)
            continue
        rank += 1
        share = float(md.get("score", 0.0)) / top if top > 0 else 0.0
        keyword_evidence = float(md.get("bm25_score", 0.0)) > 0 or not keywords_searched
        if rank <= HIGH_RANKS and share >= HIGH_SHARE and keyword_evidence:
            labels.append(HIGH)
        elif rank <= RELATED_RANKS and share >= RELATED_SHARE:
            labels.append(RELATED)
        else:
            labels.append(POSSIBLE)
    return labels
