"""Field validators: pure functions, no LLM, Chinese messages.

Each ``parse_*`` / ``check_*`` function either returns the parsed value or raises
``FieldError`` whose message is shown to the user as is. ``validate_field``
applies a field's type and its YAML rules to one value.

The check characters (居民身份证号码, 统一社会信用代码), amounts and dates are the
Chinese-text basics of ``assistant.text``; this module adds what only forms
need: counts, phone numbers and the per-field rules.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from assistant.text.amounts import format_yuan, parse_amount
from assistant.text.dates import parse_date
from assistant.text.errors import FormatError
from assistant.text.ids import USCC_CIVIL_AFFAIRS, IdNumberInfo, age_on, check_uscc, parse_id_number

# A value that breaks a rule; ``str(error)`` is the Chinese message for the user.
FieldError = FormatError

__all__ = ["FieldError", "IdNumberInfo", "age_on", "check_phone", "check_uscc", "parse_amount", "parse_count",
           "parse_date", "parse_id_number", "validate_value"]


# --- dates, amounts, counts, phones -----------------------------------------

def parse_count(raw: str, allow_decimal: bool = False) -> int | Decimal:
    """A non-negative whole number ("52", "52人"); with allow_decimal also "1.5年"."""
    text = re.sub(r"\s+", "", raw or "")
    number = r"\d+(?:\.\d+)?" if allow_decimal else r"\d+"
    m = re.match(rf"^({number})(人|个|名|家|次|位|年|届)?$", text)
    if not m:
        kind = "非负数" if allow_decimal else "非负整数"
        raise FieldError(f"“{raw}”不是有效的数量，请填写{kind}（如“52”）。")
    return Decimal(m[1]) if "." in m[1] else int(m[1])


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")


def check_phone(raw: str) -> str:
    """Return 'mobile' or 'landline', or raise FieldError."""
    text = re.sub(r"[\s()（）]", "", raw or "")
    text = re.sub(r"^(?:\+86|0086)-?", "", text)
    if _MOBILE.match(text):
        return "mobile"
    if _LANDLINE.match(text):
        return "landline"
    if text.isdigit() and text.startswith("1"):
        raise FieldError(f"手机号码“{raw}”应为以13—19开头的11位数字。")
    raise FieldError(f"电话号码“{raw}”格式不正确：手机为11位数字，固定电话须带区号（如021-12345678）。")


# --- one field --------------------------------------------------------------


def validate_value(field_type: str, value: str, rules: dict[str, Any], today: date) -> Any:
    """Check one non-empty value against its type and rules; return the parsed value.

    Raises FieldError with the user-facing Chinese message.
    """
    value = value.strip()
    if field_type == "date":
        parsed = parse_date(value)
        if rules.get("not_future") and parsed > today:
            raise FieldError(f"日期{parsed.isoformat()}晚于今天，请核对。")
        return parsed
    if field_type == "amount":
        parsed = parse_amount(value, rules.get("unit", "元"))
        if parsed <= 0:
            raise FieldError("金额应大于零。")
        minimum = rules.get("min_yuan")
        if minimum is not None and parsed < Decimal(str(minimum)):
            raise FieldError(f"金额不得低于{format_yuan(Decimal(str(minimum)))}。")
        return parsed
    if field_type == "count":
        parsed = parse_count(value, rules.get("allow_decimal", False))
        if "min" in rules and parsed < rules["min"]:
            raise FieldError(rules.get("min_message") or f"数量不得少于{rules['min']}。")
        if "max" in rules and parsed > rules["max"]:
            raise FieldError(rules.get("max_message") or f"数量不得多于{rules['max']}。")
        return parsed
    if field_type == "choice":
        choices = rules.get("choices") or []
        if value not in choices:
            raise FieldError(f"“{value}”不是可选项，请从以下选项中选择：" + "、".join(choices) + "。")
        return value
    if field_type == "id_number":
        info = parse_id_number(value, today)
        age = age_on(info.birth_date, today)
        if "max_age" in rules and age > rules["max_age"]:
            raise FieldError(f"按身份证号码计算年龄为{age}周岁，超过负责人{rules['max_age']}周岁的年龄上限。")
        if "min_age" in rules and age < rules["min_age"]:
            raise FieldError(f"按身份证号码计算年龄为{age}周岁，未满{rules['min_age']}周岁。")
        return info
    if field_type == "uscc":
        code = check_uscc(value)
        if rules.get("civil_affairs") and code[0] != USCC_CIVIL_AFFAIRS:
            raise FieldError(f"社会组织的统一社会信用代码由民政部门赋码，第1位应为“{USCC_CIVIL_AFFAIRS}”，填写的是“{code[0]}”。")
        return code
    if field_type == "phone":
        kind = check_phone(value)
        if rules.get("mobile_only") and kind != "mobile":
            raise FieldError("此处须填写手机号码（11位）。")
        return kind
    if field_type in ("text", "address"):
        if "min_length" in rules and len(value) < rules["min_length"]:
            raise FieldError(rules.get("length_message") or f"内容过短，至少应有{rules['min_length']}个字。")
        if "max_length" in rules and len(value) > rules["max_length"]:
            raise FieldError(f"内容过长，不得超过{rules['max_length']}个字（当前{len(value)}个字）。")
        if field_type == "address" and not re.search(r"[路街道巷弄号村镇区县市]", value):
            raise FieldError("住所地址应写明所在区（县）、街道（路）和门牌号。")
        pattern = rules.get("pattern")
        if pattern and not re.search(pattern, value):
            raise FieldError(rules.get("pattern_message") or "内容格式不符合要求。")
        for word in rules.get("forbidden_words", []):
            if word in value:
                raise FieldError(f"不得含有“{word}”。")
        return value
    raise FieldError(f"未知的字段类型“{field_type}”（表单定义有误）。")
