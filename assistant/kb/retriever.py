"""Retriever stage: dense + BM25 fused by reciprocal rank fusion (RRF).

Exact phrases win: a 文号 (沪民社登发〔2026〕1号) or a quoted name (“沪社星耀”,
《…》) in the query must find the chunks that contain it verbatim first, so
those chunks are ranked ahead of everything else (in fused order).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.kb.keyword import KeywordIndex
from assistant.kb.store import ChunkStore

Mode = Literal["hybrid", "dense", "bm25"]

RE_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔［\[【（(]\d{4}[〕］\]】）)]\s*第?\d+\s*号")
RE_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,40})[”\"」』》]")


def exact_phrases(query: str) -> list[str]:
    phrases = [re.sub(r"\s+", "", m.group(0)) for m in RE_DOC_NUMBER.finditer(query)]
    phrases += [m.group(1).strip() for m in RE_QUOTED.finditer(query)]
    return [p for p in dict.fromkeys(phrases) if p]


def _doc_number_variants(phrase: str) -> list[str]:
    # Documents write 〔2026〕 but users type [2026], (2026) or 【2026】.
    m = re.match(r"^(.*?)[〔［\[【（(](\d{4})[〕］\]】）)](.*)$", phrase)
    if not m:
        return [phrase]
    head, year, tail = m.groups()
    return list(dict.fromkeys([phrase] + [f"{head}{o}{year}{c}{tail}" for o, c in ("〔〕", "[]", "（）", "【】", "()")]))


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the knowledge base. ``invoke(query)`` returns the top-k Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChunkStore
    keyword_index: KeywordIndex
    k: int = 5
    candidates: int = 40
    rrf_k: int = 60
    mode: Mode = "hybrid"
    filters: dict[str, Any] = {}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.search(query, k=self.k, mode=self.mode, **self.filters)

    # --- filters ------------------------------------------------------------------
    @staticmethod
    def _chroma_where(doc_type, date_from, date_to) -> dict | None:
        clauses: list[dict] = []
        if doc_type:
            types = [doc_type] if isinstance(doc_type, str) else list(doc_type)
            clauses.append({"doc_type": {"$in": types}})
        if date_from:
            clauses.append({"date_int": {"$gte": int(str(date_from).replace("-", ""))}})
        if date_to:
            clauses.append({"date_int": {"$lte": int(str(date_to).replace("-", ""))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    @staticmethod
    def _allowed(doc_type, issuer, date_from, date_to):
        types = None if not doc_type else ({doc_type} if isinstance(doc_type, str) else set(doc_type))
        lo = int(str(date_from).replace("-", "")) if date_from else None
        hi = int(str(date_to).replace("-", "")) if date_to else None

        def allowed(entry: dict) -> bool:
            if types and entry.get("doc_type") not in types:
                return False
            if issuer and issuer not in (entry.get("issuers") or ""):
                return False
            if lo is not None and entry.get("date_int", 0) < lo:
                return False
            if hi is not None and entry.get("date_int", 0) > hi:
                return False
            return True

        return allowed

    # --- search ---------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid", doc_type=None, issuer: str | None = None,
               date_from: str | None = None, date_to: str | None = None) -> list[Document]:
        k = k or self.k
        query = query.strip()
        if not query:
            return []
        where = self._chroma_where(doc_type, date_from, date_to)
        allowed = self._allowed(doc_type, issuer, date_from, date_to)
        n = max(self.candidates, k)

        rankings: list[list[str]] = []
        dense_scores: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            # Issuer lives in a joined string Chroma cannot match by substring: over-fetch, filter here.
            dense = self.store.dense_search(query, n * (4 if issuer else 1), where)
            if issuer:
                docs = self.store.get([cid for cid, _ in dense])
                dense = [(cid, s) for cid, s in dense if issuer in docs[cid].metadata.get("issuers", "")][:n] if docs else []
            dense_scores = dict(dense)
            rankings.append([cid for cid, _ in dense])
        bm25_scores: dict[str, float] = {}
        if mode in ("hybrid", "bm25"):
            bm25 = self.keyword_index.search(query, n, allowed)
            bm25_scores = dict(bm25)
            rankings.append([cid for cid, _ in bm25])

        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, cid in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        order = sorted(fused, key=lambda c: -fused[c])

        # Exact phrases: chunks containing every phrase verbatim go first.
        phrases = exact_phrases(query)
        if phrases:
            exact: list[str] | None = None
            for phrase in phrases:
                ids: list[str] = []
                for variant in _doc_number_variants(phrase):
                    ids += self.store.ids_containing(variant, where)
                exact = ids if exact is None else [c for c in exact if c in set(ids)]
            exact_set = set(exact or [])
            if exact_set:
                ranked_exact = [c for c in order if c in exact_set] + [c for c in exact or [] if c not in fused]
                for cid in ranked_exact:
                    fused.setdefault(cid, 0.0)
                    fused[cid] += 1.0  # above any RRF score
                order = list(dict.fromkeys(ranked_exact + order))

        top = order[: k * 3]
        docs = self.store.get(top)
        results: list[Document] = []
        for cid in top:
            doc = docs.get(cid)
            if doc is None:  # present in BM25 only (e.g. an interrupted ingest); skip it
                continue
            if issuer and issuer not in doc.metadata.get("issuers", ""):
                continue
            doc.metadata["score"] = round(fused[cid], 6)
            doc.metadata["dense_score"] = round(dense_scores.get(cid, 0.0), 4)
            doc.metadata["bm25_score"] = round(bm25_scores.get(cid, 0.0), 4)
            doc.metadata["chunk_id"] = cid
            results.append(doc)
            if len(results) >= k:
                break
        return results
