"""Profile problems: one validation problem per rule broken, in Chinese, naming the field.

Structure errors (pydantic) and rule problems (``assistant.profile.checks``) take
the same shape, so a form can show every message at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from assistant.profile.schema import field_label


@dataclass(frozen=True)
class ProfileProblem:
    """One validation problem. ``severity`` is "error" (blocks drafting) or "warning"."""

    field: str  # dotted path, e.g. "funds.amount_yuan"
    rule: str  # short rule id, e.g. "funds_minimum"
    message: str  # Chinese, names the field label and the rule
    severity: Literal["error", "warning"] = "error"
    basis: str = ""  # legal basis, e.g. 基金会管理条例 第八条

    @property
    def label(self) -> str:
        return field_label(self.field)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "rule": self.rule, "message": self.message,
                "severity": self.severity, "basis": self.basis}

    def __str__(self) -> str:
        tag = "错误" if self.severity == "error" else "提示"
        return f"[{tag}] {self.message}"


class ProfileError(ValueError):
    """A profile file that cannot be read or does not fit the model (message: 中文 + English)."""

    def __init__(self, message: str, problems: list[ProfileProblem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def problem(field: str, rule: str, message: str, basis: str = "", severity: str = "error") -> ProfileProblem:
    """A problem whose message starts with the field's Chinese label."""
    return ProfileProblem(field=field, rule=rule, message=f"{field_label(field)}：{message}", severity=severity, basis=basis)


def blocking(problems: list[ProfileProblem]) -> list[ProfileProblem]:
    return [p for p in problems if p.severity == "error"]


_PYDANTIC_MESSAGES = {
    "missing": "必填项未填写",
    "string_too_short": "必填项未填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为“是/否”",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "too_short": "至少填写一项",
    "extra_forbidden": "不是组织概况中的字段（请检查拼写）",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "model_type": "格式不正确",
}


def problems_from_validation_error(error: ValidationError) -> list[ProfileProblem]:
    out = []
    for e in error.errors():
        path = ".".join(str(x) for x in e["loc"])
        text = _PYDANTIC_MESSAGES.get(e["type"], "")
        if e["type"] == "literal_error":
            text = f"取值不在允许范围内（{e.get('ctx', {}).get('expected', '')}）"
        elif e["type"] == "greater_than_equal":
            text = f"不得小于{e.get('ctx', {}).get('ge')}"
        elif not text or e["type"] == "value_error":
            text = str(e.get("msg", "")).removeprefix("Value error, ")
        out.append(problem(path, f"structure.{e['type']}", text))
    return out
