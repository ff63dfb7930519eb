"""Browser-test fixtures: a real ``ui.py`` process on 127.0.0.1 driven by Playwright in
Debian's headless Chromium (``/usr/bin/chromium``; Playwright cannot download browsers here).

``ui_server`` (session): ingests corpus/ into a private data directory, starts ``ui.py`` with
the ``none`` LLM backend, waits for the port, yields the base URL.
``ui_page``: a fresh Playwright page already at the app.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ui_env(data_dir: Path, port: int, **extra: str) -> dict:
    env = dict(os.environ)
    env.update({
        "SZZS_DATA_DIR": str(data_dir),
        "SZZS_UI__PORT": str(port),
        "SZZS_UI__HOST": "127.0.0.1",
        "SZZS_LLM__BACKEND": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium): run `make system-deps`")
    pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    data_dir = tmp_path_factory.mktemp("ui-data")
    port = _free_port()
    env = ui_env(data_dir, port)
    subprocess.run([sys.executable, "ingest.py"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=2700)  # a busy 2-core machine needs ~25 min with the real embedder
    log = open(data_dir / "ui.log", "w")
    proc = subprocess.Popen([sys.executable, "ui.py"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ui.py exited early:\n{(data_dir / 'ui.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError(f"ui.py did not open port {port}:\n{(data_dir / 'ui.log').read_text()}")
    yield {"url": f"http://127.0.0.1:{port}/", "data_dir": data_dir, "process": proc}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium): run `make system-deps`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def ui_page(ui_server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(ui_server["url"])
    page.wait_for_selector("text=社组助手")
    yield page
    context.close()
