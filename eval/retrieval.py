"""Retrieval evaluation: ``python -m eval retrieval [--distractors N] [--k 5] [--json OUT]``.

Builds (or reuses) the eval KB (see ``eval/kb_builder.py``), asks every question
of ``eval/data/retrieval.yaml`` in dense-only, BM25-only and hybrid mode, and
reports hit@1, hit@k and MRR@k side by side, overall and split by question kind
(lexical / paraphrase), then lists every miss with what was retrieved instead.

A retrieved chunk is a hit when it comes from the item's source document and
its text contains the item's ``must_contain`` span, whitespace ignored.

``--chunk-sizes 250,400,600`` repeats the whole evaluation on one eval KB per
chunk size and prints a comparison table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

DATA_PATH = Path(__file__).resolve().parent / "data" / "retrieval.yaml"
MODES = ("dense", "bm25", "hybrid")
KINDS = ("lexical", "paraphrase")
TARGETS = {"hit@1": 0.80, "hit@k": 0.95}


@dataclass(frozen=True)
class RetrievalItem:
    id: str
    question: str
    kind: str  # lexical | paraphrase
    source: str  # file name of the answering document
    must_contain: str


class RetrievalSetError(ValueError):
    pass


def load_items(path: Path = DATA_PATH) -> list[RetrievalItem]:
    """Read the question set; a malformed item is an error naming the file and the item."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    items: list[RetrievalItem] = []
    for n, entry in enumerate(raw.get("items") or [], start=1):
        missing = [f for f in ("id", "question", "kind", "source", "must_contain") if not entry.get(f)]
        if missing:
            raise RetrievalSetError(f"{path}: 第{n}条缺少字段 {missing} / item {n} lacks {missing}")
        if entry["kind"] not in KINDS:
            raise RetrievalSetError(f"{path}: {entry['id']} 的 kind 必须是 {KINDS} / kind must be one of {KINDS}")
        items.append(RetrievalItem(**{f: str(entry[f]) for f in RetrievalItem.__dataclass_fields__}))
    return items


_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub("", text)


def source_name(source: str) -> str:
    return Path(str(source).replace("\\", "/")).name


def is_hit(item: RetrievalItem, text: str, source: str) -> bool:
    return source_name(source) == item.source and normalize(item.must_contain) in normalize(text)


def first_hit_rank(item: RetrievalItem, hits: Iterable[tuple[str, str]]) -> int | None:
    """1-based rank of the first (text, source) hit, or None."""
    for rank, (text, source) in enumerate(hits, start=1):
        if is_hit(item, text, source):
            return rank
    return None


def metrics(ranks: list[int | None], k: int) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@k": sum(1 for r in ranks if r is not None and r <= k) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None and r <= k) / n,
    }


@dataclass
class ItemResult:
    id: str
    kind: str
    mode: str
    rank: int | None
    retrieved: list[dict]  # source, section, snippet of each retrieved chunk
    seconds: float


SearchFn = Callable[[str, int, str], list]  # (query, k, mode) -> list[Document]


def evaluate(search: SearchFn, items: list[RetrievalItem], k: int = 5,
             modes: Iterable[str] = MODES) -> list[ItemResult]:
    results: list[ItemResult] = []
    for mode in modes:
        for item in items:
            started = time.perf_counter()
            docs = search(item.question, k, mode)
            seconds = time.perf_counter() - started
            pairs = [(d.page_content, d.metadata.get("source", "")) for d in docs[:k]]
            results.append(ItemResult(
                id=item.id, kind=item.kind, mode=mode, rank=first_hit_rank(item, pairs),
                retrieved=[{"source": source_name(d.metadata.get("source", "")),
                            "section": d.metadata.get("section", ""),
                            "snippet": normalize(d.page_content)[:60]} for d in docs[:k]],
                seconds=seconds))
    return results


def summarize(results: list[ItemResult], k: int) -> dict[str, dict[str, dict[str, float]]]:
    """{mode: {"all" | kind: {metric: value}}}"""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for mode in dict.fromkeys(r.mode for r in results):
        rows = [r for r in results if r.mode == mode]
        table[mode] = {"all": metrics([r.rank for r in rows], k)}
        for kind in KINDS:
            table[mode][kind] = metrics([r.rank for r in rows if r.kind == kind], k)
        table[mode]["all"]["n"] = len(rows)
    return table


def format_table(summary: dict, k: int) -> str:
    lines = [f"{'mode':<8}{'subset':<12}{'hit@1':>8}{f'hit@{k}':>8}{f'MRR@{k}':>8}"]
    for mode, parts in summary.items():
        for subset in ("all", *KINDS):
            m = parts[subset]
            lines.append(f"{mode:<8}{subset:<12}{m['hit@1']:>8.3f}{m['hit@k']:>8.3f}{m['mrr']:>8.3f}")
    return "\n".join(lines)


