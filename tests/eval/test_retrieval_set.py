"""The retrieval question set and the eval's scoring rules (fast; no model, no index)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from eval.kb_builder import CachedEmbeddings, law_title, select_distractors
from eval.retrieval import (DATA_PATH, HELDOUT_PATH, OTHERPLACES_PATH, RetrievalItem, RetrievalSetError,
                            first_hit_rank, is_hit, load_items, metrics)
from eval.kb_builder import NEAR_DOMAIN

# Fewest questions per document: the tuning set is larger than the held-out set.
MIN_PER_DOCUMENT = {DATA_PATH.name: 5, HELDOUT_PATH.name: 2}


@pytest.fixture(scope="module", params=[DATA_PATH, HELDOUT_PATH], ids=["tuning", "heldout"])
def question_set(request) -> tuple[str, list[RetrievalItem]]:
    return request.param.name, load_items(request.param)


@pytest.fixture(scope="module")
def items(question_set) -> list[RetrievalItem]:
    return question_set[1]


@pytest.fixture(scope="module")
def documents(shared_dir: Path) -> dict[str, str]:
    paths = sorted((shared_dir / "seeds").glob("*.txt")) + sorted((shared_dir / "regulations").glob("*.md"))
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def test_set_size_ids_and_kinds(question_set):
    name, items = question_set
    assert len(items) >= (60 if name == DATA_PATH.name else 40)
    ids = [i.id for i in items]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert {i.kind for i in items} == {"lexical", "paraphrase"}
    assert sum(i.kind == "paraphrase" for i in items) / len(items) >= 1 / 3


def test_sources_cover_all_ten_documents(question_set, documents):
    name, items = question_set
    assert len(documents) == 10
    per_source = Counter(i.source for i in items)
    assert set(per_source) == set(documents), set(per_source) ^ set(documents)
    # several questions per document, and both kinds on every notice
    assert min(per_source.values()) >= MIN_PER_DOCUMENT[name]
    for notice in (n for n in documents if n.endswith(".txt")):
        assert {i.kind for i in items if i.source == notice} == {"lexical", "paraphrase"}


def test_must_contain_is_a_verbatim_distinctive_span(items, documents):
    problems = []
    for item in items:
        span, text = item.must_contain, documents[item.source]
        if span not in text:
            problems.append(f"{item.id}: not verbatim in {item.source}")
        if not 10 <= len(span) <= 40:
            problems.append(f"{item.id}: length {len(span)}")
        # inside one sentence, so that a split at 。/；cannot cut it; no markup
        if re.search(r"[。；\n*#]", span):
            problems.append(f"{item.id}: crosses a sentence or contains markup")
        elsewhere = [name for name, other in documents.items() if name != item.source and span in other]
        if elsewhere:
            problems.append(f"{item.id}: also found in {elsewhere}")
    assert problems == []


def test_heldout_set_asks_new_questions():
    tuning, heldout = load_items(DATA_PATH), load_items(HELDOUT_PATH)
    assert not {i.id for i in tuning} & {i.id for i in heldout}
    assert not {i.question for i in tuning} & {i.question for i in heldout}
    spans = [(t.id, h.id) for t in tuning for h in heldout
             if t.must_contain in h.must_contain or h.must_contain in t.must_contain]
    assert spans == []


def test_other_places_set_is_over_eval_kb_documents_with_a_locality(shared_dir):
    """The generalisation set: other places' regulations that the eval KB always holds (the
    near-domain distractors), each question asked with its user's locality."""
    items = load_items(OTHERPLACES_PATH)
    assert len(items) >= 30
    assert len({i.id for i in items}) == len(items)
    assert sum(i.kind == "paraphrase" for i in items) / len(items) >= 0.5
    lawcorpus = {p.name: p for p in (shared_dir / "lawcorpus").rglob("*.md") if NEAR_DOMAIN.search(p.stem)}
    fixed = sorted((shared_dir / "seeds").glob("*.txt")) + sorted((shared_dir / "regulations").glob("*.md"))
    others = {p.name: p.read_text(encoding="utf-8") for p in fixed}
    sources = {i.source for i in items}
    assert len(sources) >= 10 and sources <= set(lawcorpus)
    texts = {name: lawcorpus[name].read_text(encoding="utf-8") for name in sources}
    squeeze = lambda t: re.sub(r"\s+", "", t)  # noqa: E731
    problems = []
    for item in items:
        if item.locality is None:
            problems.append(f"{item.id}: no locality")
        if squeeze(item.must_contain) not in squeeze(texts[item.source]):
            problems.append(f"{item.id}: not verbatim in {item.source}")
        clash = [n for n, t in {**texts, **others}.items() if n != item.source and squeeze(item.must_contain) in squeeze(t)]
        if clash:
            problems.append(f"{item.id}: also in {clash}")
    assert problems == []
    assert {"", "宁波市", "北京市"} <= {i.locality for i in items}  # 全国 is read as "no place"


def test_exact_phrase_queries_are_included():
    questions = [i.question for i in load_items(DATA_PATH)]
    for doc_number in ("沪民社登发〔2026〕1号", "长民社发〔2026〕3号"):
        assert any(doc_number in q for q in questions)
    quoted = [q for q in questions if re.search(r"“[^”]+”", q)]
    assert any("沪社星耀" in q for q in quoted) and any("长宁虹桥下午茶" in q for q in quoted)
    assert len(quoted) >= 10


