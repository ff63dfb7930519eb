"""Chat-model backends, chosen by ``settings.llm.backend``.

* ``local``  — the assembled GGUF run in-process by llama-cpp-python, wrapped as a
  LangChain chat model (``LlamaCppChatModel``). The ``llama_cpp.Llama`` object is
  loaded on first use and cached per process: loading costs seconds and ~1 GB.
* ``openai`` — any OpenAI-compatible server through ``langchain_openai.ChatOpenAI``.
* ``none``   — no model (``build_chat_model`` returns None); the Q&A service then
  answers with the retrieved passages themselves.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

if TYPE_CHECKING:
    from assistant.settings import Settings

BACKEND_LABELS = {
    "local": "本地模型 / local llama.cpp",
    "openai": "OpenAI 兼容服务 / OpenAI-compatible server",
    "none": "未启用大模型（仅检索） / no LLM (retrieval only)",
}


class ModelNotAvailableError(RuntimeError):
    """The local model cannot be loaded; the message is Chinese + English."""


_LLAMA_CACHE: dict[tuple[str, int, int], Any] = {}
_LLAMA_LOCK = threading.Lock()


def load_llama(model_path: Path, n_threads: int, n_ctx: int) -> Any:
    """The process-wide ``llama_cpp.Llama`` for this file and configuration."""
    key = (str(model_path), n_threads, n_ctx)
    with _LLAMA_LOCK:
        if key not in _LLAMA_CACHE:
            if not Path(model_path).is_file():
                raise ModelNotAvailableError(
                    f"本地模型文件不存在：{model_path}；请先运行 python -m assistant.llm.assemble / "
                    f"local model not found at {model_path}; run `python -m assistant.llm.assemble` first"
                )
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelNotAvailableError(
                    "未安装 llama-cpp-python（pip install llama-cpp-python==0.3.36） / "
                    "llama-cpp-python is not installed"
                ) from exc
            _LLAMA_CACHE[key] = Llama(
                model_path=str(model_path),
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_ctx=n_ctx,
                verbose=False,
            )
        return _LLAMA_CACHE[key]


_ROLE_BY_TYPE = {"system": "system", "human": "user", "ai": "assistant"}


def to_openai_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    out = []
    for message in messages:
        role = _ROLE_BY_TYPE.get(message.type)
        if role is None:
            raise ValueError(f"unsupported message type for the local model: {message.type}")
        out.append({"role": role, "content": message.text})
    return out


class LlamaCppChatModel(BaseChatModel):
    """LangChain chat model over ``llama_cpp.Llama.create_chat_completion`` (streams tokens)."""

    model_path: Path
    n_threads: int = 2
    n_ctx: int = 4096
    max_tokens: int = 384
    temperature: float = 0.1

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx, "max_tokens": self.max_tokens}

    @property
    def client(self) -> Any:
        return load_llama(self.model_path, self.n_threads, self.n_ctx)

    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "stop": stop or None,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = self.client.create_chat_completion(
            messages=to_openai_messages(messages), **self._params(stop, kwargs)
        )
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"finish_reason": choice.get("finish_reason"), "model": self._llm_type},
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        stream = self.client.create_chat_completion(
            messages=to_openai_messages(messages), stream=True, **self._params(stop, kwargs)
        )
        for part in stream:
            choice = part["choices"][0]
            text = choice.get("delta", {}).get("content") or ""
            finish = choice.get("finish_reason")
            if not text and not finish:
                continue
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(
                    content=text, response_metadata={"finish_reason": finish} if finish else {}
                )
            )
            if run_manager and text:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def count_prompt_tokens(self, messages: list[BaseMessage]) -> int:
        """Exact prompt length in model tokens (content only; the chat template adds ~10 per message)."""
        llama = self.client
        return sum(
            len(llama.tokenize(m["content"].encode("utf-8"), add_bos=False, special=False)) + 5
            for m in to_openai_messages(messages)
        )


def build_chat_model(settings: "Settings") -> BaseChatModel | None:
    """The chat model for the configured backend; None for backend 'none'."""
    llm = settings.llm
    if llm.backend == "none":
        return None
    if llm.backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            timeout=llm.timeout_s,
            max_retries=1,
        )
    if llm.backend == "local":
        return LlamaCppChatModel(
            model_path=settings.gguf_path,
            n_threads=llm.n_threads,
            n_ctx=llm.n_ctx,
            max_tokens=llm.max_tokens,
            temperature=llm.temperature,
        )
    raise ValueError(f"未知的大模型后端：{llm.backend} / unknown LLM backend: {llm.backend}")


# Strings that a chat template treats as control tokens: removed from retrieved
# text so a document can never open or close a message of its own.
_CONTROL_TOKEN_RE = re.compile(r"<\|[a-zA-Z_]+\|>|<\/?s>|\[/?INST\]")


def strip_control_tokens(text: str) -> str:
    return _CONTROL_TOKEN_RE.sub("", text)
