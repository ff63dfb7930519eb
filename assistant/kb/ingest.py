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
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from assistant.kb.datadir import FileStamp, WriterLock, atomic_write_json
from assistant.kb.keyword import KeywordIndex
from assistant.kb.loaders import SUPPORTED_SUFFIXES, LoadError, load_file
from assistant.kb.splitter import chunk_sentences, split_document
from assistant.kb.store import ChunkStore
from assistant.kb.structure import parse_document
from assistant.kb.uploads import UploadStore, file_digest, safe_name
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
    notes: list[str] = field(default_factory=list)  # e.g. an upload skipped as the same content

    def summary(self) -> str:
        lines = [
            f"新增 added {len(self.added)} · 更新 updated {len(self.updated)} · 跳过 skipped {len(self.skipped)} · "
            f"删除 removed {len(self.removed)} · 失败 failed {len(self.failed)}",
            f"写入分块 chunks written {self.chunks_written} · 索引分块总数 chunks in index {self.chunks_total} · "
            f"用时 {self.seconds:.1f}s（嵌入 embedding {self.embed_seconds:.1f}s）",
        ]
        for failure in self.failed:
            lines.append(f"  ✗ {failure.message}")
        for note in self.notes:
            lines.append(f"  · {note}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DeleteReport:
    """What a deletion removed, for the user."""

    source: str
    title: str
    name: str
    chunks: int
    upload_removed: bool  # its copy in data/uploads was deleted
    still_on_disk: str  # the original file, when it lives outside data/uploads (e.g. corpus/)
    compacted: bool  # Chroma was compacted: no trace of the text is left in the database

    def message(self) -> str:
        lines = [f"已删除《{self.title or self.name}》（{self.name}）：{self.chunks} 个分块及其句向量、关键词索引条目。 / "
                 f"Deleted '{self.name}': {self.chunks} chunks, their sentence vectors and keyword entries."]
        if self.upload_removed:
            lines.append("上传的副本已删除。 / The uploaded copy was deleted.")
        if self.compacted:
            lines.append("索引已压缩，数据库中不再保留该文件的文字。 / The index was compacted: none of its text is kept.")
        else:
            lines.append("索引压缩未完成（数据库忙或使用服务器模式），将在下次导入后重试。 / "
                         "The index could not be compacted now (busy, or a Chroma server); the next import retries.")
        if self.still_on_disk:
            lines.append(f"原文件仍在 {self.still_on_disk}：再次导入该文件夹时会重新加入。 / "
                         f"The file itself is still at {self.still_on_disk}; importing that folder again adds it back.")
        return "\n".join(lines)


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
                 on_change: list[ChangeHook] | None = None, lock: WriterLock | None = None):
        self.settings = settings
        self.store = store
        self.keyword_index = keyword_index
        self.on_change = list(on_change or [])
        self.lock = lock or WriterLock(settings.data_dir, settings.ingest.lock_timeout_s)
        self.uploads = UploadStore(settings.uploads_dir)
        self.manifest_path = settings.manifest_path
        self._manifest_stamp = None
        self._manifest = self._load_manifest()
        self._removed_chunks = False  # this write removed chunks: compact the store afterwards
        self._write_depth = 0

    # --- manifest -----------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        """The manifest as another process may have left it (reloaded when its file changed)."""
        if not self.lock.held and FileStamp.of(self.manifest_path) != self._manifest_stamp:
            self._manifest = self._load_manifest()
        return self._manifest

    def _load_manifest(self) -> dict:
        self._manifest_stamp = FileStamp.of(self.manifest_path)
        if self._manifest_stamp:
            try:
                return json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                pass  # a torn manifest: reconcile() rebuilds what it can
        return {"version": 1, "embed_model": self.store.identity, "files": {}}

    def _save_manifest(self) -> None:
        atomic_write_json(self.manifest_path, self._manifest, prefix=".manifest-")
        self._manifest_stamp = FileStamp.of(self.manifest_path)

    @contextmanager
    def writing(self, what: str) -> Iterator[None]:
        """Hold the data directory for one change, starting from what is on disk now (another
        process may have changed it since this one last looked); raises WriterBusyError.
        Re-entrant: a change made of changes (a validity edit and the refresh it needs) nests."""
        with self.lock.hold(what):
            self._write_depth += 1
            try:
                if self._write_depth == 1:
                    self._manifest = self._load_manifest()
                    self.keyword_index.follow()
                    self.store.follow()
                    self._removed_chunks = bool(self._manifest.get("compact_pending"))
                with self.store.writing(), self.keyword_index.writing():
                    try:
                        yield
                    finally:  # even after a failure: what was deleted must not stay in the database
                        if self._write_depth == 1 and self._removed_chunks:
                            self._compact()
            finally:
                self._write_depth -= 1

    def _compact(self) -> bool:
        """Compact the store after chunks were removed; remembered in the manifest when it could not be."""
        done = self.store.compact()
        self._removed_chunks = False
        if bool(self._manifest.get("compact_pending")) != (not done):
            if done:
                self._manifest.pop("compact_pending", None)
            else:
                self._manifest["compact_pending"] = True
            self._save_manifest()
        return done

    # --- queries --------------------------------------------------------------------
    def documents(self) -> list[dict]:
        """One row per indexed document (for the UI's document list)."""
        rows = []
        for source, entry in sorted(self.manifest["files"].items()):
            info = entry["info"]
            rows.append({
                "source": source,
                "doc_id": entry["doc_id"],
                "name": entry.get("display_name") or Path(source).name,
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

    def find(self, source_or_doc_id: str) -> str | None:
        """The source name of a document named by its source or doc id."""
        return next((s for s, e in self.manifest["files"].items() if source_or_doc_id in (s, e["doc_id"])), None)

    def audit(self) -> list[str]:
        """Where the manifest, Chroma (chunks and sentences) and the BM25 file disagree; [] when in step."""
        self.keyword_index.follow()
        self.store.follow()
        files = self.manifest["files"]
        problems: list[str] = []
        expected: set[str] = set()
        for source, entry in files.items():
            repeated = expected & set(entry["chunk_ids"])
            if repeated:
                problems.append(f"{source}: {len(repeated)} chunk ids also belong to another document")
            expected |= set(entry["chunk_ids"])
        stores = {"chroma": self.store.all_ids(), "bm25": self.keyword_index.ids()}
        if self.settings.chunk.sentence_vectors:
            stores["sentences"] = self.store.sentence_chunk_ids()
        for name, ids in stores.items():
            if expected - ids:
                problems.append(f"{name}: {len(expected - ids)} chunks of the manifest are missing")
            if ids - expected:
                problems.append(f"{name}: {len(ids - expected)} orphan chunks")
        return problems

    # --- maintenance ------------------------------------------------------------------
    def refresh(self) -> None:
        """Run the change hooks and save what they changed."""
        with self.writing("更新文件效力 validity"):
            self._refresh()

    def _refresh(self) -> None:
        changed = False
        for hook in self.on_change:
            changed = bool(hook(self.manifest["files"], self.store)) or changed
        if changed:
            self._save_manifest()

    def reconcile(self) -> list[str]:
        """Bring Chroma, BM25 and the manifest back into agreement; returns sources to redo."""
        with self.writing("核对索引 reconcile"):
            return self._reconcile()

    def _reconcile(self) -> list[str]:
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
        self._removed_chunks |= bool(orphans_dense or orphans_keyword or redo)
        return redo

    def reset(self) -> None:
        with self.writing("重建索引 rebuild"):
            self._reset()

    def _reset(self) -> None:
        self.store.reset()
        self.keyword_index.reset()
        self.keyword_index.save()
        self._manifest = {"version": 1, "embed_model": self.store.identity, "files": {}}
        self._save_manifest()
        self._removed_chunks = True

    def delete(self, source_or_doc_id: str) -> "DeleteReport | None":
        """Remove a document from every store, its uploaded copy too, and compact the index
        (nothing of its text stays in the data directory); None when there is no such document."""
        with self.writing(f"删除 delete {source_or_doc_id}"):
            report = self._delete(source_or_doc_id)
            if report is not None:
                report.compacted = self._compact()
            return report

    def _delete(self, source_or_doc_id: str) -> "DeleteReport | None":
        source = self.find(source_or_doc_id)
        if source is None:
            return None
        entry = self.manifest["files"][source]
        self.store.delete_ids(entry["chunk_ids"])
        self.store.delete_document(entry["doc_id"])
        self.keyword_index.delete_ids(entry["chunk_ids"])
        self.keyword_index.save()
        del self.manifest["files"][source]
        self._save_manifest()
        path = Path(entry["path"])
        removed_copy = self.uploads.remove(path)
        self._removed_chunks = True
        self._refresh()
        return DeleteReport(source=source, title=entry["info"]["title"],
                            name=entry.get("display_name") or path.name, chunks=len(entry["chunk_ids"]),
                            upload_removed=removed_copy, still_on_disk=str(path) if path.is_file() else "",
                            compacted=False)

    # --- the pipeline -------------------------------------------------------------------
    def run(self, paths: Iterable[Path | str] | None = None, rebuild: bool = False, prune: bool = False,
            progress: ProgressFn | None = None, chunk_progress: ProgressFn | None = None) -> IngestReport:
        """Ingest files or folders (default: the corpus). ``progress(done, total, name)`` per file,
        ``chunk_progress(embedded, total, name)`` inside a file. Raises WriterBusyError."""
        with self.writing("导入 ingest"):
            return self._run(paths, rebuild, prune, progress, chunk_progress)

    def add_uploads(self, files: list[tuple[Path, str]], progress: ProgressFn | None = None,
                    chunk_progress: ProgressFn | None = None) -> IngestReport:
        """Files received through the UI, as (path, the user's file name): each is kept under the
        hash of its content (assistant/kb/uploads.py) and ingested; the same content again is
        skipped, a different file with a known name becomes a document of its own."""
        with self.writing("上传导入 upload"):
            notes: list[str] = []
            failed: list[IngestFailure] = []
            paths: list[Path] = []
            names: dict[str, str] = {}
            for src, name in files:
                stored = self._store_upload(Path(src), name, notes, failed)
                if stored is not None:
                    paths.append(stored)
                    names[source_name(stored)] = name
            report = self._run(paths, names=names) if paths else self._finish(IngestReport(), time.perf_counter())
            for path in paths:  # a copy whose ingest failed is not kept
                if source_name(path) not in self.manifest["files"]:
                    self.uploads.remove(path)
            report.notes[:0] = notes
            report.failed[:0] = failed
            return report

    def _store_upload(self, src: Path, name: str, notes: list[str], failed: list[IngestFailure]) -> Path | None:
        problem = self._too_large(src, name)
        if problem:
            failed.append(IngestFailure(name, problem))
            return None
        digest = file_digest(src)
        files = self.manifest["files"]
        same = next((s for s, e in files.items() if e["hash"] == digest), None)
        if same is not None:
            notes.append(f"“{name}”与已入库的“{files[same].get('display_name') or Path(same).name}”内容相同，已跳过 / "
                         f"'{name}' has the same content as '{same}': skipped")
            return None
        if any((e.get("display_name") or Path(s).name) == safe_name(name) for s, e in files.items()):
            notes.append(f"知识库中已有同名文件“{name}”，内容不同：作为新文件加入；如要替换，请删除旧文件 / "
                         f"a different file named '{name}' is already indexed: added as a new document")
        return self.uploads.store(src, name, digest)

    def _run(self, paths, rebuild: bool = False, prune: bool = False, progress: ProgressFn | None = None,
             chunk_progress: ProgressFn | None = None, names: dict[str, str] | None = None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        if rebuild:
            self._reset()
        else:
            self._reconcile()
        paths = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        files = discover(paths)
        for p in paths:
            if not p.exists():
                report.failed.append(IngestFailure(str(p), LoadError(p, "missing", "不存在", "does not exist").message))

        for done, path in enumerate(files):
            if progress:
                progress(done, len(files), path.name)
            self._ingest_one(path, report, chunk_progress, names or {})
        if progress:
            progress(len(files), len(files), "")

        if prune:
            for source, entry in list(self.manifest["files"].items()):
                if not Path(entry["path"]).exists():
                    self._delete(source)
                    report.removed.append(source)
        self._refresh()
        return self._finish(report, started)

    def _finish(self, report: IngestReport, started: float) -> IngestReport:
        report.chunks_total = sum(len(e["chunk_ids"]) for e in self.manifest["files"].values())
        report.seconds = time.perf_counter() - started
        return report

    def _too_large(self, path: Path, name: str = "") -> str:
        """The message for a file above the size limit, or ""."""
        limit_mb = self.settings.ingest.max_file_mb
        size = path.stat().st_size if path.is_file() else 0
        if size <= limit_mb * 1024 * 1024:
            return ""
        name = name or path.name
        return (f"文件“{name}”有 {size / 1048576:.1f} MB，超过单个文件上限 {limit_mb:g} MB（设置 ingest.max_file_mb） / "
                f"File '{name}' is {size / 1048576:.1f} MB, above the per-file limit of {limit_mb:g} MB "
                f"(setting ingest.max_file_mb)")

    def _ingest_one(self, path: Path, report: IngestReport, chunk_progress, names: dict[str, str]) -> None:
        source = source_name(path)
        name = names.get(source) or path.name
        try:
            too_large = self._too_large(path, name)
            data = b"" if too_large else path.read_bytes()
        except OSError as exc:
            report.failed.append(IngestFailure(source, LoadError(path, "unreadable", f"无法读取（{exc.strerror}）",
                                                                 f"cannot be read ({exc})").message))
            return
        if too_large:
            report.failed.append(IngestFailure(source, too_large))
            return
        digest = hashlib.sha256(data).hexdigest()
        old = self.manifest["files"].get(source)
        if old and old["hash"] == digest:
            if self._wants_sentences(old):
                self._backfill_sentences(old, report)
            report.skipped.append(source)
            return
        parsed, chunks = self._split(path, source, digest, name, report)
        if parsed is None:
            return
        t0 = time.perf_counter()
        vectors, sentences, sentence_vectors = self._embed(chunks, parsed.info.doc_id, name, chunk_progress)
        report.embed_seconds += time.perf_counter() - t0
        self._write(chunks, vectors, sentences, sentence_vectors, old, parsed.info.doc_id)
        self.manifest["files"][source] = {
            "hash": digest,
            "doc_id": parsed.info.doc_id,
            "path": str(path.resolve()),
            "chunk_ids": [c.id for c in chunks],
            "sentence_vectors": self.settings.chunk.sentence_vectors,
            "info": asdict(parsed.info),
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **({"display_name": names[source]} if source in names else {}),
        }
        self.manifest["embed_model"] = self.store.identity
        self._save_manifest()
        (report.updated if old else report.added).append(source)
        report.chunks_written += len(chunks)

    def _split(self, path: Path, source: str, digest: str, name: str, report: IngestReport):
        """(parsed document, chunks), or (None, None) with the failure recorded."""
        try:
            loaded = load_file(path, ocr=self.settings.ocr)
            raw = loaded.text
            limit = self.settings.ingest.max_text_chars
            if len(raw) > limit:
                report.failed.append(IngestFailure(source, (
                    f"文件“{name}”有 {len(raw):,} 个字符，超过单个文件上限 {limit:,} 个字符（设置 ingest.max_text_chars） / "
                    f"File '{name}' holds {len(raw):,} characters, above the per-file limit of {limit:,} "
                    f"(setting ingest.max_text_chars)")))
                return None, None
            if "templates" in Path(source).parts:
                raw = template_as_text(raw)
            parsed = parse_document(raw, path, source, content_hash=digest)
            chunks = split_document(parsed, self.settings.chunk,
                                    page_of=self._page_mapper(loaded, parsed) if loaded.pages else None)
        except LoadError as exc:
            report.failed.append(IngestFailure(source, exc.message))
            return None, None
        except Exception as exc:  # a parser bug must not stop the batch
            report.failed.append(IngestFailure(source, f"文件“{name}”处理失败：{exc} / File '{name}' failed: {exc!r}"))
            return None, None
        if not chunks:
            report.failed.append(IngestFailure(source, LoadError(path, "empty", "中没有可索引的文字",
                                                                 "has no indexable text").message))
            return None, None
        return parsed, chunks

    def _embed(self, chunks, doc_id: str, name: str, chunk_progress: ProgressFn | None):
        """Chunk vectors and (when on) sentence vectors, in batches; reports each batch."""
        with_sentences = self.settings.chunk.sentence_vectors
        vectors: list[list[float]] = []
        sentences: list[tuple[str, str, str]] = []
        sentence_vectors: list[list[float]] = []
        batch = max(1, self.settings.embedding.batch_size)
        if chunk_progress:
            chunk_progress(0, len(chunks), name)
        for i in range(0, len(chunks), batch):
            part = chunks[i:i + batch]
            vectors.extend(self.store.embeddings.embed_documents([c.index_text for c in part]))
            if with_sentences:
                rows = [(c.id, doc_id, sentence) for c in part for sentence in chunk_sentences(c.text)]
                sentences.extend(rows)
                sentence_vectors.extend(self._embed_sentences([text for _, _, text in rows]))
            if chunk_progress:
                chunk_progress(i + len(part), len(chunks), name)
        return vectors, sentences, sentence_vectors

    def _write(self, chunks, vectors, sentences, sentence_vectors, old: dict | None, doc_id: str) -> None:
        """Chroma first, then the BM25 file (the manifest entry is written last, by the caller)."""
        if old:
            self.store.delete_ids(old["chunk_ids"])
            self.keyword_index.delete_ids(old["chunk_ids"])
            self._removed_chunks = True
        self.store.delete_document(doc_id)  # leftovers of an interrupted earlier attempt
        self.store.add(chunks, vectors)
        self.store.add_sentences(sentences, sentence_vectors)
        self.keyword_index.delete_document(doc_id)
        self.keyword_index.add(chunks)
        self.keyword_index.save()

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
