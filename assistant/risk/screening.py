"""Screening: every indicator of the rulebook on every organization of a record set.

    screener = RiskScreener(rulebook, columns)
    result = screener.run(records, as_of=date(2026, 6, 30), progress=lambda done, total: …)

For each organization the indicators run in dependency order: an indicator for another type of
organization is skipped, one whose ``when`` does not hold does not apply, one whose columns are
missing from the whole run is not evaluable (reported once, with the missing columns), and a
per-year indicator runs for every year of the organization's records. Hits carry their
evidence; the combination rule (rulebook data) turns the hits into the organization's level.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Callable

from assistant.risk.columns import ColumnMap
from assistant.risk.conditions import Ctx, limit_of, month_end, unavailable
from assistant.risk.indicators import Indicator, load_indicators
from assistant.risk.levels import RiskLevels, load_levels
from assistant.risk.problems import InputProblem
from assistant.risk.records import Organization, RecordSet, RegistryOrigin
from assistant.risk.result import Hit, OrgResult, ScreeningResult
from assistant.rules import Rulebook

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunState:
    """What one run knows about its input, shared by every organization of it."""

    available: set[str]  # fields some table of the run has
    off: frozenset[int]  # conditions the run cannot judge (their columns are missing)
    blocked: frozenset[str]  # indicators none of whose conditions can be judged
    first_year: int | None  # the earliest report year in the run's data


def _available(dep, available: set[str]) -> bool:
    return any(d in available for d in dep) if isinstance(dep, tuple) else dep in available


class RiskScreener:
    def __init__(self, rulebook: Rulebook, columns: ColumnMap):
        self.book = rulebook
        self.columns = columns
        self.indicators: list[Indicator] = load_indicators(rulebook, columns)
        self.levels: RiskLevels = load_levels(rulebook.data("risk_levels"))
        self._deadlines: dict[str, int | None] = {}
        self._topics: dict = {}  # bounds looked up by topic and facts, shared by every organization

    # --- per organization -------------------------------------------------------------------
    def facts(self, org: Organization) -> dict:
        f = org.fields
        public = f.get("public_fundraising")
        kind = None
        if org.org_type == "基金会" and public in ("是", "否"):
            kind = "公募" if public == "是" else "非公募"
        return {"org_type": org.org_type or None, "level": f.get("level"), "foundation_kind": kind,
                "charity": f.get("charity"), "public_fundraising": public}

    def deadline_month(self, org_type: str) -> int | None:
        if org_type not in self._deadlines:
            bound = self.book.bound("annual_report_deadline", org_type=org_type) if org_type else None
            self._deadlines[org_type] = None if bound is None else int(limit_of(bound, "<="))
        return self._deadlines[org_type]

    @staticmethod
    def latest_due(as_of: date, month: int | None) -> int | None:
        """The last report year whose deadline has passed on the screening date."""
        if month is None:
            return None
        return as_of.year - 1 if as_of > month_end(as_of.year, month) else as_of.year - 2

    def years_of(self, org: Organization, latest: int | None, first_year: int | None, as_of: date) -> list[int]:
        years = {y for y in org.years if y < as_of.year}
        if latest is not None:
            start = first_year if first_year is not None else latest - 1
            founded = org.fields.get("founded")
            if founded is not None:
                start = max(start, founded.year)
            years.update(range(start, latest + 1))
        return sorted(years)

    def screen_one(self, org: Organization, as_of: date, run: "RunState") -> OrgResult:
        month = self.deadline_month(org.org_type)
        latest = self.latest_due(as_of, month)
        ctx = Ctx(org, as_of, self.book, self.columns, run.available, self.facts(org), month, latest, self._topics)
        ctx.off = run.off
        years = self.years_of(org, latest, run.first_year, as_of)
        hits: list[Hit] = []
        undecided: list[str] = []
        for indicator in self.indicators:
            if org.org_type and org.org_type not in indicator.rule.org_types:
                continue
            if indicator.id in run.blocked:
                continue
            if indicator.when is not None:
                ctx.year = None
                applies = ctx.check(indicator.when)
                if applies is not True:
                    if applies is None:
                        undecided.append(indicator.id)
                    continue
            unknown = False
            for year in (years if indicator.per_year else (None,)):
                ctx.year = year
                result = ctx.check(indicator.test)
                ctx.results[(indicator.id, year)] = result
                if result:
                    hits.append(self._hit(indicator, ctx, year))
                unknown |= result is None
            ctx.year = None
            if unknown:
                undecided.append(indicator.id)
        severities = {h.indicator: h.severity for h in hits}
        f = org.fields
        return OrgResult(code=org.code, name=org.name, org_type=org.org_type, level=str(f.get("level") or ""),
                         district=str(f.get("district") or ""), risk=self.levels.level(severities), hits=hits,
                         notes=self._notes(org, as_of), undecided=undecided, source=org.origin.where("code"))

    @staticmethod
    def _hit(indicator: Indicator, ctx: Ctx, year: int | None) -> Hit:
        rule = indicator.rule
        return Hit(indicator=rule.id, item=rule.item, year=year, severity=rule.severity, category=indicator.category,
                   actions=indicator.actions, suggestion=rule.suggestion, basis=rule.basis,
                   evidence=indicator.test.explain(ctx))

    def _notes(self, org: Organization, as_of: date) -> list[str]:
        f = org.fields
        notes = list(org.notes)
        listed, delisted = f.get("listed_date"), f.get("delisted_date")
        if listed is not None and (delisted is None or delisted > as_of):
            reason = f"，事由：{f['listed_reason']}" if f.get("listed_reason") else ""
            notes.insert(0, f"已于{listed.isoformat()}列入活动异常名录{reason}（{org.where('listed_date')}）")
        if org.reports:
            notes.append("已读取年度工作报告书：" + "、".join(org.reports))
        return notes

    # --- the run ----------------------------------------------------------------------------
    def not_evaluable(self, available: set[str]) -> dict[str, list[str]]:
        """Indicator id -> the fields it needs that no table of the run has."""
        out = {}
        for indicator in self.indicators:
            missing = [d for d in indicator.deps if not _available(d, available)]
            if missing:
                out[indicator.id] = missing
        return out

    def run(self, records: RecordSet, as_of: date, progress: Progress | None = None) -> ScreeningResult:
        started = time.perf_counter()
        available = set(records.available)
        missing = self.not_evaluable(available)
        off: set[int] = set()
        for indicator in self.indicators:
            off |= unavailable(indicator.test, available)
            if indicator.when is not None:
                off |= unavailable(indicator.when, available)
        # An indicator none of whose conditions can be judged is not run at all; one that can be
        # judged in part runs (an "any" with one branch judged may still hold).
        blocked = frozenset(key for key in missing if id(self._indicator(key).test) in off)
        all_years = sorted({y for org in records.organizations.values() for y in org.years})
        run = RunState(available, frozenset(off), blocked, all_years[0] if all_years else None)
        problems = list(records.problems) + self._missing_problems(records, missing)
        orgs = list(records.organizations.values())
        results: list[OrgResult] = []
        step = max(1, len(orgs) // 100)
        for done, org in enumerate(orgs, 1):
            results.append(self.screen_one(org, as_of, run))
            if progress is not None and (done % step == 0 or done == len(orgs)):
                progress(done, len(orgs))
        results.sort(key=self._rank)
        years = sorted({h.year for o in results for h in o.hits if h.year is not None} | set(all_years))
        reasons = {key: ("缺少列：" if key in blocked else "部分条件缺少列，只按其余条件判断：")
                   + "、".join(self._dep_label(d) for d in deps) for key, deps in missing.items()}
        return ScreeningResult(as_of=as_of, locality=self.book.locality.name, organizations=results,
                               indicators=[i.to_dict() for i in self.indicators], levels=self.levels.order,
                               level_rule=self._level_text(), problems=problems, not_evaluable=reasons,
                               years=[y for y in years if y < as_of.year], seconds=time.perf_counter() - started)

    def _indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.id == key)

    def _rank(self, org: OrgResult):
        severities = {h.indicator: h.severity for h in org.hits}
        counts = [sum(1 for s in severities.values() if s == level) for level in ("high", "medium", "low")]
        return (self.levels.rank(org.risk), [-c for c in counts], -len(org.hits), org.name, org.code)

    def _level_text(self) -> str:
        parts = [f"{r.level}：{r.describe()}" for r in self.levels.rules]
        return "；".join(parts) + f"；其余为{self.levels.otherwise}。（{self.levels.basis}）"

    def _dep_label(self, dep) -> str:
        keys = dep if isinstance(dep, tuple) else (dep,)
        return "或".join(f"「{self.columns.fields[k].label}」" for k in keys)

    def _missing_problems(self, records: RecordSet, blocked: dict[str, list[str]]) -> list[InputProblem]:
        """One problem per missing column, naming the indicators it leaves unjudged."""
        by_field: dict[tuple, list[str]] = {}
        for key, deps in blocked.items():
            for dep in deps:
                by_field.setdefault(dep if isinstance(dep, tuple) else (dep,), []).append(key)
        items = {i.id: i.item for i in self.indicators}
        out = []
        for keys, ids in by_field.items():
            field = self.columns.fields[keys[0]]
            tables = [self.columns.table_labels[t] for t in field.tables if t != "registry" or len(field.tables) == 1]
            where = "、".join(sorted(records.kinds_read)) or "registry"
            label = "或".join(f"「{self.columns.fields[k].label}」" for k in keys)
            names = "；".join(f"{i} {items[i]}" for i in ids)
            out.append(InputProblem(
                "（本次筛查的全部文件）", "missing_column",
                f"缺少列{label}（{('、'.join(tables))}），以下指标无法判断、未作推测：{names}",
                f"column {label} is missing ({where} read); these indicators were not judged: {', '.join(ids)}",
                severity="warning", column=self.columns.fields[keys[0]].label, extra={"indicators": ids}))
        return out


def registry_year_facts(records: RecordSet) -> None:
    """The registry's 最近年检年度 / 最近年检结论 as that year's conclusion, where the annual data has none."""
    if "last_inspection_result" in records.available:
        records.available.add("inspection_result")
    for org in records.organizations.values():
        year, result = org.fields.get("last_inspection_year"), org.fields.get("last_inspection_result")
        if year is None or result is None:
            continue
        record = org.year(year)
        if record.values.get("inspection_result") is None:
            record.put("inspection_result", result, RegistryOrigin(org.origin, "last_inspection_result"))
