"""Retriever stage: dense + BM25 candidates, fused, then ranked with document priors.

Fusion (chosen by the retrieval eval, see eval/README.md):
- ``weighted`` (default): each list's scores are min-max normalised and mixed
  ``w·dense + (1−w)·bm25``; each list's first candidate is kept in the top k, so
  one strong signal is never drowned by the other list's noise.
- ``rrf``: reciprocal rank fusion.

Priors: our own restatements (rulebook, templates) rank below the regulations and
notices they restate, and a restatement that names its basis (依据：《社会团体登记管理条例》
第十条) has that article, when it is a candidate, placed right above it; another
region's local rules rank below this locality's and national ones.

Sentence ranker (hybrid mode, ``assistant/kb/ranker.py``): the top fused
candidates are re-scored with their best-matching sentence.

Exact phrases win: a 文号 (沪民社登发〔2026〕1号) or a quoted name (“沪社星耀”,
《…》) in the query puts the chunks that contain it verbatim first.

Queries are expanded with a colloquial → statutory thesaurus (义工 → 志愿者), data in
corpus/_thesaurus.yaml.

As of a date (``as_of``, default today; validity kept in chunk metadata by
assistant/versions): texts not yet in force are left out, revised or repealed
versions are ranked with ``superseded_weight`` (0, the default, leaves them out too).
A status filter (``status``) asks for texts in force only, superseded ones only, or both
alike; it is applied to both candidate lists, so filtering never shortens the top k.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.kb.keyword import KeywordIndex
from assistant.kb.ranker import SentenceRanker
from assistant.kb.store import ChunkStore
from assistant.versions.asof import date_int, version_weight

Mode = Literal["hybrid", "dense", "bm25"]
# A status filter on the as-of date: only texts in force, only revised or repealed ones, or both
# ranked alike. None: in force, with superseded texts ranked by ``superseded_weight``.
Status = Literal["in_force", "superseded", "any"]
STATUSES: tuple[str, ...] = ("in_force", "superseded", "any")

RE_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔［\[【（(]\d{4}[〕］\]】）)]\s*第?\d+\s*号")
RE_QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,40})[”\"」』》]")
# A title that starts with a place (洛阳市…, 浙江省…, 宁波市…) is a local rule of that place.
RE_PLACE_PREFIX = re.compile(r"^([\u4e00-\u9fa5]{2,8}?(?:省|市|自治区|特别行政区|自治州|县|区))")
SECONDARY_DOC_TYPES = {"rule", "template"}
# A restatement's basis: 《社会团体登记管理条例》第十条第（五）项 → (社会团体登记管理条例, 第十条).
RE_CITED_ARTICLE = re.compile(r"《([^》]{2,40})》\s*(第[零〇一二三四五六七八九十百千]+条)")


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


@lru_cache(maxsize=8)
def load_thesaurus(path: str) -> tuple[tuple[str, str], ...]:
    """(colloquial term, statutory terms) pairs, longest term first."""
    file = Path(path)
    if not file.is_file():
        return ()
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    pairs = []
    for official, colloquial in (data.get("terms") or {}).items():
        for word in colloquial or []:
            pairs.append((str(word), str(official)))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def expand_query(query: str, thesaurus: tuple[tuple[str, str], ...]) -> str:
    """Append the statutory terms for colloquial words the query uses (义工 → 志愿者)."""
    added: list[str] = []
    for word, official in thesaurus:
        if word in query and official not in query and official not in added:
            added.append(official)
    return query if not added else f"{query}（{'、'.join(added)}）"


def is_other_locality(title: str, locality: str) -> bool:
    """True for another place's local rule (洛阳市社会团体登记管理办法 when the locality is 上海市)."""
    if not locality or title.startswith("中华人民共和国"):
        return False
    m = RE_PLACE_PREFIX.match(title)
    if not m:
        return False
    place = m.group(1)
    core = re.sub(r"(省|市|自治区|特别行政区)$", "", locality)
    return core not in place


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the knowledge base. ``invoke(query)`` returns the top-k Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChunkStore
    keyword_index: KeywordIndex
    k: int = 5
    candidates: int = 40
    fusion: Literal["weighted", "rrf"] = "weighted"
    dense_weight: float = 0.7
    rrf_k: int = 60
    secondary_source_weight: float = 1.0
    other_locality_weight: float = 1.0
    locality: str = ""
    thesaurus_path: str = ""
    mode: Mode = "hybrid"
    filters: dict[str, Any] = {}
    ranker: SentenceRanker | None = None
    superseded_weight: float = 0.0

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

    def _superseded_docs(self, as_of_int: int) -> set[str]:
        """The documents revised or repealed by the as-of date (their chunks carry ``valid_to_int``)."""
        return self.store.doc_ids_where({"$and": [{"valid_to_int": {"$gt": 0}},
                                                  {"valid_to_int": {"$lte": as_of_int}}]})

    def _status_scope(self, status: str | None, as_of_int: int) -> tuple[dict | None, Any, float]:
        """(a Chroma clause, a doc-id test for BM25 entries, the weight of superseded text) for a status filter."""
        if status is None:
            return None, None, self.superseded_weight
        if status not in STATUSES:
            raise ValueError(f"未知的效力状态“{status}”，可选 {'、'.join(STATUSES)} / unknown status '{status}'")
        if status == "any":
            return None, None, 1.0
        superseded = self._superseded_docs(as_of_int)
        ids = sorted(superseded)
        if status == "superseded":
            return {"doc_id": {"$in": ids or [""]}}, lambda doc_id: doc_id in superseded, 1.0
        if not superseded:
            return None, None, 0.0
        return {"doc_id": {"$nin": ids}}, lambda doc_id: doc_id not in superseded, 0.0

    @staticmethod
    def _allowed(doc_type, issuer, date_from, date_to, doc_test=None):
        types = None if not doc_type else ({doc_type} if isinstance(doc_type, str) else set(doc_type))
        lo = int(str(date_from).replace("-", "")) if date_from else None
        hi = int(str(date_to).replace("-", "")) if date_to else None

        def allowed(entry: dict) -> bool:
            if doc_test is not None and not doc_test(entry.get("doc_id", "")):
                return False
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

    # --- fusion ---------------------------------------------------------------------
    def _fuse(self, dense: list[tuple[str, float]], bm25: list[tuple[str, float]]) -> dict[str, float]:
        lists = [lst for lst in (dense, bm25) if lst]
        if self.fusion == "rrf" or len(lists) < 2:
            fused: dict[str, float] = {}
            for ranking in lists:
                for rank, (cid, _) in enumerate(ranking):
                    fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
            return fused

        def normalised(pairs):
            hi, lo = pairs[0][1], pairs[-1][1]
            span = hi - lo
            return {cid: (s - lo) / span if span > 0 else 1.0 for cid, s in pairs}

        d, b = normalised(dense), normalised(bm25)
        w = self.dense_weight
        return {cid: w * d.get(cid, 0.0) + (1 - w) * b.get(cid, 0.0) for cid in set(d) | set(b)}

    def _prior(self, metadata: dict, locality: str) -> float:
        weight = 1.0
        if metadata.get("doc_type") in SECONDARY_DOC_TYPES:
            weight *= self.secondary_source_weight
        if self.other_locality_weight != 1.0 and is_other_locality(metadata.get("title", ""), locality):
            weight *= self.other_locality_weight
        return weight

    def _primary_before_restatement(self, order: list[str], docs: dict[str, Document], k: int) -> list[str]:
        """Put the article a rulebook/template chunk in the top k cites (if it is a candidate) right above it."""
        def bare(title: str) -> str:
            return title.removeprefix("中华人民共和国")

        by_article: dict[tuple[str, str], str] = {}
        for cid in order:
            md = docs[cid].metadata if cid in docs else {}
            if md.get("article") and md.get("doc_type") not in SECONDARY_DOC_TYPES:
                by_article.setdefault((bare(md.get("title", "")), md["article"]), cid)
        result = list(order)
        for cid in order[:k]:
            doc = docs.get(cid)
            if doc is None or doc.metadata.get("doc_type") not in SECONDARY_DOC_TYPES:
                continue
            cited = [by_article.get((bare(t), a)) for t, a in RE_CITED_ARTICLE.findall(doc.page_content)]
            for primary in dict.fromkeys(c for c in cited if c):
                if result.index(primary) > result.index(cid):
                    result.remove(primary)
                    result.insert(result.index(cid), primary)
        return result

    # --- search ---------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, mode: Mode = "hybrid", doc_type=None, issuer: str | None = None,
               date_from: str | None = None, date_to: str | None = None, as_of=None,
               locality: str | None = None, status: Status | None = None) -> list[Document]:
        """``as_of``: a date (ISO text or ``date``) the answer must hold on (None: today);
        ``locality``: the user's place for this query (None: the retriever's own; "": none);
        ``status``: in_force | superseded | any on the as-of date (None: the configured ranking)."""
        k = k or self.k
        as_of_int = date_int(as_of)
        locality = self.locality if locality is None else locality
        query = query.strip()
        if not query:
            return []
        status_where, doc_test, superseded_weight = self._status_scope(status, as_of_int)
        where = self._chroma_where(doc_type, date_from, date_to)
        if status_where:
            where = status_where if where is None else {"$and": [*where.get("$and", [where]), status_where]}
        allowed = self._allowed(doc_type, issuer, date_from, date_to, doc_test)
        n = max(self.candidates, k)
        expanded = expand_query(query, load_thesaurus(self.thesaurus_path)) if self.thesaurus_path else query

        dense: list[tuple[str, float]] = []
        query_vector = None
        if mode in ("hybrid", "dense"):
            query_vector = self.store.embeddings.embed_query(expanded)
            # Issuer lives in a joined string Chroma cannot match by substring: over-fetch, filter here.
            dense = self.store.dense_search(expanded, n * (4 if issuer else 1), where, vector=query_vector)
            if issuer:
                meta = {cid: e for cid, e in self.keyword_index.entries.items()}
                dense = [(cid, s) for cid, s in dense if issuer in (meta.get(cid) or {}).get("issuers", "")][:n]
        bm25: list[tuple[str, float]] = []
        if mode in ("hybrid", "bm25"):
            bm25 = self.keyword_index.search(expanded, n, allowed)

        fused = self._fuse(dense, bm25)
        docs = self.store.get(list(fused))
        in_force = {cid: version_weight(doc.metadata, as_of_int, superseded_weight) for cid, doc in docs.items()}
        if doc_test is not None:
            in_force = {cid: w if doc_test(docs[cid].metadata.get("doc_id", "")) else 0.0 for cid, w in in_force.items()}
        docs = {cid: doc for cid, doc in docs.items() if in_force[cid] > 0}
        scores = {cid: fused[cid] * self._prior(doc.metadata, locality) * in_force[cid] for cid, doc in docs.items()}
        if issuer:
            scores = {cid: s for cid, s in scores.items() if issuer in docs[cid].metadata.get("issuers", "")}
        order = sorted(scores, key=lambda c: -scores[c])
        if mode == "hybrid" and self.ranker is not None and query_vector is not None:
            order, scores = self.ranker.run(query_vector, order, scores)
        order = self._primary_before_restatement(order, docs, k)
        if self.fusion == "weighted" and mode == "hybrid":
            # Each list's own first candidate stays in the top k.
            for leader in [lst[0][0] for lst in (dense, bm25) if lst]:
                if leader in scores and leader not in order[:k]:
                    order.remove(leader)
                    order.insert(max(0, k - 1), leader)

        # Exact phrases: chunks containing every phrase verbatim go first.
        phrases = exact_phrases(query)
        verbatim: set[str] = set()
        if phrases:
            exact: list[str] | None = None
            for phrase in phrases:
                ids: list[str] = []
                for variant in _doc_number_variants(phrase):
                    ids += self.store.ids_containing(variant, where)
                exact = ids if exact is None else [c for c in exact if c in set(ids)]
            exact_ids = list(dict.fromkeys(exact or []))
            if exact_ids:
                missing = [c for c in exact_ids if c not in docs]
                docs.update(self.store.get(missing))
                for cid in missing:
                    if cid in docs:
                        scores[cid] = 0.0
                exact_ids = [c for c in exact_ids if c in docs]
                exact_ids.sort(key=lambda c: -scores.get(c, 0.0))
                values = list(scores.values()) or [0.0]
                bonus = max(values) - min(values) + 1.0  # above any other candidate's score
                for cid in exact_ids:
                    scores[cid] = scores.get(cid, 0.0) + bonus
                order = list(dict.fromkeys(exact_ids + order))
                verbatim = set(exact_ids)

        dense_scores, bm25_scores = dict(dense), dict(bm25)
        results: list[Document] = []
        for cid in order:
            doc = docs.get(cid)
            if doc is None:  # present in BM25 only (e.g. an interrupted ingest); skip it
                continue
            if version_weight(doc.metadata, as_of_int, superseded_weight) <= 0:
                continue  # an exact-phrase hit in a text not in force on that date
            if doc_test is not None and not doc_test(doc.metadata.get("doc_id", "")):
                continue
            if issuer and issuer not in doc.metadata.get("issuers", ""):
                continue
            # Non-increasing with rank: a chunk placed by a rule (a kept leader) shows at most
            # the score of the one above it.
            shown = scores.get(cid, 0.0) if not results else min(scores.get(cid, 0.0), results[-1].metadata["score"])
            doc.metadata["score"] = round(shown, 6)
            doc.metadata["dense_score"] = round(dense_scores.get(cid, 0.0), 4)
            doc.metadata["bm25_score"] = round(bm25_scores.get(cid, 0.0), 4)
            doc.metadata["chunk_id"] = cid
            doc.metadata["exact_match"] = cid in verbatim
            results.append(doc)
            if len(results) >= k:
                break
        return results
