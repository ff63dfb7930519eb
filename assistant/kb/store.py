"""Store stage: chunks and their vectors in Chroma.

The collection is created with ``embedding_function=None``: we always pass
vectors ourselves, so Chroma's default embedding function (which would
download a model) can never run. The embedding model's identity is stored in
the collection metadata and checked on every open and query.

A second collection (``<name>__sentences``) holds one vector per sentence of
each chunk, keyed to its chunk and document. The ranker uses them to judge a
candidate by its best-matching sentence: a long article's vector is an average
of several rules, while a paraphrased question usually matches one of them.
"""

from __future__ import annotations

from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaClientSettings
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.kb.schema import Chunk
from assistant.settings import Settings

# Chroma limits one add() call; stay well below it.
ADD_BATCH = 256
SENTENCES_SUFFIX = "__sentences"


class EmbeddingMismatchError(RuntimeError):
    """The index was built with another embedding model than the one configured."""


def _identity(embeddings: Embeddings) -> str:
    return getattr(embeddings, "identity", type(embeddings).__name__)


class ChunkStore:
    def __init__(self, client: Any, collection_name: str, embeddings: Embeddings):
        self.client = client
        self.embeddings = embeddings
        self.identity = _identity(embeddings)
        self.collection = self._open(collection_name)
        self.sentences = self._open(collection_name + SENTENCES_SUFFIX)
        self.check_identity()

    def _open(self, name: str) -> Any:
        return self.client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
            metadata={"embed_model": self.identity},
        )

    @classmethod
    def from_settings(cls, settings: Settings, embeddings: Embeddings) -> "ChunkStore":
        client_settings = ChromaClientSettings(anonymized_telemetry=False, allow_reset=True)
        if settings.chroma.mode == "http":
            client = chromadb.HttpClient(host=settings.chroma.host, port=settings.chroma.port,
                                         settings=client_settings)
        else:
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=client_settings)
        return cls(client, settings.chroma.collection, embeddings)

    # --- identity -------------------------------------------------------------
    @property
    def stored_identity(self) -> str:
        return (self.collection.metadata or {}).get("embed_model", "")

    def check_identity(self) -> None:
        stored = self.stored_identity
        if stored and stored != self.identity and self.collection.count() > 0:
            raise EmbeddingMismatchError(
                f"索引由嵌入模型“{stored}”构建，当前配置的是“{self.identity}”，检索结果将毫无意义；"
                f"请改回原模型，或运行 `python ingest.py --rebuild` 重建索引。 / "
                f"The index was built with embedding model '{stored}' but '{self.identity}' is configured; "
                f"switch back or rebuild the index with `python ingest.py --rebuild`."
            )

    # --- writes ---------------------------------------------------------------
    def add(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        for i in range(0, len(chunks), ADD_BATCH):
            batch = chunks[i:i + ADD_BATCH]
            self.collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors[i:i + ADD_BATCH],
                documents=[c.text for c in batch],
                metadatas=[c.metadata for c in batch],
            )

    def add_sentences(self, sentences: list[tuple[str, str, str]], vectors: list[list[float]]) -> None:
        """``sentences``: (chunk id, doc id, sentence text), ``vectors`` in the same order."""
        counter: dict[str, int] = {}
        ids = []
        for cid, _, _ in sentences:  # "<chunk id>:<n>": stable across runs, like the chunk ids
            ids.append(f"{cid}:{counter.get(cid, 0)}")
            counter[cid] = counter.get(cid, 0) + 1
        for i in range(0, len(sentences), ADD_BATCH):
            batch = sentences[i:i + ADD_BATCH]
            self.sentences.upsert(
                ids=ids[i:i + ADD_BATCH],
                embeddings=vectors[i:i + ADD_BATCH],
                documents=[text for _, _, text in batch],
                metadatas=[{"chunk_id": cid, "doc_id": doc_id} for cid, doc_id, _ in batch],
            )

    def delete_ids(self, ids: list[str]) -> None:
        for i in range(0, len(ids), ADD_BATCH):
            part = ids[i:i + ADD_BATCH]
            self.collection.delete(ids=part)
            self.sentences.delete(where={"chunk_id": {"$in": part}})

    def delete_document(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})

    def reset(self) -> None:
        for collection in (self.collection, self.sentences):
            self.client.delete_collection(collection.name)
        self.collection = self._open(self.collection.name)
        self.sentences = self._open(self.sentences.name)

    # --- reads ----------------------------------------------------------------
    def count(self) -> int:
        return self.collection.count()

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    def get(self, ids: list[str]) -> dict[str, Document]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {
            cid: Document(page_content=text, metadata=dict(md or {}), id=cid)
            for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"])
        }

    def ids_containing(self, phrase: str, where: dict | None = None, limit: int = 50) -> list[str]:
        got = self.collection.get(where_document={"$contains": phrase}, where=where or None, include=[], limit=limit)
        return got["ids"]

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """chunk id -> (sentences × dim) matrix, for the chunks that have sentence vectors."""
        if not chunk_ids:
            return {}
        got = self.sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=["embeddings", "metadatas"])
        rows: dict[str, list] = {}
        for vector, md in zip(got["embeddings"], got["metadatas"]):
            rows.setdefault(md["chunk_id"], []).append(vector)
        return {cid: np.asarray(vs, dtype=np.float32) for cid, vs in rows.items()}

    def sentences_of(self, chunk_ids: list[str]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """chunk id -> its (sentence text, vector) pairs in order, for the chunks that have them."""
        if not chunk_ids:
            return {}
        got = self.sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}},
                                 include=["embeddings", "metadatas", "documents"])
        rows: dict[str, list[tuple[int, str, np.ndarray]]] = {}
        for sid, vector, md, text in zip(got["ids"], got["embeddings"], got["metadatas"], got["documents"]):
            position = int(sid.rsplit(":", 1)[-1]) if ":" in sid else 0
            rows.setdefault(md["chunk_id"], []).append((position, text, np.asarray(vector, dtype=np.float32)))
        return {cid: [(text, vector) for _, text, vector in sorted(items, key=lambda r: r[0])]
                for cid, items in rows.items()}

    def dense_search(self, query: str, n: int, where: dict | None = None,
                     vector: list[float] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first; ``vector``: the query's embedding, if already computed."""
        self.check_identity()
        total = self.collection.count()
        if total == 0:
            return []
        vector = vector if vector is not None else self.embeddings.embed_query(query)
        result = self.collection.query(query_embeddings=[vector], n_results=min(n, total), where=where or None,
                                       include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]
