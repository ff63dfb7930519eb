"""Each validator with valid and invalid examples, including the check-character standards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.forms.validators import (
    FieldError, age_on, check_phone, check_uscc, id_check_char, parse_amount, parse_count, parse_date,
    parse_id_number, uscc_check_char, validate_value,
)
from tests.forms.conftest import ID_1950, ID_1958, ID_1980, TODAY, USCC_FOUNDATION, USCC_SERVICE, USCC_SHETUAN


# --- 统一社会信用代码 ----------------------------------------------------------

def _gb32100_from_first_principles(first17: str) -> str:
    """Independent of the module: weight of position i is 3**i mod 31; check = 31 - sum mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * (3 ** i % 31) for i, c in enumerate(first17))
    return alphabet[(31 - total % 31) % 31]


def test_uscc_known_good_example_from_the_standard():
    # The worked example printed in GB 32100-2015.
    code = "91350100M000100Y43"
    assert _gb32100_from_first_principles(code[:17]) == "3"
    assert uscc_check_char(code[:17]) == "3"
    assert check_uscc(code) == code


@pytest.mark.parametrize("code", [USCC_SHETUAN, USCC_SERVICE, USCC_FOUNDATION])
def test_uscc_civil_affairs_codes_are_accepted(code):
    assert _gb32100_from_first_principles(code[:17]) == code[17]
    assert check_uscc(code.lower()) == code  # lower case is normalised


def test_uscc_wrong_check_character_names_the_expected_one():
    bad = USCC_SHETUAN[:17] + ("F" if USCC_SHETUAN[17] != "F" else "G")
    with pytest.raises(FieldError, match=f"第18位应为“{USCC_SHETUAN[17]}”"):
        check_uscc(bad)


@pytest.mark.parametrize("code, fragment", [
    ("51310000MJ4866512", "应为18位"),
    ("51310000MJ4866512EE", "应为18位"),
    ("51310000MJ48665I2E", "不允许的字符：I"),
    ("5131OOOOMJ4866512E", "不允许的字符：O"),
    ("51AB0000MJ4866512E", "行政区划码"),
])
def test_uscc_malformed(code, fragment):
    with pytest.raises(FieldError, match=fragment):
        check_uscc(code)


def test_uscc_bad_organization_code_check_is_caught():
    # Change the 组织机构代码 check char (position 17) and recompute position 18 so only the inner check fails.
    first17 = USCC_SHETUAN[:16] + ("3" if USCC_SHETUAN[16] != "3" else "4")
    code = first17 + uscc_check_char(first17)
    with pytest.raises(FieldError, match="组织机构代码"):
        check_uscc(code)


def test_uscc_civil_affairs_rule_requires_leading_5():
    with pytest.raises(FieldError, match="第1位应为“5”"):
        validate_value("uscc", "91350100M000100Y43", {"civil_affairs": True}, TODAY)


# --- 居民身份证号码 ------------------------------------------------------------

