"""The notice a decision sends to whoever asked (审核结果通知, seed 002 §6.5.1): in-app and by
e-mail, written in the decision's transaction so it exists exactly when the decision does."""

from __future__ import annotations

from core.approvals.tables import ApprovalState
from core.identity.tables import Account
from core.notifications.service import notify
from themes.i18n import DEFAULT_LOCALE, in_locale, translate

_LOCALE = DEFAULT_LOCALE  # a notice is written once, in the platform's language


def _label(group: str, value: str) -> str:
    return translate(f"label.{group}.{value}", _LOCALE)


async def notify_submitter(
    request: dict[str, object],
    state: ApprovalState,
    *,
    note: str,
    deficiencies: list[tuple[str, str]],
) -> None:
    """Tell the submitter of ``request`` what was decided, with every deficiency of a return."""
    submitter = (
        await Account.select(Account.id, Account.email)
        .where(Account.id == request["submitter"])
        .first()
    )
    if submitter is None:
        return
    what = _label("approval_type", str(request["type"]))
    outcome = _label("approval_state", state.value)
    lines = [translate("notice.decision.body", _LOCALE, what=what, number=request["id"])]
    lines.append(translate("notice.decision.outcome", _LOCALE, outcome=outcome))
    if note.strip():
        lines.append(translate("notice.decision.note", _LOCALE, note=note.strip()))
    for item, problem in deficiencies:
        lines.append(f"· {in_locale(item, _LOCALE)}：{problem}")
    lines.append(translate("notice.decision.sign_in", _LOCALE))
    await notify(
        recipients=[(submitter["id"], submitter["email"])],
        subject=translate("notice.decision.subject", _LOCALE, what=what, outcome=outcome),
        body="\n".join(lines),
        tenant_id=request["tenant_id"],  # type: ignore[arg-type]
    )
