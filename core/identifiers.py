"""National identifiers checked by their standards' check characters."""

from __future__ import annotations

from core.errors import DomainError

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
