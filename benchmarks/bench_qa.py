"""Q&A benchmark with the local model: model load time; per answer the retrieval time, when
the evidence (the first visible text) is ready after retrieval, time to the lead's first
token, when the lead is done, and prompt tokens, on ``settings.llm.n_threads`` threads (2 by
default: the target machine has two cores). Query embeddings are computed anew (not the
eval's cache), as a user's question runs.

    python benchmarks/bench_qa.py [--questions 4] [--threads 2] [--json OUT]

Uses the eval knowledge base (``eval.kb_builder``; corpus/ + the shared
regulations) and the first answerable questions of eval/data/qa.yaml. The
first question also pays for the shared system prompt, which llama.cpp then
keeps in its KV cache; it is reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.settings import load_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=4)
    parser.add_argument("--threads", type=int, help="override settings.llm.n_threads")
    parser.add_argument("--max-tokens", type=int, help="override settings.llm.max_tokens")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from assistant.llm.backends import build_chat_model
    from assistant.qa.service import QAService
    from eval.kb_builder import build_eval_kb
    from eval.qa import load_items

    base = load_settings()
    overrides = {"backend": "local"}
    if args.threads:
        overrides["n_threads"] = args.threads
    if args.max_tokens:
        overrides["max_tokens"] = args.max_tokens
    settings = base.model_copy(update={"llm": base.llm.model_copy(update=overrides)})
    if not settings.gguf_path.is_file():
        print(f"本地模型不存在：{settings.gguf_path}（先运行 python -m assistant.llm.assemble） / model missing", file=sys.stderr)
        return 1
    kb = build_eval_kb(settings, n_distractors=0, log=lambda m: print(m, file=sys.stderr))
    kb.services.store.embeddings = kb.services.embeddings.inner  # uncached queries, as in the product
    llm = build_chat_model(settings)
    started = time.perf_counter()
    llm.client  # load the GGUF once, as the product does on first use
    load_s = time.perf_counter() - started
    service = QAService(settings=settings, retriever=kb.retriever, llm=llm)

    items = [i for i in load_items() if i.kind == "fact"][: args.questions]
    rows = []
    for item in items:
        answer = service.ask(item.question)
        rows.append({
            "id": item.id,
            "retrieval_s": round(answer.retrieval_seconds or 0.0, 2),
            "evidence_after_retrieval_s": round((answer.evidence_seconds or 0.0) - (answer.retrieval_seconds or 0.0), 2),
            "lead_generated": answer.lead_generated,
            "first_token_s": round(answer.first_token_seconds or 0.0, 2),
            "total_s": round(answer.seconds, 2),
            "prompt_tokens": answer.prompt_tokens,
            "answer_chars": len(answer.raw_answer),
            "grounded": answer.grounded,
        })
        print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    warm = rows[1:] or rows
    report = {
        "machine": {"cpus_visible": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2), "python": platform.python_version()},
        "threads": settings.llm.n_threads,
        "max_tokens": settings.llm.max_tokens,
        "context_passages": settings.llm.context_passages,
        "model_load_s": round(load_s, 2),
        "first_question": rows[0] if rows else None,
        "retrieval_s_median": statistics.median(r["retrieval_s"] for r in warm) if warm else None,
        "evidence_after_retrieval_s_median": statistics.median(r["evidence_after_retrieval_s"] for r in warm) if warm else None,
        "first_token_s_median": statistics.median(r["first_token_s"] for r in warm) if warm else None,
        "total_s_median": statistics.median(r["total_s"] for r in warm) if warm else None,
        "prompt_tokens_median": statistics.median(r["prompt_tokens"] for r in rows) if rows else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": rows,
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
