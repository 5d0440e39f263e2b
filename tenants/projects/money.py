"""Amounts as people type them: 元 with at most two decimals (分), thousands separators
allowed; kept as whole fen, never a float."""

from __future__ import annotations

import re
from decimal import Decimal

YUAN = re.compile(r"^\d{1,13}(\.\d{1,2})?$")


def fen_of(text: str) -> int | None:
    """``"1,250,000.50"`` → 125000050; None for anything else, zero and negatives included."""
    plain = text.replace(",", "").strip()
    if not YUAN.fullmatch(plain):
        return None
    fen = int(Decimal(plain) * 100)
    return fen if fen > 0 else None
