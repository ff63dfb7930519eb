from __future__ import annotations

import pytest

from assistant.kb.ingest import IngestService
from assistant.kb.keyword import KeywordIndex
from assistant.kb.ranker import SentenceRanker
from assistant.kb.retriever import HybridRetriever
from assistant.kb.store import ChunkStore
from assistant.settings import load_settings
from assistant.versions.kbsync import ValiditySync
from assistant.versions.overrides import OverrideStore
from assistant.versions.service import VersionsService
from tests.kb.fakes import HashingEmbeddings
from tests.versions.samples import NEW_RULES, OLD_RULES, write


class VersionsKB:
    """The real pipeline with the validity hook wired as in ``Services``, and the hashing embeddings."""

    def __init__(self, data_dir):
        self.settings = load_settings(data_dir=data_dir)
        self.store = ChunkStore.from_settings(self.settings, HashingEmbeddings())
        self.keyword_index = KeywordIndex.load(self.settings.keyword_index_path)
        self.overrides = OverrideStore(self.settings.validity_overrides_path)
        self.ingest = IngestService(self.settings, self.store, self.keyword_index,
                                    on_change=[ValiditySync(self.overrides)])
        self.retriever = HybridRetriever(store=self.store, keyword_index=self.keyword_index, k=5,
                                         ranker=SentenceRanker(self.store))
        self.versions = VersionsService(self.settings, lambda: self.ingest, self.overrides)


@pytest.fixture
def versions_kb(tmp_path):
    return VersionsKB(tmp_path / "data")


@pytest.fixture
def two_versions(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    return (write(docs, "星河市志愿服务促进办法(2018-05-10).md", OLD_RULES),
            write(docs, "星河市志愿服务促进办法(2024-03-20).md", NEW_RULES))
