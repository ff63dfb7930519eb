"""Q&A evaluation: ``python -m eval qa [--backend local|none|both]``.

Runs every question of ``eval/data/qa.yaml`` through the product's
``QAService`` over the eval knowledge base (corpus/ + the shared regulations,
built by ``eval.kb_builder``), and reports per backend:

* answer accuracy   — answerable questions whose answer contains every required fact
                      (and is not a refusal);
* refusal accuracy  — unanswerable questions answered with a refusal;
* citation validity — shown citations that re-verify independently here: the quote
                      is verbatim in the cited passage, the [n] marker is in the answer,
                      and every number of the citing sentence occurs in the passage;
* how many of the model's own markers survived verification, time per answer,
  time to first token and prompt tokens.

Per-question results are appended to ``eval/out/qa-<backend>.jsonl``; ``--resume``
skips questions already there (a local run on two shared cores takes a while).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.settings import PROJECT_ROOT, load_settings

DATA_PATH = PROJECT_ROOT / "eval" / "data" / "qa.yaml"
# Written blind by a separate pass (never run against the chain while writing, never tuned on).
HELDOUT_PATH = PROJECT_ROOT / "eval" / "data" / "qa-heldout.yaml"
OUT_DIR = PROJECT_ROOT / "eval" / "out"

TARGETS = {"answer_accuracy": 0.92, "confidently_wrong": 0, "refusal_accuracy": 1.0, "citation_validity": 1.0}


@dataclass
class QAItem:
    id: str
    question: str
    kind: str = "fact"
    history: list[str] = field(default_factory=list)
    facts: list[list[str]] = field(default_factory=list)  # each entry: alternatives
    source: str = ""
    type: str = ""  # the question's shape (how_many, edition, when, who, list …), where the set gives it
    wrong: list[str] = field(default_factory=list)  # values that, stated by the answer's lead, make it wrong
    paraphrase: bool = False

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def load_span_items(path: Path) -> list[QAItem]:
    """A retrieval question set read as Q&A items: each question is answerable, and its
    answer must quote the item's ``must_contain`` span from its ``source`` document.

    The retrieval tuning set (106 questions, half of them in everyday words) is the Q&A
    chain's development set for paraphrased questions; the held-out sets stay unseen.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [QAItem(id=e["id"], question=e["question"], kind="fact", facts=[[str(e["must_contain"])]],
                   source=str(e["source"]), paraphrase=e.get("kind") == "paraphrase")
            for e in raw.get("items", [])]


