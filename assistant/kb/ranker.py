"""Ranker stage: re-score fused candidates by their best-matching sentence.

A chunk's vector averages everything the chunk says. A regulation article that
lists five conditions, or a notice item that covers several measures, is a weak
match for a question about one of them, and a paraphrased question ("账上至少要
准备多少钱") is often closer to a single sentence ("…有3万元以上活动资金") than to the
whole article. The ingest stage stores one vector per sentence (see
``ChunkStore.sentences``); this stage compares the query with the sentences of
the top fused candidates and mixes the best similarity into their score:

    score = norm(fused) + weight · norm(best sentence similarity)

both min-max normalised over the candidates, so the weight is a plain ratio
(1.0: the two count alike; chosen by the retrieval eval, see eval/README.md).
Candidates beyond ``depth`` keep their order below the re-scored ones. For a
chunk without sentence vectors (an index built before they existed and not yet
backfilled) its normalised fused score stands in for the sentence score.
"""

from __future__ import annotations

import numpy as np

from assistant.kb.store import ChunkStore


class SentenceRanker:
    def __init__(self, store: ChunkStore, weight: float = 1.0, depth: int = 30):
        self.store = store
        self.weight = weight
        self.depth = depth

    @property
    def enabled(self) -> bool:
        return self.weight > 0 and self.depth > 1

    def run(self, query_vector: list[float], order: list[str],
            scores: dict[str, float]) -> tuple[list[str], dict[str, float]]:
        """``order``: candidate chunk ids best first; ``scores``: their fused scores.

        Returns the new order and each candidate's ranking score (re-scored head on the
        combined scale; the tail on the same fused scale, below the head), unchanged
        when there is nothing to re-score.
        """
        head, tail = order[:self.depth], order[self.depth:]
        if not self.enabled or len(head) < 2:
            return order, scores
        matrices = self.store.sentence_vectors(head)
        if not matrices:
            return order, scores
        q = np.asarray(query_vector, dtype=np.float32)
        best = {cid: float(np.max(m @ q)) for cid, m in matrices.items()}
        fused = _minmax({cid: scores.get(cid, 0.0) for cid in order}, over=head)
        sentence = _minmax(best)
        combined = {cid: fused[cid] + self.weight * sentence.get(cid, fused[cid]) for cid in head}
        combined.update({cid: fused[cid] - 1.0 for cid in tail})  # tail ≤ −1 < 0 ≤ every head score
        return sorted(head, key=lambda cid: -combined[cid]) + tail, combined


def _minmax(values: dict[str, float], over: list[str] | None = None) -> dict[str, float]:
    """Min-max normalise ``values`` with the range of the ``over`` keys (all keys by default)."""
    if not values:
        return {}
    basis = [values[k] for k in over] if over else list(values.values())
    lo, hi = min(basis), max(basis)
    span = hi - lo
    return {k: (v - lo) / span if span > 0 else 1.0 for k, v in values.items()}
