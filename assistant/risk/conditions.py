"""The condition language of the risk indicators, compiled from the rulebook's YAML.

Each condition in corpus/rules/risk.yaml (``detect.when`` and ``detect.test``) becomes a small
node with ``test(ctx) -> True | False | None`` (None: the records do not allow a judgement) and
``explain(ctx) -> [Evidence]`` (what was found, where, compared with which number of the law),
called only for a hit. The kinds are generic — a field's value, a date overdue, a time elapsed,
a count of penalties in a window, a ratio below a tier, a change between years, a run of years,
a combination of signals — and every number comes from the rulebook (``bound: KEY`` or
``topic: TOPIC`` looked up with the organization's facts). The list of kinds is in the header
of corpus/rules/risk.yaml.
"""

from __future__ import annotations

import calendar
import operator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from assistant.rules.provisions import Bound
from assistant.text.ids import age_on

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}
OP_WORDS = {">": "超过", ">=": "达到", "<": "低于", "<=": "不超过", "==": "等于"}


class ConditionError(ValueError):
    """A condition the compiler cannot read; the message names the rule."""


@dataclass(frozen=True)
class Evidence:
    label: str  # what this is (“正式党员人数”, “公益事业支出占上一年总收入”)
    text: str  # what was found, with the numbers
    where: tuple[str, ...] = ()  # sources: 'registry.csv 第12行「法定代表人出生日期」', report sentences

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "where": list(self.where)}


# --- values and numbers ---------------------------------------------------------------------------

def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def number(value: Any) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def limit_of(bound: Bound, op: str) -> Fraction:
    """The bound's number a comparison uses: ``>=`` / ``<`` test a minimum, ``>`` / ``<=`` a maximum;
    a percent as a share (70% -> 7/10)."""
    if bound.min is not None and bound.max is not None:
        raw = bound.min if op in (">=", "<") else bound.max
    else:
        raw = bound.min if bound.min is not None else bound.max
    value = number(raw)
    return value / 100 if bound.quantity == "percent" else value


def pair(value: Fraction) -> tuple[int, int]:
    """A share as integers (p, q): comparisons as n * q against p * d stay exact and fast."""
    value = number(value)
    return value.numerator, value.denominator


def show(value: Any, key: str = "", columns=None) -> str:
    if value is None:
        return "空白"
    if isinstance(value, date):
        return value.isoformat()
    ftype = columns.fields[key].type if columns is not None and key in columns.fields else ""
    if ftype == "amount":
        return f"{float(value):,.0f}元" if number(value).denominator == 1 else f"{float(value):,.2f}元"
    if isinstance(value, Fraction):
        return f"{float(value):g}"
    return str(value)


def percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def bound_text(bound: Bound, op: str, labelled: bool = True) -> str:
    """The bound's number as the law writes it, with whom it is for: 70%（公募基金会）."""
    shown = bound.format(bound.min if op in (">=", "<") and bound.min is not None else
                         bound.max if bound.max is not None else bound.min)
    return f"{shown}（{bound.label}）" if bound.label and labelled else shown


# --- evaluation context ---------------------------------------------------------------------------