def _gb11643_from_first_principles(first17: str) -> str:
    """Weight of position i (from the left, 0-based) is 2**(17-i) mod 11; check = (12 - sum mod 11) mod 11, 10 -> X."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_id_known_good_examples_from_the_standard(number):
    # Both are the examples printed in GB 11643-1999.
    assert _gb11643_from_first_principles(number[:17]) == number[17]
    assert id_check_char(number[:17]) == number[17]
    assert parse_id_number(number).number == number


def test_id_birth_date_and_gender():
    info = parse_id_number(ID_1958)
    assert info.birth_date == date(1958, 6, 15)
    assert info.gender == "女"
    assert parse_id_number(ID_1980).gender == "男"
    assert parse_id_number(ID_1958.lower()).number == ID_1958  # x accepted


@pytest.mark.parametrize("number, fragment", [
    ("31010519800101123", "应为18位"),
    ("3101051980010112A5", "前17位应为数字"),
    ("310105198002301235", "不是有效日期"),
    ("310105198001011236", "校验位错误"),
])
def test_id_invalid(number, fragment):
    with pytest.raises(FieldError, match=fragment):
        parse_id_number(number)


def test_id_future_birth_date_is_rejected():
    first17 = "31010520300101123"
    with pytest.raises(FieldError, match="不合理"):
        parse_id_number(first17 + id_check_char(first17), today=TODAY)


def test_age_limit_of_responsible_persons():
    rules = {"max_age": 70, "min_age": 18}
    assert validate_value("id_number", ID_1958, rules, TODAY).gender == "女"  # 67
    with pytest.raises(FieldError, match="76周岁，超过负责人70周岁"):
        validate_value("id_number", ID_1950, rules, TODAY)
    assert age_on(date(1956, 3, 1), date(2026, 3, 1)) == 70
    assert age_on(date(1956, 3, 2), date(2026, 3, 1)) == 69


# --- phones, dates, amounts, counts, choices -------------------------------------

@pytest.mark.parametrize("phone, kind", [
    ("13812345678", "mobile"), ("+86 138 1234 5678", "mobile"), ("021-63211234", "landline"),
    ("02163211234", "landline"), ("0571-8765432", "landline"), ("021-63211234-808", "landline"),
])
def test_phone_valid(phone, kind):
    assert check_phone(phone) == kind


@pytest.mark.parametrize("phone, fragment", [
    ("12345678901", "手机号码"), ("1381234567", "手机号码"), ("63211234", "区号"), ("电话待定", "格式不正确"),
])
def test_phone_invalid(phone, fragment):
    with pytest.raises(FieldError, match=fragment):
        check_phone(phone)


def test_mobile_only_rule():
    with pytest.raises(FieldError, match="手机号码"):
        validate_value("phone", "021-63211234", {"mobile_only": True}, TODAY)


@pytest.mark.parametrize("text", ["2026-03-01", "2026/3/1", "2026年3月1日", "2026.03.01", "20260301"])
def test_dates_in_common_formats(text):
    assert parse_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text, fragment", [("2026-02-30", "不是有效日期"), ("明年三月", "无法识别日期")])
def test_dates_invalid(text, fragment):
    with pytest.raises(FieldError, match=fragment):
        parse_date(text)


def test_future_date_rule():
    with pytest.raises(FieldError, match="晚于今天"):
        validate_value("date", "2026-03-02", {"not_future": True}, TODAY)


@pytest.mark.parametrize("text, unit, yuan", [
    ("3万元", "元", 30000), ("30000元", "万元", 30000), ("3", "万元", 30000), ("1,200元", "元", 1200),
    ("人民币 200 万元", "元", 2_000_000), ("2.5万", "元", 25000), ("¥5000", "元", 5000),
])
def test_amounts_and_units(text, unit, yuan):
    assert parse_amount(text, unit) == Decimal(yuan)


@pytest.mark.parametrize("text", ["三万元", "3万美元", "", "约3万元"])
def test_amounts_invalid(text):
    with pytest.raises(FieldError, match="无法识别金额"):
        parse_amount(text)


def test_amount_must_be_positive():
    with pytest.raises(FieldError, match="大于零"):
        validate_value("amount", "0元", {}, TODAY)


def test_counts():
    assert parse_count("52") == 52
    assert parse_count("52人") == 52
    for bad in ("-1", "五十", "3.5"):
        with pytest.raises(FieldError):
            parse_count(bad)
    with pytest.raises(FieldError, match="不得少于5人"):
        validate_value("count", "4", {"min": 5, "min_message": "不得少于5人"}, TODAY)


def test_choice_lists_the_options():
    with pytest.raises(FieldError, match="公募、非公募"):
        validate_value("choice", "私募", {"choices": ["公募", "非公募"]}, TODAY)


def test_text_rules():
    with pytest.raises(FieldError, match="不得超过5个字"):
        validate_value("text", "一二三四五六", {"max_length": 5}, TODAY)
    with pytest.raises(FieldError, match="6位数字"):
        validate_value("text", "20012", {"pattern": r"^\d{6}$", "pattern_message": "邮政编码应为6位数字。"}, TODAY)
    with pytest.raises(FieldError, match="门牌号"):
        validate_value("address", "浦东", {}, TODAY)
