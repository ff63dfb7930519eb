"""Building small registry exports for the risk tests: one clean organization by default, the test
changes only what it is about. Headers are the labels of corpus/risk/columns.yaml."""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path

from assistant.text.ids import org_code_check_char, uscc_check_char

AS_OF = date(2026, 6, 30)
KIND_DIGIT = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}


def make_code(org_type: str, n: int, region: str = "310104") -> str:
    body = f"MJ{n:06d}"
    first17 = "5" + KIND_DIGIT[org_type] + region + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


@functools.lru_cache(maxsize=None)
def columns():
    from assistant.risk.columns import ColumnMap
    from assistant.settings import PROJECT_ROOT

    return ColumnMap.load(PROJECT_ROOT / "corpus" / "risk" / "columns.yaml")


def label(key: str) -> str:
    return columns().fields[key].label


def org(org_type: str = "社会团体", n: int = 1, **over) -> dict:
    """A clean organization's registry row (internal keys)."""
    row = dict(code=make_code(org_type, n), name=f"测试{org_type}{n}", org_type=org_type,
               level="市级" if org_type == "基金会" else "区级", district="徐汇区", founded="2010-05-01",
               registered_funds=4_000_000 if org_type == "基金会" else 100_000,
               charity="是" if org_type == "基金会" else "否", public_fundraising="否", public_since="",
               last_fundraising="", term_no=3, term_start="2023-03-01", term_years=5, extension_approved="",
               extension_until="", legal_rep="张明", legal_rep_birth="1965-01-01", legal_rep_terms=1,
               legal_rep_approval="", legal_rep_other="无", legal_rep_other_type="", party_members=4,
               party_org="单独建立党支部", last_inspection_year=2025, last_inspection_result="合格", listed_date="",
               listed_reason="", delisted_date="", rectification_deadline="", rectification_status="",
               rectification_done="", contact_status="正常", grade="未评估", grade_date="", grade_applied="否")
    row.update(over)
    return row


def foundation(n: int = 1, public: bool = True, **over) -> dict:
    return org("基金会", n, public_fundraising="是" if public else "否", **over)


def years(row: dict, by_year: dict | None = None) -> list[dict]:
    """Annual rows 2023–2025 of a healthy organization; ``{2025: {...}}`` changes a year."""
    by_year = by_year or {}
    out = []
    fd = row["org_type"] == "基金会"
    for y in (2023, 2024, 2025):
        base = dict(code=row["code"], name=row["name"], year=y, report_filed="是", report_date=f"{y + 1}-03-20",
                    inspection_result="合格", income=3_000_000 if fd else 500_000,
                    program_spending=2_400_000 if fd else 300_000, admin_costs=200_000 if fd else 80_000,
                    total_spending=2_800_000 if fd else 450_000, net_assets=10_000_000 if fd else 300_000,
                    staff=3, activities=12, council_meetings=3)
        base.update(by_year.get(y, {}))
        out.append(base)
    return out


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8-sig", headers: dict | None = None) -> Path:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([headers[k] if headers and k in headers else label(k) for k in keys])
        for r in rows:
            w.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    return path


def penalty(row: dict, when: str, kind: str = "警告", fine: int | None = None) -> dict:
    return dict(code=row["code"], name=row["name"], penalty_date=when, penalty_type=kind,
                fine_amount="" if fine is None else fine, penalty_authority="区民政局", penalty_reason="违反规定收取会费")


@functools.lru_cache(maxsize=None)
def shared_services():
    """One Services for the risk tests (screening reads the corpus only, never the data directory)."""
    from assistant.services import Services

    return Services()


def screen(tmp_path: Path, orgs: list[dict], annual: list[dict] | None = None, penalties: list[dict] | None = None,
           as_of: date = AS_OF, services=None, **kw):
    services = services or shared_services()
    files = [write_csv(tmp_path / "registry.csv", orgs)]
    if annual is None:
        annual = [y for o in orgs for y in years(o)]
    if annual:
        files.append(write_csv(tmp_path / "annual.csv", annual))
    pens = penalties if penalties is not None else []
    files.append(write_csv(tmp_path / "penalties.csv", pens or [penalty(orgs[0], "2010-01-01")]))
    return services.risk.screen(files, as_of=as_of, **kw)


def hits(result, code: str | None = None) -> set[tuple[str, int | None]]:
    found = set()
    for o in result.organizations:
        if code is None or o.code == code:
            found |= {(h.indicator, h.year) for h in o.hits}
    return found


def indicators(result, code: str | None = None) -> set[str]:
    return {i for i, _ in hits(result, code)}
