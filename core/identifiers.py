"""National identifiers checked by their standards' check characters."""

from __future__ import annotations

import datetime as dt

from core.errors import DomainError
from themes.i18n import beijing_today

# GB 32100-2015 统一社会信用代码: 18 characters over 31 symbols (no I, O, S, V, Z); the last
# is a check character over the first 17, weights 3^i mod 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(raw: str, *, field: str = "credit_code") -> str:
    """The normalised code, or a DomainError saying what is wrong with it."""
    code = raw.strip().upper()

    def refuse(reason: str) -> DomainError:
        return DomainError(
            f"统一社会信用代码无效：{reason} / invalid credit code: {reason}",
            detail={"field": field, "value": raw},
        )

    if len(code) != 18:
        raise refuse(f"应为 18 位，实为 {len(code)} 位 / must be 18 characters, got {len(code)}")
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise refuse(f"含非法字符 {''.join(bad)} / characters not allowed: {''.join(bad)}")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise refuse(f"校验码应为 {expected} / the check character should be {expected}")
    return code


# GB 11643-1999 公民身份号码: 6-digit address code, 8-digit birth date, 3-digit sequence, and a
# check character by ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; a remainder of 10 is "X").
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
# The province-level prefixes of GB/T 2260 (and 83, Taiwan residents' permits): an address
# code outside them cannot be a region, whatever the check character says.
PROVINCE_PREFIXES = frozenset(
    {
        *("11", "12", "13", "14", "15"),  # 华北
        *("21", "22", "23"),  # 东北
        *("31", "32", "33", "34", "35", "36", "37"),  # 华东
        *("41", "42", "43", "44", "45", "46"),  # 中南
        *("50", "51", "52", "53", "54"),  # 西南
        *("61", "62", "63", "64", "65"),  # 西北
        *("71", "81", "82", "83"),  # 台湾, 香港, 澳门, 台湾居民居住证
    }
)


def resident_id_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def validate_resident_id(raw: str, *, field: str = "id_number") -> str:
    """The normalised number (upper-case X), or a DomainError saying what is wrong with it.
    The number is personal information, so unlike a credit code it is not echoed back."""
    number = raw.strip().upper()

    def refuse(reason: str) -> DomainError:
        return DomainError(
            f"公民身份号码无效：{reason} / invalid resident ID number: {reason}",
            detail={"field": field},
        )

    if len(number) != 18:
        got = len(number)
        raise refuse(f"应为 18 位，实为 {got} 位 / must be 18 characters, got {got}")
    if not (number[:17].isascii() and number[:17].isdigit()):
        raise refuse("前 17 位须为数字 / the first 17 characters must be digits")
    if number[17] not in "0123456789X":
        raise refuse("校验码须为数字或 X / the check character must be a digit or X")
    if number[:2] not in PROVINCE_PREFIXES:
        raise refuse("地址码不是行政区划代码 / the address code is not a region code")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise refuse("出生日期不存在 / the birth date is not a real date") from None
    if born.year < 1900 or born > beijing_today():
        raise refuse("出生日期不合理 / the birth date is before 1900 or in the future")
    expected = resident_id_check_character(number[:17])
    if number[17] != expected:
        raise refuse(f"校验码应为 {expected} / the check character should be {expected}")
    return number
