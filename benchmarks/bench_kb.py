"""Knowledge-base benchmark: ingest throughput, share of time in embedding, peak RSS,
and hybrid search latency (p50/p95) at the eval KB's size.

    python benchmarks/bench_kb.py [--distractors 30] [--queries 106] [--json OUT]

1. Ingest: a fresh index (no embedding cache: the real model's throughput) of corpus/ +
   ../shared/regulations + N distractor laws, in benchmarks/out/kb.
2. Search: every question of eval/data/retrieval.yaml against the eval KB (corpus +
   regulations + 200 distractors, ~6,000 chunks; built or reused by eval/kb_builder.py),
   with uncached query embeddings, i.e. as a user's query runs.
Speed targets live here, never in unit tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.services import Services  # noqa: E402
from assistant.settings import PROJECT_ROOT, load_settings  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ingest(settings, paths) -> dict:
    """A fresh index of ``paths`` with the real model (no embedding cache)."""
    services = Services(settings)
    t0 = time.perf_counter()
    report = services.ingest.run(paths)
    ingest_s = time.perf_counter() - t0
    return {
        "documents": len(report.added),
        "failed": len(report.failed),
        "chunks": report.chunks_written,
        "ingest_seconds": round(ingest_s, 1),
        "chunks_per_second": round(report.chunks_written / ingest_s, 2),
        "embedding_share": round(report.embed_seconds / ingest_s, 3),
        "peak_rss_mb_ingest": round(peak_rss_mb(), 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distractors", type=int, default=30)
    parser.add_argument("--queries", type=int, default=106)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--search-only", action="store_true", help="skip the fresh-index ingest (search latency only)")
    args = parser.parse_args(argv)

    from eval.kb_builder import select_distractors

    settings = load_settings(data_dir=PROJECT_ROOT / "benchmarks" / "out" / "kb")
    if settings.data_dir.exists():
        shutil.rmtree(settings.data_dir)
    shared = settings.shared_dir
    if not (shared / "regulations").is_dir():
        print(f"../shared not found at {shared}: the benchmark needs the regulations and lawcorpus", file=sys.stderr)
        return 2
    paths = [settings.corpus_dir, shared / "regulations", *select_distractors(shared, args.distractors)]

    result = {"machine": f"{platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores",
              "embedder": settings.embedding.backend}
    if not args.search_only:
        result.update(bench_ingest(settings, paths))

    import yaml

    from eval.kb_builder import build_eval_kb

    questions = [q["question"] for q in yaml.safe_load((PROJECT_ROOT / "eval" / "data" / "retrieval.yaml")
                                                       .read_text(encoding="utf-8"))["items"]][: args.queries]
    eval_kb = build_eval_kb(load_settings(), log=lambda message: None)
    services = Services(eval_kb.services.settings)  # plain embeddings: query vectors are computed, not cached
    search_chunks = services.store.count()
    services.retriever.search("预热 warm-up", k=5)
    latencies = []
    for q in questions:
        t = time.perf_counter()
        services.retriever.search(q, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    result.update({
        "peak_rss_mb_total": round(peak_rss_mb(), 1),
        "search_kb_chunks": search_chunks,
        "search_queries": len(latencies),
        "search_p50_ms": round(statistics.median(latencies), 1),
        "search_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    })
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
