"""Check characters of the two identifiers on every filing.

* 居民身份证号码, GB 11643-1999: 17 digits + an ISO 7064 MOD 11-2 check character
  (0–9 or X); digits 7–14 are the birth date, digit 17 is odd for men.
* 统一社会信用代码, GB 32100-2015: 18 characters from a 31-character alphabet
  (digits and capitals without I, O, Z, S, V); character 18 is computed from the
  first 17 with weights 3^i mod 31. Characters 9–17 are the 组织机构代码 (GB 11714),
  whose own check character is checked too. Character 1 is the registering
  authority (5 = 民政), character 2 the kind of body within it.

Errors are ``FormatError`` with a Chinese message for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.text.errors import FormatError

# --- 居民身份证号码 -------------------------------------------------------------

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
    """The number, birth date and gender of a valid 18-digit ID number, else FormatError."""
    number = re.sub(r"\s+", "", raw or "").upper()
    if len(number) != 18:
        raise FormatError(f"居民身份证号码应为18位，当前为{len(number)}位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise FormatError("居民身份证号码前17位应为数字，第18位为数字或X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise FormatError(f"居民身份证号码中的出生日期“{number[6:14]}”不是有效日期。") from None
    if birth.year < 1800 or birth > (today or date.today()):
        raise FormatError(f"居民身份证号码中的出生日期“{number[6:14]}”不合理。")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise FormatError(f"居民身份证号码校验位错误：按GB 11643计算第18位应为“{expected}”，填写的是“{number[17]}”。")
    gender = "男" if int(number[16]) % 2 else "女"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender)


def age_on(birth: date, on: date) -> int:
    """Full years of age (周岁) on a given day."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- 统一社会信用代码 -------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, …
USCC_CIVIL_AFFAIRS = "5"
USCC_CIVIL_KINDS = {"1": "社会团体", "2": "社会服务机构", "3": "基金会", "9": "其他"}
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 组织机构代码 check character for its first 8 characters: digits count as
    themselves, letters A–Z as 10–35 (the 民政 prefix MJ is 22, 19), not as their place in the
    GB 32100 alphabet."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_uscc(raw: str) -> str:
    """The normalised 统一社会信用代码, else FormatError."""
    code = re.sub(r"\s+", "", raw or "").upper()
    if len(code) != 18:
        raise FormatError(f"统一社会信用代码应为18位，当前为{len(code)}位。")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise FormatError(
            "统一社会信用代码含有不允许的字符：" + "、".join(bad)
            + "（只可使用数字和除I、O、Z、S、V以外的大写字母）。"
        )
    if not code[2:8].isdigit():
        raise FormatError("统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）。")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise FormatError(f"统一社会信用代码校验位错误：按GB 32100计算第18位应为“{expected}”，填写的是“{code[17]}”。")
    org_code = code[8:17]
    if org_code[8] not in "0123456789X" or org_code_check_char(org_code[:8]) != org_code[8]:
        raise FormatError("统一社会信用代码第9—17位（组织机构代码）的校验位不正确。")
    return code