def load_items(path: Path = DATA_PATH) -> list[QAItem]:
    """Read a question set; a missing field or fact list is an error naming the file and item."""
    if "retrieval" in path.name:
        return load_span_items(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SystemExit(f"无法读取评测集 {path}：{exc} / cannot read the eval set {path}: {exc}")
    items = []
    for entry in raw.get("items", []):
        facts = [[str(a) for a in f] if isinstance(f, list) else [str(f)] for f in entry.get("facts") or []]
        item = QAItem(id=entry["id"], question=entry["question"], kind=entry.get("kind", "fact"),
                      history=list(entry.get("history") or []), facts=facts, source=entry.get("source", ""),
                      type=entry.get("type", ""), wrong=[str(w) for w in entry.get("wrong") or []],
                      paraphrase=bool(entry.get("paraphrase")))
        if item.answerable and not item.facts:
            raise SystemExit(f"{path}: 条目 {item.id} 缺少 facts / item {item.id} has no facts")
        items.append(item)
    return items


def _norm(text: str) -> str:
    from assistant.qa.text import normalize

    return normalize(text).replace("％", "%").replace("—", "-").replace("－", "-")


def facts_present(item: QAItem, answer_text: str) -> list[bool]:
    text = _norm(answer_text)
    return [any(_norm(alt) in text for alt in alternatives) for alternatives in item.facts]


def citation_checks(answer) -> list[bool]:
    """Re-verify each shown citation without trusting the chain's own bookkeeping."""
    from assistant.qa.text import numbers

    checks = []
    for c in answer.citations:
        ok = bool(c.quote) and _norm(c.quote) in _norm(c.passage.text)
        if answer.backend != "none":
            ok = ok and f"[{c.n}]" in answer.answer
            evidence = _norm(c.passage.evidence)
            ok = ok and all(num in evidence for num in numbers(c.answer_sentence))
        checks.append(ok)
    return checks


def evaluate_item(service, item: QAItem) -> dict:
    answer = service.ask(item.question, history=item.history)
    present = facts_present(item, answer.answer) if item.answerable else []
    cites = citation_checks(answer)
    source_hit = None
    if item.source and answer.citations:
        source_hit = any(item.source in (c.passage.title + c.passage.source) for c in answer.citations)
    lead = getattr(answer, "lead", "") if getattr(answer, "lead_generated", False) else ""
    states_wrong = [w for w in item.wrong if _norm(w) in _norm(lead) and not any(
        _norm(alt) in _norm(lead) for f in item.facts for alt in f if _norm(w) in _norm(alt))]
    if item.answerable:
        correct = answer.grounded and all(present) and not states_wrong
    else:
        correct = not answer.grounded
    # Confidently wrong: an answer given (not a refusal) that is not the right one. Worse than
    # a refusal, and counted apart from it.
    wrong = answer.grounded and not correct
    return {
        "id": item.id,
        "kind": item.kind,
        "type": item.type,
        "paraphrase": item.paraphrase,
        "wrong": wrong,
        "states_wrong_value": states_wrong,
        "lead_generated": getattr(answer, "lead_generated", None),
        "lead_reason": getattr(answer, "lead_reason", ""),
        "question_shape": getattr(answer, "question_shape", ""),
        "evidence_seconds": round(answer.evidence_seconds, 2) if getattr(answer, "evidence_seconds", None) else None,
        "question": item.question,
        "resolved_question": answer.resolved_question,
        "correct": correct,
        "grounded": answer.grounded,
        "facts_present": present,
        "citations": len(cites),
        "citations_valid": sum(cites),
        "source_hit": source_hit,
        "markers_total": answer.markers_total,
        "markers_verified": answer.markers_verified,
        "removed": [r.to_json() for r in answer.removed],
        "refusal_reason": answer.refusal_reason,
        "relevance": round(answer.relevance, 3),
        "seconds": round(answer.seconds, 2),
        "first_token_seconds": round(answer.first_token_seconds, 2) if answer.first_token_seconds else None,
        "prompt_tokens": answer.prompt_tokens,
        "answer": answer.answer,
        "raw_answer": answer.raw_answer,
        "error": answer.error,
    }


def summarize(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    shown = sum(r["citations"] for r in rows)
    valid = sum(r["citations_valid"] for r in rows)
    markers = sum(r["markers_total"] for r in rows)
    seconds = [r["seconds"] for r in rows if r["kind"] != "unanswerable" or r["grounded"]]
    firsts = [r["first_token_seconds"] for r in rows if r["first_token_seconds"]]
    tokens = [r["prompt_tokens"] for r in rows if r["prompt_tokens"]]

    def share(part, whole):
        return round(part / whole, 3) if whole else None

    by_kind = {}
    for kind in ("fact", "followup", "compare"):
        group = [r for r in answerable if r["kind"] == kind]
        if group:
            by_kind[kind] = f"{sum(r['correct'] for r in group)}/{len(group)}"
    by_type = {}
    for shape in sorted({r.get("type") or "" for r in answerable} - {""}):
        group = [r for r in answerable if r.get("type") == shape]
        by_type[shape] = f"{sum(r['correct'] for r in group)}/{len(group)}"
    paraphrased = [r for r in answerable if r.get("paraphrase")]
    evidence_times = [r["evidence_seconds"] for r in rows if r.get("evidence_seconds")]
    generated = [r for r in rows if r.get("lead_generated") is not None and r["grounded"]]
    return {
        "questions": len(rows),
        "answer_accuracy": share(sum(r["correct"] for r in answerable), len(answerable)),
        "answered": f"{sum(r['correct'] for r in answerable)}/{len(answerable)}",
        "by_kind": by_kind,
        "by_type": by_type,
        "paraphrase": f"{sum(r['correct'] for r in paraphrased)}/{len(paraphrased)}" if paraphrased else None,
        "confidently_wrong": sum(1 for r in rows if r.get("wrong")),
        "wrong_ids": [r["id"] for r in rows if r.get("wrong")],
        "false_refusals": sum(1 for r in answerable if not r["grounded"]),
        "lead_generated_share": share(sum(1 for r in generated if r["lead_generated"]), len(generated)),
        "evidence_seconds_median": round(statistics.median(evidence_times), 2) if evidence_times else None,
        "refusal_accuracy": share(sum(r["correct"] for r in unanswerable), len(unanswerable)),
        "refused": f"{sum(r['correct'] for r in unanswerable)}/{len(unanswerable)}",
        "citation_validity": share(valid, shown),
        "citations_shown": shown,
        "source_hit_rate": share(sum(1 for r in rows if r["source_hit"]), sum(1 for r in rows if r["source_hit"] is not None)),
        "model_markers_verified": share(sum(r["markers_verified"] for r in rows), markers),
        "model_markers": markers,
        "seconds_median": round(statistics.median(seconds), 1) if seconds else None,
        "seconds_max": round(max(seconds), 1) if seconds else None,
        "first_token_median": round(statistics.median(firsts), 1) if firsts else None,
        "prompt_tokens_median": int(statistics.median(tokens)) if tokens else None,
    }


def format_summary(backend: str, s: dict) -> str:
    lines = [
        f"== backend {backend}: {s['questions']} questions ==",
        f"answer accuracy      {s['answer_accuracy']}  ({s['answered']}; by kind {s['by_kind']}; false refusals {s['false_refusals']})",
        f"confidently wrong    {s['confidently_wrong']}  {s['wrong_ids']}",
        f"by question type     {s['by_type']}; paraphrase {s['paraphrase']}",
        f"lead written by model {s['lead_generated_share']} (rest: the evidence with a template)",
        f"evidence ready       median {s['evidence_seconds_median']} s after the question",
        f"refusal accuracy     {s['refusal_accuracy']}  ({s['refused']})",
        f"citation validity    {s['citation_validity']}  ({s['citations_shown']} shown)",
        f"cited expected doc   {s['source_hit_rate']}",
        f"model markers kept   {s['model_markers_verified']}  (of {s['model_markers']})",
        f"seconds per answer   median {s['seconds_median']}, max {s['seconds_max']}; first token median {s['first_token_median']}",
        f"prompt tokens        median {s['prompt_tokens_median']}",
    ]
    return "\n".join(lines)


def run_backend(backend: str, retriever, items: list[QAItem], args, log, set_name: str = "qa") -> dict:
    from assistant.llm.backends import build_chat_model
    from assistant.qa.service import QAService

    overrides = {"backend": backend}
    if args.threads:
        overrides["n_threads"] = args.threads
    if args.max_tokens:
        overrides["max_tokens"] = args.max_tokens
    base = load_settings()
    settings = base.model_copy(update={"llm": base.llm.model_copy(update=overrides)})
    service = QAService(settings=settings, retriever=retriever, llm=build_chat_model(settings))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out_path = OUT_DIR / f"{set_name}-{backend}.jsonl"
    done: dict[str, dict] = {}
    if args.resume and out_path.is_file():
        for line in out_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                done[row["id"]] = row
    elif out_path.exists():
        out_path.unlink()
    rows = []
    with open(out_path, "a", encoding="utf-8") as out:
        for i, item in enumerate(items, 1):
            if item.id in done:
                rows.append(done[item.id])
                continue
            row = evaluate_item(service, item)
            rows.append(row)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            mark = "✓" if row["correct"] else "✗"
            log(f"  [{backend} {i}/{len(items)}] {mark} {item.id} ({row['seconds']}s) {row['answer'][:70]!r}")
    return {"summary": summarize(rows), "results": rows, "settings": settings.llm.model_dump(mode="json")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval qa", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["local", "none", "openai", "both"], default="both",
                        help="both = local and none")
    parser.add_argument("--distractors", type=int, default=0, help="distractor laws added to the eval KB")
    parser.add_argument("--ids", help="comma-separated item ids to run")
    parser.add_argument("--limit", type=int, help="run the first N items only")
    parser.add_argument("--threads", type=int, help="override settings.llm.n_threads")
    parser.add_argument("--max-tokens", type=int, help="override settings.llm.max_tokens")
    parser.add_argument("--resume", action="store_true", help="keep results already in eval/out/qa-<backend>.jsonl")
    parser.add_argument("--json", type=Path, help="write the full report here")
    parser.add_argument("--data", type=Path, action="append", default=None,
                        help="question set (YAML); repeatable. Default: eval/data/qa.yaml, then qa-heldout.yaml")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sets = []
    for path in args.data or [DATA_PATH, HELDOUT_PATH]:
        items = load_items(path)
        if args.ids:
            wanted = set(args.ids.split(","))
            items = [i for i in items if i.id in wanted]
        if args.limit:
            items = items[: args.limit]
        if items:
            sets.append((path.stem, items))

    from eval.kb_builder import build_eval_kb

    settings = load_settings()
    kb = build_eval_kb(settings, n_distractors=args.distractors, log=log)
    retriever = kb.retriever
    backends = ["local", "none"] if args.backend == "both" else [args.backend]
    report = {"kb": {"data_dir": str(kb.data_dir), **kb.summary}, "backends": {}}
    started = time.perf_counter()
    for set_name, items in sets:
        for backend in backends:
            report["backends"][f"{set_name}/{backend}"] = run_backend(backend, retriever, items, args, log, set_name)
    report["seconds"] = round(time.perf_counter() - started, 1)
    for backend, result in report["backends"].items():
        print(format_summary(backend, result["summary"]))
        misses = [r for r in result["results"] if not r["correct"]]
        for r in misses:
            print(f"  ✗ {r['id']}: grounded={r['grounded']} facts={r['facts_present']} reason={r['refusal_reason']} "
                  f"answer={r['answer'][:80]!r}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