class Ctx:
    """One organization being screened (and, for per-year indicators, the year)."""

    __slots__ = ("org", "as_of", "year", "latest", "facts", "book", "results", "available", "columns",
                 "deadline_month", "_topics", "_facts_key", "off")

    def __init__(self, org, as_of: date, book, columns, available: set[str], facts: dict[str, Any],
                 deadline_month: int | None, latest: int | None, topics: dict | None = None):
        self.org, self.as_of, self.book, self.columns = org, as_of, book, columns
        self.available, self.facts = available, facts
        self.deadline_month, self.latest = deadline_month, latest
        self.year: int | None = None
        self.results: dict[tuple[str, int | None], bool | None] = {}
        self._topics: dict[tuple, Bound | None] = {} if topics is None else topics  # shared by a run
        self._facts_key = tuple(sorted(facts.items()))
        self.off: frozenset[int] = frozenset()  # ids of conditions whose columns no table of the run has

    def check(self, node: "Node") -> bool | None:
        """A condition's result; None (not judged) when the run lacks its columns."""
        return None if id(node) in self.off else node.test(self)

    def topic(self, name: str, **extra: Any) -> Bound | None:
        key = (name, self._facts_key, tuple(sorted(extra.items())) if extra else ())
        found = self._topics.get(key, self)
        if found is self:
            found = self._topics[key] = self.book.bound(name, **{**self.facts, **extra})
        return found

    def resolve_year(self, which: Any) -> int | None:
        base = self.year if self.year is not None else self.latest
        if which in (None, "current"):
            return base
        if which == "latest":
            return self.latest
        if base is None:
            return None
        if which == "previous":
            return base - 1
        return base + int(which)

    def value(self, key: str) -> Any:
        return self.org.fields.get(key)

    def year_value(self, key: str, year: int | None) -> Any:
        if year is None:
            return None
        record = self.org.years.get(year)
        return None if record is None else record.values.get(key)

    def where(self, key: str) -> str:
        return self.org.where(key)

    def year_where(self, key: str, year: int | None) -> str:
        record = self.org.years.get(year) if year is not None else None
        origin = record.origins.get(key) if record is not None else None
        return origin.where(key) if origin is not None else ""

    def empty_means_no(self, key: str) -> bool:
        f = self.columns.fields.get(key)
        return f is not None and f.absent_empty

    # --- annual reports ---------------------------------------------------------------------
    def report_deadline(self, year: int) -> date | None:
        return None if self.deadline_month is None else month_end(year + 1, self.deadline_month)

    def report_due(self, year: int) -> bool:
        deadline = self.report_deadline(year)
        founded = self.value("founded")
        return deadline is not None and self.as_of > deadline and (founded is None or founded <= date(year, 12, 31))

    def report_status(self, year: int) -> tuple[str, date | None, str]:
        """("filed" | "missing" | "unknown", the filing date if known, where it says so)."""
        record = self.org.years.get(year)
        if record is not None:
            filed, when = record.values.get("report_filed"), record.values.get("report_date")
            if filed == "是" or (filed is None and when is not None):
                key = "report_date" if when is not None else "report_filed"
                return "filed", when, self.year_where(key, year)
            if filed == "否":
                return "missing", None, self.year_where("report_filed", year)
        last = self.value("last_inspection_year")
        if last is not None:
            return ("filed" if year <= last else "missing"), None, self.where("last_inspection_year")
        return "unknown", None, ""


class Node:
    label = ""
    deps: frozenset = frozenset()  # field keys (a tuple inside: any one of them will do)
    refs: frozenset = frozenset()  # other indicators' ids

    def test(self, ctx: Ctx) -> bool | None:
        raise NotImplementedError

    def explain(self, ctx: Ctx) -> list[Evidence]:
        return []


def _combine_deps(children) -> tuple[frozenset, frozenset]:
    deps, refs = set(), set()
    for c in children:
        deps |= c.deps
        refs |= c.refs
    return frozenset(deps), frozenset(refs)


# --- combinations ------------------------------------------------------------------------------------

class _Group(Node):
    """all / any of the children; ``decides`` is the child result that settles the group at once."""

    decides = False

    def __init__(self, children, label=""):
        self.children, self.label = children, label
        self.deps, self.refs = _combine_deps(children)

    def test(self, ctx):
        unknown = False
        for child in self.children:
            result = ctx.check(child)
            if result is not None and bool(result) is self.decides:
                return self.decides
            unknown |= result is None
        return None if unknown else not self.decides


class All(_Group):
    decides = False

    def explain(self, ctx):
        out = [e for child in self.children for e in child.explain(ctx)]
        return [Evidence(self.label, "；".join(e.text for e in out), tuple(w for e in out for w in e.where))] \
            if self.label and out else out


class AnyOf(_Group):
    decides = True

    def explain(self, ctx):
        for child in self.children:
            if ctx.check(child):
                return child.explain(ctx)
        return []


class Not(Node):
    def __init__(self, child, label=""):
        self.child, self.label = child, label
        self.deps, self.refs = child.deps, child.refs

    def test(self, ctx):
        result = ctx.check(self.child)
        return None if result is None else not result

    def explain(self, ctx):
        inner = self.child.explain(ctx) or [Evidence("", "无记录")]
        return [Evidence(self.label or inner[0].label, "；".join(e.text for e in inner),
                         tuple(w for e in inner for w in e.where))]


