"""GB 32100-2015 credit codes and GB 11643-1999 resident ID numbers: real ones pass, every
single-character corruption fails."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import DomainError
from core.identifiers import USCC_CHARSET, validate_resident_id, validate_uscc

REAL = [
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 北京百度网讯科技有限公司
    "91310000717854505W",
]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(f" {code.lower()} ") == code


@pytest.mark.parametrize("code", REAL)
def test_every_single_character_corruption_is_refused(code: str) -> None:
    for position in range(18):
        for replacement in USCC_CHARSET:
            if replacement == code[position]:
                continue
            corrupted = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(DomainError):
                validate_uscc(corrupted)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9144030071526726X", "18"),
        ("9144030071526726XGG", "18"),
        ("9144030071526726IG", "I"),
        ("91440300715267260O", "O"),
        ("9144030071526726XA", "G"),
    ],
)
def test_refusals_say_why(code: str, reason: str) -> None:
    with pytest.raises(DomainError) as refused:
        validate_uscc(code)
    assert reason in refused.value.message and refused.value.detail["field"] == "credit_code"


def with_check(first17: str) -> str:
    """The check character computed here from the standard (ISO 7064 MOD 11-2), independently
    of the code under test: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11, 10 is X."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


RESIDENT_IDS = [
    "11010519491231002X",  # the standard's own example (北京市朝阳区, 1949-12-31, female)
    with_check("37010219850715123"),  # 济南市历下区
    with_check("44030419920229001"),  # 深圳市福田区, born on a leap day
    with_check("65010220000101456"),
    with_check("81000019780613002"),  # Hong Kong residents' permit prefix
]


@pytest.mark.parametrize("number", RESIDENT_IDS)
def test_real_resident_ids_pass(number: str) -> None:
    assert validate_resident_id(number) == number
    assert validate_resident_id(f" {number.lower()} ") == number


def test_the_examples_cover_a_check_x_and_a_digit() -> None:
    assert {n[-1] == "X" for n in RESIDENT_IDS} == {True, False}


@pytest.mark.parametrize("number", RESIDENT_IDS)
def test_every_single_character_corruption_of_a_resident_id_is_refused(number: str) -> None:
    for position in range(18):
        for replacement in "0123456789X":
            if replacement == number[position]:
                continue
            corrupted = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(DomainError):
                validate_resident_id(corrupted)


# Two days on: still in the future if the run crosses midnight after collecting the cases.
IN_TWO_DAYS = dt.date.today() + dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18"),
        ("11010519491231002XX", "18"),
        ("1101051949123100AX", "digits"),
        ("11010519491231002Y", "digit or X"),
        (with_check("00000019491231002"), "region"),
        (with_check("99010519491231002"), "region"),
        (with_check("11010519490230002"), "real date"),
        (with_check("11010519491301002"), "real date"),
        (with_check("11010519490229002"), "real date"),  # 1949 was no leap year
        ("440524188001010014", "1900"),  # the standard's other example: born 1880
        (with_check(f"110105{IN_TWO_DAYS:%Y%m%d}002"), "future"),
        ("110105194912310021", "should be X"),
    ],
)
def test_resident_id_refusals_say_why(number: str, reason: str) -> None:
    with pytest.raises(DomainError) as refused:
        validate_resident_id(number)
    message = refused.value.message
    assert reason in message and message.startswith("公民身份号码无效")
    # Personal information: the refusal names the field, never the number.
    assert refused.value.detail == {"field": "id_number"}
