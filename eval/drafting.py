"""Drafting evaluation: ``python -m eval drafting [--profiles DIR] [--out DIR] [--json OUT] [--no-checker]``.

For every example profile in ``eval/data/profiles/*.yaml|json`` it drafts the
charter (no LLM, no knowledge base: the structure must do the work) and reports

* statutory coverage — share of the type's statutory items with at least one
  article (must be 100%);
* consistency checks passed (numbers read back from the draft vs the profile);
* time per draft (profile -> charter) and per DOCX;
* when the filing checker (assistant/checking) is present, its findings on the
  drafted DOCX (target: none).

``eval/data/profiles/invalid/*.yaml`` hold profiles with known mistakes and
``invalid/expected.yaml`` the validation rules each must trigger; the eval
reports how many were caught. A bad file is reported and the batch goes on.
Exit status 1 when coverage is below 100%, a check fails or an expected rule
is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "profiles"


def _profile_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json")
                  and p.stem != "expected")


def _checker(use_checker: bool):
    if not use_checker:
        return None
    try:
        from assistant.checking.service import CheckingService
    except ImportError:
        return None
    from assistant.settings import load_settings

    return CheckingService(load_settings())


def evaluate(profiles_dir: Path, out_dir: Path, use_checker: bool = True) -> dict:
    from assistant.drafting.service import DraftingService
    from assistant.profile import ProfileError, load_profile_data, validate_profile_data
    from assistant.settings import load_settings

    drafter = DraftingService(load_settings(), retriever_factory=None, llm_factory=None)
    checker = _checker(use_checker)
    rows, errors = [], []
    for path in _profile_files(profiles_dir):
        try:
            started = time.perf_counter()
            result = drafter.draft_file(path)
            draft_s = time.perf_counter() - started
            started = time.perf_counter()
            docx = result.write_docx(out_dir / f"{path.stem}.docx")
            docx_s = time.perf_counter() - started
        except Exception as exc:  # noqa: BLE001 — one bad profile never stops the batch
            errors.append({"file": path.name, "error": str(exc)})
            continue
        covered = sum(1 for row in result.charter.coverage if row.articles)
        row = {
            "file": path.name,
            "type": result.profile.type_label,
            "articles": len(result.charter.articles),
            "items": len(result.charter.coverage),
            "covered": covered,
            "checks": len(result.checks),
            "checks_passed": result.checks_passed,
            "failed_checks": [c.name for c in result.checks if not c.passed],
            "draft_ms": round(draft_s * 1000, 1),
            "docx_ms": round(docx_s * 1000, 1),
        }
        if checker is not None:
            try:
                found = checker.check_files([docx], kind="charter", org_type=result.profile.org_type)
                row["checker_findings"] = [f"{getattr(f, 'rule_id', '')} {getattr(f, 'title', '') or getattr(f, 'item', '')}".strip()
                                           for f in found.findings]
            except Exception as exc:  # noqa: BLE001 — the checker is another component; report, go on
                row["checker_findings"] = [f"checker error: {exc}"]
        rows.append(row)

    invalid_rows = []
    invalid_dir = profiles_dir / "invalid"
    expected_path = invalid_dir / "expected.yaml"
    if expected_path.is_file():
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8")) or {}
        for name, rules in expected.items():
            try:
                _, problems = validate_profile_data(load_profile_data(invalid_dir / name), drafter.rulebook)
            except ProfileError as exc:
                errors.append({"file": f"invalid/{name}", "error": str(exc)})
                continue
            found = {p.rule for p in problems}
            invalid_rows.append({"file": name, "expected": sorted(rules), "missed": sorted(set(rules) - found),
                                 "messages": [p.message for p in problems if p.rule in rules]})

    items = sum(r["items"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    checks = sum(r["checks"] for r in rows)
    passed = sum(r["checks_passed"] for r in rows)
    summary = {
        "profiles": len(rows),
        "types": sorted({r["type"] for r in rows}),
        "coverage": covered / items if items else 0.0,
        "checks_passed": passed,
        "checks": checks,
        "draft_ms_median": statistics.median(r["draft_ms"] for r in rows) if rows else 0.0,
        "draft_ms_max": max((r["draft_ms"] for r in rows), default=0.0),
        "docx_ms_median": statistics.median(r["docx_ms"] for r in rows) if rows else 0.0,
        "invalid_caught": sum(1 for r in invalid_rows if not r["missed"]),
        "invalid_total": len(invalid_rows),
        "checker_findings": sum(len(r.get("checker_findings", [])) for r in rows) if checker else None,
    }
    return {"summary": summary, "rows": rows, "invalid": invalid_rows, "errors": errors}


def print_report(report: dict) -> None:
    s = report["summary"]
    print(f"章程起草评测 / drafting eval — {s['profiles']} profiles ({'、'.join(s['types'])})")
    print(f"{'file':<24} {'type':<10} {'art':>4} {'items':>6} {'checks':>7} {'draft ms':>9} {'docx ms':>8}  checker")
    for r in report["rows"]:
        checker = "-" if "checker_findings" not in r else (str(len(r["checker_findings"])) if r["checker_findings"] else "0")
        print(f"{r['file']:<24} {r['type']:<10} {r['articles']:>4} {r['covered']:>3}/{r['items']:<2} "
              f"{r['checks_passed']:>3}/{r['checks']:<3} {r['draft_ms']:>9} {r['docx_ms']:>8}  {checker}")
        for name in r["failed_checks"]:
            print(f"    FAILED check: {name}")
        for finding in r.get("checker_findings", []):
            print(f"    checker finding: {finding}")
    for r in report["invalid"]:
        status = "caught" if not r["missed"] else f"MISSED {', '.join(r['missed'])}"
        print(f"invalid/{r['file']}: {status}")
    for e in report["errors"]:
        print(f"ERROR {e['file']}: {e['error']}", file=sys.stderr)
    print(f"\nstatutory coverage {s['coverage']:.1%}; consistency checks {s['checks_passed']}/{s['checks']}; "
          f"draft median {s['draft_ms_median']} ms (max {s['draft_ms_max']} ms); DOCX median {s['docx_ms_median']} ms; "
          f"invalid profiles caught {s['invalid_caught']}/{s['invalid_total']}"
          + ("" if s["checker_findings"] is None else f"; checker findings {s['checker_findings']}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval drafting", description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path, help="where to keep the drafted DOCX files (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the full report as JSON here")
    parser.add_argument("--no-checker", action="store_true", help="do not run the filing checker on the drafts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.out or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        report = evaluate(args.profiles, out_dir, use_checker=not args.no_checker)
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    s = report["summary"]
    ok = (s["profiles"] > 0 and s["coverage"] == 1.0 and s["checks_passed"] == s["checks"]
          and s["invalid_caught"] == s["invalid_total"] and not report["errors"])
    return 0 if ok else 1
