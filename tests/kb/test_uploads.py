"""Uploads are stored under their content's hash: two files named 通知.txt are two
documents, the same content again is skipped; files above the size limits are refused
with a message naming them; progress is reported inside long files."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

from assistant.commands import ingest as ingest_command
from tests.kb.conftest import FakeKB
from tests.kb.test_writers import write_notice


def test_same_name_different_content_is_a_new_document(tmp_path):
    kb = FakeKB(tmp_path / "data")
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    first = write_notice(first_dir, "通知.txt", "星光项目", "星光项目每个最高资助八万元。")
    second = write_notice(second_dir, "通知.txt", "萤火计划", "萤火计划申请材料于六月底前报送。")
    assert kb.ingest.add_uploads([(first, "通知.txt")]).added
    report = kb.ingest.add_uploads([(second, "通知.txt")])
    assert len(report.added) == 1 and not report.updated
    assert any("同名" in note for note in report.notes)
    docs = kb.ingest.documents()
    assert [d["name"] for d in docs] == ["通知.txt", "通知.txt"]
    assert len({d["source"] for d in docs}) == 2
    for doc in docs:  # each under its content hash, keeping the user's file name
        assert re.fullmatch(r".*uploads/[0-9a-f]{16}/通知\.txt", doc["source"])
    assert kb.retriever.search("星光项目资助", k=1, mode="bm25")
    assert kb.retriever.search("萤火计划申请", k=1, mode="bm25")

    again = kb.ingest.add_uploads([(first, "通知.txt"), (first, "改名.txt")])
    assert not again.added and not again.updated
    assert sum("内容相同" in note for note in again.notes) == 2
    assert len(kb.ingest.documents()) == 2

    # Deleting one leaves the other and its copy.
    kb.ingest.delete(docs[0]["source"])
    remaining = kb.ingest.documents()
    assert [d["source"] for d in remaining] == [docs[1]["source"]]
    assert len(list((tmp_path / "data" / "uploads").rglob("*.txt"))) == 1


def test_files_above_the_limits_are_refused_by_name_and_the_batch_goes_on(tmp_path):
    kb = FakeKB(tmp_path / "data", ingest={"max_file_mb": 0.01, "max_text_chars": 2000})
    small = write_notice(tmp_path, "小.txt", "星光项目", "星光项目每个最高资助八万元。")
    big = tmp_path / "大.txt"
    big.write_text("很长的文件。" * 4000, encoding="utf-8")  # 72 KB
    long = tmp_path / "长.md"
    long.write_text("# 标题\n\n" + "条款内容。" * 500, encoding="utf-8")  # 2,500 characters, 7.5 KB
    report = kb.ingest.run([small, big, long])
    assert [s.rsplit("/", 1)[-1] for s in report.added] == ["小.txt"]
    messages = {f.source.rsplit("/", 1)[-1]: f.message for f in report.failed}
    assert "大.txt" in messages["大.txt"] and "0.01 MB" in messages["大.txt"] and "ingest.max_file_mb" in messages["大.txt"]
    assert "长.md" in messages["长.md"] and "2,000" in messages["长.md"] and "ingest.max_text_chars" in messages["长.md"]
    upload = kb.ingest.add_uploads([(big, "大.txt")])
    assert not upload.added and "大.txt" in upload.failed[0].message
    assert not (tmp_path / "data" / "uploads").exists() or not any((tmp_path / "data" / "uploads").rglob("*.txt"))


def test_progress_inside_a_long_file(tmp_path):
    kb = FakeKB(tmp_path / "data", embedding={"batch_size": 4})
    path = write_notice(tmp_path, "长文.txt", "星光项目",
                        "\n\n".join(f"（{i}）第{i}项扶持内容，每个项目资助若干万元。" for i in range(1, 15)))
    seen = []
    report = kb.ingest.run([path], chunk_progress=lambda done, total, name: seen.append((done, total, name)))
    total = report.chunks_written
    assert total > 8
    assert seen[0] == (0, total, "长文.txt") and seen[-1] == (total, total, "长文.txt")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen) and len(seen) >= total // 4


def test_the_command_line_shows_chunks_embedded(tmp_path, capsys):
    kb = FakeKB(tmp_path / "data", embedding={"batch_size": 4})
    path = write_notice(tmp_path, "长文.txt", "星光项目",
                        "\n\n".join(f"（{i}）第{i}项扶持内容，每个项目资助若干万元。" for i in range(1, 15)))
    args = SimpleNamespace(paths=[path], rebuild=False, prune=False, json=False)
    errors = io.StringIO()
    assert ingest_command.run(args, SimpleNamespace(ingest=kb.ingest), progress_stream=errors) == 0
    shown = errors.getvalue()
    total = kb.ingest.documents()[0]["chunks"]
    assert f"{total}/{total}" in shown and "长文.txt" in shown and "分块" in shown


def test_an_upload_that_cannot_be_read_leaves_no_copy(tmp_path):
    kb = FakeKB(tmp_path / "data")
    empty = tmp_path / "空白.txt"
    empty.write_text("   \n", encoding="utf-8")
    report = kb.ingest.add_uploads([(empty, "空白.txt")])
    assert not report.added and "空白.txt" in report.failed[0].message
    assert not any((tmp_path / "data" / "uploads").rglob("*.txt"))
