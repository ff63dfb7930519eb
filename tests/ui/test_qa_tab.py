"""End-to-end 问答 tab: ask a question, watch the streamed answer, expand a citation.

Two app processes: the shared ``ui_server`` (backend none: retrieved passages,
with the no-LLM notice), and one started here on the same index with the
``openai`` backend pointed at a local OpenAI-compatible test server that streams
a cited answer slowly enough to watch it arrive.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

from .conftest import _free_port, ui_env

pytestmark = pytest.mark.browser

FAKE_SERVER = PROJECT_ROOT / "tests" / "llm" / "fake_openai_server.py"
QUESTION = "长宁区2026年社会组织工作要点在党建方面有什么要求？"


def _wait_port(port: int, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"port {port} never opened:\n{log.read_text()}")


@pytest.fixture(scope="module")
def streaming_ui(ui_server):
    """ui.py with backend openai → fake server that streams an answer citing passage [1]."""
    data_dir = ui_server["data_dir"]
    llm_port, ui_port = _free_port(), _free_port()
    procs = []
    llm_log, ui_log = data_dir / "fake_llm.log", data_dir / "ui_openai.log"
    with open(llm_log, "w") as l1, open(ui_log, "w") as l2:
        llm = subprocess.Popen([sys.executable, str(FAKE_SERVER), "--port", str(llm_port), "--echo-passage", "--delay", "0.15"],
                               stdout=l1, stderr=subprocess.STDOUT)
        procs.append(llm)
        _wait_port(llm_port, llm, llm_log, 30)
        env = ui_env(data_dir, ui_port, SZZS_LLM__BACKEND="openai", SZZS_LLM__BASE_URL=f"http://127.0.0.1:{llm_port}/v1",
                     SZZS_LLM__MODEL="fake-model")
        ui = subprocess.Popen([sys.executable, "ui.py"], cwd=PROJECT_ROOT, env=env, stdout=l2, stderr=subprocess.STDOUT)
        procs.append(ui)
        try:
            _wait_port(ui_port, ui, ui_log)
            yield f"http://127.0.0.1:{ui_port}/"
        finally:
            for proc in reversed(procs):
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _ask(page, question: str) -> None:
    page.get_by_role("tab", name="问答").click()
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-send").click()


def test_streamed_answer_with_expandable_citation(streaming_ui, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(streaming_ui)
    page.wait_for_selector("text=社组助手")
    assert "OpenAI" in page.locator("#qa-backend").inner_text()
    _ask(page, QUESTION)
    chat = page.locator("#qa-chat")
    # While streaming, the draft grows behind a cursor.
    chat.get_by_text("▌").first.wait_for()
    partial = chat.inner_text()
    # Then the verified answer replaces the draft (and the provisional evidence), with its citations.
    citation = chat.locator("details.szzs-citation:not(.szzs-provisional)").first
    citation.wait_for()
    assert "▌" not in chat.inner_text()
    final = chat.inner_text()
    assert len(final) > len(partial)
    assert "[1]" in final and "OpenAI" in final
    summary = citation.locator("summary")
    assert "《2026年长宁区社会组织工作要点》" in summary.inner_text()
    mark = citation.locator("mark")
    assert not mark.is_visible()  # collapsed until expanded
    summary.click()
    mark.wait_for(state="visible")
    assert len(mark.inner_text()) >= 6
    context.close()


def test_without_llm_the_answer_is_labelled_retrieved_passages(ui_page):
    page = ui_page
    _ask(page, QUESTION)
    assert "未启用大模型" in page.locator("#qa-backend").inner_text()
    chat = page.locator("#qa-chat")
    citation = chat.locator("details.szzs-citation:not(.szzs-provisional)").first
    citation.wait_for()
    assert "检索到的相关条文" in chat.inner_text()
    assert "未经大模型生成" in chat.inner_text()
    citation.locator("summary").click()
    citation.locator("mark").wait_for(state="visible")
    assert "长宁区" in citation.locator("summary").inner_text()


# Records, on every change of the chat, the stage marked current and the stage line's text.
RECORD_STAGES = """() => { window.__stages = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('#qa-chat .szzs-stage')) {
      const now = el.querySelector('.step.now'), line = el.querySelector('.szzs-stage-text');
      const seen = (now ? now.innerText : '') + '|' + (line ? line.innerText : '');
      if (window.__stages[window.__stages.length - 1] !== seen) window.__stages.push(seen);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def test_the_stage_and_its_clock_change_while_an_answer_is_made(streaming_ui, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(streaming_ui)
    page.wait_for_selector("text=社组助手")
    page.evaluate(RECORD_STAGES)
    _ask(page, QUESTION)
    page.locator("#qa-chat details.szzs-citation:not(.szzs-provisional)").first.wait_for()
    seen = page.evaluate("window.__stages")
    steps = list(dict.fromkeys(s.split("|")[0] for s in seen))
    assert steps[0] == "检索" and steps[-1] == "生成" and len(steps) >= 2, seen
    generating = [s for s in seen if s.startswith("生成|")]
    assert len({s.split("（已用时")[-1] for s in generating}) >= 2, seen  # the clock moves while it writes
    assert "用时" in page.locator("#qa-chat").inner_text()  # and the answer says how long it took
    context.close()


def test_an_answer_in_the_top_passage_is_given_and_its_citation_opens_the_document(ui_page):
    page = ui_page
    _ask(page, "长宁区对社会组织评估等级占比有什么要求？")
    chat = page.locator("#qa-chat")
    citation = chat.locator("details.szzs-citation:not(.szzs-provisional)").first
    citation.wait_for()
    answer = chat.inner_text()
    assert "20%以上" in answer and "未能在知识库中找到" not in answer
    citation.locator("summary").click()
    link = citation.locator("a.szzs-open")
    link.wait_for(state="visible")
    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.set_default_timeout(90_000)
    target = viewer.locator("#doc-view .szzs-target")
    target.wait_for()
    assert viewer.get_by_role("tab", name="文档").get_attribute("aria-selected") == "true"
    assert "2026年长宁区社会组织工作要点" in viewer.locator("#doc-view h3").inner_text()
    assert "完善等级评估" in viewer.locator("#doc-view .szzs-located").inner_text()
    assert "20%以上" in target.locator("mark").inner_text()
    # The whole document is there, and the page is scrolled to the cited passage.
    assert viewer.locator("#doc-view .szzs-chunk").count() > 10
    viewer.wait_for_function("""() => { const r = document.querySelector('#doc-view .szzs-target').getBoundingClientRect();
                                        return r.top >= 0 && r.top < window.innerHeight; }""")
    viewer.close()