class Signals(Node):
    """At least ``bound`` of the signals hold (a combination of signals such as “僵尸型”)."""

    def __init__(self, children, bound: Bound, label=""):
        self.children, self.bound, self.label = children, bound, label
        self.deps, self.refs = _combine_deps(children)
        self.need = limit_of(bound, ">=")

    def test(self, ctx):
        found = unknown = 0
        for child in self.children:
            result = ctx.check(child)
            found += result is True
            unknown += result is None
        if found >= self.need:
            return True
        return None if found + unknown >= self.need else False

    def explain(self, ctx):
        held = [c for c in self.children if ctx.check(c)]
        out = [Evidence(self.label or "信号", f"{len(held)}项信号（{bound_text(self.bound, '>=', False)}以上即认定）："
                        + "、".join(c.label for c in held))]
        for child in held:
            for e in child.explain(ctx):
                out.append(Evidence(child.label or e.label, e.text, e.where))
        return out


# --- values of fields --------------------------------------------------------------------------------

class ValueTest(Node):
    """A registry field (``field``) or a year's figure (``year_field`` / ``figure``) tested by a list
    of values, presence, words it contains, or a comparison with a number of the law."""

    def __init__(self, spec: dict, book, label: str):
        self.yearly = "field" not in spec
        key = spec["field"] if not self.yearly else spec.get("year_field") or spec["figure"]
        self.key, self.label = key, label
        self.which = spec.get("year")
        self.values = frozenset(str(v) for v in spec["in"]) if "in" in spec else None
        self.not_values = frozenset(str(v) for v in spec["not_in"]) if "not_in" in spec else None
        self.present = spec.get("present")
        self.contains = tuple(spec.get("contains") or ())
        self.excludes = tuple(spec.get("excludes") or ())
        self.op = spec.get("op")
        self.bound = _bound(spec, book) if "bound" in spec else None
        self.topic = spec.get("topic")
        self.fixed = number(spec["value"]) if "value" in spec else None
        self.fixed_pair = pair(self.fixed) if self.fixed is not None else None
        self.bound_pair = pair(limit_of(self.bound, self.op)) if self.bound is not None and self.op else None
        self.compare = OPS.get(self.op) if self.op else None
        if self.op is not None and self.op not in OPS:
            raise ConditionError(f"未知的比较符 {self.op}")
        if self.op and self.bound is None and self.topic is None and self.fixed is None:
            raise ConditionError(f"{key}：比较需要 bound、topic 或 value")
        self.deps = frozenset({key})

    def _get(self, ctx):
        if self.yearly:
            return ctx.year_value(self.key, ctx.resolve_year(self.which))
        return ctx.value(self.key)

    def _limit(self, ctx) -> tuple[Fraction | None, Bound | None]:
        if self.fixed is not None:
            return self.fixed, None
        bound = self.bound if self.bound is not None else ctx.topic(self.topic)
        return (None, None) if bound is None else (limit_of(bound, self.op), bound)

    def test(self, ctx):
        value = self._get(ctx)
        if self.op is not None:
            if value is None:
                return False if ctx.empty_means_no(self.key) else None
            limit = self.fixed_pair or self.bound_pair
            if limit is None:
                bound = ctx.topic(self.topic)
                if bound is None:
                    return None
                limit = pair(limit_of(bound, self.op))
            return self.compare(value * limit[1], limit[0])
        if value is None:
            if self.present is not None:
                return not self.present
            return None if self.yearly else False
        if self.present is not None:
            return bool(self.present)
        text = str(value)
        if self.values is not None and text not in self.values:
            return False
        if self.not_values is not None and text in self.not_values:
            return False
        if self.contains and not all(w in text for w in self.contains):
            return False
        if self.excludes and any(w in text for w in self.excludes):
            return False
        return True

    def explain(self, ctx):
        year = ctx.resolve_year(self.which) if self.yearly else None
        value = self._get(ctx)
        label = ctx.columns.fields[self.key].label if self.key in ctx.columns.fields else self.key
        shown = f"{year}年度{label}：{show(value, self.key, ctx.columns)}" if year is not None else \
            f"{label}：{show(value, self.key, ctx.columns)}"
        if self.op is not None and value is not None:
            limit, bound = self._limit(ctx)
            if bound is not None:
                shown += f"，{OP_WORDS[self.op]}{bound_text(bound, self.op)}"
        where = ctx.year_where(self.key, year) if self.yearly else ctx.where(self.key)
        return [Evidence(self.label or label, shown, (where,) if where else ())]


