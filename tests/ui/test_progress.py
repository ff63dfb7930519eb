"""Progress of long actions: ticks while a stage waits, the stage bar, the Q&A answer's rendering."""

from __future__ import annotations

import time

import pytest

from assistant.qa.passages import Passage
from assistant.qa.service import QAAnswer
from assistant.ui.progress import TICK, stages_html, with_ticks
from assistant.ui.qa_tab import STEPS, render_answer


def _slow():
    yield "a"
    time.sleep(0.35)
    yield "b"


def test_ticks_fill_the_waits_and_items_keep_their_order():
    items = list(with_ticks(_slow, every=0.1))
    assert [i for i in items if i is not TICK] == ["a", "b"]
    assert items.count(TICK) >= 2


def test_a_failure_in_the_stream_reaches_the_handler():
    def broken():
        yield 1
        raise RuntimeError("model missing")

    with pytest.raises(RuntimeError, match="model missing"):
        list(with_ticks(broken, every=0.1))


def test_the_stage_bar_marks_done_current_and_coming_stages():
    page = stages_html(STEPS, "selecting", "正在选取原文……", 3.25)
    assert '<span class="step done">检索</span>' in page
    assert '<span class="step now">选取原文</span>' in page and '<span class="step todo">生成</span>' in page
    assert "（已用时 3.2 秒）" in page or "（已用时 3.3 秒）" in page


def test_a_refusal_names_the_closest_passages_once():
    passages = [Passage(n=i, text=f"第{i}段原文。", title=f"文件{i}", section="一、", source=f"s{i}.txt",
                        chunk_id=f"abcdef0123456789-000{i}-aaaaaaaa", doc_id="abcdef0123456789") for i in (1, 2, 3)]
    answer = QAAnswer(question="问", resolved_question="问", grounded=False, passages=passages, seconds=1.0,
                      answer="未能在知识库中找到能回答“问”的内容（原因）。\n最接近的条文（仅供参考，并未回答该问题）："
                             + "；".join(p.label for p in passages))
    page = render_answer(answer)
    for p in passages:
        assert page.count(p.label) == 1
    assert page.count("在全文中查看") == 3 and "用时 1.0 秒" in page
