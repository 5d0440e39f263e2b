"""Plain text shown on a page: a notice's body with its links, an amount of money."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A web address ends at white space or at Chinese punctuation that follows it in a sentence.
_URL = re.compile(r"https?://[^\s<>\"'，。；、）]+")


def linked(text: str) -> Markup:
    """``{{ notice.body | linked }}``: the text escaped, its web addresses made links (an
    invitation's link is followed with a click, not copied)."""
    shown, done = Markup(""), 0
    for found in _URL.finditer(text):
        shown += escape(text[done : found.start()]) + Markup('<a href="{0}">{0}</a>').format(
            found[0]
        )
        done = found.end()
    return shown + escape(text[done:])


def yuan(fen: int | None) -> str:
    """``{{ amount_fen | yuan }}``: an amount kept in fen (分) shown in yuan, thousands
    grouped as procurement documents write them: 1234567 → "12,345.67"; none → ""."""
    if fen is None:
        return ""
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
