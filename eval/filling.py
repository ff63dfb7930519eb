"""Form-filling evaluation: ``python -m eval filling [--cases DIR] [--json OUT] [-v]``.

Each case in ``eval/data/filling/case_*.yaml`` names a form, a profile and/or
documents, what the user types, and the expected outcome (see the README in
that folder). Three figures:

* **prefill accuracy** — of the fields the inputs determine (``expect_values``),
  the share prefilled with the expected value (amounts, dates and counts are
  compared by value, text without spaces and punctuation);
* **invalid values caught** — of the fields holding a wrong value
  (``expect_invalid``), the share marked invalid;
* **validation accuracy** — over ``expect_invalid`` and ``expect_ok`` together,
  the share with the right verdict (so false alarms count against it).

Targets: prefill ≥ 95%, every invalid value caught. Runs without LLM or
knowledge base (validation never uses them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "filling"
TARGETS = {"prefill_accuracy": 0.95, "invalid_caught": 1.0}


@dataclass
class CaseResult:
    case: str
    form: str
    prefill_total: int = 0
    prefill_correct: int = 0
    invalid_total: int = 0
    invalid_caught: int = 0
    ok_total: int = 0
    ok_passed: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    error: str = ""


def _write_docx(spec: dict[str, Any], folder: Path) -> Path:
    import docx

    document = docx.Document()
    for text in spec.get("paragraphs", []):
        document.add_paragraph(str(text))
    for rows in spec.get("tables", []):
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = str(text)
    path = folder / spec["name"]
    document.save(str(path))
    return path


def run_case(service, path: Path, workdir: Path) -> CaseResult:
    from assistant.forms.prefill import comparable

    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    result = CaseResult(case=path.stem, form=str(spec.get("form", "")))
    started = time.perf_counter()
    try:
        form = service.form(spec["form"])
        today = spec.get("today") or date.today()
        if isinstance(today, str):
            today = date.fromisoformat(today)
        profile = spec.get("profile")
        if isinstance(profile, str):
            profile = service.load_profile(path.parent / profile)
        elif isinstance(profile, dict):
            profile = service.profile_from_data(profile)
        documents = []
        for item in spec.get("documents") or []:
            documents.append(_write_docx(item, workdir) if isinstance(item, dict) else path.parent / item)
        entries = {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in (spec.get("entries") or {}).items()}
        expected_values = spec.get("expect_values") or {}
        typed = sorted(set(entries) & set(expected_values))
        if typed:  # a typed value would hide a prefill miss
            raise ValueError(f"{path.name}: {typed} 既在 entries 又在 expect_values 中（fields both typed and expected）")
        prefilled = service.prefill(form.id, profile=profile, documents=documents, today=today)
        if prefilled.document_errors:
            result.failures += [f"document error: {e}" for e in prefilled.document_errors]
        # The user's entries go in before the prefill is scored: values derived from a typed
        # field (birth date and gender from an ID number) count as prefilled.
        filled = service.apply(prefilled, entries, today)
        for field_id, expected in expected_values.items():
            f = form.field(field_id)
            expected_text = expected.isoformat() if isinstance(expected, date) else str(expected)
            got = filled.values[field_id].value
            result.prefill_total += 1
            if got and comparable(f, got) == comparable(f, expected_text):
                result.prefill_correct += 1
            else:
                result.failures.append(f"prefill {field_id}: expected {expected_text!r}, got {got!r}")
        for field_id in spec.get("expect_invalid") or []:
            result.invalid_total += 1
            check = filled.checks[field_id]
            if check.status == "invalid":
                result.invalid_caught += 1
            else:
                result.failures.append(f"not caught {field_id} = {filled.values[field_id].value!r} ({check.status})")
        for field_id in spec.get("expect_ok") or []:
            result.ok_total += 1
            check = filled.checks[field_id]
            if check.status == "ok":
                result.ok_passed += 1
            else:
                result.failures.append(f"false alarm {field_id} = {filled.values[field_id].value!r}: {check.message}")
    except Exception as exc:  # one broken case never stops the others
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - started
    return result


FORM_FOR_TYPE = {"社会团体": "shetuan_establishment", "社会服务机构": "service_org_establishment",
                 "基金会": "foundation_establishment"}


def charter_round_trip(service, profiles_dir: Path, workdir: Path) -> dict[str, Any] | None:
    """Draft a charter from each drafting example profile, read it back as an uploaded document,
    and compare every field the charter can fill with the value the profile itself gives.

    The charters are written by the drafting templates, not by the extraction rules' author:
    a check that the rules read real charter wording. None when drafting is unavailable.
    """
    from assistant.forms.prefill import comparable

    try:
        from assistant.services import Services

        drafter = Services(service.settings).drafter
    except Exception:
        return None
    total = correct = 0
    misses: list[str] = []
    for path in sorted(profiles_dir.glob("*.yaml")):
        try:
            draft = drafter.draft_file(path)
            charter = draft.write_docx(workdir / f"{path.stem}.docx")
            profile = service.load_profile(path)
        except Exception as exc:  # a profile the drafter rejects is not a filling problem
            misses.append(f"{path.name}: not drafted ({exc})")
            continue
        form = service.form(FORM_FOR_TYPE[profile.org_type])
        from_charter = service.prefill(form.id, documents=[charter])
        from_profile = service.prefill(form.id, profile=profile)
        for f in form.fields:
            wanted = from_profile.values[f.id].value
            if not f.fill.document or not wanted:
                continue
            got = from_charter.values[f.id].value
            total += 1
            if got and comparable(f, got) == comparable(f, wanted):
                correct += 1
            else:
                misses.append(f"{path.stem}.{f.id}: charter gave {got!r}, profile says {wanted!r}")
    return {"fields": total, "correct": correct, "accuracy": _ratio(correct, total), "misses": misses}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def summarize(results: list[CaseResult]) -> dict[str, Any]:
    prefill_total = sum(r.prefill_total for r in results)
    prefill_correct = sum(r.prefill_correct for r in results)
    invalid_total = sum(r.invalid_total for r in results)
    invalid_caught = sum(r.invalid_caught for r in results)
    ok_total = sum(r.ok_total for r in results)
    ok_passed = sum(r.ok_passed for r in results)
    return {
        "cases": len(results),
        "errors": sum(1 for r in results if r.error),
        "prefill_accuracy": _ratio(prefill_correct, prefill_total),
        "prefill": f"{prefill_correct}/{prefill_total}",
        "invalid_caught": _ratio(invalid_caught, invalid_total),
        "invalid": f"{invalid_caught}/{invalid_total}",
        "false_alarms": ok_total - ok_passed,
        "validation_accuracy": _ratio(invalid_caught + ok_passed, invalid_total + ok_total),
        "validation": f"{invalid_caught + ok_passed}/{invalid_total + ok_total}",
        "median_case_ms": sorted(r.seconds for r in results)[len(results) // 2] * 1000 if results else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval filling", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DATA_DIR, help="folder with case_*.yaml")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every case, not only failures")
    parser.add_argument("--no-round-trip", action="store_true",
                        help="skip reading back charters drafted from eval/data/profiles")
    args = parser.parse_args(argv)

    from assistant.forms.service import FormFillingService
    from assistant.settings import load_settings

    settings = load_settings()
    # No retriever and no LLM: prefill and validation must stand on rules alone.
    service = FormFillingService(settings, retriever_factory=None, llm_factory=None)
    paths = sorted(args.cases.glob("case_*.yaml"))
    if not paths:
        print(f"没有找到评测用例：{args.cases}/case_*.yaml（no cases found）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="szzs-filling-eval-") as tmp:
        results = [run_case(service, p, Path(tmp)) for p in paths]
        round_trip = None if args.no_round_trip else charter_round_trip(
            service, Path(__file__).resolve().parent / "data" / "profiles", Path(tmp))
    summary = summarize(results)
    if round_trip is not None:
        summary["charter_round_trip"] = round_trip

    print(f"{'case':34} {'form':28} prefill  invalid  ok")
    for r in results:
        if args.verbose or r.failures or r.error:
            print(f"{r.case:34} {r.form:28} {r.prefill_correct:>2}/{r.prefill_total:<4} "
                  f"{r.invalid_caught:>2}/{r.invalid_total:<4} {r.ok_passed:>2}/{r.ok_total}")
        for failure in r.failures:
            print(f"    - {failure}")
        if r.error:
            print(f"    ! {r.error}")
    print()
    print(f"cases: {summary['cases']} (errors: {summary['errors']})")
    print(f"prefill accuracy:     {summary['prefill_accuracy']:.1%} ({summary['prefill']})  target ≥ {TARGETS['prefill_accuracy']:.0%}")
    print(f"invalid values caught: {summary['invalid_caught']:.1%} ({summary['invalid']})  target 100%")
    print(f"validation accuracy:  {summary['validation_accuracy']:.1%} ({summary['validation']}; false alarms: {summary['false_alarms']})")
    print(f"median time per case: {summary['median_case_ms']:.0f} ms")
    if round_trip is not None:
        print(f"charter round trip:   {round_trip['accuracy']:.1%} ({round_trip['correct']}/{round_trip['fields']} fields "
              "read back from charters drafted from eval/data/profiles)")
        for miss in round_trip["misses"]:
            print(f"    - {miss}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "cases": [asdict(r) for r in results]},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    met = (summary["prefill_accuracy"] >= TARGETS["prefill_accuracy"] and summary["invalid_caught"] >= 1.0
           and not summary["errors"])
    return 0 if met else 1
