"""Store stage: chunks and their vectors in Chroma.

The collection is created with ``embedding_function=None``: we always pass
vectors ourselves, so Chroma's default embedding function (which would
download a model) can never run. The embedding model's identity is stored in
the collection metadata and checked on every open and query.

A second collection (``<name>__sentences``) holds one vector per sentence of
each chunk, keyed to its chunk and document. The ranker uses them to judge a
candidate by its best-matching sentence: a long article's vector is an average
of several rules, while a paraphrased question usually matches one of them.

Two facts of Chroma's persistent mode (chromadb 1.5) shape the rest:

* A process's vector index (HNSW) is loaded when it opens the directory and then
  follows only that process's own writes. ``follow()`` (run before every dense
  search) reopens the directory when another process changed ``chroma.sqlite3``,
  so a running UI finds what a command-line ingest added and not what it deleted.
* A deleted record's text stays in the database after ``delete()``: in the write-ahead
  queue (``embeddings_queue``, kept until the vector index is next saved, every 1000
  records), in the full-text index's segments and in free pages. ``compact()`` removes
  it: it clears the queued text of records that no longer exist (the vectors stay, so
  replaying the queue still rebuilds the same index), merges the full-text index and
  VACUUMs the file. The vector index's own files hold vectors and ids, never text.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaClientSettings
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.kb.datadir import FileStamp, FollowsDisk
from assistant.kb.schema import Chunk
from assistant.settings import Settings

log = logging.getLogger(__name__)

# Chroma limits one add() call; stay well below it.
ADD_BATCH = 256
SENTENCES_SUFFIX = "__sentences"
SQLITE_NAME = "chroma.sqlite3"
CLIENT_SETTINGS = dict(anonymized_telemetry=False, allow_reset=True)
# Queued records whose id no longer exists anywhere: their text (kept in the queue's
# metadata column) is cleared; their vectors stay for the index to replay.
SCRUB_QUEUE = ("UPDATE embeddings_queue SET metadata = NULL "
               "WHERE metadata IS NOT NULL AND id NOT IN (SELECT embedding_id FROM embeddings)")
MERGE_FULLTEXT = "INSERT INTO embedding_fulltext_search(embedding_fulltext_search) VALUES('optimize')"


class EmbeddingMismatchError(RuntimeError):
    """The index was built with another embedding model than the one configured."""


def _identity(embeddings: Embeddings) -> str:
    return getattr(embeddings, "identity", type(embeddings).__name__)


class _SharedLock:
    """Many users of the open client at once, or one thread replacing it."""

    def __init__(self):
        self._cond = threading.Condition()
        self._users = 0
        self._replacing = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._replacing:
                self._cond.wait()
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._replacing or self._users:
                self._cond.wait()
            self._replacing = True
        try:
            yield
        finally:
            with self._cond:
                self._replacing = False
                self._cond.notify_all()


class ChunkStore(FollowsDisk):
    def __init__(self, client: Any, collection_name: str, embeddings: Embeddings, path: Path | None = None):
        self.client = client
        self.embeddings = embeddings
        self.identity = _identity(embeddings)
        # The persistent directory (None: a server, or a client handed in): what follow() watches.
        self.path = path
        self._use = _SharedLock()
        self._stamp = self._db_stamp()
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
        if settings.chroma.mode == "http":
            client = chromadb.HttpClient(host=settings.chroma.host, port=settings.chroma.port,
                                         settings=ChromaClientSettings(**CLIENT_SETTINGS))
            return cls(client, settings.chroma.collection, embeddings)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return cls(_persistent_client(settings.chroma_dir), settings.chroma.collection, embeddings,
                   path=settings.chroma_dir)

    # --- other processes --------------------------------------------------------------
    def _db_stamp(self):
        return FileStamp.of(self.path / SQLITE_NAME) if self.path else None

    def follow(self) -> bool:
        """Reopen the directory when another process wrote to it; True when it did."""
        if self.path is None or self._own_writes or self._db_stamp() == self._stamp:
            return False
        with self._use.exclusive():
            self._stamp = self._db_stamp()  # before reopening: a write during it is seen next time
            self.client.close()
            self.client = _persistent_client(self.path)
            self.collection = self._open(self.collection.name)
            self.sentences = self._open(self.sentences.name)
        return True

    def _written(self) -> None:
        self._stamp = self._db_stamp()  # this process's own index holds its own writes

    def compact(self, attempts: int = 20) -> bool:
        """Remove what the database keeps of deleted records (see the module notes).

        True when done; False for a server (it keeps its own files) or when the database stayed busy.
        """
        if self.path is None:
            return False
        db = sqlite3.connect(self.path / SQLITE_NAME, timeout=10, isolation_level=None)
        try:
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute(SCRUB_QUEUE)
                db.execute(MERGE_FULLTEXT)
                db.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # another Chroma version's schema
                log.warning("Chroma's queue and full-text index were not scrubbed: %s", exc)
                if db.in_transaction:
                    db.execute("ROLLBACK")
            for _ in range(attempts):
                try:
                    db.execute("VACUUM")
                    return True
                except sqlite3.OperationalError as exc:  # a reader mid-transaction
                    log.info("VACUUM postponed: %s", exc)
                    time.sleep(0.25)
            return False
        finally:
            db.close()

    # --- identity -------------------------------------------------------------
    @property
    def stored_identity(self) -> str:
        with self._use.shared():
            return (self.collection.metadata or {}).get("embed_model", "")

    def check_identity(self) -> None:
        stored = self.stored_identity
        if stored and stored != self.identity and self.count() > 0:
            raise EmbeddingMismatchError(
                f"索引由嵌入模型“{stored}”构建，当前配置的是“{self.identity}”，检索结果将毫无意义；"
                f"请改回原模型，或运行 `python ingest.py --rebuild` 重建索引。 / "
                f"The index was built with embedding model '{stored}' but '{self.identity}' is configured; "
                f"switch back or rebuild the index with `python ingest.py --rebuild`."
            )

    # --- writes ---------------------------------------------------------------
    def add(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        with self._use.shared():
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
        with self._use.shared():
            for i in range(0, len(sentences), ADD_BATCH):
                batch = sentences[i:i + ADD_BATCH]
                self.sentences.upsert(
                    ids=ids[i:i + ADD_BATCH],
                    embeddings=vectors[i:i + ADD_BATCH],
                    documents=[text for _, _, text in batch],
                    metadatas=[{"chunk_id": cid, "doc_id": doc_id} for cid, doc_id, _ in batch],
                )

    def delete_ids(self, ids: list[str]) -> None:
        with self._use.shared():
            for i in range(0, len(ids), ADD_BATCH):
                part = ids[i:i + ADD_BATCH]
                self.collection.delete(ids=part)
                self.sentences.delete(where={"chunk_id": {"$in": part}})

    def delete_document(self, doc_id: str) -> None:
        with self._use.shared():
            self.collection.delete(where={"doc_id": doc_id})
            self.sentences.delete(where={"doc_id": doc_id})

    def reset(self) -> None:
        with self._use.exclusive():
            for collection in (self.collection, self.sentences):
                self.client.delete_collection(collection.name)
            self.collection = self._open(self.collection.name)
            self.sentences = self._open(self.sentences.name)

    # --- reads ----------------------------------------------------------------
    def count(self) -> int:
        with self._use.shared():
            return self.collection.count()

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        with self._use.shared():
            while True:
                got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
                ids.update(got)
                if len(got) < page:
                    return ids
                offset += page

    def sentence_chunk_ids(self) -> set[str]:
        """The chunk ids that have sentence vectors (for consistency checks)."""
        with self._use.shared():
            return {md["chunk_id"] for md in self.sentences.get(include=["metadatas"])["metadatas"]}

    def get(self, ids: list[str]) -> dict[str, Document]:
        if not ids:
            return {}
        with self._use.shared():
            got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {
            cid: Document(page_content=text, metadata=dict(md or {}), id=cid)
            for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"])
        }

    def doc_ids_where(self, where: dict) -> set[str]:
        """The documents that have a chunk matching ``where`` (a Chroma metadata filter)."""
        with self._use.shared():
            got = self.collection.get(where=where, include=["metadatas"])
        return {str((md or {}).get("doc_id", "")) for md in got["metadatas"]} - {""}

    def chunks_of(self, doc_id: str) -> list[Document]:
        """A document's chunks in reading order (the document viewer's source: no file is read)."""
        with self._use.shared():
            got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        docs = [Document(page_content=text, metadata=dict(md or {}), id=cid)
                for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(docs, key=lambda d: (int(d.metadata.get("chunk_index", 0)), int(d.metadata.get("char_start", 0))))

    def ids_containing(self, phrase: str, where: dict | None = None, limit: int = 50) -> list[str]:
        with self._use.shared():
            got = self.collection.get(where_document={"$contains": phrase}, where=where or None, include=[],
                                      limit=limit)
        return got["ids"]

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """chunk id -> (sentences × dim) matrix, for the chunks that have sentence vectors."""
        if not chunk_ids:
            return {}
        with self._use.shared():
            got = self.sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}},
                                     include=["embeddings", "metadatas"])
        rows: dict[str, list] = {}
        for vector, md in zip(got["embeddings"], got["metadatas"]):
            rows.setdefault(md["chunk_id"], []).append(vector)
        return {cid: np.asarray(vs, dtype=np.float32) for cid, vs in rows.items()}

    def sentences_of(self, chunk_ids: list[str]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """chunk id -> its (sentence text, vector) pairs in order, for the chunks that have them."""
        if not chunk_ids:
            return {}
        with self._use.shared():
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
        self.follow()
        self.check_identity()
        total = self.count()
        if total == 0:
            return []
        vector = vector if vector is not None else self.embeddings.embed_query(query)
        with self._use.shared():
            result = self.collection.query(query_embeddings=[vector], n_results=min(n, total), where=where or None,
                                           include=["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]


def _persistent_client(path: Path):
    return chromadb.PersistentClient(path=str(path), settings=ChromaClientSettings(**CLIENT_SETTINGS))
