"""The running UI as an attacker or a careless user meets it, through its API
(gradio_client against a real ui.py on 127.0.0.1; no browser).

* only files this server received can be read by its endpoints;
* another process's ingest shows in the UI, and the UI's upload keeps it;
* the 知识库 delete asks first and reports what it removed;
* nothing reaches beyond this machine;
* after a delete and a check, fill … nothing of a planted ID number is left.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from tests.traces import files_containing, planted_id_number
from tests.ui.ui_process import UiProcess

pytestmark = pytest.mark.slow
gradio_client = pytest.importorskip("gradio_client")

NOTICE = ("测试区民政局关于{topic}的通知\n\n测民社发〔2026〕{n}号\n\n各街道：\n\n一、{topic}\n\n{body}\n\n"
          "二、申请程序\n\n申请材料于每年6月30日前报送区社会组织服务中心。\n")


def notice(folder: Path, name: str, topic: str, body: str, n: int = 9) -> Path:
    path = folder / name
    path.write_text(NOTICE.format(topic=topic, body=body, n=n), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    server = UiProcess(tmp_path_factory.mktemp("ui-process")).wait_ready()
    yield server
    server.stop()


@pytest.fixture
def client(ui):
    return gradio_client.Client(ui.url, verbose=False, download_files=False)


def search_texts(client, query: str, mode: str = "hybrid") -> str:
    return client.predict(query, 5, mode, "", "", "", "", "", api_name="/search")


def source_of(client, name: str) -> str:
    _, dropdown = client.predict(api_name="/refresh")
    return next(value for label, value in dropdown["choices"] if name in label)


def as_remote_client(monkeypatch):
    """gradio_client uploads the local files it is given; a client on another machine cannot
    upload our files, it can only name them. Make this one do that."""
    from gradio_client.client import Endpoint

    monkeypatch.setattr(Endpoint, "_upload_file", lambda self, f, data_index: {
        "path": f["path"], "orig_name": Path(f["path"]).name, "meta": {"_type": "gradio.FileData"}})


def test_endpoints_read_only_files_this_server_received(ui, client, monkeypatch, tmp_path):
    secret_text = "星光秘密条款：本段文字只存在于服务器上。"
    server_file = notice(tmp_path, "服务器文件.txt", "秘密事项", secret_text)
    # A file in the machine's shared Gradio folder (another Gradio app's, another user's):
    # this server did not receive it either.
    shared = ui.tmp_dir / "gradio" / "0123456789abcdef"
    shared.mkdir(parents=True, exist_ok=True)
    shutil.copy(server_file, shared / "共享文件.txt")
    as_remote_client(monkeypatch)
    attempts = {
        "/ingest": lambda f: client.predict([f], api_name="/ingest"),
        "/check": lambda f: client.predict([f], "", "", api_name="/check"),
        "/prefill": lambda f: client.predict("shetuan_establishment", f, [f], api_name="/prefill"),
        "/diff": lambda f: client.predict(None, f, None, f, True, api_name="/diff"),
    }
    for path in (server_file, shared / "共享文件.txt"):
        for api, attempt in attempts.items():
            with pytest.raises(gradio_client.exceptions.AppError) as refused:
                attempt({"path": str(path), "meta": {"_type": "gradio.FileData"}})
            assert "not uploaded" in str(refused.value) or "不是通过本页面上传" in str(refused.value), (api, path)
    monkeypatch.undo()
    assert "本段文字只存在于服务器上" not in search_texts(client, "星光秘密条款")  # the query itself is echoed
    assert not (ui.data_dir / "uploads").exists() or not files_containing("星光秘密条款", ui.data_dir / "uploads")
    # A file the client really uploads is read as before.
    own = notice(tmp_path, "上传文件.txt", "萤火计划", "萤火计划每个项目最高资助五万元。", n=11)
    _, status, _ = client.predict([gradio_client.handle_file(str(own))], api_name="/ingest")
    assert "新增 1" in status
    assert "萤火计划每个项目最高资助五万元" in search_texts(client, "萤火计划每个项目资助多少")


def test_the_ui_follows_a_command_line_ingest_and_keeps_it(ui, client, tmp_path):
    cli_file = notice(tmp_path, "命令行导入.txt", "晨曦项目", "晨曦项目面向新成立的社区社会组织，每个补贴三万元。", n=12)
    done = subprocess.run([sys.executable, "ingest.py", str(cli_file)], cwd=PROJECT_ROOT, env=ui.env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "晨曦项目面向新成立" in search_texts(client, "晨曦项目补贴多少", mode="dense")
    assert "晨曦项目面向新成立" in search_texts(client, "晨曦项目补贴多少", mode="bm25")
    upload = notice(tmp_path, "界面上传.txt", "暮光计划", "暮光计划支持养老服务类社会组织。", n=13)
    _, status, _ = client.predict([gradio_client.handle_file(str(upload))], api_name="/ingest")
    assert "新增 1" in status
    manifest = json.loads((ui.data_dir / "manifest.json").read_text(encoding="utf-8"))
    names = {Path(source).name for source in manifest["files"]}
    assert {"命令行导入.txt", "界面上传.txt"} <= names


def test_delete_asks_first_and_reports_what_it_removed(ui, client, tmp_path):
    config = client.config
    choice = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "kb-delete-choice")
    assert not choice["props"].get("value"), "no document is chosen for deletion by default"
    path = notice(tmp_path, "待删除.txt", "夕照项目", "夕照项目是要被删除的测试文件。", n=14)
    client.predict([gradio_client.handle_file(str(path))], api_name="/ingest")
    source = source_of(client, "待删除.txt")
    asked = client.predict(source, api_name="/delete")
    confirmation = json.dumps(asked, ensure_ascii=False)
    assert "确定从知识库删除" in confirmation and "夕照项目" in confirmation and "待删除.txt" in confirmation
    assert "夕照项目是要被删除" in search_texts(client, "夕照项目")  # nothing deleted yet
    client.predict(api_name="/cancel_delete")
    client.predict(api_name="/confirm_delete")  # the cancelled confirmation deletes nothing
    assert "夕照项目是要被删除" in search_texts(client, "夕照项目")
    client.predict(source, api_name="/delete")
    _, report, *_ = client.predict(api_name="/confirm_delete")
    assert "已删除" in report and "待删除.txt" in report and "上传的副本已删除" in report and "索引已压缩" in report
    assert "夕照项目是要被删除" not in search_texts(client, "夕照项目")


def test_nothing_reaches_beyond_this_machine(ui, client, tmp_path):
    path = notice(tmp_path, "联网检查.txt", "星河项目", "星河项目资助科技类社会组织。", n=15)
    client.predict([gradio_client.handle_file(str(path))], api_name="/ingest")
    assert "星河项目" in search_texts(client, "星河项目资助哪些组织")
    answer = client.predict("星河项目资助哪些组织？", [], "", api_name="/ask")
    assert "星河项目" in json.dumps(answer, ensure_ascii=False)
    time.sleep(3)  # background threads (version checks, telemetry) run soon after start-up
    tried = [json.loads(line) for line in ui.connections()]
    assert tried == [], "\n\n".join(f"{t['kind']} {t['target']}\n{t['stack']}" for t in tried)


def test_no_trace_of_a_planted_id_number_after_delete_and_stop(ui, client, tmp_path):
    secret = planted_id_number()
    document = notice(tmp_path, "法定代表人名单.txt", "负责人备案", f"法定代表人李四，居民身份证号码{secret}。", n=16)
    client.predict([gradio_client.handle_file(str(document))], api_name="/ingest")
    filing = tmp_path / "章程.txt"
    filing.write_text(f"测试区星光公益服务中心章程\n\n第一条 本单位法定代表人李四，身份证号码{secret}。\n", encoding="utf-8")
    client.predict([gradio_client.handle_file(str(filing))], "", "", api_name="/check")
    client.predict("shetuan_establishment", None, [gradio_client.handle_file(str(filing))], api_name="/prefill")
    assert files_containing(secret, ui.data_dir)  # indexed
    client.predict(source_of(client, "法定代表人名单.txt"), api_name="/delete")
    client.predict(api_name="/confirm_delete")
    assert files_containing(secret, ui.data_dir) == []
    # While the UI runs, only the review it offers for download may still quote it …
    leftovers = [p for p in files_containing(secret, ui.tmp_dir) if not p.name.startswith("材料审查意见")]
    assert leftovers == []
    # … and once it stops, nothing at all.
    ui.stop()
    assert files_containing(secret, ui.tmp_dir) == []
    assert not list(ui.tmp_dir.glob("szzs-ui-*")), "the UI's private temp folder is removed on exit"
