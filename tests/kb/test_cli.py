"""`python ingest.py` and `python -m assistant search --json` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run(args, data_dir):
    env = dict(os.environ, SZZS_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def test_ingest_then_search_json(tmp_path):
    data = tmp_path / "data"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nonsense")
    done = run(["ingest.py", "corpus/policies", str(bad)], data)
    assert done.returncode == 0, done.stderr
    assert "新增 added 2" in done.stdout and "失败 failed 1" in done.stdout
    assert "bad.pdf" in done.stdout  # the summary names the failed file
    again = run(["ingest.py", "corpus/policies"], data)
    assert "跳过 skipped 2" in again.stdout

    found = run(["-m", "assistant", "search", "沪民社登发〔2026〕1号", "--k", "3", "--json"], data)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 3
    assert set(hits[0]) == {"text", "title", "doc_number", "issuers", "date", "doc_type", "section", "source", "score",
                            "doc_id", "chunk_id"}
    assert hits[0]["doc_number"] == "沪民社登发〔2026〕1号"
    assert hits[0]["issuers"] == ["上海市民政局"]
    assert "沪民社登发〔2026〕1号" in hits[0]["text"]
