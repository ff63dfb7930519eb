"""The filing checker on scans, photos and single-document packages (issue #14): the part of
`python -m eval checking --scans` that is not the text eval.

The cases (eval/data/checking_scans/cases, bundles) were written blind by someone who had
not read the checker; `eval.scan_render` makes their files (LibreOffice layout, raster,
seals, signatures, degradations) with per-page ground truth. Reported:

* findings: recall, precision, findings on the complete filings (as the text eval), and for
  the findings found, how often their status (``unsure`` = 请核对原件) and page agree;
* seals: every seal the ground truth records (present, absent, grey copy) judged against
  what the checker saw on that page (``CheckResult.scans``);
* signatures: every signature field, present or absent, against the field the checker read.

Expected findings use the rulebook's ids and four ``NEW-`` ids the case writer asked for;
``RULE_IDS`` maps them to the rules added for them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

SCAN_DIR = Path(__file__).resolve().parent / "data" / "checking_scans"
SETS = ("cases", "bundles", "heldout")
# cases/ and bundles/ were at hand while the checker's scan rules were built (development);
# heldout/ was written afterwards and is scored without changing the checker for it.
DEVELOPMENT = ("cases", "bundles")
# The case writer's names for rules that did not exist yet -> the rulebook's ids.
RULE_IDS = {
    "NEW-SEAL-SUPERVISOR": "SEAL-SUPERVISOR",
    "NEW-SEAL-CPA": "SEAL-CPA",
    "NEW-PKG-LIST-MISMATCH": "PKG-LIST",
    "NEW-PKG-CHARTER-SUMMARY": "PKG-SUMMARY",
}
# How far (share of the page) a detected seal or signature label may lie from where the ground
# truth drew it; photos are warped and shifted on a desk, so they get more room.
MARGIN, PHOTO_MARGIN = 0.06, 0.14


def materialize_all(work_dir: Path, reuse: bool = False) -> list[tuple[str, str, dict, dict]]:
    """(set, case id, case, ground truth) for every scan case, its files made under work_dir."""
    from eval.scan_render import materialize

    out = []
    for set_name in SETS:
        for path in sorted((SCAN_DIR / set_name).glob("*.yaml")):
            case = yaml.safe_load(path.read_text(encoding="utf-8"))
            folder = work_dir / set_name / path.stem
            truth_file = folder / "ground_truth.json"
            if reuse and truth_file.is_file():
                truth = json.loads(truth_file.read_text(encoding="utf-8"))
            else:
                truth = materialize(case, folder)
                truth_file.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
            out.append((set_name, path.stem, case, truth))
    return out


def expected_findings(case: dict) -> list[dict]:
    found = []
    for f in (case.get("expected") or {}).get("findings") or []:
        f = dict(f)
        f["rule_id"] = RULE_IDS.get(f["rule_id"], f["rule_id"])
        found.append(f)
    return found


# --- marks -----------------------------------------------------------------------------

def _fraction(box, marks: dict) -> tuple[float, float, float, float]:
    return (box[0] / marks["width"], box[1] / marks["height"], box[2] / marks["width"], box[3] / marks["height"])


def _near(a, b, margin: float) -> bool:
    """Do two boxes (page fractions) overlap once ``b`` is widened by ``margin``?"""
    return a[0] <= b[2] + margin and b[0] - margin <= a[2] and a[1] <= b[3] + margin and b[1] - margin <= a[3]


def _centre_distance(a, b) -> float:
    return abs((a[0] + a[2]) / 2 - (b[0] + b[2]) / 2) + abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2)


def score_marks(truth: dict, scans: list[dict]) -> list[dict]:
    """One row per ground-truth seal or signature: what the checker saw there, and whether it is right."""
    by_page = {(s["file"], s["page"]): s for s in scans}
    rows = []
    for page in truth["pages"]:
        if not page["scanned"]:
            continue
        marks = by_page.get((page["file"], page["page"]))
        margin = PHOTO_MARGIN if page["photo"] else MARGIN
        seals = [_fraction(s["box"], marks) for s in marks["seals"]] if marks else []
        unused = list(range(len(seals)))
        # present seals first, each to the nearest detected seal not taken yet
        for seal in sorted(page["seals"], key=lambda s: s["state"] != "present"):
            where = seal["box"] or seal["anchor_box"]
            seen = "no page" if marks is None else ("unknown" if not marks["colour"] else "absent")
            if marks is not None and marks["colour"] and where:
                near = [k for k in unused if _near(seals[k], where, margin if seal["box"] else 2 * margin)]
                if near:
                    k = min(near, key=lambda k: _centre_distance(seals[k], where))
                    unused.remove(k)
                    seen = "present"
            wanted = {"present": "present", "absent": "absent", "bw": "unknown"}[seal["state"]]
            rows.append({"file": page["file"], "page": page["page"], "what": "seal", "role": seal["role"],
                         "state": seal["state"], "seen": seen, "right": seen == wanted})
        for signature in page["signatures"]:
            seen = "no field"
            if marks is not None:
                fields = [(f, _fraction(f["label_box"], marks)) for f in marks["signatures"]]
                fields = [(f, box) for f, box in fields if _near(box, signature["anchor_box"], margin)]
                if fields:
                    field, _ = min(fields, key=lambda item: _centre_distance(item[1], signature["anchor_box"]))
                    seen = field["status"]
            rows.append({"file": page["file"], "page": page["page"], "what": "signature", "role": None,
                         "state": signature["state"], "seen": seen, "right": seen == signature["state"]})
    return rows


def extra_seals(truth: dict, scans: list[dict]) -> int:
    """Seals the checker saw where the ground truth stamped none (on scanned pages)."""
    extra = 0
    pages = {(p["file"], p["page"]): p for p in truth["pages"] if p["scanned"]}
    for marks in scans:
        page = pages.get((marks["file"], marks["page"]))
        if page is None:
            continue
        margin = PHOTO_MARGIN if page["photo"] else MARGIN
        drawn = [s["box"] for s in page["seals"] if s["box"]]
        for seal in marks["seals"]:
            box = _fraction(seal["box"], marks)
            if not any(_near(box, d, 2 * margin) for d in drawn):
                extra += 1
    return extra


# --- findings ----------------------------------------------------------------------------

def finding_agreement(expected: list[dict], findings: list[dict]) -> tuple[int, int, int, int]:
    """(status right, status judged, page right, page judged) over the expected findings found."""
    status_right = status_judged = page_right = page_judged = 0
    for wanted in expected:
        got = [f for f in findings if f["rule_id"] == wanted["rule_id"]
               and (not wanted.get("file") or f["file"] == wanted["file"])]
        if not got:
            continue
        status_judged += 1
        status_right += any(f["status"] == wanted.get("status", f["status"]) for f in got)
        if wanted.get("page"):
            page_judged += 1
            page_right += any(f["page"] == wanted["page"] for f in got)
    return status_right, status_judged, page_right, page_judged


def run(checker, work_dir: Path, reuse: bool = False) -> tuple[list[dict], dict]:
    from eval.checking import score

    started = time.perf_counter()
    cases = materialize_all(work_dir, reuse)
    render_seconds = time.perf_counter() - started
    results, mark_rows, extra = [], [], 0
    agreement = [0, 0, 0, 0]
    pages = 0
    check_seconds = 0.0
    for set_name, case_id, case, truth in cases:
        expected = case.get("expected") or {}
        t0 = time.perf_counter()
        result = checker.check_files([Path(p) for p in truth["files"]])
        elapsed = time.perf_counter() - t0
        check_seconds += elapsed
        data = result.to_dict()
        rows = score_marks(truth, data["scans"])
        mark_rows += [{**row, "set": set_name} for row in rows]
        extra += extra_seals(truth, data["scans"])
        wanted = expected_findings(case)
        for k, v in enumerate(finding_agreement(wanted, data["findings"])):
            agreement[k] += v
        pages += len(data["scans"])
        results.append({
            "set": set_name, "case": case_id, "kind": result.kind, "org_type": result.org_type,
            "kind_ok": expected.get("kind") in (None, result.kind),
            "org_type_ok": expected.get("org_type") in (None, result.org_type),
            "expected": wanted, "predicted": [f.rule_id for f in result.findings],
            "findings": [{k: f[k] for k in ("rule_id", "status", "file", "page", "location", "detail")}
                         for f in data["findings"]],
            "errors": [e["message"] for e in result.errors],
            "marks_wrong": [r for r in rows if not r["right"]],
            "seconds": round(elapsed, 2), "scanned_pages": len(data["scans"]),
        })
    summary = {"sets": {"all": score(results),
                        "development": score([r for r in results if r["set"] in DEVELOPMENT])}}
    for set_name in SETS:
        summary["sets"][set_name] = score([r for r in results if r["set"] == set_name])
    summary["marks_by_set"] = {
        name: {what: (sum(r["right"] for r in mark_rows if r["what"] == what and r["set"] in members),
                      sum(r["what"] == what and r["set"] in members for r in mark_rows))
               for what in ("seal", "signature")}
        for name, members in (("development", DEVELOPMENT), ("heldout", ("heldout",)))}
    seals = [r for r in mark_rows if r["what"] == "seal"]
    signatures = [r for r in mark_rows if r["what"] == "signature"]
    summary.update({
        "cases": len(results),
        "kind_accuracy": sum(r["kind_ok"] for r in results) / len(results),
        "org_type_accuracy": sum(r["org_type_ok"] for r in results) / len(results),
        "status_right": agreement[0], "status_judged": agreement[1],
        "page_right": agreement[2], "page_judged": agreement[3],
        "seal_checks": len(seals), "seal_right": sum(r["right"] for r in seals),
        "seal_by_state": {s: (sum(r["right"] for r in seals if r["state"] == s), sum(r["state"] == s for r in seals))
                          for s in ("present", "absent", "bw")},
        "extra_seals": extra,
        "signature_checks": len(signatures), "signature_right": sum(r["right"] for r in signatures),
        "signature_by_state": {s: (sum(r["right"] for r in signatures if r["state"] == s),
                                   sum(r["state"] == s for r in signatures)) for s in ("present", "absent")},
        "signature_unsure": sum(r["seen"] == "unsure" for r in signatures),
        "scanned_pages": pages,
        "render_seconds": round(render_seconds, 1),
        "check_seconds": round(check_seconds, 1),
        "seconds_per_scanned_page": check_seconds / pages if pages else 0.0,
    })
    return results, summary


def print_report(results: list[dict], summary: dict) -> None:
    for r in results:
        missed = [f["rule_id"] for f in r["expected"] if f["rule_id"] not in r["predicted"]]
        extra = [x for x in r["predicted"] if x not in {f["rule_id"] for f in r["expected"]}]
        flag = "ok " if not missed and not extra and r["kind_ok"] and r["org_type_ok"] else "ERR"
        marks = f" marks-wrong={[(m['file'], m['page'], m['what'], m['state'], m['seen']) for m in r['marks_wrong']]}" \
            if r["marks_wrong"] else ""
        print(f"{flag} {r['case']:<44} {r['kind']:<15} {r['org_type']:<6} {r['seconds']:6.1f}s "
              f"missed={missed} extra={extra}{marks}")
    print()
    for name in (*SETS, "development", "all"):
        s = summary["sets"][name]
        print(f"[{name}] recall {s['recall']:.3f}  precision {s['precision']:.3f}  "
              f"(tp {s['true_positives']}, fn {s['false_negatives']}, fp {s['false_positives']}); "
              f"false alarms on {s['complete_cases']} complete filings: {s['false_alarms_on_complete']}")
    print(f"status agrees {summary['status_right']}/{summary['status_judged']}, "
          f"page agrees {summary['page_right']}/{summary['page_judged']} (findings found)")
    print(f"kind accuracy {summary['kind_accuracy']:.3f}, org-type accuracy {summary['org_type_accuracy']:.3f}")
    by_state = ", ".join(f"{s} {a}/{b}" for s, (a, b) in summary["seal_by_state"].items())
    print(f"seals right {summary['seal_right']}/{summary['seal_checks']} ({by_state}); "
          f"seals seen where none was stamped: {summary['extra_seals']}")
    by_state = ", ".join(f"{s} {a}/{b}" for s, (a, b) in summary["signature_by_state"].items())
    print(f"signatures right {summary['signature_right']}/{summary['signature_checks']} ({by_state}; "
          f"unsure {summary['signature_unsure']})")
    for name, marks in summary["marks_by_set"].items():
        print(f"[{name}] seals right {marks['seal'][0]}/{marks['seal'][1]}, "
              f"signatures right {marks['signature'][0]}/{marks['signature'][1]}")
    print(f"{summary['scanned_pages']} scanned pages; making the files {summary['render_seconds']} s, "
          f"checking {summary['check_seconds']} s ({summary['seconds_per_scanned_page']:.2f} s per scanned page)")
