"""Sentence ranker: candidates re-scored by their best-matching sentence."""

from __future__ import annotations

import numpy as np

from assistant.kb.ranker import SentenceRanker
from assistant.kb.splitter import chunk_sentences


class SentenceVectors:
    """Stands in for ChunkStore.sentence_vectors: fixed matrices per chunk id."""

    def __init__(self, matrices: dict[str, list[list[float]]]):
        self.matrices = {cid: np.asarray(m, dtype=np.float32) for cid, m in matrices.items()}
        self.asked: list[list[str]] = []

    def sentence_vectors(self, chunk_ids):
        self.asked.append(list(chunk_ids))
        return {cid: m for cid, m in self.matrices.items() if cid in chunk_ids}


QUERY = [1.0, 0.0]
ON_TOPIC, OFF_TOPIC = [1.0, 0.0], [0.0, 1.0]


def test_a_candidate_whose_one_sentence_answers_moves_up():
    store = SentenceVectors({"a": [OFF_TOPIC, OFF_TOPIC], "b": [OFF_TOPIC, ON_TOPIC], "c": [OFF_TOPIC]})
    scores = {"a": 0.9, "b": 0.8, "c": 0.1}
    assert SentenceRanker(store, weight=1.0).run(QUERY, ["a", "b", "c"], scores)[0] == ["b", "a", "c"]


def test_weight_sets_how_much_the_sentence_counts():
    store = SentenceVectors({"a": [[0.6, 0.8]], "b": [ON_TOPIC], "c": [OFF_TOPIC]})
    scores = {"a": 1.0, "b": 0.0, "c": 0.5}
    # normalised: fused a=1, b=0, c=.5; sentence a=.6, b=1, c=0
    assert SentenceRanker(store, weight=0.4).run(QUERY, ["a", "c", "b"], scores)[0] == ["a", "c", "b"]
    assert SentenceRanker(store, weight=2.0).run(QUERY, ["a", "c", "b"], scores)[0] == ["a", "b", "c"]
    assert SentenceRanker(store, weight=3.0).run(QUERY, ["a", "c", "b"], scores)[0] == ["b", "a", "c"]
    assert SentenceRanker(store, weight=0.0).run(QUERY, ["a", "c", "b"], scores)[0] == ["a", "c", "b"]


def test_only_the_top_depth_candidates_are_rescored():
    store = SentenceVectors({cid: [OFF_TOPIC] for cid in "abc"} | {"d": [ON_TOPIC]})
    scores = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6}
    order = SentenceRanker(store, weight=5.0, depth=3).run(QUERY, ["a", "b", "c", "d"], scores)[0]
    assert order == ["a", "b", "c", "d"]  # d is beyond the depth and keeps its place
    assert store.asked == [["a", "b", "c"]]


def test_chunks_without_sentence_vectors_keep_their_fused_standing():
    store = SentenceVectors({"b": [OFF_TOPIC], "c": [ON_TOPIC]})  # "a" was indexed before sentence vectors
    scores = {"a": 0.9, "b": 0.5, "c": 0.1}
    order = SentenceRanker(store, weight=1.0).run(QUERY, ["a", "b", "c"], scores)[0]
    assert order[0] == "a" and order.index("c") < order.index("b")
    assert SentenceRanker(SentenceVectors({}), weight=1.0).run(QUERY, ["a", "b", "c"], scores)[0] == ["a", "b", "c"]


def test_chunk_sentences_drop_headings_and_keep_text_verbatim():
    text = "（五）\n加强社会组织人才队伍建设；开展专业培训。\n第十条\n成立社会团体，应当具备下列条件"
    assert chunk_sentences(text) == ["加强社会组织人才队伍建设；", "开展专业培训。", "成立社会团体，应当具备下列条件"]
    assert chunk_sentences("第十条") == ["第十条"]  # all stub: the chunk is its own sentence
    assert chunk_sentences("  ") == []


def test_ranking_scores_follow_the_new_order():
    store = SentenceVectors({"a": [OFF_TOPIC], "b": [ON_TOPIC], "c": [[0.6, 0.8]], "d": [ON_TOPIC]})
    fused = {"a": 0.9, "b": 0.8, "c": 0.5, "d": 0.1}
    order, scores = SentenceRanker(store, weight=1.0, depth=3).run(QUERY, ["a", "b", "c", "d"], fused)
    assert order == ["b", "a", "c", "d"]
    assert scores["b"] > scores["a"] > scores["c"] > scores["d"]  # the tail stays below the re-scored head
