"""Chroma server mode: a real `chroma run` process started by the test on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.kb.ingest import IngestService
from assistant.kb.keyword import KeywordIndex
from assistant.kb.retriever import HybridRetriever
from assistant.kb.store import ChunkStore
from assistant.settings import PROJECT_ROOT, load_settings
from tests.kb.fakes import HashingEmbeddings

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the `chroma` command of the chromadb package is not installed")
    port = _free_port()
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=15)


def test_ingest_and_search_through_a_chroma_server(tmp_path, chroma_server):
    settings = load_settings(data_dir=tmp_path / "data", chroma={"mode": "http", "host": "127.0.0.1",
                                                                  "port": chroma_server})
    embeddings = HashingEmbeddings()
    store = ChunkStore.from_settings(settings, embeddings)
    assert type(store.client).__name__ != "PersistentClient"
    keyword = KeywordIndex.load(settings.keyword_index_path)
    ingest = IngestService(settings, store, keyword)
    report = ingest.run([PROJECT_ROOT / "corpus" / "policies"])
    assert len(report.added) == 2 and not report.failed
    retriever = HybridRetriever(store=store, keyword_index=keyword)
    assert "沪社星耀" in retriever.search("“沪社星耀”", k=1)[0].page_content
    # a second client (e.g. another process) sees the same collection
    again = ChunkStore.from_settings(settings, embeddings)
    assert again.count() == store.count() > 0
    assert not (settings.chroma_dir).exists()  # nothing was written locally by Chroma
