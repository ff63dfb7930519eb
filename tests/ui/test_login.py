"""Beyond localhost the UI requires a login: users from the settings, passwords stored as
salted scrypt hashes, added with `python -m assistant adduser`; without users it refuses to start."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml

from assistant.commands import adduser
from assistant.settings import PROJECT_ROOT, load_settings
from assistant.ui.auth import LoginRequired, hash_password, is_loopback, login_for, startup_notice, verify_password
from tests.ui.ui_process import UiProcess


def test_passwords_are_stored_salted_and_checked():
    stored = hash_password("正确的密码123")
    assert "正确的密码123" not in stored and stored.startswith("scrypt$")
    assert stored != hash_password("正确的密码123")  # a fresh salt each time
    assert verify_password("正确的密码123", stored)
    assert not verify_password("错误的密码123", stored)
    assert not verify_password("正确的密码123", "garbage")


def test_which_hosts_need_a_login():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "::", "szzs.example.org"))
    assert login_for(load_settings(ui={"host": "127.0.0.1"})) is None
    with pytest.raises(LoginRequired) as refused:
        login_for(load_settings(ui={"host": "0.0.0.0"}))
    assert "拒绝启动" in str(refused.value) and "adduser" in str(refused.value)
    check = login_for(load_settings(ui={"host": "0.0.0.0", "users": {"alice": hash_password("secret-pw-1")}}))
    assert check("alice", "secret-pw-1") and not check("alice", "wrong") and not check("bob", "secret-pw-1")
    notice = startup_notice(load_settings(ui={"host": "0.0.0.0", "users": {"alice": "x"}}))
    assert "需要登录" in notice and "1 个用户" in notice and "HTTPS" in notice


def test_adduser_writes_a_hash_into_the_settings_file(tmp_path, monkeypatch):
    config = tmp_path / "settings.yaml"
    config.write_text(yaml.safe_dump({"locality": "上海市"}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SZZS_CONFIG", str(config))
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(readline=lambda: "long-enough-pw\n"))
    assert adduser.run(SimpleNamespace(name="alice", remove=False, password_stdin=True), None) == 0
    saved = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert saved["locality"] == "上海市"  # the rest of the file is kept
    assert "long-enough-pw" not in config.read_text(encoding="utf-8")
    assert verify_password("long-enough-pw", load_settings().ui.users["alice"])
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(readline=lambda: "short\n"))
    assert adduser.run(SimpleNamespace(name="bob", remove=False, password_stdin=True), None) == 1
    assert adduser.run(SimpleNamespace(name="alice", remove=True, password_stdin=False), None) == 0
    assert load_settings().ui.users == {}


@pytest.mark.slow
def test_beyond_loopback_without_users_the_ui_refuses_to_start(tmp_path):
    ui = UiProcess(tmp_path, host="0.0.0.0")
    assert ui.wait_exit() == 2
    assert "拒绝启动" in ui.output() and "adduser" in ui.output()
    ui.stop()


@pytest.mark.slow
def test_beyond_loopback_the_ui_asks_for_a_login(tmp_path):
    gradio_client = pytest.importorskip("gradio_client")
    users = json.dumps({"alice": hash_password("secret-pw-1")})
    ui = UiProcess(tmp_path, host="0.0.0.0", SZZS_UI__USERS=users).wait_ready()
    try:
        assert "需要登录" in ui.output()
        with pytest.raises(Exception):
            gradio_client.Client(ui.url, verbose=False).predict("社会组织", 3, "hybrid", "", "", "", "", "",
                                                                api_name="/search")
        with pytest.raises(Exception):
            gradio_client.Client(ui.url, verbose=False, auth=("alice", "wrong-password"))
        client = gradio_client.Client(ui.url, verbose=False, auth=("alice", "secret-pw-1"))
        assert "请输入检索内容" in client.predict("", 3, "hybrid", "", "", "", "", "", api_name="/search")
        done = subprocess.run([sys.executable, "-c", "import urllib.request as u; print(u.urlopen(%r).status)" % (
            ui.url + "config")], cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert "401" in done.stderr or done.returncode != 0  # nothing is served before the login
    finally:
        ui.stop()
