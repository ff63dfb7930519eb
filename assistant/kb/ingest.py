"""Ingestion pipeline: files → load → structure → split → embed (chunks and their
sentences) → Chroma + BM25.

Content hashes decide the work (llama_index style): an unchanged file is
skipped, a changed file has its old chunks replaced, ``prune`` drops files
that no longer exist, ``rebuild`` starts over.

Crash safety: per file, chunks and their sentence vectors are written to Chroma,
then to the BM25 file, and only then is the file's hash recorded in the manifest.
An index built without sentence vectors gets them added on the next run, without
re-embedding its chunks. A run killed at
any point leaves an index that answers queries; the next run reconciles the
two stores with the manifest (orphans removed, incomplete files redone).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.kb.keyword import KeywordIndex
from assistant.kb.loaders import SUPPORTED_SUFFIXES, LoadError, load_file
from assistant.kb.splitter import chunk_sentences, split_document
from assistant.kb.store import ChunkStore
from assistant.kb.structure import parse_document
from assistant.settings import PROJECT_ROOT, Settings

ProgressFn = Callable[[int, int, str], None]
# A change hook: gets the manifest's files and the store after every run and deletion,
# updates what it derives from all documents together (e.g. validity, assistant/versions),
# returns True when it changed the manifest.
ChangeHook = Callable[[dict, ChunkStore], bool]


@dataclass
class IngestFailure:
    source: str
    message: str


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"新增 added {len(self.added)} · 更新 updated {len(self.updated)} · 跳过 skipped {len(self.skipped)} · "
            f"删除 removed {len(self.removed)} · 失败 failed {len(self.failed)}",
            f"写入分块 chunks written {self.chunks_written} · 索引分块总数 chunks in index {self.chunks_total} · "
            f"用时 {self.seconds:.1f}s（嵌入 embedding {self.embed_seconds:.1f}s）",
        ]
        for failure in self.failed:
            lines.append(f"  ✗ {failure.message}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


def source_name(path: Path) -> str:
    """How a file is named in the index: relative to the project when near it, else absolute."""
    path = path.resolve()
    try:
        path.relative_to(PROJECT_ROOT.parent)
        return os.path.relpath(path, PROJECT_ROOT)
    except ValueError:
        return str(path)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest under ``paths``; hidden and ``_``-prefixed names are notes, not documents.

    YAML files count only inside a ``rules`` folder (rulebooks); elsewhere they are settings or data.
    """
    found: list[Path] = []
    for root in paths:
        root = Path(root)
        candidates = [root] if root.is_file() or not root.exists() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in candidates:
            rel_parts = p.relative_to(root).parts if root.is_dir() else (p.name,)
            if any(part.startswith((".", "_")) for part in rel_parts):
                continue
            if p.suffix.lower() in {".yaml", ".yml"} and p.parent.name != "rules":
                continue
            if root.is_dir() and p.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if p.name.lower() in {"readme.md", "sources.md"} or p.name.endswith(".validity.yaml"):
                continue  # notes, and validity sidecars (assistant/versions/overrides.py)
            found.append(p)
    return list(dict.fromkeys(found))


RE_TEMPLATE_TAG = re.compile(r"\{%-?.*?-?%\}\n?", re.S)
RE_TEMPLATE_VAR = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def template_as_text(raw: str) -> str:
    """A charter template made readable for the knowledge base: control tags
    dropped, placeholders shown as 【…】 so citations never show Jinja syntax."""
    text = RE_TEMPLATE_TAG.sub("", raw)
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return RE_TEMPLATE_VAR.sub(lambda m: "【" + m.group(1).split("|")[0].strip().split(".")[-1] + "】", text)


