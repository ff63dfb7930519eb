"""Retriever settings compared on one loaded eval KB: ``python -m eval.retrieval_grid [--embedder E] [--all]``.

Each variant changes the named retriever settings from the defaults and reports hybrid
hit@1 / hit@5 / MRR@5 and paraphrase hit@5. The tuning set only, unless ``--all`` (which also
prints the held-out and other-places sets, for the record: never choose by them).
Extra variants as JSON: ``'{"rerank_depth": 15, "sentence_weight": 0.5}'``.
"""

from __future__ import annotations

import argparse
import json

from eval.kb_builder import build_eval_kb
from eval.retrieval import DATA_PATH, HELDOUT_PATH, OTHERPLACES_PATH, evaluate, load_items, summarize

VARIANTS = {
    "defaults": {},
    "no sentence ranker": {"sentence_weight": 0},
    "no thesaurus": {"thesaurus_path": ""},
    "dense 0.5": {"dense_weight": 0.5}, "dense 0.6": {"dense_weight": 0.6},
    "dense 0.8": {"dense_weight": 0.8}, "dense 0.9": {"dense_weight": 0.9},
    "ranker 0.5": {"sentence_weight": 0.5}, "ranker 2.0": {"sentence_weight": 2.0},
    "depth 15": {"rerank_depth": 15}, "depth 30": {"rerank_depth": 30}, "depth 50": {"rerank_depth": 50},
    "priors 1.0": {"priors": 1.0}, "priors 0.85": {"priors": 0.85}, "priors 0.5": {"priors": 0.5},
    "rrf": {"fusion": "rrf"}, "candidates 20": {"candidates": 20}, "candidates 80": {"candidates": 80},
}


def apply(retriever, change: dict) -> None:
    """Set the retriever's tunable attributes (``priors`` sets both priors, ``sentence_weight`` /
    ``rerank_depth`` the sentence ranker's)."""
    for key, value in change.items():
        if key == "priors":
            retriever.secondary_source_weight = retriever.other_locality_weight = value
        elif key == "sentence_weight":
            retriever.ranker.weight = value
        elif key == "rerank_depth":
            retriever.ranker.depth = value
        else:
            setattr(retriever, key, value)


def snapshot(retriever) -> dict:
    return dict(dense_weight=retriever.dense_weight, secondary_source_weight=retriever.secondary_source_weight,
                other_locality_weight=retriever.other_locality_weight, thesaurus_path=retriever.thesaurus_path,
                sentence_weight=retriever.ranker.weight, rerank_depth=retriever.ranker.depth,
                candidates=retriever.candidates, fusion=retriever.fusion)


def main(argv: list[str] | None = None) -> int:
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m eval.retrieval_grid", description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="embeddinggemma")
    parser.add_argument("--all", action="store_true", help="also the held-out and other-places sets (for the record)")
    parser.add_argument("variants", nargs="*", help="extra variants as JSON objects")
    args = parser.parse_args(argv)
    sets = {"tuning": DATA_PATH, **({"held-out": HELDOUT_PATH, "other places": OTHERPLACES_PATH} if args.all else {})}
    items = {name: load_items(path) for name, path in sets.items()}
    r = build_eval_kb(load_settings(embedding={"backend": args.embedder}), log=lambda m: None).retriever
    defaults = snapshot(r)
    variants = {**VARIANTS, **{v: json.loads(v) for v in args.variants}}
    for name, change in variants.items():
        apply(r, defaults)
        apply(r, change)
        row = []
        for set_name, questions in items.items():
            found = evaluate(lambda q, k, m, loc=None: r.search(q, k=k, mode=m, locality=loc), questions, 5,
                             modes=("hybrid",))
            s = summarize(found, 5)["hybrid"]
            row.append(f"{set_name} {s['all']['hit@1']:.3f} / {s['all']['hit@k']:.3f} / {s['all']['mrr']:.3f}"
                       f" (para {s['paraphrase']['hit@k']:.3f})")
        print(f"{name:<24} " + "   ".join(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
