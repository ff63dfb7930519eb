"""`python -m assistant ask`: the command prints the service's answer (JSON or text)."""

from __future__ import annotations

import argparse
import json
from types import SimpleNamespace

from assistant.commands import ask
from assistant.qa.service import QAService
from assistant.settings import load_settings

from qa_fakes import ScriptedChatModel  # type: ignore[import-not-found]


def _run(retriever, argv, capsys, reply="社会团体应当有50个以上的个人会员[1]。"):
    parser = argparse.ArgumentParser()
    ask.add_arguments(parser)
    args = parser.parse_args(argv)
    settings = load_settings(llm={"backend": "local"})
    services = SimpleNamespace(qa=QAService(settings, retriever, ScriptedChatModel(reply=reply, seen=[])))
    assert ask.run(args, services) == 0
    return capsys.readouterr()


def test_ask_json_prints_the_documented_object(retriever, capsys):
    out = _run(retriever, ["成立社会团体需要多少个人会员？", "--json"], capsys).out
    data = json.loads(out)
    assert data["grounded"] is True and data["backend"] == "local"
    assert "50个以上的个人会员[1]" in data["answer"]
    cite = data["citations"][0]
    assert cite["n"] == 1 and cite["title"] == "社会团体登记管理条例" and cite["section"].endswith("第十条")
    assert "50个以上" in cite["quote"] and cite["source"]
    assert isinstance(data["seconds"], float)


def test_ask_text_streams_draft_to_stderr_and_prints_verified_answer(retriever, capsys):
    captured = _run(retriever, ["成立社会团体需要多少个人会员？"], capsys)
    assert "社会团体应当有50个以上的个人会员[1]。" in captured.err  # the streamed draft
    assert captured.out.startswith("社会团体应当有50个以上的个人会员[1]。")
    assert "《社会团体登记管理条例》" in captured.out and "(local," in captured.out


def test_follow_up_via_history_flag(retriever, capsys):
    out = _run(retriever, ["那长宁区呢？", "--history", "2026年上海市对社会组织党建有什么要求？", "--json"], capsys,
               reply="配合区委社会工作部提升社会组织党的组织覆盖质量[1]。").out
    assert retriever.queries[-1] == "2026年长宁区对社会组织党建有什么要求？"
    data = json.loads(out)
    assert data["grounded"] and data["citations"][0]["title"] == "2026年长宁区社会组织工作要点"
