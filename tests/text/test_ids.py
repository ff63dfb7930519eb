"""The check-character standards: GB 32100 (统一社会信用代码) and GB 11643 (居民身份证号码)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.text.errors import FormatError as FieldError
from assistant.text.ids import check_uscc, id_check_char, parse_id_number, uscc_check_char
from tests.forms.conftest import ID_1958, ID_1980, TODAY, USCC_FOUNDATION, USCC_SERVICE, USCC_SHETUAN


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


def test_the_organization_code_counts_letters_as_in_gb_11714():
    """GB 11714: digits are themselves, letters A–Z are 10–35 (not their place in the GB 32100 alphabet):
    the 民政 prefix MJ weighs 22 and 19. Computed here from first principles."""
    body = "MJ310812"  # the 组织机构代码 body of a 社会组织
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c, 36) * w for c, w in zip(body, weights)) % 11
    expected = {10: "X", 11: "0"}.get(check, str(check))
    first17 = "51310104" + body + expected
    assert check_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)
    wrong = "51310104" + body + ("0" if expected != "0" else "1")
    with pytest.raises(FieldError, match="组织机构代码"):
        check_uscc(wrong + uscc_check_char(wrong))