# --- dates -------------------------------------------------------------------------------------------

class Age(Node):
    def __init__(self, spec, book, label):
        self.birth, self.on, self.op, self.label = spec["age"], spec["at"], spec["op"], label
        self.bound = _bound(spec, book)
        self.limit = limit_of(self.bound, self.op)
        self.deps = frozenset({self.birth, self.on})

    def test(self, ctx):
        birth, on = ctx.value(self.birth), ctx.value(self.on)
        if birth is None or on is None:
            return None
        return OPS[self.op](age_on(birth, on), self.limit)

    def explain(self, ctx):
        birth, on = ctx.value(self.birth), ctx.value(self.on)
        return [Evidence(self.label, f"出生于{birth.isoformat()}，{on.isoformat()}时{age_on(birth, on)}周岁，"
                         f"{OP_WORDS[self.op]}{bound_text(self.bound, self.op)}",
                         (ctx.where(self.birth), ctx.where(self.on)))]


class Since(Node):
    """Time from a date (or its fallback) to the screening date, in the bound's years or months."""

    def __init__(self, spec, book, label):
        self.key, self.fallback, self.op, self.label = spec["since"], spec.get("fallback"), spec["op"], label
        self.bound = _bound(spec, book) if "bound" in spec else None
        if self.bound is None or self.bound.quantity not in ("years", "months"):
            raise ConditionError(f"since {self.key}：需要以年或月计的 bound")
        self.n = int(limit_of(self.bound, self.op))
        self.deps = frozenset({self.key} | ({self.fallback} if self.fallback else set()))

    def _start(self, ctx):
        value = ctx.value(self.key)
        if value is None and self.fallback:
            return ctx.value(self.fallback), self.fallback
        return value, self.key

    def test(self, ctx):
        start, key = self._start(ctx)
        if start is None:
            return False if ctx.empty_means_no(self.key) else None
        end = add_years(start, self.n) if self.bound.quantity == "years" else add_months(start, self.n)
        reached = end <= ctx.as_of  # “满N年” / “N个月以上”: the anniversary itself counts
        return reached if self.op in (">=", ">") else not reached

    def explain(self, ctx):
        start, key = self._start(ctx)
        label = ctx.columns.fields[key].label
        end = add_years(start, self.n) if self.bound.quantity == "years" else add_months(start, self.n)
        state = "已满" if end <= ctx.as_of else "未满"
        return [Evidence(self.label, f"{label}{start.isoformat()}，至{ctx.as_of.isoformat()}{state}"
                         f"{bound_text(self.bound, self.op)}（{end.isoformat()}满）", (ctx.where(key),))]


class DatePassed(Node):
    def __init__(self, spec, book, label):
        self.key, self.label = spec["date"], label
        self.deps = frozenset({self.key})

    def test(self, ctx):
        value = ctx.value(self.key)
        if value is None:
            return False if ctx.empty_means_no(self.key) else None
        return value <= ctx.as_of

    def explain(self, ctx):
        value = ctx.value(self.key)
        label = ctx.columns.fields[self.key].label
        return [Evidence(self.label, f"{label}：{show(value)}", (ctx.where(self.key),))]


class Deadline(Node):
    """A deadline passed without the task done by it (done on the day itself is in time)."""

    def __init__(self, spec, book, label):
        self.key, self.done, self.label = spec["deadline"], spec.get("done"), label
        status = spec.get("done_status") or {}
        self.status_key, self.status_values = status.get("field"), frozenset(status.get("in") or ())
        self.deps = frozenset(k for k in (self.key, self.done, self.status_key) if k)

    def test(self, ctx):
        deadline = ctx.value(self.key)
        if deadline is None:
            return False if ctx.empty_means_no(self.key) else None
        if ctx.as_of <= deadline:
            return False
        done = ctx.value(self.done) if self.done else None
        status = ctx.value(self.status_key) if self.status_key else None
        if done is not None:
            return done > deadline
        return str(status or "") not in self.status_values

    def explain(self, ctx):
        keys = [k for k in (self.key, self.status_key, self.done) if k]
        text = "；".join(f"{ctx.columns.fields[k].label}：{show(ctx.value(k))}" for k in keys)
        reason = ctx.value("rectification_reason")
        if reason:
            text += f"（事由：{reason}）"
        return [Evidence(self.label, text + f"；至{ctx.as_of.isoformat()}未按期完成", tuple(ctx.where(k) for k in keys))]


