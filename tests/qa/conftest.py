"""Fixtures for the Q&A tests (the fakes themselves live in qa_fakes.py)."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from qa_fakes import FakeRetriever, make_documents  # type: ignore[import-not-found]


@pytest.fixture
def docs() -> list[Document]:
    return make_documents()


@pytest.fixture
def retriever(docs) -> FakeRetriever:
    return FakeRetriever(docs)
