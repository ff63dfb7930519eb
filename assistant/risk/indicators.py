"""The risk indicators: the rulebook's ``indicator`` rules (scope ``registry``, corpus/rules/risk.yaml)
with their conditions compiled.

    indicators = load_indicators(rulebook, columns)
    [i.id for i in indicators]      # in an order where every referenced indicator comes first
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.risk.columns import ColumnMap
from assistant.risk.conditions import ConditionError, IndicatorRef, Node, compile_condition, walk
from assistant.rules import Rule, Rulebook, RulebookError
from assistant.rules.rulebook import RISK_SCOPES

# What the staff can do about a hit (the rules choose from these).
ACTIONS = ("提醒", "约谈", "责令整改", "列入活动异常名录", "列入严重违法失信名单", "撤销登记建议", "简易注销引导")
SEVERITY_NAMES = {"high": "高", "medium": "中", "low": "低"}


@dataclass
class Indicator:
    rule: Rule
    per_year: bool
    test: Node
    when: Node | None
    actions: tuple[str, ...]
    category: str

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def item(self) -> str:
        return self.rule.item

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def deps(self) -> frozenset:
        return self.test.deps | (self.when.deps if self.when else frozenset())

    @property
    def refs(self) -> frozenset:
        return self.test.refs | (self.when.refs if self.when else frozenset())

    def to_dict(self) -> dict:
        return {"id": self.id, "item": self.item, "severity": self.severity, "severity_label": SEVERITY_NAMES[self.severity],
                "category": self.category, "per": "year" if self.per_year else "organization", "basis": self.rule.basis,
                "suggestion": self.rule.suggestion, "actions": list(self.actions), "org_types": list(self.rule.org_types)}


def _compile(rule: Rule, book: Rulebook, columns: ColumnMap) -> Indicator:
    detect = rule.detect
    where = f"{rule.source} 规则 {rule.id}"
    per = detect.get("per", "organization")
    if per not in ("organization", "year"):
        raise RulebookError(f"{where}：per 应为 organization 或 year / per must be organization or year")
    actions = tuple(detect.get("actions") or ())
    bad = [a for a in actions if a not in ACTIONS]
    if not actions or bad:
        raise RulebookError(f"{where}：处理方式须从 {'、'.join(ACTIONS)} 中选择（{bad or '未写'}）/ actions must be "
                            f"chosen from the list")
    try:
        test = compile_condition(detect["test"], book, columns)
        when = compile_condition(detect["when"], book, columns) if detect.get("when") else None
    except (ConditionError, KeyError, TypeError) as exc:
        raise RulebookError(f"{where}：条件有误：{exc} / invalid condition in {where}: {exc}") from None
    return Indicator(rule, per == "year", test, when, actions, str(detect.get("category", "")))


def load_indicators(book: Rulebook, columns: ColumnMap) -> list[Indicator]:
    """Every risk indicator of the rulebook, in dependency order (RulebookError names a bad rule)."""
    indicators = {r.id: _compile(r, book, columns) for r in book.rules if r.type == "indicator" and r.scope in RISK_SCOPES}
    for indicator in indicators.values():
        for node in walk(indicator.test):
            if isinstance(node, IndicatorRef):
                if node.ref not in indicators:
                    raise RulebookError(f"规则 {indicator.id} 引用的指标 {node.ref} 不存在 / rule {indicator.id} refers to "
                                        f"an unknown indicator {node.ref}")
                node.per_year = indicators[node.ref].per_year
    ordered: list[Indicator] = []
    state: dict[str, str] = {}  # id -> "visiting" | "done"

    def visit(key: str, path: tuple[str, ...]) -> None:
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            raise RulebookError(f"指标相互引用：{' -> '.join(path + (key,))} / indicators refer to each other")
        state[key] = "visiting"
        for ref in sorted(indicators[key].refs):
            visit(ref, path + (key,))
        state[key] = "done"
        ordered.append(indicators[key])

    for key in indicators:
        visit(key, ())
    return ordered