class PeriodEnd(Node):
    """The end of a period (start + length, the length capped by the law) and of an approved extension
    (capped by the law) has passed."""

    def __init__(self, spec, book, label):
        p = spec["period_end"]
        self.start, self.length, self.label = p["start"], p.get("length"), label
        self.length_cap = p.get("length_cap")
        self.ext_until, self.ext_approved = p.get("extension_until"), p.get("extension_approved")
        self.ext_cap = _bound({"bound": p["extension_cap"]}, book) if p.get("extension_cap") else None
        self.deps = frozenset(k for k in (self.start, self.length) if k)

    def _allowed(self, ctx):
        start = ctx.value(self.start)
        if start is None:
            return None
        cap = ctx.topic(self.length_cap) if self.length_cap else None
        years = ctx.value(self.length) if self.length else None
        cap_n = int(limit_of(cap, "<=")) if cap is not None else None
        notes = []
        if years is None:
            if cap_n is None:
                return None
            years = cap_n
            notes.append(f"届期空白，按{bound_text(cap, '<=')}计")
        elif cap_n is not None and years > cap_n:
            notes.append(f"届期{years}年超过{bound_text(cap, '<=')}，按{cap_n}年计")
            years = cap_n
        end = add_years(start, years)
        allowed = end
        until = ctx.value(self.ext_until) if self.ext_until else None
        approved = ctx.value(self.ext_approved) if self.ext_approved else None
        approval_known = self.ext_approved in ctx.available
        if until is not None and (approved is not None or not approval_known):
            longest = add_years(end, int(limit_of(self.ext_cap, "<="))) if self.ext_cap else until
            allowed = max(end, min(until, longest))
            if until > longest:
                notes.append(f"延期截止日期{until.isoformat()}超过可延期限，按{longest.isoformat()}计")
        elif until is not None:
            notes.append(f"延期换届截止日期{until.isoformat()}未见批准日期，不计延期")
        return start, end, allowed, notes

    def test(self, ctx):
        found = self._allowed(ctx)
        return None if found is None else ctx.as_of > found[2]

    def explain(self, ctx):
        start, end, allowed, notes = self._allowed(ctx)
        text = f"本届起始{start.isoformat()}，届满{end.isoformat()}"
        if allowed != end:
            text += f"，经批准延期至{allowed.isoformat()}"
        text += f"；至{ctx.as_of.isoformat()}未换届"
        if notes:
            text += "（" + "；".join(notes) + "）"
        keys = [k for k in (self.start, self.length, self.ext_approved, self.ext_until) if k and ctx.value(k) is not None]
        return [Evidence(self.label, text, tuple(ctx.where(k) for k in keys))]


# --- penalties ---------------------------------------------------------------------------------------

class Penalties(Node):
    """The number of penalties of a kind within a window before the screening date (or in a year)."""

    def __init__(self, spec, book, label):
        select = spec.get("penalties") or {}
        self.types = tuple(select.get("types_any") or ())
        fine = select.get("fine")
        self.fine_op = fine["op"] if fine else None
        self.fine_bound = _bound(fine, book) if fine else None
        self.window = _bound({"bound": spec["window"]}, book) if spec.get("window") else None
        self.in_year = spec.get("in_year")
        self.op, self.label = spec.get("op", ">="), label
        self.count_bound = _bound(spec, book) if "bound" in spec else None
        self.count = number(spec["value"]) if "value" in spec else limit_of(self.count_bound, self.op)
        self.deps = frozenset({"penalty_date"})

    def _selected(self, ctx):
        if self.window is not None:
            start = add_years(ctx.as_of, -int(limit_of(self.window, "<=")))
            inside = lambda p: start < p.date <= ctx.as_of  # noqa: E731
        else:
            year = ctx.as_of.year - 1 if self.in_year == "previous" else ctx.as_of.year
            inside = lambda p: p.date.year == year  # noqa: E731
        out = []
        for p in ctx.org.penalties:
            if not inside(p):
                continue
            if self.types and not any(t in p.type for t in self.types):
                continue
            if self.fine_bound is not None and not OPS[self.fine_op](number(p.fine or 0),
                                                                      limit_of(self.fine_bound, self.fine_op)):
                continue
            out.append(p)
        return out

    def test(self, ctx):
        return OPS[self.op](len(self._selected(ctx)), self.count)

    def explain(self, ctx):
        chosen = sorted(self._selected(ctx), key=lambda p: p.date)
        if self.window is not None:
            span = f"{add_years(ctx.as_of, -int(limit_of(self.window, '<='))).isoformat()}至{ctx.as_of.isoformat()}"
        else:
            span = f"{ctx.as_of.year - 1}年度"
        head = f"{span}共{len(chosen)}次"
        if self.count_bound is not None:
            head += f"（{bound_text(self.count_bound, self.op, False)}以上即列入）"
        return [Evidence(self.label, head + "：" + "；".join(p.describe() for p in chosen),
                         tuple(p.origin.where("penalty_date") for p in chosen))]


