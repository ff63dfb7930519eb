"""What a screening run finds: per organization its level and hits (with evidence), per bureau the
counts by indicator, level, type, district and year, and the input problems."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.risk.conditions import Evidence
from assistant.risk.indicators import SEVERITY_NAMES
from assistant.risk.problems import InputProblem


@dataclass
class Hit:
    indicator: str  # rule id, e.g. RK-REPORT-LATE
    item: str
    year: int | None  # the report year for per-year indicators
    severity: str
    category: str
    actions: tuple[str, ...]
    suggestion: str
    basis: str
    evidence: list[Evidence]

    @property
    def summary(self) -> str:
        return "；".join(e.text for e in self.evidence if e.text)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(w for e in self.evidence for w in e.where))

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "item": self.item, "year": self.year, "severity": self.severity,
                "severity_label": SEVERITY_NAMES[self.severity], "category": self.category, "actions": list(self.actions),
                "suggestion": self.suggestion, "basis": self.basis, "summary": self.summary,
                "evidence": [e.to_dict() for e in self.evidence], "sources": self.sources}


@dataclass
class OrgResult:
    code: str
    name: str
    org_type: str
    level: str  # 登记级别 (市级 / 区级)
    district: str
    risk: str  # 高 / 中 / 低 / 无
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # derived values, current listings, reports read
    undecided: list[str] = field(default_factory=list)  # indicators the records did not allow to judge
    source: str = ""  # where the registry row is

    @property
    def indicators(self) -> list[str]:
        return list(dict.fromkeys(h.indicator for h in self.hits))

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(a for h in self.hits for a in h.actions))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "org_type": self.org_type, "level": self.level,
                "district": self.district, "risk": self.risk, "indicators": self.indicators, "actions": self.actions,
                "hits": [h.to_dict() for h in self.hits], "notes": self.notes, "undecided": self.undecided,
                "source": self.source}


@dataclass
class ScreeningResult:
    as_of: date
    locality: str
    organizations: list[OrgResult]  # sorted by risk, highest first
    indicators: list[dict[str, Any]]  # id, item, severity, basis … of every indicator screened
    levels: tuple[str, ...]  # 高, 中, 低, 无
    level_rule: str
    problems: list[InputProblem] = field(default_factory=list)
    not_evaluable: dict[str, str] = field(default_factory=dict)  # indicator id -> why it could not be judged
    files: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def by_code(self, code: str) -> OrgResult | None:
        return next((o for o in self.organizations if o.code == code), None)

    @property
    def hits(self) -> list[tuple[OrgResult, Hit]]:
        return [(o, h) for o in self.organizations for h in o.hits]

    def indicator(self, indicator_id: str) -> dict[str, Any]:
        return next(i for i in self.indicators if i["id"] == indicator_id)

    def summary(self) -> dict[str, Any]:
        orgs = self.organizations
        by_indicator = Counter(i for o in orgs for i in o.indicators)
        by_year: dict[str, Counter] = defaultdict(Counter)
        for o, h in self.hits:
            if h.year is not None:
                by_year[h.indicator][h.year] += 1
        trend = {str(y): sum(1 for o in orgs if any(h.year == y for h in o.hits)) for y in self.years}
        return {
            "organizations": len(orgs),
            "flagged": sum(1 for o in orgs if o.hits),
            "by_level": {lv: sum(1 for o in orgs if o.risk == lv) for lv in self.levels},
            "by_indicator": {i["id"]: by_indicator.get(i["id"], 0) for i in self.indicators},
            "by_type": _cross(orgs, lambda o: o.org_type, self.levels),
            "by_district": _cross(orgs, lambda o: o.district or "（未注明）", self.levels),
            "by_year": {k: {str(y): n for y, n in sorted(v.items())} for k, v in by_year.items()},
            "orgs_flagged_by_year": trend,
            "problems": dict(Counter(p.severity for p in self.problems)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "locality": self.locality, "files": self.files, "reports": self.reports,
                "years": self.years, "level_rule": self.level_rule, "summary": self.summary(),
                "indicators": self.indicators, "not_evaluable": self.not_evaluable,
                "problems": [p.to_dict() for p in self.problems],
                "organizations": [o.to_dict() for o in self.organizations], "seconds": round(self.seconds, 3)}


def _cross(orgs, key, levels) -> dict[str, dict[str, int]]:
    out: dict[str, Counter] = defaultdict(Counter)
    for o in orgs:
        out[key(o)][o.risk] += 1
    return {k: {lv: v.get(lv, 0) for lv in levels} for k, v in sorted(out.items())}