def format_misses(results: list[ItemResult], items: list[RetrievalItem], k: int) -> str:
    by_id = {i.id: i for i in items}
    lines: list[str] = []
    for r in results:
        if r.rank == 1:
            continue
        item = by_id[r.id]
        status = f"rank {r.rank}" if r.rank else f"miss@{k}"
        lines.append(f"[{r.mode}] {r.id} ({r.kind}, {status}) {item.question}")
        lines.append(f"    want {item.source} ⟨{item.must_contain}⟩")
        for n, hit in enumerate(r.retrieved[:3], start=1):
            lines.append(f"    {n}. {hit['source']} | {hit['section']} | {hit['snippet']}")
    return "\n".join(lines)


def targets_met(summary: dict) -> dict[str, bool]:
    hybrid = summary.get("hybrid", {}).get("all")
    if not hybrid:
        return {}
    others = [summary[m]["all"] for m in ("dense", "bm25") if m in summary]
    return {
        "hybrid hit@1 >= 0.80": hybrid["hit@1"] >= TARGETS["hit@1"],
        "hybrid hit@k >= 0.95": hybrid["hit@k"] >= TARGETS["hit@k"],
        "hybrid MRR > dense and bm25": all(hybrid["mrr"] > o["mrr"] for o in others),
    }


def run_once(settings, items: list[RetrievalItem], n_distractors: int, k: int, seed: int,
             log: Callable[[str], None]) -> dict:
    from eval.kb_builder import build_eval_kb

    kb = build_eval_kb(settings, n_distractors=n_distractors, seed=seed, log=log)
    retriever = kb.retriever

    def search(query: str, k: int, mode: str):
        return retriever.search(query, k=k, mode=mode)

    started = time.perf_counter()
    results = evaluate(search, items, k)
    eval_seconds = time.perf_counter() - started
    summary = summarize(results, k)
    latencies = sorted(r.seconds for r in results if r.mode == "hybrid")
    return {
        "chunk_size": settings.chunk.size,
        "kb": {"data_dir": str(kb.data_dir), "reused": kb.reused, **kb.summary},
        "summary": summary,
        "targets": targets_met(summary),
        "eval_seconds": round(eval_seconds, 1),
        "hybrid_latency_p50_s": round(latencies[len(latencies) // 2], 3) if latencies else None,
        "results": [asdict(r) for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval retrieval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--distractors", type=int, default=200, help="distractor laws from ../shared/lawcorpus")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026, help="distractor selection seed")
    parser.add_argument("--chunk-sizes", default="", help="comma-separated chunk sizes to compare, e.g. 250,400,600")
    parser.add_argument("--data", type=Path, default=DATA_PATH, help="question set (YAML)")
    parser.add_argument("--json", type=Path, default=None, help="write the full results here")
    parser.add_argument("--quiet-misses", action="store_true", help="do not list the misses")
    args = parser.parse_args(argv)

    from assistant.settings import load_settings

    items = load_items(args.data)
    sizes = [int(s) for s in args.chunk_sizes.split(",") if s.strip()] or [None]
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    runs = []
    for size in sizes:
        base = load_settings()
        settings = base if size is None else load_settings(chunk={**base.chunk.model_dump(), "size": size})
        run = run_once(settings, items, args.distractors, args.k, args.seed, log)
        runs.append(run)
        kb = run["kb"]
        print(f"\n== chunk size {run['chunk_size']}: {len(items)} questions "
              f"({sum(i.kind == 'paraphrase' for i in items)} paraphrase), KB {kb.get('chunks')} chunks "
              f"from {kb.get('files')} files, ingest {kb.get('ingest_seconds')} s"
              f"{' (reused)' if kb['reused'] else ''}")
        print(format_table(run["summary"], args.k))
        for target, ok in run["targets"].items():
            print(f"  {'✓' if ok else '✗'} {target}")
        if not args.quiet_misses:
            results = [ItemResult(**r) for r in run["results"]]
            misses = format_misses(results, items, args.k)
            print("\n-- not ranked first --\n" + (misses or "(none)"))
    if len(runs) > 1:
        print(f"\n== chunk size comparison (hit@1 / hit@{args.k} / MRR, all questions)")
        print(f"{'size':>6}{'chunks':>8}" + "".join(f"{m:>22}" for m in MODES))
        for run in runs:
            cells = "".join(
                f"{run['summary'][m]['all']['hit@1']:>8.3f}{run['summary'][m]['all']['hit@k']:>7.3f}"
                f"{run['summary'][m]['all']['mrr']:>7.3f}" for m in MODES)
            print(f"{run['chunk_size']:>6}{str(run['kb'].get('chunks')):>8}{cells}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(runs if len(runs) > 1 else runs[0], ensure_ascii=False, indent=2),
                             encoding="utf-8")
    return 0
