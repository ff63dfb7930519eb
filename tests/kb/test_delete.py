"""Deleted is deleted: after a delete (or an update that drops a passage) nothing of the old
text is left anywhere in the data directory, and the index still answers correctly."""

from __future__ import annotations

import json
import subprocess
import sys

from assistant.settings import PROJECT_ROOT
from tests.kb.conftest import FakeKB
from tests.kb.test_writers import write_notice
from tests.traces import files_containing, planted_id_number


def filing_with(id_number: str) -> str:
    return f"法定代表人张三，居民身份证号码{id_number}，住所测试区星光路1号。"


def test_delete_leaves_no_trace_of_the_text_in_the_data_directory(tmp_path):
    secret = planted_id_number()
    data = tmp_path / "data"
    kb = FakeKB(data)
    keep = write_notice(tmp_path, "保留.txt", "萤火计划", "萤火计划申请材料于六月底前报送区社会组织服务中心。")
    private = write_notice(tmp_path, "登记材料.txt", "法定代表人", filing_with(secret))
    kb.ingest.run([keep])
    report = kb.ingest.add_uploads([(private, "登记材料.txt")])
    assert report.added and files_containing(secret, data)  # it is there: in Chroma, BM25, uploads

    source = next(d["source"] for d in kb.ingest.documents() if d["name"] == "登记材料.txt")
    deleted = kb.ingest.delete(source)
    assert deleted and deleted.upload_removed and deleted.compacted and not deleted.still_on_disk
    assert "已删除" in deleted.message() and "登记材料.txt" in deleted.message()
    assert files_containing(secret, data) == []
    assert kb.ingest.audit() == []
    assert [d["name"] for d in kb.ingest.documents()] == ["保留.txt"]
    # The compacted index still answers, here and in a fresh process that replays Chroma's queue.
    assert "萤火计划" in kb.retriever.search("萤火计划申请材料报送", k=1, mode="dense")[0].page_content
    probe = subprocess.run(
        [sys.executable, "-c", "import json, sys; from tests.kb.conftest import FakeKB; kb = FakeKB(sys.argv[1]); "
         "print(json.dumps([d.page_content for d in kb.retriever.search('萤火计划申请材料报送', k=3, mode='dense')]))",
         str(data)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    texts = json.loads(probe.stdout)
    assert texts and "萤火计划" in texts[0] and not any(secret in t for t in texts)


def test_an_update_that_drops_a_passage_drops_its_old_text(tmp_path):
    secret = planted_id_number()
    data = tmp_path / "data"
    kb = FakeKB(data)
    path = write_notice(tmp_path, "名单.txt", "负责人", filing_with(secret))
    kb.ingest.run([path])
    path.write_text(path.read_text(encoding="utf-8").replace(secret, "（已删去）"), encoding="utf-8")
    assert kb.ingest.run([path]).updated
    assert files_containing(secret, data) == []
    assert kb.ingest.audit() == []


def test_deleting_a_corpus_document_says_the_file_stays(tmp_path):
    kb = FakeKB(tmp_path / "data")
    path = write_notice(tmp_path, "甲.txt", "星光项目", "星光项目每个最高资助八万元。")
    kb.ingest.run([path])
    deleted = kb.ingest.delete(kb.ingest.documents()[0]["source"])
    assert not deleted.upload_removed and deleted.still_on_disk == str(path)
    assert str(path) in deleted.message()
    assert path.is_file()  # never deletes the user's own files
    assert kb.ingest.delete("no-such-document") is None
