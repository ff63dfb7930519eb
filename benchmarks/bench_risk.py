"""Risk-screening benchmark: 20,000 synthetic organizations × 3 years from CSV (registry, annual
figures, penalties), screened against every indicator of the rulebook.

    python benchmarks/bench_risk.py [--n 20000] [--exports] [--json OUT]

The data comes from eval/risk_synth.py (``generate`` with n_orgs=20000, written once into
benchmarks/out/risk-<n>/ by a separate process, so that its memory does not count here). Reported:
wall and CPU seconds of reading + screening (the target: ≤ 30 s on 2 cores), organizations per
second, peak RSS of this process, and with --exports the XLSX and DOCX writing times.
Speed targets live here, never in unit tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_data(n: int) -> Path:
    out = ROOT / "benchmarks" / "out" / f"risk-{n}"
    if not (out / "truth.json").is_file():
        code = ("import sys; from pathlib import Path; from eval.risk_synth import generate; "
                f"generate(Path(sys.argv[1]), n_orgs={n})")
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, check=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--exports", action="store_true", help="also time the XLSX and DOCX exports")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    data = ensure_data(args.n)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(truth["as_of"])
    files = [data / "registry.csv", data / "annual.csv", data / "penalties.csv"]

    from assistant.services import Services

    rss_before = peak_rss_mb()
    services = Services()
    t0 = time.perf_counter()
    services.risk.screener  # the rulebook, the column mapping and the compiled indicators  # noqa: B018
    setup_s = time.perf_counter() - t0
    cpu0, t1 = time.process_time(), time.perf_counter()
    result = services.risk.screen(files, as_of=as_of)
    wall = time.perf_counter() - t1
    cpu = time.process_time() - cpu0
    orgs = len(result.organizations)
    figures = {
        "organizations": orgs, "years": len(truth["years"]), "annual_rows": orgs * len(truth["years"]),
        "hits": sum(len(o.hits) for o in result.organizations), "setup_s": round(setup_s, 2),
        "read_and_screen_wall_s": round(wall, 2), "read_and_screen_cpu_s": round(cpu, 2),
        "screen_only_s": round(result.seconds, 2), "read_s": round(wall - result.seconds, 2),
        "orgs_per_s": round(orgs / wall), "peak_rss_mb": round(peak_rss_mb()), "rss_before_mb": round(rss_before),
        "target_s": 30, "met": wall <= 30, "python": platform.python_version(), "cpus": __import__("os").cpu_count(),
        "load_average": [round(x, 1) for x in __import__("os").getloadavg()],
    }
    if args.exports:
        out = ROOT / "benchmarks" / "out"
        t = time.perf_counter()
        services.risk.write_xlsx(result, out / "bench_risk.xlsx")
        figures["xlsx_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        services.risk.write_docx(result, out / "bench_risk.docx")
        figures["docx_s"] = round(time.perf_counter() - t, 2)
        figures["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if figures["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