# --- annual reports ----------------------------------------------------------------------------------

class Report(Node):
    """The year's annual report was late (or not filed) / not filed, against the deadline the rulebook
    sets for the organization's type (topic annual_report_deadline)."""

    def __init__(self, spec, book, label):
        self.mode, self.which, self.label = spec["report"], spec.get("year"), label
        if self.mode not in ("late", "missing"):
            raise ConditionError(f"report: {self.mode}（应为 late 或 missing）")
        self.deps = frozenset({("report_filed", "last_inspection_year")})

    def test(self, ctx):
        year = ctx.resolve_year(self.which)
        if year is None or ctx.deadline_month is None:
            return None
        if not ctx.report_due(year):
            return False
        status, when, _ = ctx.report_status(year)
        if status == "unknown":
            return None
        if status == "missing":
            return True
        if self.mode == "missing":
            return False
        return None if when is None else when > ctx.report_deadline(year)

    def explain(self, ctx):
        year = ctx.resolve_year(self.which)
        status, when, where = ctx.report_status(year)
        deadline = ctx.report_deadline(year)
        if status == "missing":
            text = f"{year}年度工作报告未报送（应于{deadline.isoformat()}前报送登记管理机关）"
        else:
            text = f"{year}年度工作报告于{when.isoformat()}报送，晚于{deadline.isoformat()}"
        return [Evidence(self.label, text, (where,) if where else ())]


class Consecutive(Node):
    """The condition holds in this year and the years before it, ``years`` years in all."""

    def __init__(self, child, bound: Bound, label):
        self.child, self.bound, self.label = child, bound, label
        self.n = int(limit_of(bound, ">="))
        self.deps, self.refs = child.deps, child.refs

    def test(self, ctx):
        year = ctx.year if ctx.year is not None else ctx.latest
        if year is None:
            return None
        unknown = False
        try:
            for k in range(self.n):
                ctx.year = year - k
                result = ctx.check(self.child)
                if result is False:
                    return False
                unknown |= result is None
        finally:
            ctx.year = year
        return None if unknown else True

    def explain(self, ctx):
        year = ctx.year if ctx.year is not None else ctx.latest
        out = []
        try:
            for k in reversed(range(self.n)):
                ctx.year = year - k
                out += self.child.explain(ctx)
        finally:
            ctx.year = year
        head = Evidence(self.label, f"{year - self.n + 1}—{year}年度连续{bound_text(self.bound, '>=', False)}")
        return [head] + out


# --- figures -----------------------------------------------------------------------------------------

