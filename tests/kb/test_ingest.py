"""Incremental ingestion: unchanged, changed, deleted, interrupted (kill -9), repeatable ids."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from assistant.kb.splitter import chunk_sentences
from assistant.settings import PROJECT_ROOT
from tests.kb.conftest import FakeKB

POLICIES = PROJECT_ROOT / "corpus" / "policies"


def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("2026-shanghai-social-org-work-points.txt", "2026-changning-social-org-work-points.txt"):
        shutil.copy(POLICIES / name, folder / name)
    return folder


def sentence_chunk_ids(kb: FakeKB) -> set[str]:
    return {md["chunk_id"] for md in kb.store.sentences.get(include=["metadatas"])["metadatas"]}


def consistent(kb: FakeKB) -> set[str]:
    expected = {cid for e in kb.ingest.manifest["files"].values() for cid in e["chunk_ids"]}
    assert kb.store.all_ids() == expected
    assert kb.keyword_index.ids() == expected
    assert sentence_chunk_ids(kb) == expected  # every chunk has its sentence vectors, no orphans
    return expected


def test_unchanged_files_are_skipped_and_ids_repeat(tmp_path):
    folder = corpus_copy(tmp_path)
    kb = FakeKB(tmp_path / "data")
    first = kb.ingest.run([folder])
    assert len(first.added) == 2 and not first.failed
    ids = consistent(kb)
    calls = kb.embeddings.calls
    second = kb.ingest.run([folder])
    assert len(second.skipped) == 2 and not second.added and not second.updated
    assert kb.embeddings.calls == calls  # nothing re-embedded
    # a rebuild from scratch produces exactly the same chunk ids and count
    third = kb.ingest.run([folder], rebuild=True)
    assert len(third.added) == 2
    assert consistent(kb) == ids
    # …and so does a fresh index elsewhere
    other = FakeKB(tmp_path / "data2")
    other.ingest.run([folder])
    assert consistent(other) == ids


def test_changed_file_replaces_its_chunks(tmp_path):
    folder = corpus_copy(tmp_path)
    kb = FakeKB(tmp_path / "data")
    kb.ingest.run([folder])
    target = folder / "2026-changning-social-org-work-points.txt"
    old_ids = set(next(e for s, e in kb.ingest.manifest["files"].items() if s.endswith(target.name))["chunk_ids"])
    target.write_text(target.read_text(encoding="utf-8").replace("长宁虹桥下午茶", "长宁星空夜话"), encoding="utf-8")
    report = kb.ingest.run([folder])
    assert len(report.updated) == 1 and len(report.skipped) == 1
    ids = consistent(kb)
    assert old_ids - ids  # the changed chunk's old id is gone
    hits = kb.retriever.search("“长宁星空夜话”", k=1)
    assert "长宁星空夜话" in hits[0].page_content
    assert not kb.retriever.search("“长宁虹桥下午茶”", k=3, mode="bm25") or all(
        "长宁虹桥下午茶" not in d.page_content for d in kb.retriever.search("“长宁虹桥下午茶”", k=3))


def test_prune_removes_deleted_files(tmp_path):
    folder = corpus_copy(tmp_path)
    kb = FakeKB(tmp_path / "data")
    kb.ingest.run([folder])
    (folder / "2026-changning-social-org-work-points.txt").unlink()
    report = kb.ingest.run([folder])  # without --prune nothing is removed
    assert not report.removed and len(kb.ingest.documents()) == 2
    report = kb.ingest.run([folder], prune=True)
    assert len(report.removed) == 1
    assert [d["doc_number"] for d in kb.ingest.documents()] == ["沪民社登发〔2026〕1号"]
    consistent(kb)


def test_one_bad_file_never_stops_the_batch(tmp_path):
    folder = corpus_copy(tmp_path)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (folder / "empty.txt").write_bytes(b"")
    kb = FakeKB(tmp_path / "data")
    report = kb.ingest.run([folder])
    assert len(report.added) == 2
    messages = " ".join(f.message for f in report.failed)
    assert "broken.pdf" in messages and "empty.txt" in messages
    assert "失败 failed 2" in report.summary()


def test_embedding_model_mismatch_is_a_clear_error(tmp_path):
    import pytest

    from assistant.kb.store import ChunkStore, EmbeddingMismatchError

    folder = corpus_copy(tmp_path)
    kb = FakeKB(tmp_path / "data")
    kb.ingest.run([folder])

    class OtherModel(type(kb.embeddings)):
        identity = "some-other-model:dim64"

    with pytest.raises(EmbeddingMismatchError, match="--rebuild"):
        ChunkStore.from_settings(kb.settings, OtherModel())


INTERRUPTED_RUN = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.kb.conftest import FakeKB
    from tests.kb.fakes import HashingEmbeddings
    kb = FakeKB({data!r}, embeddings=HashingEmbeddings(delay=0.05), embedding={{"batch_size": 2}})
    kb.ingest.run([{corpus!r}], progress=lambda done, total, name: print("file", done, flush=True))
""")


