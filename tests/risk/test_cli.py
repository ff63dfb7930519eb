"""`python -m assistant risk …`: text, JSON, exports, exit status."""

from __future__ import annotations

import json

from assistant import cli
from assistant.settings import PROJECT_ROOT

REPORTS = PROJECT_ROOT / "eval" / "data" / "risk_reports"


def test_json_and_exports(tmp_path, capsys):
    xlsx, docx = tmp_path / "r.xlsx", tmp_path / "r.docx"
    code = cli.main(["risk", str(REPORTS / "registry.csv"), "--reports", str(REPORTS), "--as-of", "2026-06-30",
                     "--json", "--xlsx", str(xlsx), "--docx", str(docx)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-06-30" and data["summary"]["organizations"] == 10
    levels = {o["code"]: o["risk"] for o in data["organizations"]}
    assert levels["52310107MJ671795XE"] == "高"
    assert xlsx.stat().st_size > 0 and docx.stat().st_size > 0


def test_text_output(capsys):
    assert cli.main(["risk", str(REPORTS / "registry.csv"), "--reports", str(REPORTS), "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert "风险筛查（基准日 2026-06-30" in out and "[高] 上海市普陀区乐龄养老服务中心" in out and "依据：" in out


def test_an_unreadable_file_exits_1_and_the_rest_is_screened(tmp_path, capsys):
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    code = cli.main(["risk", str(bad), str(REPORTS / "registry.csv"), "--as-of", "2026-06-30", "--json"])
    captured = capsys.readouterr()
    assert code == 1 and "old.xls" in captured.err and ".xlsx" in captured.err
    assert json.loads(captured.out)["summary"]["organizations"] == 10


def test_bad_arguments_exit_2(capsys):
    assert cli.main(["risk", str(REPORTS / "registry.csv"), "--as-of", "2026/06/30"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
