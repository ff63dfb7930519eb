"""Run one evaluation: ``python -m eval NAME [options]``.

Each evaluation is a module ``eval/<NAME>.py`` with ``main(argv) -> int``; its
data lives under ``eval/data/``.
"""

import importlib
import sys

EVALS = ("retrieval", "qa", "drafting", "checking", "filling", "versions", "risk")

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in EVALS:
        print(f"usage: python -m eval {{{'|'.join(EVALS)}}} [options]", file=sys.stderr)
        raise SystemExit(2)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8")
    module = importlib.import_module(f"eval.{sys.argv[1]}")
    raise SystemExit(module.main(sys.argv[2:]))
