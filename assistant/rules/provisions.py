"""Legal provisions and the numbers they fix (bounds), as data.

A ``Provision`` is one rule of law the assistant applies: what it says, where
it applies (``applies``: org type, level, foundation kind …), and its legal
basis. A ``Bound`` is a provision that fixes a number — a minimum, a maximum or
both: 活动资金 ≥ 3万元, 理事 5–25人, 到会 ≥ 三分之二, 变更登记 ≤ 30日.

Several bounds may share a ``topic`` (e.g. ``funds_min``: one bound per kind of
organization); asking the rulebook for a topic with an organization's facts
picks the first bound of that topic whose ``applies`` fits (see ``match``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assistant.text.amounts import format_yuan
from assistant.text.numerals import chinese_number, fraction_words, parse_ratio, ratio_phrase

# quantity -> default unit written after the number
QUANTITIES = {
    "amount": "元", "count": "名", "age": "周岁", "years": "年", "terms": "届", "times": "次",
    "ratio": "", "percent": "%", "days": "日",
    # risk screening: a span in months (公开募捐 6个月), the end of a month of the following year (a report
    # due by 5月底 = 5月31日), a multiple (收支变动 3倍), a number of signals or items (2项)
    "months": "个月", "month_end": "月底", "multiple": "倍", "items": "项",
}
# Facts a provision's ``applies`` tests (callers pass them by name; a new consumer may use new
# names, e.g. net_assets). A value is one string or a list of strings, or for numbers a range
# {min: …, max: …} (min inclusive, max exclusive: tiers by net assets).
FACTS = ("org_type", "level", "foundation_kind", "social_group_kind", "members", "kind", "field_category",
         "charity", "public_fundraising", "net_assets")

Number = int | float | Fraction


def _number(raw: Any, quantity: str) -> Number:
    if quantity == "ratio":
        return parse_ratio(str(raw))
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ValueError(f"数值应为数字：{raw!r}")
    return raw


@dataclass(frozen=True)
class Provision:
    key: str
    item: str  # what it is about, e.g. 活动资金, 理事会会议的到会比例
    basis: str  # legal basis, e.g. 社会团体登记管理条例 第十条第（五）项
    label: str = ""  # who or which case it applies to, e.g. 全国性社会团体
    text: str = ""  # the rule in one sentence (provisions without a number)
    topic: str = ""
    applies: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # a qualification, e.g. 区级由各区确定
    locality: str = ""  # "" for national law, else the locality that set it
    source: str = ""  # where the value was taken from (for local values)

    def match(self, facts: dict[str, Any]) -> bool | None:
        """True when ``applies`` fits the facts, False when a known fact contradicts it,
        None when it depends on a fact that is not known yet (None or "")."""
        undecided = False
        for name, wanted in self.applies.items():
            actual = facts.get(name)
            if actual is None or actual == "":
                undecided = True
                continue
            if isinstance(wanted, dict):  # a numeric range
                low, high = wanted.get("min"), wanted.get("max")
                if (low is not None and actual < low) or (high is not None and actual >= high):
                    return False
            elif str(actual) not in ([str(w) for w in wanted] if isinstance(wanted, list) else [str(wanted)]):
                return False
        return None if undecided else True

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class Bound(Provision):
    quantity: str = "count"
    min: Number | None = None
    max: Number | None = None
    unit: str = ""  # overrides the quantity's default unit (e.g. 个 for members)
    model: Number | None = None  # the value the model charters write, where the law only sets a limit

    # --- the number ---------------------------------------------------------------
    @property
    def value(self) -> Number:
        """The number of a one-sided bound (the minimum or the maximum)."""
        if self.min is not None and self.max is not None:
            raise ValueError(f"{self.key} 有上下限两个数值，请用 .min / .max")
        return self.min if self.min is not None else self.max

    @property
    def side(self) -> str:
        if self.min is not None and self.max is not None:
            return "range"
        return "min" if self.min is not None else "max"

    def allows(self, value: Number) -> bool:
        if self.min is not None and value < self.min:
            return False
        return self.max is None or value <= self.max

    # --- as text -------------------------------------------------------------------
    @property
    def unit_text(self) -> str:
        return self.unit or QUANTITIES[self.quantity]

    def format(self, number: Number) -> str:
        """A number of this bound's quantity as written in Chinese rules: 3万元, 70周岁, 三分之二, 30日."""
        if self.quantity == "amount":
            return format_yuan(number)
        if self.quantity == "ratio":
            return fraction_words(Fraction(number))
        return f"{number:g}{self.unit_text}" if isinstance(number, float) else f"{number}{self.unit_text}"

    @property
    def text_value(self) -> str:
        if self.side == "range":
            return f"{self.min}至{self.format(self.max)}"
        return self.format(self.value)

    def __str__(self) -> str:  # what a template's {{ b.key }} prints
        return self.text_value

    @property
    def n(self) -> str:
        """The bare number: 70, 5, 2/3."""
        value = self.value
        if isinstance(value, Fraction):
            return f"{value.numerator}/{value.denominator}"
        return f"{value:g}" if isinstance(value, float) else str(value)

    @property
    def cn(self) -> str:
        """In Chinese numerals with the unit: 两届, 三名, 三分之二."""
        value = self.value
        if isinstance(value, Fraction):
            return fraction_words(value)
        word = "两" if value == 2 else chinese_number(int(value))
        return f"{word}{self.unit_text}"

    @property
    def phrase(self) -> str:
        """A ratio as charters state a lower bound: 三分之二以上, 过半数."""
        return ratio_phrase(self.value)

    @property
    def words(self) -> str:
        """A ratio in words without a bound word: 三分之二."""
        return fraction_words(self.value)


def parse_provision(key: str, raw: dict[str, Any], locality: str = "") -> Provision:
    """One entry of a ``bounds:`` or ``provisions:`` section (ValueError names what is wrong)."""
    if not isinstance(raw, dict):
        raise ValueError(f"{key} 应为键值对")
    missing = [k for k in ("item", "basis") if not raw.get(k)]
    if missing:
        raise ValueError(f"{key} 缺少 {missing}")
    applies = dict(raw.get("applies") or {})
    if not all(isinstance(name, str) and name.isidentifier() for name in applies):
        raise ValueError(f"{key} 的 applies 应为“事实名: 取值”")
    common = dict(key=key, item=str(raw["item"]), basis=str(raw["basis"]), label=str(raw.get("label", "")),
                  text=str(raw.get("text", "")), topic=str(raw.get("topic", "")), applies=applies,
                  note=str(raw.get("note", "")), locality=locality, source=str(raw.get("source", "")))
    if "min" not in raw and "max" not in raw:
        return Provision(**common)
    quantity = str(raw.get("quantity", "count"))
    if quantity not in QUANTITIES:
        raise ValueError(f"{key} 的 quantity 未知：{quantity}（可用：{', '.join(QUANTITIES)}）")
    low = _number(raw["min"], quantity) if raw.get("min") is not None else None
    high = _number(raw["max"], quantity) if raw.get("max") is not None else None
    model = _number(raw["model"], quantity) if raw.get("model") is not None else None
    return Bound(**common, quantity=quantity, min=low, max=high, unit=str(raw.get("unit", "")), model=model)
