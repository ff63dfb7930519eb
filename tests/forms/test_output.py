"""DOCX (paper-form table, CJK fonts) and JSON output."""

from __future__ import annotations

import json

import docx
from docx.oxml.ns import qn

from assistant.cli import main as cli_main
from tests.forms.conftest import TODAY


def test_docx_has_form_table_values_and_cjk_fonts(service, profile, tmp_path):
    filled = service.fill("shetuan_establishment", profile=profile, today=TODAY, overrides={"phone": "13812345678"})
    path = service.write_docx(filled, tmp_path / "out" / "表.docx")
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "社会团体成立登记申请表"
    form_table, annex = document.tables
    cells = [c.text for row in form_table.rows for c in row.cells]
    # label and value side by side, as on the paper form
    i = cells.index("社会团体名称")
    assert cells[i + 1] == "上海市青年创业促进会"
    assert "基本情况" in cells and "负责人" in cells  # section rows
    assert "开展创业培训；组织交流活动；提供咨询服务" in cells
    assert any("法定代表人（签字）" in c for c in cells)
    annex_rows = [[c.text for c in row.cells] for row in annex.rows]
    assert annex_rows[0] == ["栏目", "来源", "校验", "说明"]
    phone_row = next(r for r in annex_rows if r[0] == "联系电话")
    assert phone_row[1:3] == ["用户填写", "通过"]
    apply_row = next(r for r in annex_rows if r[0] == "申请日期")
    assert apply_row[2] == "未填"
    # every run names an East-Asian font (w:eastAsia), so Chinese does not fall back to a Latin font
    runs = [r for row in form_table.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.element.rPr.rFonts.get(qn("w:eastAsia")) in ("仿宋", "黑体") for r in runs)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"


def test_json_shape(service, profile):
    data = service.to_json(service.fill("legal_rep_registration", profile=profile, today=TODAY))
    assert data["form"] == "legal_rep_registration"
    assert set(data["fields"][0]) == {"id", "label", "value", "source", "status", "message"}
    assert {f["status"] for f in data["fields"]} <= {"ok", "missing", "invalid"}
    json.dumps(data, ensure_ascii=False)  # serialisable


def _profile_file(tmp_path):
    import yaml

    from tests.forms.conftest import PROFILE

    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_json_and_docx(tmp_path, capsys):
    out = tmp_path / "form.docx"
    code = cli_main(["fill", "--form", "shetuan_establishment", "--profile", str(_profile_file(tmp_path)),
                     "--set", "phone=123", "--date", TODAY.isoformat(), "--out", str(out), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    rows = {f["id"]: f for f in data["fields"]}
    assert data["form"] == "shetuan_establishment"
    assert rows["name"]["value"] == "上海市青年创业促进会" and rows["name"]["status"] == "ok"
    assert rows["phone"]["status"] == "invalid" and rows["phone"]["source"] == "用户填写"
    assert rows["apply_date"]["status"] == "missing"
    assert out.is_file()


def test_cli_errors_are_clear(tmp_path, capsys):
    assert cli_main(["fill", "--form", "no_such_form"]) == 2
    assert "没有编号为“no_such_form”的表单" in capsys.readouterr().err
    assert cli_main(["fill", "--form", "shetuan_establishment", "--set", "nope=1"]) == 2
    assert "invalid --set" in capsys.readouterr().err
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"garbage")
    assert cli_main(["fill", "--form", "annual_report_basic", "--from", str(bad), "--json"]) == 0
    captured = capsys.readouterr()
    assert "bad.docx" in captured.err
    assert json.loads(captured.out)["form"] == "annual_report_basic"


def test_cli_list(capsys):
    assert cli_main(["fill", "--list"]) == 0
    assert "foundation_establishment\t基金会设立登记申请表" in capsys.readouterr().out


def test_cli_explain(tmp_path, capsys):
    code = cli_main(["fill", "--form", "shetuan_establishment", "--set", "level=全国性", "--explain", "funds", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label"] == "活动资金"
    assert any("10万元" in text for text in data["applicable"])
    assert cli_main(["fill", "--form", "shetuan_establishment", "--explain", "nope"]) == 2
