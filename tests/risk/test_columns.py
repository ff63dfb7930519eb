"""The column mapping: headers matched by the names in corpus/risk/columns.yaml, unknown and
missing columns reported, another layout described by a mapping file."""

from __future__ import annotations

import pytest
import yaml

from assistant.risk.columns import ColumnMap, ColumnMapError, Header, header_unit, normalize_header
from assistant.settings import PROJECT_ROOT
from tests.risk.helpers import hits, org, screen, shared_services, write_csv, years

COLUMNS = PROJECT_ROOT / "corpus" / "risk" / "columns.yaml"


def header(i, text, group=""):
    return Header(i, f"{group}/{text}" if group else text, normalize_header(text), normalize_header(group))


def test_normalisation_and_units():
    assert normalize_header(" 注册资金（元）* ") == "注册资金"
    assert normalize_header("法定代表人(负责人)") == "法定代表人"
    assert header_unit("总收入（万元）") == "万元" and header_unit("总收入（元）") == "元" and header_unit("总收入") is None


def test_names_staff_use_map_to_fields():
    columns = ColumnMap.load(COLUMNS)
    heads = [header(0, "统一社会信用代码"), header(1, "单位名称"), header(2, "法人类型"), header(3, "成立日期"),
             header(4, "联系状态")]
    mapping = columns.map_headers(heads, columns.table_kind(heads))
    assert mapping.kind == "registry"
    assert {k: h.text for k, h in mapping.columns.items()} == {"code": "统一社会信用代码", "name": "单位名称",
                                                               "founded": "成立日期", "contact_status": "联系状态"}
    assert [h.text for h in mapping.unknown] == ["法人类型"]  # never guessed


def test_two_row_headers_match_qualified_joined_and_plain_names():
    columns = ColumnMap.load(COLUMNS)
    heads = [header(0, "统一社会信用代码"), header(1, "出生日期", "法定代表人（负责人）"), header(2, "列入日期", "活动异常名录"),
             header(3, "本届起始日期", "换届情况"), header(4, "联系状态", "住所核查")]
    mapping = columns.map_headers(heads, "registry")
    assert {k: h.index for k, h in mapping.columns.items()} == {"code": 0, "legal_rep_birth": 1, "listed_date": 2,
                                                                "term_start": 3, "contact_status": 4}


def test_table_kind_from_its_marker_columns():
    columns = ColumnMap.load(COLUMNS)
    assert columns.table_kind([header(0, "统一社会信用代码"), header(1, "年度"), header(2, "总收入（元）")]) == "annual"
    assert columns.table_kind([header(0, "统一社会信用代码"), header(1, "处罚日期")]) == "penalties"


def test_a_layout_file_adds_names(tmp_path):
    extra = tmp_path / "layout.yaml"
    extra.write_text(yaml.safe_dump({"columns": {"机构代码": "code", "负责人生日": "legal_rep_birth"},
                                     "fields": {"contact_status": {"names": ["住所状况"]}}}, allow_unicode=True),
                     encoding="utf-8")
    columns = ColumnMap.load(COLUMNS, extra)
    mapping = columns.map_headers([header(0, "机构代码"), header(1, "负责人生日"), header(2, "住所状况")], "registry")
    assert set(mapping.columns) == {"code", "legal_rep_birth", "contact_status"}


def test_a_layout_file_naming_an_unknown_field_is_refused(tmp_path):
    extra = tmp_path / "layout.yaml"
    extra.write_text("columns: {机构代码: credit_code}\n", encoding="utf-8")
    with pytest.raises(ColumnMapError, match="credit_code"):
        ColumnMap.load(COLUMNS, extra)


def test_screening_another_layout_with_a_mapping_file(tmp_path):
    row = org(n=1, contact_status="无法联系")
    headers = {"code": "机构代码", "contact_status": "住所状况"}
    registry = write_csv(tmp_path / "reg.csv", [row], headers=headers)
    annual = write_csv(tmp_path / "ann.csv", years(row), headers={"code": "机构代码"})
    layout = tmp_path / "layout.yaml"
    layout.write_text("columns: {机构代码: code, 住所状况: contact_status}\n", encoding="utf-8")
    services = shared_services()
    without = services.risk.screen([registry, annual], as_of=screen.__defaults__[2])
    assert not without.organizations  # no code column known: the table is not screened …
    assert any(p.kind == "missing_column" and p.severity == "error" for p in without.problems)  # … and says why
    result = services.risk.screen([registry, annual], as_of=screen.__defaults__[2], columns_file=layout)
    assert ("RK-UNREACHABLE", None) in hits(result)


def test_every_field_an_indicator_reads_is_in_the_mapping(rulebook):
    from assistant.risk.indicators import load_indicators

    columns = ColumnMap.load(COLUMNS)
    for indicator in load_indicators(rulebook, columns):
        for dep in indicator.deps:
            for key in dep if isinstance(dep, tuple) else (dep,):
                assert key in columns.fields, (indicator.id, key)
