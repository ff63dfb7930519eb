"""`python -m assistant draft` end to end (in-process)."""

from __future__ import annotations

import json

import yaml
from docx import Document

from assistant.cli import main

from .conftest import profile_data


def test_draft_command_writes_docx_and_prints_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SZZS_DATA_DIR", str(tmp_path / "data"))
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(profile_data("行业协会"), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out" / "charter.docx"
    md = tmp_path / "charter.md"
    assert main(["draft", "--profile", str(profile), "--out", str(out), "--markdown", str(md), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["org_type"] == "社会团体" and summary["name"] == "上海市咖啡行业协会"
    assert len(summary["coverage"]) == 9 and all(row["articles"] for row in summary["coverage"])
    assert summary["articles"] == sum(1 for p in Document(str(out)).paragraphs if p.runs and p.runs[0].bold
                                      and p.runs[0].text.endswith("条"))
    assert md.read_text(encoding="utf-8").startswith("# 上海市咖啡行业协会章程")


def test_draft_command_reports_profile_problems(tmp_path, capsys):
    profile = tmp_path / "bad.yaml"
    profile.write_text(yaml.safe_dump(profile_data("基金会", governance={"council": {"size_max": 30}}), allow_unicode=True),
                       encoding="utf-8")
    assert main(["draft", "--profile", str(profile), "--out", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "5至25人" in err
    assert not (tmp_path / "x.docx").exists()