def test_kill_minus_nine_leaves_a_working_index_that_the_next_run_completes(tmp_path):
    folder = corpus_copy(tmp_path)
    for i in range(6):  # more files, so the kill lands mid-run
        text = (POLICIES / "2026-changning-social-org-work-points.txt").read_text(encoding="utf-8")
        (folder / f"copy-{i}.txt").write_text(text.replace("长民社发〔2026〕3号", f"长民社发〔2026〕{10 + i}号"),
                                              encoding="utf-8")
    data = tmp_path / "data"
    script = INTERRUPTED_RUN.format(root=str(PROJECT_ROOT), data=str(data), corpus=str(folder))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    # wait until at least two files are done and the third is being embedded
    for line in proc.stdout:
        if line.strip() == "file 3":
            time.sleep(0.3)
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    kb = FakeKB(data)
    done = kb.ingest.documents()
    assert 1 <= len(done) < 8
    assert kb.retriever.search("长宁区社会组织工作要点", k=3)  # the interrupted index answers queries
    report = kb.ingest.run([folder])
    assert len(report.added) + len(report.skipped) == 8
    assert len(kb.ingest.documents()) == 8
    consistent(kb)
    manifest = json.loads(kb.settings.manifest_path.read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 8


def test_sentence_vectors_follow_their_chunks(tmp_path):
    folder = corpus_copy(tmp_path)
    kb = FakeKB(tmp_path / "data")
    kb.ingest.run([folder])
    ids = consistent(kb)
    stored = kb.store.sentences.get(include=["documents", "metadatas"])
    chunks = kb.store.get(sorted(ids))
    for text, md in zip(stored["documents"], stored["metadatas"]):
        assert text in chunks[md["chunk_id"]].page_content  # a sentence of its own chunk, verbatim
    # one vector per sentence of the chunk, stable ids
    one = sorted(ids)[5]
    assert len(kb.store.sentence_vectors([one])[one]) == len(chunk_sentences(chunks[one].page_content))
    before = set(stored["ids"])
    kb.ingest.run([folder], rebuild=True)
    assert set(kb.store.sentences.get(include=[])["ids"]) == before
    # deleting a document deletes its sentences
    kb.ingest.delete(kb.ingest.documents()[0]["source"])
    consistent(kb)


def test_an_index_without_sentence_vectors_is_backfilled_without_re_embedding_chunks(tmp_path):
    folder = corpus_copy(tmp_path)
    old = FakeKB(tmp_path / "data", chunk={"sentence_vectors": False})
    old.ingest.run([folder])
    assert not sentence_chunk_ids(old)
    assert old.retriever.search("僵尸型社会组织", k=3)  # the ranker falls back to fused scores
    kb = FakeKB(tmp_path / "data")
    chunk_ids = kb.store.all_ids()
    report = kb.ingest.run([folder])
    assert len(report.skipped) == 2 and not report.updated  # unchanged files are not re-chunked
    assert kb.store.all_ids() == chunk_ids
    consistent(kb)
    assert all(e["sentence_vectors"] for e in kb.ingest.manifest["files"].values())