def test_malformed_set_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  - id: x\n    question: 问\n    kind: fuzzy\n    source: a.md\n    must_contain: 一二三四五六七八九十\n",
                   encoding="utf-8")
    with pytest.raises(RetrievalSetError, match="kind"):
        load_items(bad)
    bad.write_text("items:\n  - id: x\n    question: 问\n", encoding="utf-8")
    with pytest.raises(RetrievalSetError, match="must_contain"):
        load_items(bad)


# --- scoring -------------------------------------------------------------------------

ITEM = RetrievalItem(id="t", question="q", kind="lexical", source="基金会管理条例(2004-03-08).md",
                     must_contain="理事会每年至少召开2次会议")


def test_hit_ignores_whitespace_but_requires_the_source():
    text = "第二十一条 理事会是决策机构。\n理事会每年至少召开\n2 次会议。"
    assert is_hit(ITEM, text, "/work/shared/regulations/基金会管理条例(2004-03-08).md")
    assert is_hit(ITEM, text, "基金会管理条例(2004-03-08).md")
    assert not is_hit(ITEM, text, "regulations/社会团体登记管理条例(2016-02-06).md")
    assert not is_hit(ITEM, "理事会每年至少召开一次会议", "基金会管理条例(2004-03-08).md")


def test_rank_and_metrics():
    src = ITEM.source
    hits = [("无关", src), ("理事会每年至少召开2次会议。", "其他.md"), ("理事会每年至少召开2次会议。", src)]
    assert first_hit_rank(ITEM, hits) == 3
    assert first_hit_rank(ITEM, hits[:2]) is None
    m = metrics([1, 2, None, 6], k=5)
    assert m["hit@1"] == pytest.approx(0.25)
    assert m["hit@k"] == pytest.approx(0.5)
    assert m["mrr"] == pytest.approx((1 + 0.5) / 4)


# --- eval KB inputs ----------------------------------------------------------------------

def test_distractors_are_deterministic_and_exclude_the_evaluated_laws(shared_dir):
    first = select_distractors(shared_dir, 200, seed=7)
    assert first == select_distractors(shared_dir, 200, seed=7)
    assert len(first) == len(set(first)) == 200
    evaluated = {law_title(p) for p in (shared_dir / "regulations").glob("*.md")}
    assert not [p for p in first if law_title(p) in evaluated]  # nor 慈善法(2016-03-16), another version
    kinds = Counter(p.relative_to(shared_dir / "lawcorpus").parts[0] for p in first)
    assert {"行政法规", "DLC", "部门规章"} <= set(kinds)
    assert select_distractors(shared_dir, 200, seed=8) != first


class _CountingEmbeddings(Embeddings):
    identity = "fake:dim2"

    def __init__(self):
        self.calls = 0

    def embed_documents(self, texts):
        self.calls += len(texts)
        return [[float(len(t)), 1.0] for t in texts]

    def embed_query(self, text):
        self.calls += 1
        return [0.0, float(len(text))]


def test_embedding_cache_returns_the_models_vectors_once(tmp_path):
    inner = _CountingEmbeddings()
    cached = CachedEmbeddings(inner, tmp_path / "cache.sqlite")
    assert cached.embed_documents(["甲", "乙乙"]) == [[1.0, 1.0], [2.0, 1.0]]
    assert cached.embed_documents(["乙乙", "丙丙丙"]) == [[2.0, 1.0], [3.0, 1.0]]
    assert cached.embed_query("甲") == [0.0, 1.0] and cached.embed_query("甲") == [0.0, 1.0]
    assert inner.calls == 4  # 甲, 乙乙, 丙丙丙 and one query
    # persistent, and the query/passage roles never mix
    again = CachedEmbeddings(_CountingEmbeddings(), tmp_path / "cache.sqlite")
    assert again.embed_documents(["甲"]) == [[1.0, 1.0]] and again.inner.calls == 0
    assert again.identity == "fake:dim2"


# --- fusion study rules -------------------------------------------------------------------

def test_fusion_rules_of_the_study():
    from eval.retrieval import _keep_leaders, _rrf, _score_fusion

    # RRF: a chunk in both lists beats one ranked first by a single list (the effect the study shows)
    assert _rrf([["a", "b"], ["c", "b"]], k=60, weights=[1, 1])[0] == "b"
    # min-max score fusion weighs the lists
    dense, bm25 = [("a", 0.9), ("b", 0.5)], [("b", 12.0), ("c", 3.0)]
    assert _score_fusion(dense, bm25, alpha=0.7)[0] == "a"
    assert _score_fusion(dense, bm25, alpha=0.3)[0] == "b"
    # each list's leader keeps (or gets) a place in the top k, others keep their order
    order = list("pqrstxy")
    assert _keep_leaders(order, [("x", 1.0)], [("y", 1.0)], k=5) == list("pqrxyst")
    assert _keep_leaders(list("xqrsty"), [("x", 1.0)], [("y", 1.0)], k=5)[:5] == list("xqrsy")
