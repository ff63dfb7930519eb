"""Fixtures for the filing checker: the repo's rulebook, eval text sources, a fake embedding model."""

from __future__ import annotations

import hashlib
import math

import pytest

from assistant.checking.service import CheckingService
from assistant.settings import PROJECT_ROOT

SOURCES = PROJECT_ROOT / "eval" / "data" / "checking" / "sources"


class BigramEmbeddings:
    """A small deterministic stand-in for a LangChain Embeddings: hashed character bigrams.

    Texts sharing many bigrams get a high cosine similarity, which is enough to
    exercise the checker's semantic assignment without loading a model.
    """

    dim = 512

    def __init__(self):
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for a, b in zip(text, text[1:]):
            h = int(hashlib.md5((a + b).encode()).hexdigest(), 16) % self.dim
            v[h] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        return self._vector(text)


@pytest.fixture
def source_text():
    def read(name: str) -> str:
        return (SOURCES / name).read_text(encoding="utf-8")
    return read


@pytest.fixture
def checker(tmp_settings) -> CheckingService:
    """Structure and key phrases only (no embeddings): what every rule must pass on its own."""
    return CheckingService(tmp_settings, embeddings_factory=None)


@pytest.fixture
def fake_embeddings() -> BigramEmbeddings:
    return BigramEmbeddings()
