"""Bad input gets a row- and column-specific message (zh + en) and the rest is still screened."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from tests.risk.helpers import AS_OF, hits, label, org, penalty, shared_services, write_csv, years


def _screen(files):
    return shared_services().risk.screen(files, as_of=AS_OF)


def _base(tmp_path, rows):
    annual = write_csv(tmp_path / "annual.csv", [y for r in rows for y in years(r)])
    pens = write_csv(tmp_path / "penalties.csv", [penalty(rows[0], "2010-01-01")])
    return annual, pens


def test_a_gbk_file_is_read_and_noted(tmp_path):
    rows = [org(n=1, contact_status="无法联系"), org(n=2)]
    registry = write_csv(tmp_path / "reg.csv", rows, encoding="gbk")
    result = _screen([registry, *_base(tmp_path, rows)])
    problem = next(p for p in result.problems if p.kind == "encoding")
    assert problem.file == "reg.csv" and "GBK" in problem.zh and "GBK" in problem.en
    assert len(result.organizations) == 2 and ("RK-UNREACHABLE", None) in hits(result, rows[0]["code"])
    assert result.by_code(rows[0]["code"]).name == rows[0]["name"]  # Chinese read correctly


def test_a_file_in_no_known_encoding_is_an_error_and_the_others_are_screened(tmp_path):
    rows = [org(n=1)]
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"code\n\x80\x80\x80\xff\n")
    registry = write_csv(tmp_path / "reg.csv", rows)
    result = _screen([broken, registry, *_base(tmp_path, rows)])
    assert any(p.kind == "unreadable" and p.file == "broken.csv" for p in result.problems)
    assert len(result.organizations) == 1


def test_merged_header_cells_in_xlsx(tmp_path):
    row = org(n=1, legal_rep_terms=3)
    book = Workbook()
    ws = book.active
    ws.append(["统一社会信用代码", "社会组织名称", "社会组织类型", "法定代表人（负责人）", None, None])
    ws.append([None, None, None, "姓名", "出生日期", "连续任职届数"])
    ws.append([row["code"], row["name"], "社会团体", "张明", date(1965, 1, 1), 3])
    for ref in ("A1:A2", "B1:B2", "C1:C2", "D1:F1"):
        ws.merge_cells(ref)
    path = tmp_path / "reg.xlsx"
    book.save(path)
    result = _screen([path, *_base(tmp_path, [row])])
    merged = [p for p in result.problems if p.kind == "merged_header"]
    assert [(p.line, p.column) for p in merged] == [(1, "D1:F1")]
    assert "法定代表人（负责人）" in merged[0].zh and "姓名、出生日期、连续任职届数" in merged[0].zh
    org_result = result.by_code(row["code"])
    assert org_result.source == "reg.xlsx 第3行「统一社会信用代码」"
    assert "RK-LEADER-TERMS" in {h.indicator for h in org_result.hits}


def test_dates_written_as_staff_write_them(tmp_path):
    rows = [org(n=1, founded="2012年2月"), org(n=2, founded="2020.11"), org(n=3, term_start="44621"),
            org(n=4, legal_rep_birth="1979/1/11"), org(n=5, founded="2010-13-01")]
    registry = write_csv(tmp_path / "reg.csv", rows)
    result = _screen([registry, *_base(tmp_path, rows)])
    found = {(p.line, p.column): p for p in result.problems if p.kind.startswith("date")}
    assert found[(2, label("founded"))].kind == "date_ym_cn" and "2012-02" in found[(2, label("founded"))].zh
    assert found[(3, label("founded"))].kind == "date_ym_dot"
    assert found[(4, label("term_start"))].kind == "date_serial" and "2022-03-01" in found[(4, label("term_start"))].zh
    assert found[(5, label("legal_rep_birth"))].kind == "date_slash"
    bad = found[(6, label("founded"))]
    assert bad.kind == "date_invalid" and bad.severity == "warning" and bad.value == "2010-13-01"
    assert "不是有效日期" in bad.zh and bad.en
    assert len(result.organizations) == 5  # the rows are screened; only the unreadable value is left out
    assert ("RK-TERM-OVERDUE", None) not in hits(result, rows[2]["code"])  # 2022-03-01 + 5 years: not yet


def test_amounts_with_units_and_separators(tmp_path):
    row = org(n=1)
    annual_rows = years(row, {2025: {"net_assets": "2.99万元", "income": "520,000", "total_spending": "45万"}})
    registry = write_csv(tmp_path / "reg.csv", [row])
    annual = write_csv(tmp_path / "annual.csv", annual_rows)
    result = _screen([registry, annual])
    notes = {p.column: p for p in result.problems if p.kind == "amount_format"}
    assert "29,900" in notes[label("net_assets")].zh and notes[label("net_assets")].line == 4
    assert ("RK-NET-ASSETS", 2025) in hits(result)  # 2.99万元 = 29,900 元 < 3万元


def test_an_amount_column_in_wan_yuan(tmp_path):
    row = org(n=1)
    annual_rows = years(row, {2025: {"net_assets": "2.99"}})
    registry = write_csv(tmp_path / "reg.csv", [row])
    annual = write_csv(tmp_path / "annual.csv", annual_rows, headers={"net_assets": "年末净资产（万元）"})
    result = _screen([registry, annual])
    assert ("RK-NET-ASSETS", 2025) in hits(result)


def test_a_duplicated_credit_code(tmp_path):
    first, second = org(n=1), org(n=2, contact_status="无法联系")
    second = dict(second, code=first["code"])
    registry = write_csv(tmp_path / "reg.csv", [first, second])
    result = _screen([registry, *_base(tmp_path, [first])])
    problem = next(p for p in result.problems if p.kind == "duplicate_code")
    assert (problem.line, problem.row, problem.column) == (3, 2, "统一社会信用代码")
    assert "第2行重复" in problem.zh and "line 2" in problem.en
    assert len(result.organizations) == 1 and hits(result) == set()


def test_invalid_check_characters(tmp_path):
    good, bad_check, bad_char = org(n=1), org(n=2), org(n=3)
    bad_check = dict(bad_check, code=bad_check["code"][:17] + ("0" if bad_check["code"][17] != "0" else "1"))
    bad_char = dict(bad_char, code=bad_char["code"][:9] + "O" + bad_char["code"][10:])
    registry = write_csv(tmp_path / "reg.csv", [good, bad_check, bad_char])
    result = _screen([registry, *_base(tmp_path, [good])])
    kinds = {p.line: p.kind for p in result.problems if p.column == "统一社会信用代码" and p.severity == "error"}
    assert kinds == {3: "check_character", 4: "illegal_character"}
    assert [o.code for o in result.organizations] == [good["code"]]


def test_a_missing_column_is_reported_with_the_indicators_it_leaves_unjudged(tmp_path):
    rows = [org(n=1, legal_rep_birth="1940-01-01")]
    for r in rows:
        del r["legal_rep_birth"]
    registry = write_csv(tmp_path / "reg.csv", rows)
    result = _screen([registry, *_base(tmp_path, rows)])
    problem = next(p for p in result.problems if p.kind == "missing_column")
    assert problem.column == "法定代表人出生日期" and "RK-LEADER-AGE" in problem.zh and "RK-LEADER-AGE" in problem.en
    assert "RK-LEADER-AGE" in result.not_evaluable
    assert len(result.organizations) == 1


def test_a_missing_required_column_stops_only_that_table(tmp_path):
    rows = [org(n=1, contact_status="无法联系")]
    registry = write_csv(tmp_path / "reg.csv", rows)
    no_code = write_csv(tmp_path / "annual.csv", [{k: v for k, v in y.items() if k != "code"} for y in years(rows[0])])
    result = _screen([registry, no_code])
    assert any(p.kind == "missing_column" and p.severity == "error" and p.file == "annual.csv" for p in result.problems)
    assert ("RK-UNREACHABLE", None) in hits(result)


def test_an_unknown_column_is_listed_and_ignored(tmp_path):
    rows = [dict(org(n=1), 内部备注="待回访")]
    registry = write_csv(tmp_path / "reg.csv", rows, headers={"内部备注": "内部备注"})
    result = _screen([registry, *_base(tmp_path, rows)])
    problem = next(p for p in result.problems if p.kind == "unknown_column")
    assert problem.column == "内部备注" and problem.severity == "notice"
    assert hits(result) == set()


def test_annual_rows_of_unknown_organizations_and_repeated_years(tmp_path):
    row = org(n=1)
    stranger = org(n=2)
    annual_rows = years(row) + years(row)[:1] + years(stranger)[:1]
    registry = write_csv(tmp_path / "reg.csv", [row])
    annual = write_csv(tmp_path / "annual.csv", annual_rows)
    result = _screen([registry, annual])
    kinds = {p.kind: p for p in result.problems}
    assert kinds["duplicate_year"].line == 5 and kinds["code_not_in_registry"].line == 6
