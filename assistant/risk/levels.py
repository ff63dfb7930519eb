"""The combination rule: from an organization's hits to its risk level (高 / 中 / 低 / 无).

The rule is data (``data.risk_levels`` in corpus/rules/_law.yaml, a locality file may replace it):
levels from the highest down, each with conditions "at least N distinct indicators of severity S";
the first level whose conditions hold is the organization's level.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from assistant.rules import RulebookError

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class LevelRule:
    level: str
    conditions: tuple[tuple[str, int], ...]  # (severity, at least this many distinct indicators): any one suffices

    def holds(self, counts: Counter) -> bool:
        return any(counts[severity] >= n for severity, n in self.conditions)

    def describe(self) -> str:
        names = {"high": "高", "medium": "中", "low": "低"}
        return "或".join(f"{names[s]}严重程度指标{n}项以上" for s, n in self.conditions)


@dataclass(frozen=True)
class RiskLevels:
    rules: tuple[LevelRule, ...]
    otherwise: str
    basis: str

    @property
    def order(self) -> tuple[str, ...]:
        """The levels from the highest down, ending with the level of an organization with no hit."""
        return tuple(r.level for r in self.rules) + (self.otherwise,)

    def rank(self, level: str) -> int:
        return self.order.index(level) if level in self.order else len(self.order)

    def level(self, severities: dict[str, str]) -> str:
        """severities: indicator id -> its severity, one entry per distinct indicator hit."""
        counts = Counter(severities.values())
        for rule in self.rules:
            if rule.holds(counts):
                return rule.level
        return self.otherwise


def load_levels(data) -> RiskLevels:
    if not isinstance(data, dict) or not data.get("levels"):
        raise RulebookError("规则库中没有风险等级的合并规则（data.risk_levels）/ the rulebook has no data.risk_levels")
    rules = []
    for raw in data["levels"]:
        conditions = []
        for cond in raw.get("any") or ():
            severity, n = cond.get("severity"), cond.get("at_least")
            if severity not in SEVERITIES or not isinstance(n, int) or n < 1:
                raise RulebookError(f"data.risk_levels 中“{raw.get('level')}”的条件有误：{cond} / invalid level condition")
            conditions.append((severity, n))
        if not raw.get("level") or not conditions:
            raise RulebookError(f"data.risk_levels 的等级缺少名称或条件：{raw} / a level lacks its name or conditions")
        rules.append(LevelRule(str(raw["level"]), tuple(conditions)))
    return RiskLevels(tuple(rules), str(data.get("otherwise", "无")), str(data.get("basis", "")))
