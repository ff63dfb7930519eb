from __future__ import annotations

import pytest

from assistant.kb.ingest import IngestService
from assistant.kb.keyword import KeywordIndex
from assistant.kb.ranker import SentenceRanker
from assistant.kb.retriever import HybridRetriever
from assistant.kb.store import ChunkStore
from assistant.settings import load_settings
from tests.kb.fakes import HashingEmbeddings


class FakeKB:
    """The real pipeline (Chroma, BM25, manifest) with the hashing embeddings."""

    def __init__(self, data_dir, embeddings=None, **settings):
        self.settings = load_settings(data_dir=data_dir, **settings)
        self.embeddings = embeddings or HashingEmbeddings()
        self.store = ChunkStore.from_settings(self.settings, self.embeddings)
        self.keyword_index = KeywordIndex.load(self.settings.keyword_index_path)
        self.ingest = IngestService(self.settings, self.store, self.keyword_index)
        self.retriever = HybridRetriever(store=self.store, keyword_index=self.keyword_index, k=5,
                                         ranker=SentenceRanker(self.store))


@pytest.fixture
def fake_kb(tmp_path):
    return FakeKB(tmp_path / "data")
