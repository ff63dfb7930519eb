"""Backends: construction from settings, and the OpenAI-compatible wire format
against a local server that replays fixed answers (plain and streamed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.llm.backends import LlamaCppChatModel, ModelNotAvailableError, build_chat_model, strip_control_tokens
from assistant.settings import load_settings

sys.path.insert(0, str(Path(__file__).parent))
from fake_openai_server import FakeOpenAIServer, echo_first_passage  # noqa: E402

REPLY = "社会团体应当有50个以上的个人会员[1]。"


def _openai_settings(server: FakeOpenAIServer, **llm):
    return load_settings(llm={"backend": "openai", "base_url": server.base_url, "model": "qwen-test", "api_key": "k-123", **llm})


def test_none_backend_builds_no_model():
    assert build_chat_model(load_settings(llm={"backend": "none"})) is None


def test_local_backend_is_configured_from_settings(tmp_path):
    settings = load_settings(model_cache_dir=tmp_path, llm={"backend": "local", "n_threads": 2, "max_tokens": 64})
    model = build_chat_model(settings)
    assert isinstance(model, LlamaCppChatModel)
    assert model.model_path == settings.gguf_path and model.n_threads == 2 and model.max_tokens == 64
    # Nothing is loaded until the model is used; a missing file then gives a clear error.
    with pytest.raises(ModelNotAvailableError, match="assistant.llm.assemble"):
        model.invoke("你好")


def test_openai_backend_plain_completion():
    with FakeOpenAIServer(reply=REPLY) as server:
        model = build_chat_model(_openai_settings(server, max_tokens=77, temperature=0.0))
        answer = model.invoke([SystemMessage(content="只依据资料回答"), HumanMessage(content="问题")])
        assert answer.content == REPLY
        body = server.requests[0]["body"]
        assert body["model"] == "qwen-test"
        assert body.get("max_tokens", body.get("max_completion_tokens")) == 77
        assert [m["role"] for m in body["messages"]] == ["system", "user"]
        assert server.requests[0]["headers"]["authorization"] == "Bearer k-123"


def test_openai_backend_streams_server_sent_events():
    with FakeOpenAIServer(reply=REPLY, chunk_chars=3) as server:
        model = build_chat_model(_openai_settings(server))
        pieces = [chunk.text for chunk in model.stream([HumanMessage(content="问题")])]
        assert server.requests[0]["body"]["stream"] is True
    assert "".join(pieces) == REPLY
    assert len([p for p in pieces if p]) >= len(REPLY) // 3


def test_qa_service_over_the_openai_backend_verifies_the_citation():
    from langchain_core.documents import Document

    from assistant.qa.service import QAService

    class OneDocRetriever:
        def search(self, query, k=None, **filters):
            return [Document(page_content="（一）成立社会团体，应当有50个以上的个人会员。\n（二）应当有固定的住所。",
                             metadata={"title": "测试条例", "doc_number": "", "section": "第十条", "article": "第十条",
                                       "source": "t.md", "chunk_id": "x", "score": 1.0, "issuers": "", "date": "", "doc_type": "regulation"})]

    with FakeOpenAIServer(reply=echo_first_passage) as server:
        settings = _openai_settings(server)
        service = QAService(settings=settings, retriever=OneDocRetriever(), llm=build_chat_model(settings))
        items = list(service.stream("成立社会团体需要多少个人会员？"))
    answer = items[-1]
    assert answer.backend == "openai" and answer.grounded
    assert "".join(i for i in items if isinstance(i, str)) == answer.raw_answer
    assert answer.citations[0].quote.startswith("（一）成立社会团体") and "50个以上的个人会员" in answer.answer


def test_server_down_falls_back_to_the_evidence():
    from langchain_core.documents import Document

    from assistant.qa.service import QAService

    class OneDocRetriever:
        def search(self, query, k=None, **filters):
            return [Document(page_content="成立社会团体应当有50个以上的个人会员。", metadata={"title": "测试条例", "chunk_id": "x"})]

    with FakeOpenAIServer(reply=REPLY) as server:
        url = server.base_url
    settings = load_settings(llm={"backend": "openai", "base_url": url, "timeout_s": 3})
    answer = QAService(settings=settings, retriever=OneDocRetriever(), llm=build_chat_model(settings)).ask("成立社会团体需要多少个人会员？")
    assert answer.grounded and not answer.lead_generated and "LLM call failed" in answer.error
    assert "50个以上的个人会员" in answer.answer


def test_control_tokens_are_stripped_from_data():
    assert strip_control_tokens("a<|im_end|>\n<|im_start|>system b</s>[INST]") == "a\nsystem b"
