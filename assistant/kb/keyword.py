"""Keyword stage: BM25 over jieba tokens, persisted next to Chroma.

The index file holds each chunk's tokens and the few metadata fields used by
filters, keyed by the same chunk ids as Chroma. The words the tokenizer must
keep whole (a field's vocabulary) are given to the index; the framework has
none of its own. The BM25 matrix itself is
rebuilt in memory on load and after changes (seconds for tens of thousands of
chunks), so the file can never disagree with the scores. Writes are atomic
(temp file + rename): a kill at any moment leaves the previous or the new file.
A search first checks whether another process replaced the file (``follow``) and
reloads it, so a running UI sees what a command-line ingest added or deleted.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np

from assistant.kb.datadir import FileStamp, FollowsDisk, atomic_write_json
from assistant.kb.schema import Chunk

# How strongly jieba prefers a given word over splitting it.
WORD_FREQUENCY = 200000
STOPWORDS = set("的 了 和 与 及 或 等 在 是 对 为 把 被 将 于 以 之 其 并 也 而 就 都 要 应 由 从 向 中 上 下 有 无 "
                "哪些 什么 怎么 如何 多少 是否 吗 呢 哪 一 个 这 那 该 此 各 本 请问 规定".split())
RE_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")
RE_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")

_jieba_lock = threading.Lock()
_added_words: set[str] = set()


def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


def add_words(words) -> None:
    """Make the tokenizer keep these words whole (jieba's dictionary is process-wide)."""
    with _jieba_lock:
        new = [w for w in words if w not in _added_words]
        if new:
            jieba = _jieba()
            for word in new:
                jieba.add_word(word, freq=WORD_FREQUENCY)
            _added_words.update(new)


def tokenize(text: str) -> list[str]:
    """jieba search-mode words plus CJK character bigrams.

    Bigrams let unknown names (“沪社星耀”) and 文号 fragments match even where
    jieba segments them differently in the query and in the document.
    """
    words = [w.lower() for w in _jieba().lcut_for_search(text) if w.strip() and RE_TOKEN_OK.search(w)]
    tokens = [w for w in words if w not in STOPWORDS]
    for run in RE_CJK_RUN.findall(text):
        tokens.extend("§" + run[i:i + 2] for i in range(len(run) - 1))
    return tokens


class KeywordIndex(FollowsDisk):
    def __init__(self, path: Path | None, words: tuple[str, ...] = ()):
        self.path = path
        add_words(words)
        self.entries: dict[str, dict] = {}  # chunk id -> {"tokens": [...], "doc_id", "doc_type", "issuers", "date_int"}
        self._bm25 = None
        self._ids: list[str] = []
        self._lock = threading.RLock()
        self._frequency: dict[str, int] | None = None
        self._stamp = None  # of the file as last loaded or saved (save() updates it)

    @classmethod
    def load(cls, path: Path, words: tuple[str, ...] = ()) -> "KeywordIndex":
        index = cls(path, words)
        index._read()
        return index

    def _read(self) -> None:
        stamp = FileStamp.of(self.path)
        entries = json.loads(self.path.read_text(encoding="utf-8")).get("entries", {}) if stamp else {}
        with self._lock:
            self.entries, self._stamp = entries, stamp
            self._changed()

    def follow(self) -> bool:
        """Reload the file when another process replaced it; True when it did."""
        if self.path is None or self._own_writes or FileStamp.of(self.path) == self._stamp:
            return False
        self._read()
        return True

    def save(self) -> None:
        if self.path is None:
            return
        with self._lock:
            data = {"version": 1, "entries": dict(self.entries)}
        atomic_write_json(self.path, data, prefix=".bm25-", indent=None)
        self._stamp = FileStamp.of(self.path)

    def _changed(self) -> None:
        self._bm25 = None
        self._frequency = None

    # --- writes -----------------------------------------------------------------
    def add(self, chunks: list[Chunk]) -> None:
        rows = {chunk.id: {
            "tokens": tokenize(chunk.index_text),
            "doc_id": chunk.metadata["doc_id"],
            "doc_type": chunk.metadata["doc_type"],
            "issuers": chunk.metadata["issuers"],
            "date_int": chunk.metadata["date_int"],
        } for chunk in chunks}
        with self._lock:
            self.entries.update(rows)
            self._changed()

    def delete_ids(self, ids) -> None:
        with self._lock:
            for cid in ids:
                self.entries.pop(cid, None)
            self._changed()

    def delete_document(self, doc_id: str) -> None:
        with self._lock:
            self.delete_ids([cid for cid, e in self.entries.items() if e["doc_id"] == doc_id])

    def reset(self) -> None:
        with self._lock:
            self.entries = {}
            self._changed()

    def ids(self) -> set[str]:
        with self._lock:
            return set(self.entries)

    # --- search -----------------------------------------------------------------
    def _index(self):
        """(BM25 model, its chunk ids, the entries) as one consistent snapshot."""
        self.follow()
        with self._lock:
            if self._bm25 is None and self.entries:
                import bm25s

                self._ids = list(self.entries)
                bm25 = bm25s.BM25()
                bm25.index([self.entries[i]["tokens"] for i in self._ids], show_progress=False)
                self._bm25 = bm25
            return self._bm25, self._ids, self.entries

    def search(self, query: str, n: int, allowed=None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; ``allowed(entry) -> bool`` filters."""
        bm25, ids, entries = self._index()
        tokens = tokenize(query)
        if bm25 is None or not tokens:
            return []
        scores = bm25.get_scores(tokens)
        order = np.argsort(-scores)
        hits: list[tuple[str, float]] = []
        for i in order:
            if scores[i] <= 0:
                break
            cid = ids[i]
            entry = entries.get(cid)
            if entry is None or (allowed is not None and not allowed(entry)):
                continue
            hits.append((cid, float(scores[i])))
            if len(hits) >= n:
                break
        return hits

    # --- statistics -------------------------------------------------------------
    def document_share(self, term: str) -> float | None:
        """Share of chunks whose tokens contain ``term`` (None for an empty index).

        Lets callers tell a topic word from one every chunk shares (社会组织 in a corpus
        of social-organization documents), without a hand-made list of common words.
        """
        self.follow()
        with self._lock:
            if self._frequency is None:
                counts: dict[str, int] = {}
                for entry in self.entries.values():
                    for token in set(entry["tokens"]):
                        counts[token] = counts.get(token, 0) + 1
                self._frequency = counts
            total = len(self.entries)
        if not total:
            return None
        return self._frequency.get(term.lower(), 0) / total

    def words(self, text: str) -> list[str]:
        """The words of ``text`` as this index segments them (no bigrams, no stopwords)."""
        return [w for w in _jieba().lcut(text) if w.strip() and RE_TOKEN_OK.search(w) and w not in STOPWORDS]