class Ratio(Node):
    """numerator / denominator (figures of this or another year) compared with a share set by the
    law; the share may depend on a tier (e.g. last year's net assets)."""

    def __init__(self, spec, book, label):
        r = spec["ratio"]
        self.num_key, self.num_year = r["numerator"]["figure"], r["numerator"].get("year")
        self.den_key, self.den_year = r["denominator"]["figure"], r["denominator"].get("year")
        self.op, self.label = spec["op"], label
        self.bound = _bound(spec, book) if "bound" in spec else None
        self.topic = spec.get("topic")
        self.fixed = number(spec["value"]) if "value" in spec else None
        self.tier = {fact: (t["figure"], t.get("year")) for fact, t in (spec.get("tier") or {}).items()}
        alt = spec.get("alternative_mean")
        self.alt_key = alt["figure"] if alt else None
        self.alt_bound = _bound({"bound": alt["years"]}, book) if alt else None
        if self.bound is None and self.topic is None and self.fixed is None:
            raise ConditionError("ratio：需要 bound、topic 或 value")
        self.deps = frozenset({self.num_key, self.den_key})

    def _parts(self, ctx):
        ny, dy = ctx.resolve_year(self.num_year), ctx.resolve_year(self.den_year)
        n, d = ctx.year_value(self.num_key, ny), ctx.year_value(self.den_key, dy)
        return ny, dy, n, d

    def _limit(self, ctx):
        if self.fixed is not None:
            return self.fixed, None
        if self.bound is not None:
            return limit_of(self.bound, self.op), self.bound
        facts = {}
        for fact, (key, which) in self.tier.items():
            value = ctx.year_value(key, ctx.resolve_year(which))
            if value is None:
                return None, None
            facts[fact] = value
        bound = ctx.topic(self.topic, **facts)
        return (None, None) if bound is None else (limit_of(bound, self.op), bound)

    def _alternative(self, ctx, n, limit):
        """Whether the law's alternative base (the mean of the previous years) clears the figure;
        None when those years' figures are not all there."""
        if self.alt_key is None:
            return None
        years = int(limit_of(self.alt_bound, "<="))
        base = ctx.resolve_year(None)
        values = [ctx.year_value(self.alt_key, base - k) for k in range(1, years + 1)]
        if any(v is None for v in values):
            return None
        mean = sum(number(v) for v in values) / years
        return not OPS[self.op](number(n), limit * mean)

    def test(self, ctx):
        _, _, n, d = self._parts(ctx)
        if n is None or d is None:
            return None
        limit, _ = self._limit(ctx)
        if limit is None:
            return None
        if d == 0:
            if n == 0:
                return None
            return self.op in (">", ">=") and n > 0  # an infinite share
        p, q = pair(limit)
        result = OPS[self.op](n * q, p * d) if d > 0 else OPS[self.op](number(n) / d, limit)
        if result and self._alternative(ctx, n, limit):
            return False
        return result

    def explain(self, ctx):
        ny, dy, n, d = self._parts(ctx)
        limit, bound = self._limit(ctx)
        cols = ctx.columns
        nl, dl = cols.fields[self.num_key].label, cols.fields[self.den_key].label
        share = "—" if number(d) == 0 else percent(number(n) / number(d))
        limit_text = bound_text(bound, self.op) if bound is not None else f"{float(limit):g}"
        text = (f"{ny}年度{nl}{show(n, self.num_key, cols)}，为{dy}年度{dl}{show(d, self.den_key, cols)}的{share}，"
                f"{OP_WORDS[self.op]}{limit_text}")
        if self.alt_key is not None:
            years = int(limit_of(self.alt_bound, "<="))
            if self._alternative(ctx, n, limit) is None:
                text += f"（按前{years}年收入平均数额计算所需的年度数据不全，未能核算）"
        where = tuple(w for w in (ctx.year_where(self.num_key, ny), ctx.year_where(self.den_key, dy)) if w)
        return [Evidence(self.label, text, where)]


class Change(Node):
    """A figure grew to, or fell to, ``factor`` times its value of the year before (from or to zero counts)."""

    def __init__(self, spec, book, label):
        self.keys, self.label = tuple(spec["change"]), label
        self.bound = _bound({"bound": spec["factor"]}, book)
        self.factor = limit_of(self.bound, ">=")
        self.factor_pair = pair(self.factor)
        self.deps = frozenset(self.keys)

    def _jumps(self, ctx):
        year = ctx.resolve_year(None)
        out, unknown = [], True
        for key in self.keys:
            a, b = ctx.year_value(key, year - 1), ctx.year_value(key, year)
            if a is None or b is None:
                continue
            unknown = False
            low, high = (a, b) if a <= b else (b, a)
            p, q = self.factor_pair
            if (low <= 0 < high) or (low > 0 and high * q >= p * low):
                out.append((key, a, b))
        return out, unknown

    def test(self, ctx):
        jumps, unknown = self._jumps(ctx)
        return None if unknown else bool(jumps)

    def explain(self, ctx):
        year = ctx.resolve_year(None)
        out = []
        for key, a, b in self._jumps(ctx)[0]:
            label = ctx.columns.fields[key].label
            ratio = "由零变为非零" if min(a, b) <= 0 else (f"增至{b / a:.1f}倍" if b > a else f"降至{b / a:.2f}倍")
            out.append(Evidence(self.label, f"{label}：{year - 1}年度{show(a, key, ctx.columns)}，{year}年度"
                                f"{show(b, key, ctx.columns)}，{ratio}（{bound_text(self.bound, '>=', False)}即提示）",
                                tuple(w for w in (ctx.year_where(key, year - 1), ctx.year_where(key, year)) if w)))
        return out


