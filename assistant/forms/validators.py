"""Field validators: pure functions, no LLM, Chinese messages.

Each ``parse_*`` / ``check_*`` function either returns the parsed value or raises
``FieldError`` whose message is shown to the user as is. ``validate_field``
applies a field's type and its YAML rules to one value.

The two check-character algorithms are the national standards:

* 统一社会信用代码, GB 32100-2015: 18 characters from a 31-character alphabet
  (digits and capitals without I, O, Z, S, V); character 18 is computed from
  the first 17 with weights 3^i mod 31. Characters 9–17 are the 组织机构代码
  (GB 11714), whose own check character is checked too.
* 居民身份证号码, GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character
  (0–9 or X); digits 7–14 are the birth date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


class FieldError(ValueError):
    """A value that breaks a rule; ``str(error)`` is the Chinese message for the user."""


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Character 1: registering authority; character 2: kind of body within it.
# Civil affairs (民政) is "5": 1 社会团体, 2 民办非企业单位/社会服务机构, 3 基金会, 9 其他.
USCC_CIVIL_AFFAIRS = "5"
USCC_CIVIL_KINDS = {"1": "社会团体", "2": "社会服务机构", "3": "基金会", "9": "其他"}

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 组织机构代码 check character for its first 8 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_uscc(raw: str) -> str:
    """Return the normalised 统一社会信用代码 or raise FieldError."""
    code = re.sub(r"\s+", "", raw or "").upper()
    if len(code) != 18:
        raise FieldError(f"统一社会信用代码应为18位，当前为{len(code)}位。")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise FieldError(
            "统一社会信用代码含有不允许的字符：" + "、".join(bad)
            + "（只可使用数字和除I、O、Z、S、V以外的大写字母）。"
        )
    if not code[2:8].isdigit():
        raise FieldError("统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）。")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise FieldError(f"统一社会信用代码校验位错误：按GB 32100计算第18位应为“{expected}”，填写的是“{code[17]}”。")
    org_code = code[8:17]
    if org_code[8] not in "0123456789X" or org_code_check_char(org_code[:8]) != org_code[8]:
        raise FieldError("统一社会信用代码第9—17位（组织机构代码）的校验位不正确。")
    return code


# --- 居民身份证号码 (GB 11643-1999) -------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: date
    gender: str  # 男 / 女 (odd / even 17th digit)


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def parse_id_number(raw: str, today: date | None = None) -> IdNumberInfo:
    number = re.sub(r"\s+", "", raw or "").upper()
    if len(number) != 18:
        raise FieldError(f"居民身份证号码应为18位，当前为{len(number)}位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise FieldError("居民身份证号码前17位应为数字，第18位为数字或X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise FieldError(f"居民身份证号码中的出生日期“{number[6:14]}”不是有效日期。") from None
    if birth.year < 1800 or birth > (today or date.today()):
        raise FieldError(f"居民身份证号码中的出生日期“{number[6:14]}”不合理。")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise FieldError(f"居民身份证号码校验位错误：按GB 11643计算第18位应为“{expected}”，填写的是“{number[17]}”。")
    gender = "男" if int(number[16]) % 2 else "女"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender)


def age_on(birth: date, on: date) -> int:
    """Full years of age (周岁) on a given day."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- dates, amounts, counts, phones -----------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(raw: str) -> date:
    text = (raw or "").strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise FieldError(f"“{text}”不是有效日期（请核对月份和日）。") from None
    raise FieldError(f"无法识别日期“{text}”，请按“2026-03-31”或“2026年3月31日”的格式填写。")


_UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000),
                 "亿元": Decimal(100_000_000), "亿": Decimal(100_000_000)}
_AMOUNT = re.compile(r"^(?:人民币|RMB|¥|￥)?\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|亿元|元|万|亿)?(?:人民币)?$")


def parse_amount(raw: str, default_unit: str = "元") -> Decimal:
    """Amount in 元. A number without a unit is read in the field's unit (e.g. 万元)."""
    text = re.sub(r"\s+", "", raw or "")
    m = _AMOUNT.match(text)
    if not m:
        raise FieldError(f"无法识别金额“{raw}”，请填写阿拉伯数字，并注明单位（元或万元），如“30000元”或“3万元”。")
    try:
        number = Decimal(m[1].replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise FieldError(f"无法识别金额“{raw}”。") from None
    unit = m[2] or default_unit
    return number * _UNIT_FACTORS[unit]


def format_amount(yuan: Decimal) -> str:
    """Human form of an amount in 元: 万元 when it divides evenly enough."""
    if yuan >= 10_000:
        wan = (yuan / 10_000).normalize()
        return f"{wan:f}万元"
    return f"{yuan.normalize():f}元"


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
            raise FieldError(f"金额不得低于{format_amount(Decimal(str(minimum)))}。")
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
            raise FieldError(f"社会组织的统一社会信用代码由民政部门赋码，第1位应为“5”，填写的是“{code[0]}”。")
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
