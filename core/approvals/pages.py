"""A decision taken on a page (通过 / 不予通过): the checks every such form makes before the one
approval mechanism decides, so the reviewer reads the same words on every queue."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.approvals import service as approvals
from core.authz.guards import signed_in
from core.errors import DomainError, NotFound
from core.identity.routes import context_of
from themes.i18n import in_locale, locale_of, translate


async def approve_or_reject(
    request: Request[Any, Any, Any], request_id: int, decision: str, note: str
) -> str | None:
    """Decide ``request_id``; return why not, in the reader's words, or None once decided.
    A rejection needs its reason (seed 002 §6.5.1: the submitter is told why)."""
    locale = locale_of(request)
    if decision not in ("approve", "reject"):
        return translate("library.choose", locale)
    if decision == "reject" and not note.strip():
        return translate("library.reason", locale)
    try:
        await approvals.decide(
            request.app.state.authorizer,
            signed_in(request),
            request_id,
            approvals.Decision(decision),
            note=note.strip(),
            context=context_of(request),
        )
    except NotFound:
        raise
    except DomainError as exc:
        return in_locale(exc.message, locale)
    return None
