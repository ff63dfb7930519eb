"""Each field validator with valid and invalid examples (the check characters, amounts and dates
themselves are tested in tests/text/)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.forms.validators import FieldError, age_on, check_phone, parse_count, validate_value
from tests.forms.conftest import ID_1950, ID_1958, TODAY


def test_uscc_civil_affairs_rule_requires_leading_5():
    with pytest.raises(FieldError, match="第1位应为“5”"):
        validate_value("uscc", "91350100M000100Y43", {"civil_affairs": True}, TODAY)


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


def test_future_date_rule():
    with pytest.raises(FieldError, match="晚于今天"):
        validate_value("date", "2026-03-02", {"not_future": True}, TODAY)


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
