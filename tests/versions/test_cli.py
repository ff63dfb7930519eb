"""`python -m assistant diff / align / validity`, and `search --as-of`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

from assistant.cli import build_parser
from assistant.kb.ingest import source_name
from assistant.settings import PROJECT_ROOT
from tests.versions.samples import CITY_NOTICE, DISTRICT_NOTICE, NEW_RULES, OLD_RULES, write


def cli(args, data_dir):
    env = dict(os.environ, SZZS_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def in_process(argv, services, capsys):
    args = build_parser().parse_args(argv)
    code = args._module.run(args, services)
    return code, capsys.readouterr()


def test_diff_json_text_and_docx(tmp_path):
    old = write(tmp_path, "规则(2018-05-10).md", OLD_RULES)
    new = write(tmp_path, "规则(2024-03-20).md", NEW_RULES)
    out = tmp_path / "对照表.docx"
    done = cli(["diff", str(old), str(new), "--json", "--docx", str(out)], tmp_path / "data")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["counts"]["moved"] == 3 and data["counts"]["added"] == 1
    entries = [e for c in data["chapters"] for e in c["entries"]]
    assert {"status": "moved_changed", "a": "第四条", "b": "第五条"}.items() <= next(
        e for e in entries if e["b"] == "第五条").items()
    from docx import Document

    text = "\n".join(cell.text for t in Document(str(out)).tables for row in t.rows for cell in row.cells)
    assert "第五条" in text and "移动并修改" in text
    plain = cli(["diff", str(old), str(new)], tmp_path / "data")
    assert "登记满[-二-]{+一+}年" in plain.stdout


def test_diff_names_a_missing_file(tmp_path):
    done = cli(["diff", str(tmp_path / "无此文件.md"), str(tmp_path / "b.md")], tmp_path / "data")
    assert done.returncode == 2 and "无此文件.md" in done.stderr


def test_align_json_xlsx_and_staff_decisions(tmp_path):
    city = write(tmp_path, "city.txt", CITY_NOTICE)
    district = write(tmp_path, "district.txt", DISTRICT_NOTICE)
    data_dir = tmp_path / "data"
    out = tmp_path / "对照.xlsx"
    # Given in the wrong order: the issuers tell which is the city's.
    done = cli(["align", str(district), str(city), "--json", "--xlsx", str(out)], data_dir)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["city"]["title"] == "2026年星河市社区工作要点" and data["notes"]
    own = [i["key"] for i in data["items"] if i["own"]]
    assert own == ["二（一）"]
    import openpyxl

    sheet = openpyxl.load_workbook(out)["对照表"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert ["一（一）", "一（二）"] in [r[0:1] + r[3:4] for r in rows]
    decided = cli(["align", str(city), str(district), "--remove", "一（一）=一（二）", "--add", "二（一）=二（一）", "--json"],
                  data_dir)
    assert decided.returncode == 0, decided.stderr
    again = json.loads(cli(["align", str(city), str(district), "--json"], data_dir).stdout)  # kept in the data dir
    links = {(l["district"], l["city"]): l for i in again["items"] for l in i["links"]}
    assert ("一（一）", "一（二）") not in links and links[("二（一）", "二（一）")]["review"] == "added"
    assert again["removed_by_staff"][0]["city"] == "一（二）"
    bad = cli(["align", str(city), str(district), "--confirm", "一（一）"], data_dir)
    assert bad.returncode == 2 and "DISTRICT=CITY" in bad.stderr


def test_validity_command_and_search_as_of(versions_kb, two_versions, capsys):
    versions_kb.ingest.run(list(two_versions))
    services = SimpleNamespace(versions=versions_kb.versions, retriever=versions_kb.retriever)
    code, out = in_process(["validity", "--as-of", "2025-01-01"], services, capsys)
    assert code == 0 and "[已修订] 星河市志愿服务促进办法" in out.out and "版本链" in out.out
    new = source_name(two_versions[1])
    code, out = in_process(["validity", "--set", new, "--valid-from", "2025-06-01", "--json"], services, capsys)
    rows = {r["source"]: r for r in json.loads(out.out)}
    assert rows[new]["valid_from"] == "2025-06-01" and rows[new]["set_by"] == "用户设定"
    code, out = in_process(["validity", "--set", new, "--valid-from", "去年"], services, capsys)
    assert code == 2 and "无法识别" in out.err
    code, out = in_process(["search", "登记满几年可以申请星级评定", "--as-of", "2020-01-01", "--json"], services, capsys)
    hits = json.loads(out.out)
    assert hits and "满二年" in hits[0]["text"]


def test_diff_by_knowledge_base_name(versions_kb, two_versions, capsys):
    versions_kb.ingest.run(list(two_versions))
    old, new = (source_name(p) for p in two_versions)
    services = SimpleNamespace(versions=versions_kb.versions)
    code, out = in_process(["diff", old, new, "--json"], services, capsys)
    assert code == 0 and json.loads(out.out)["counts"]["added"] == 1
    code, out = in_process(["diff", "星河市志愿服务促进办法", new], services, capsys)  # a title two files share
    assert code == 2 and "多个文件" in out.err
