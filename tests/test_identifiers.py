"""GB 32100-2015 credit codes: real codes pass, every single-character corruption fails."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.identifiers import USCC_CHARSET, validate_uscc

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
