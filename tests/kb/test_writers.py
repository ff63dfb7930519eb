"""One writer at a time on a data directory, and readers that follow another process's
changes: real processes (tests/kb/kb_process.py) sharing one directory."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.kb.datadir import WriterBusyError, WriterLock
from assistant.settings import PROJECT_ROOT
from tests.kb.conftest import FakeKB

NOTICE = "{place}民政局关于{topic}的通知\n\n一、{topic}\n\n{body}\n\n二、其他\n\n{place}各街道按本通知执行。\n"


def write_notice(folder: Path, name: str, topic: str, body: str) -> Path:
    path = folder / name
    path.write_text(NOTICE.format(place="测试区", topic=topic, body=body), encoding="utf-8")
    return path


class KBProcess:
    """A knowledge base living in another process, driven one JSON command at a time."""

    def __init__(self, data_dir: Path, delay: float = 0.0, lock_timeout: float = 30.0):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.kb.kb_process", str(data_dir), "--delay", str(delay),
             "--lock-timeout", str(lock_timeout)],
            cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def send(self, **command) -> None:
        self.proc.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()

    def receive(self) -> dict:
        line = self.proc.stdout.readline()
        assert line, "the knowledge-base process died"
        return json.loads(line)

    def __call__(self, **command) -> dict:
        self.send(**command)
        return self.receive()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture
def processes():
    started: list[KBProcess] = []

    def start(*args, **kwargs) -> KBProcess:
        started.append(KBProcess(*args, **kwargs))
        return started[-1]

    yield start
    for p in started:
        p.close()


def test_two_processes_ingesting_at_once_keep_both_documents(tmp_path, processes):
    data = tmp_path / "data"
    a = write_notice(tmp_path, "甲.txt", "星光项目", "星光项目每个最高资助八万元。" * 20)
    b = write_notice(tmp_path, "乙.txt", "萤火计划", "萤火计划申请材料于六月底前报送。" * 20)
    first, second = processes(data, delay=0.05), processes(data, delay=0.05)
    first.send(op="ingest", paths=[str(a)])
    second.send(op="ingest", paths=[str(b)])
    reports = [first.receive(), second.receive()]
    assert [len(r["added"]) for r in reports] == [1, 1], reports
    kb = FakeKB(data)
    assert {Path(s).name for s in (d["source"] for d in kb.ingest.documents())} == {"甲.txt", "乙.txt"}
    assert kb.ingest.audit() == []


def test_a_busy_data_directory_is_refused_with_a_clear_message(tmp_path, processes):
    data = tmp_path / "data"
    big = write_notice(tmp_path, "长文.txt", "星光项目", "\n\n".join(f"（{i}）第{i}项内容要点。" * 8 for i in range(4)))
    other = write_notice(tmp_path, "乙.txt", "萤火计划", "萤火计划申请材料于六月底前报送。")
    kb = FakeKB(data, ingest={"lock_timeout_s": 0.5})
    slow = processes(data, delay=0.25)
    slow.send(op="ingest", paths=[str(big)])
    holder = WriterLock(data)
    for _ in range(100):  # until the other process holds the lock
        try:
            with holder.hold("probe", timeout_s=0):
                pass
        except WriterBusyError:
            break
        threading.Event().wait(0.05)
    with pytest.raises(WriterBusyError) as busy:
        kb.ingest.run([other])
    message = str(busy.value)
    assert "另一个导入正在进行" in message and "another import is running" in message.lower()
    assert str(slow.proc.pid) in message and "导入 ingest" in message
    assert slow.receive()["added"]  # the first writer finished undisturbed
    assert kb.ingest.run([other]).added  # and the lock is free again


def test_a_running_reader_follows_another_process(tmp_path, processes):
    data = tmp_path / "data"
    a = write_notice(tmp_path, "甲.txt", "星光项目", "星光项目每个最高资助八万元。")
    b = write_notice(tmp_path, "乙.txt", "萤火计划", "萤火计划申请材料于六月底前报送区社会组织服务中心。")
    reader = processes(data)  # like the UI: opened the index before the other process wrote
    writer = processes(data)
    assert writer(op="ingest", paths=[str(a)])["added"]
    assert reader(op="documents")["sources"] and any(
        "星光项目" in t for t in reader(op="search", q="星光项目资助", mode="dense")["texts"])
    assert writer(op="ingest", paths=[str(b)])["added"]
    for mode in ("dense", "bm25", "hybrid"):
        texts = reader(op="search", q="萤火计划申请材料报送", mode=mode)["texts"]
        assert texts and "萤火计划" in texts[0], (mode, texts)
    source_a = next(s for s in reader(op="documents")["sources"] if s.endswith("甲.txt"))
    assert writer(op="delete", source=source_a)["deleted"]
    for mode in ("dense", "bm25", "hybrid"):
        texts = reader(op="search", q="星光项目资助", mode=mode)["texts"]
        assert not any("星光项目每个" in t for t in texts), (mode, texts)
    assert [Path(s).name for s in reader(op="documents")["sources"]] == ["乙.txt"]
    assert reader(op="audit")["problems"] == []


def test_a_writer_with_a_stale_view_keeps_what_another_process_added(tmp_path, processes):
    """The UI loaded the index, a command-line ingest added a document, then the UI uploads one:
    the UI must not write its old manifest and BM25 file back over the other process's work."""
    data = tmp_path / "data"
    a = write_notice(tmp_path, "甲.txt", "星光项目", "星光项目每个最高资助八万元。")
    b = write_notice(tmp_path, "乙.txt", "萤火计划", "萤火计划申请材料于六月底前报送。")
    ui = processes(data)
    assert ui(op="documents")["sources"] == []
    cli = processes(data)
    assert cli(op="ingest", paths=[str(a)])["added"]
    assert ui(op="upload", files=[[str(b), "乙.txt"]])["added"]
    kb = FakeKB(data)
    assert sorted(d["name"] for d in kb.ingest.documents()) == ["乙.txt", "甲.txt"]
    assert kb.ingest.audit() == []
    assert kb.retriever.search("星光项目资助", k=3, mode="bm25")


def test_the_lock_is_reentrant_in_one_thread_and_exclusive_between_threads(tmp_path):
    lock = WriterLock(tmp_path, timeout_s=0.2)
    with lock.hold("outer"):
        with lock.hold("inner"):
            assert lock.held
        errors = []

        def other_thread():
            try:
                with lock.hold("other"):
                    pass
            except WriterBusyError as exc:
                errors.append(str(exc))

        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert errors and "另一个导入正在进行" in errors[0]
    assert not lock.held
    with lock.hold("again", timeout_s=0):
        pass


def test_the_command_line_says_another_import_is_running(tmp_path, capsys):
    from types import SimpleNamespace

    from assistant.commands import ingest as ingest_command

    data = tmp_path / "data"
    kb = FakeKB(data, ingest={"lock_timeout_s": 0.2})
    path = write_notice(tmp_path, "甲.txt", "星光项目", "星光项目每个最高资助八万元。")
    other_process = WriterLock(data)  # another holder: its own open file, as a second process has
    with other_process.hold("导入 ingest"):
        args = SimpleNamespace(paths=[path], rebuild=False, prune=False, json=False)
        assert ingest_command.run(args, SimpleNamespace(ingest=kb.ingest)) == 2
    assert "另一个导入正在进行" in capsys.readouterr().err
    assert kb.ingest.documents() == []
