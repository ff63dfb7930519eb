"""The soak's consistency check in short form (benchmarks/soak_kb.py, 45 seconds): two
writer processes ingest, update, upload and delete while a reader searches; then the index
must agree with itself, with a clean build and with the reader's view, and hold no text
that is no longer indexed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_short_soak_leaves_a_consistent_index(tmp_path):
    out = tmp_path / "soak"
    done = subprocess.run([sys.executable, "benchmarks/soak_kb.py", "--seconds", "45", "--embedder", "hashing",
                           "--writers", "2", "--readers", "1", "--out", str(out), "--json", str(tmp_path / "soak.json")],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240)
    result = json.loads((tmp_path / "soak.json").read_text(encoding="utf-8"))
    assert done.returncode == 0 and result["verdict"] == "ok", result["problems"] or done.stderr[-2000:]
    ops = result["writer_ops"]
    assert ops["delete"] and ops["update"] and ops["ingest"] and result["reader_queries"]
    assert result["chunks"] == result["clean_build_chunks"]
