"""Relevance labels: a hit's standing among its query's hits, in words, never a raw score."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.kb.relevance import HIGH, POSSIBLE, RELATED, relevance_labels


def hit(score: float, bm25: float = 1.0, exact: bool = False) -> Document:
    return Document(page_content="…", metadata={"score": score, "bm25_score": bm25, "exact_match": exact})


def test_labels_follow_rank_and_share_of_the_best_score():
    hits = [hit(0.9), hit(0.85), hit(0.6), hit(0.3)]
    assert relevance_labels(hits) == [HIGH, HIGH, RELATED, POSSIBLE]


def test_an_exact_phrase_hit_is_highly_relevant_and_its_bonus_does_not_dwarf_the_rest():
    hits = [hit(2.0, exact=True), hit(0.9), hit(0.7)]
    assert relevance_labels(hits) == [HIGH, HIGH, RELATED]


def test_without_keyword_evidence_the_best_hit_is_only_related():
    assert relevance_labels([hit(0.9, bm25=0.0), hit(0.88)]) == [RELATED, HIGH]
    # A dense-only search has no keyword list to ask.
    assert relevance_labels([hit(0.9, bm25=0.0)], keywords_searched=False) == [HIGH]


def test_only_the_first_ranks_are_highly_relevant_and_far_ranks_are_possible():
    labels = relevance_labels([hit(1.0 - i * 0.001) for i in range(12)])
    assert labels[:3] == [HIGH] * 3 and set(labels[3:10]) == {RELATED} and labels[10:] == [POSSIBLE] * 2


def test_no_hits_no_labels():
    assert relevance_labels([]) == []
