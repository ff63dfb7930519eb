"""A tiny OpenAI-compatible chat server for tests: ``POST /v1/chat/completions``,
plain JSON or streamed as server-sent events, the way vLLM, Ollama and the
llama.cpp server answer.

Replies are deterministic:
* ``--reply TEXT``      replay TEXT for every request;
* ``--echo-passage``    answer with the first sentence of context passage [1]
                        followed by the marker [1] (a well-behaved RAG model).

Run as a script (``python tests/llm/fake_openai_server.py --port N``) or use
``FakeOpenAIServer`` in-process. Requests are recorded for assertions.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def echo_first_passage(messages: list[dict]) -> str:
    """The first sentence of passage [1] in the last user message, cited as [1]."""
    user = messages[-1]["content"]
    m = re.search(r"^\[1\](?:（[^）\n]*）)?(.+)$", user, re.MULTILINE)
    if not m:
        return "现有资料中没有找到相关内容。"
    text = re.sub(r"[*#\s]", "", m.group(1))
    sentence = re.split(r"(?<=[。；])", text)[0]
    if len(sentence) < 6 and len(re.split(r"(?<=[。；])", text)) > 1:
        sentence += re.split(r"(?<=[。；])", text)[1]
    return sentence.rstrip("。；") + "[1]。"


class _Handler(BaseHTTPRequestHandler):
    server: "FakeOpenAIServer._Server"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self._json({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self.send_error(404)

    def do_POST(self):
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append({"body": body, "headers": {k.lower(): v for k, v in self.headers.items()}})
        messages = body.get("messages", [])
        text = self.server.reply(messages)
        model = body.get("model", "fake-model")
        if body.get("stream"):
            self._stream(text, model, include_usage=bool((body.get("stream_options") or {}).get("include_usage")))
        else:
            self._json({
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": len(text), "total_tokens": 10 + len(text)},
            })

    def _json(self, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, text: str, model: str, include_usage: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

        def send(payload: dict | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        send({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
        step = self.server.chunk_chars
        for i in range(0, len(text), step):
            send({**base, "choices": [{"index": 0, "delta": {"content": text[i:i + step]}, "finish_reason": None}]})
            if self.server.delay_s:
                time.sleep(self.server.delay_s)
        send({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if include_usage:
            send({**base, "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": len(text), "total_tokens": 10 + len(text)}})
        send("[DONE]")


class FakeOpenAIServer:
    """``with FakeOpenAIServer(reply=...) as server: server.base_url``"""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True

    def __init__(self, reply=None, port: int = 0, chunk_chars: int = 2, delay_s: float = 0.0):
        self.httpd = self._Server(("127.0.0.1", port), _Handler)
        self.httpd.reply = reply if callable(reply) else (lambda messages, text=reply: text)
        self.httpd.requests = []
        self.httpd.chunk_chars = chunk_chars
        self.httpd.delay_s = delay_s
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def requests(self) -> list[dict]:
        return self.httpd.requests

    def __enter__(self) -> "FakeOpenAIServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--reply")
    group.add_argument("--echo-passage", action="store_true")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds between streamed chunks")
    args = parser.parse_args()
    server = FakeOpenAIServer(reply=echo_first_passage if args.echo_passage else args.reply, port=args.port, delay_s=args.delay)
    print(f"serving on {server.base_url}", flush=True)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