class IndicatorRef(Node):
    def __init__(self, spec, book, label):
        self.ref, self.which, self.label = spec["indicator"], spec.get("year"), label
        self.refs = frozenset({self.ref})
        self.per_year: bool | None = None  # set when the indicators are linked

    def _key(self, ctx):
        return (self.ref, ctx.resolve_year(self.which) if self.per_year else None)

    def test(self, ctx):
        return ctx.results.get(self._key(ctx))

    def explain(self, ctx):
        return [Evidence(self.label, f"已命中指标 {self.ref}" + (f"（{self._key(ctx)[1]}年度）" if self.per_year else ""))]


# --- compiling ---------------------------------------------------------------------------------------

def _bound(spec: dict, book) -> Bound:
    key = spec["bound"]
    bound = book.bound(key)
    if bound is None:
        raise ConditionError(f"{book.locality.name}没有规定“{key}” / the locality sets no {key!r}")
    return bound


# The leaf kinds, by the key that names them in a condition (corpus/rules/risk.yaml).
LEAVES = {"field": ValueTest, "year_field": ValueTest, "figure": ValueTest, "age": Age, "since": Since,
          "date": DatePassed, "deadline": Deadline, "period_end": PeriodEnd, "penalties": Penalties,
          "report": Report, "ratio": Ratio, "change": Change, "indicator": IndicatorRef}


def compile_condition(spec: Any, book, columns) -> Node:
    """One condition (a mapping, or a list meaning all of them) as a node; ConditionError for a
    condition the language does not have, or a field the column mapping does not know."""
    if isinstance(spec, list):
        return All([compile_condition(s, book, columns) for s in spec])
    if not isinstance(spec, dict):
        raise ConditionError(f"条件应为键值对：{spec!r}")
    label = str(spec.get("label", ""))
    for key in ("field", "year_field", "figure", "age", "since", "date"):
        if key in spec:
            name = spec[key]
            if name not in columns.fields:
                raise ConditionError(f"字段“{name}”不在列名对照文件中")
    if "all" in spec:
        return All([compile_condition(s, book, columns) for s in spec["all"]], label)
    if "any" in spec:
        return AnyOf([compile_condition(s, book, columns) for s in spec["any"]], label)
    if "not" in spec:
        return Not(compile_condition(spec["not"], book, columns), label)
    if "signals" in spec:
        return Signals([compile_condition(s, book, columns) for s in spec["signals"]],
                       _bound({"bound": spec["at_least"]}, book), label)
    if "consecutive" in spec:
        return Consecutive(compile_condition(spec["consecutive"], book, columns),
                           _bound({"bound": spec["years"]}, book), label)
    for key, kind in LEAVES.items():
        if key in spec:
            return kind(spec, book, label)
    raise ConditionError(f"未知的条件：{sorted(spec)}")


def unavailable(root: Node, available: set[str]) -> set[int]:
    """Ids of the conditions under ``root`` that need a column no table of the run has."""
    def ok(dep) -> bool:
        return any(d in available for d in dep) if isinstance(dep, tuple) else dep in available

    return {id(n) for n in walk(root) if not isinstance(n, (_Group, Not, Signals, Consecutive))
            and not all(ok(d) for d in n.deps)}


def walk(node: Node):
    yield node
    for child in getattr(node, "children", ()):
        yield from walk(child)
    for attr in ("child",):
        if hasattr(node, attr):
            yield from walk(getattr(node, attr))