class IngestService:
    def __init__(self, settings: Settings, store: ChunkStore, keyword_index: KeywordIndex,
                 on_change: list[ChangeHook] | None = None):
        self.settings = settings
        self.store = store
        self.keyword_index = keyword_index
        self.on_change = list(on_change or [])
        self.manifest_path = settings.manifest_path
        self.manifest = self._load_manifest()

    # --- manifest -----------------------------------------------------------------
    def _load_manifest(self) -> dict:
        if self.manifest_path.is_file():
            try:
                return json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                pass  # a torn manifest: reconcile() rebuilds what it can
        return {"version": 1, "embed_model": self.store.identity, "files": {}}

    def _save_manifest(self) -> None:
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.manifest_path.parent, prefix=".manifest-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.manifest, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.manifest_path)

    # --- queries --------------------------------------------------------------------
    def documents(self) -> list[dict]:
        """One row per indexed document (for the UI's document list)."""
        rows = []
        for source, entry in sorted(self.manifest["files"].items()):
            info = entry["info"]
            rows.append({
                "source": source,
                "doc_id": entry["doc_id"],
                "title": info["title"],
                "doc_number": info["doc_number"],
                "issuers": info["issuers"],
                "date": info["date"],
                "doc_type": info["doc_type"],
                "public": info.get("public"),
                "chunks": len(entry["chunk_ids"]),
                "validity": entry.get("validity") or {},
            })
        return rows

    def refresh(self) -> None:
        """Run the change hooks and save what they changed."""
        changed = False
        for hook in self.on_change:
            changed = bool(hook(self.manifest["files"], self.store)) or changed
        if changed:
            self._save_manifest()

    # --- maintenance ------------------------------------------------------------------
    def reconcile(self) -> list[str]:
        """Bring Chroma, BM25 and the manifest back into agreement; returns sources to redo."""
        files = self.manifest["files"]
        expected = {cid for entry in files.values() for cid in entry["chunk_ids"]}
        dense_ids = self.store.all_ids()
        keyword_ids = self.keyword_index.ids()
        orphans_dense = dense_ids - expected
        orphans_keyword = keyword_ids - expected
        if orphans_dense:
            self.store.delete_ids(sorted(orphans_dense))
        if orphans_keyword:
            self.keyword_index.delete_ids(orphans_keyword)
        redo = []
        for source, entry in list(files.items()):
            ids = set(entry["chunk_ids"])
            if not ids <= dense_ids or not ids <= keyword_ids:
                redo.append(source)
                self.store.delete_ids(sorted(ids))
                self.keyword_index.delete_ids(ids)
                del files[source]
        if orphans_keyword or redo:
            self.keyword_index.save()
        if redo:
            self._save_manifest()
        return redo

    def reset(self) -> None:
        self.store.reset()
        self.keyword_index.reset()
        self.keyword_index.save()
        self.manifest = {"version": 1, "embed_model": self.store.identity, "files": {}}
        self._save_manifest()

    def delete(self, source_or_doc_id: str) -> bool:
        files = self.manifest["files"]
        source = next((s for s, e in files.items() if source_or_doc_id in (s, e["doc_id"])), None)
        if source is None:
            return False
        entry = files[source]
        self.store.delete_ids(entry["chunk_ids"])
        self.store.delete_document(entry["doc_id"])
        self.keyword_index.delete_ids(entry["chunk_ids"])
        self.keyword_index.save()
        del files[source]
        self._save_manifest()
        self.refresh()
        return True

    # --- the pipeline -------------------------------------------------------------------
    def run(self, paths: Iterable[Path | str] | None = None, rebuild: bool = False, prune: bool = False,
            progress: ProgressFn | None = None, chunk_progress: Callable[[int], None] | None = None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        if rebuild:
            self.reset()
        else:
            self.reconcile()
        paths = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        files = discover(paths)
        for p in paths:
            if not p.exists():
                report.failed.append(IngestFailure(str(p), LoadError(p, "missing", "不存在", "does not exist").message))

        for done, path in enumerate(files):
            if progress:
                progress(done, len(files), path.name)
            self._ingest_one(path, report, chunk_progress)
        if progress:
            progress(len(files), len(files), "")

        if prune:
            for source, entry in list(self.manifest["files"].items()):
                if not Path(entry["path"]).exists():
                    self.delete(source)
                    report.removed.append(source)
        self.refresh()
        report.chunks_total = sum(len(e["chunk_ids"]) for e in self.manifest["files"].values())
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_one(self, path: Path, report: IngestReport, chunk_progress) -> None:
        source = source_name(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.failed.append(IngestFailure(source, LoadError(path, "unreadable", f"无法读取（{exc.strerror}）",
                                                                 f"cannot be read ({exc})").message))
            return
        digest = hashlib.sha256(data).hexdigest()
        old = self.manifest["files"].get(source)
        if old and old["hash"] == digest:
            if self._wants_sentences(old):
                self._backfill_sentences(old, report)
            report.skipped.append(source)
            return
        try:
            loaded = load_file(path, ocr=self.settings.ocr)
            raw = loaded.text
            if "templates" in Path(source).parts:
                raw = template_as_text(raw)
            parsed = parse_document(raw, path, source, content_hash=digest)
            chunks = split_document(parsed, self.settings.chunk,
                                    page_of=self._page_mapper(loaded, parsed) if loaded.pages else None)
        except LoadError as exc:
            report.failed.append(IngestFailure(source, exc.message))
            return
        except Exception as exc:  # a parser bug must not stop the batch
            report.failed.append(IngestFailure(source, f"文件“{path.name}”处理失败：{exc} / File '{path.name}' failed: {exc!r}"))
            return
        if not chunks:
            report.failed.append(IngestFailure(source, LoadError(path, "empty", "中没有可索引的文字",
                                                                 "has no indexable text").message))
            return

        t0 = time.perf_counter()
        doc_id = parsed.info.doc_id
        with_sentences = self.settings.chunk.sentence_vectors
        vectors: list[list[float]] = []
        sentences: list[tuple[str, str, str]] = []
        sentence_vectors: list[list[float]] = []
        batch = max(1, self.settings.embedding.batch_size)
        for i in range(0, len(chunks), batch):
            part = chunks[i:i + batch]
            vectors.extend(self.store.embeddings.embed_documents([c.index_text for c in part]))
            if with_sentences:
                rows = [(c.id, doc_id, sentence) for c in part for sentence in chunk_sentences(c.text)]
                sentences.extend(rows)
                sentence_vectors.extend(self._embed_sentences([text for _, _, text in rows]))
            if chunk_progress:
                chunk_progress(len(part))
        report.embed_seconds += time.perf_counter() - t0

        if old:
            self.store.delete_ids(old["chunk_ids"])
            self.keyword_index.delete_ids(old["chunk_ids"])
        self.store.delete_document(doc_id)  # leftovers of an interrupted earlier attempt
        self.store.add(chunks, vectors)
        self.store.add_sentences(sentences, sentence_vectors)
        self.keyword_index.delete_document(doc_id)
        self.keyword_index.add(chunks)
        self.keyword_index.save()
        info = asdict(parsed.info)
        self.manifest["files"][source] = {
            "hash": digest,
            "doc_id": doc_id,
            "path": str(path.resolve()),
            "chunk_ids": [c.id for c in chunks],
            "sentence_vectors": with_sentences,
            "info": info,
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        self.manifest["embed_model"] = self.store.identity
        self._save_manifest()
        (report.updated if old else report.added).append(source)
        report.chunks_written += len(chunks)

    def _embed_sentences(self, texts: list[str]) -> list[list[float]]:
        batch = max(1, self.settings.embedding.batch_size)
        out: list[list[float]] = []
        for i in range(0, len(texts), batch):
            out.extend(self.store.embeddings.embed_documents(texts[i:i + batch]))
        return out

    def _wants_sentences(self, entry: dict) -> bool:
        return self.settings.chunk.sentence_vectors and not entry.get("sentence_vectors")

    def _backfill_sentences(self, entry: dict, report: IngestReport) -> None:
        """An index built before sentence vectors existed: add them without re-embedding the chunks."""
        t0 = time.perf_counter()
        chunks = self.store.get(entry["chunk_ids"])
        rows = [(cid, entry["doc_id"], sentence) for cid in entry["chunk_ids"] if cid in chunks
                for sentence in chunk_sentences(chunks[cid].page_content)]
        self.store.sentences.delete(where={"doc_id": entry["doc_id"]})
        self.store.add_sentences(rows, self._embed_sentences([text for _, _, text in rows]))
        report.embed_seconds += time.perf_counter() - t0
        entry["sentence_vectors"] = True
        self._save_manifest()

    @staticmethod
    def _page_mapper(loaded, parsed):
        raw = loaded.text
        squeezed = re.sub(r"\s+", "", raw)
        # Map a cleaned-text offset to the raw text by locating a short probe.
        def page_of(offset: int) -> int:
            probe = re.sub(r"\s+", "", parsed.text[offset:offset + 20])
            pos = raw.find(parsed.text[offset:offset + 12])
            if pos < 0 and probe:
                rel = squeezed.find(probe)
                pos = int(rel * len(raw) / max(1, len(squeezed))) if rel >= 0 else 0
            return loaded.page_at(max(pos, 0))
        return page_of
