"""Registering once (一处注册，处处通用): a supplier or agency and its account, from any site.

The account, the library entry and its review request are written in one transaction, and the
credit code is unique both in the library and among accounts: of concurrent registrations of
one code exactly one succeeds, and every other caller hears "already registered".
Head office's library managers review (approval type ``subject_registration``). A later change
of a key field (name, legal representative, credit code) waits for review in
``pending_change`` while the reviewed values stay in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.approvals import service as approvals
from core.audit.chain import RequestContext, record
from core.data.columns import json_column
from core.data.engine import write_transaction
from core.data.errors import unique_violation_as
from core.errors import AlreadyExists, DomainError, NotFound
from core.identifiers import validate_uscc
from core.identity.accounts import EMAIL
from core.identity.passwords import check_complexity, hash_password
from core.identity.principal import Principal
from core.identity.tables import Account, AccountKind
from core.libraries.subjects.tables import KEY_FIELDS, Subject, SubjectKind, SubjectState
from core.tenancy.regions import region_exists

REVIEW_TYPE = "subject_registration"
ALREADY_REGISTERED = "该统一社会信用代码已注册 / this credit code is already registered"


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a supplier or agency says about itself."""

    credit_code: Annotated[str, msgspec.Meta(min_length=18, max_length=18)]
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    legal_representative: Annotated[str, msgspec.Meta(min_length=2, max_length=50)]
    address: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    contact_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    contact_phone: Annotated[str, msgspec.Meta(pattern=r"^[0-9+\-() ]{5,40}$")]
    contact_email: Annotated[str, msgspec.Meta(pattern=EMAIL, max_length=254)]
    business_scope: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    # 控股股东 (optional): a person's or organisation's name, and an organisation's credit code
    controlling_shareholder: Annotated[str, msgspec.Meta(max_length=200)] = ""
    controlling_shareholder_code: Annotated[str, msgspec.Meta(max_length=18)] = ""


# The form labels (message keys) of a profile's fields, for refusals in plain words.
PROFILE_FIELDS = {
    "credit_code": "library.credit_code",
    "name": "library.name",
    "legal_representative": "library.legal_representative",
    "address": "library.address",
    "region_code": "library.region",
    "contact_name": "library.contact",
    "contact_phone": "library.phone",
    "contact_email": "library.email",
    "business_scope": "library.business_scope",
    "controlling_shareholder": "library.controlling_shareholder",
    "controlling_shareholder_code": "library.controlling_shareholder_code",
    "username": "library.username",
    "password": "library.password",
}


class Registration(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    profile: Profile


class AlreadyRegistered(AlreadyExists):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(ALREADY_REGISTERED, detail={"field": "credit_code"})


async def check_profile(profile: Profile) -> Profile:
    """The profile with its credit codes normalised, once every rule holds."""
    code = validate_uscc(profile.credit_code)
    if not await region_exists(profile.region_code):
        raise DomainError("地区代码不存在 / unknown region code", detail={"field": "region_code"})
    holder, holder_code = _controlling_shareholder(profile, code)
    return msgspec.structs.replace(
        profile,
        credit_code=code,
        controlling_shareholder=holder,
        controlling_shareholder_code=holder_code,
    )


def _controlling_shareholder(profile: Profile, code: str) -> tuple[str, str]:
    """The shareholder's name, trimmed, and its credit code, checked: a code names an
    organisation, so it comes with the name, and the subject does not control itself."""
    holder = " ".join(profile.controlling_shareholder.split())
    raw_code = profile.controlling_shareholder_code.strip()
    if holder and len(holder) < 2:
        raise DomainError(
            "控股股东名称至少 2 个字 / the controlling shareholder's name is at least 2 characters",
            detail={"field": "controlling_shareholder"},
        )
    if not raw_code:
        return holder, ""
    try:
        holder_code = validate_uscc(raw_code, field="controlling_shareholder_code")
    except DomainError as exc:  # say whose code it is: the form has two
        raise DomainError(f"控股股东{exc.message}", detail=exc.detail) from None
    if not holder:
        raise DomainError(
            "填写控股股东统一社会信用代码的，请同时填写其名称 / give the name of the "
            "controlling shareholder whose credit code is given",
            detail={"field": "controlling_shareholder"},
        )
    if holder_code == code:
        raise DomainError(
            "控股股东不能是本单位 / the subject cannot be its own controlling shareholder",
            detail={"field": "controlling_shareholder_code"},
        )
    return holder, holder_code


async def register(
    kind: SubjectKind,
    registration: Registration,
    *,
    origin_tenant: int | None,
    context: RequestContext | None = None,
) -> int:
    """Create the account and the library entry, pending review; returns the subject id.

    An entry head office imported from a legacy library has no account: registering its
    credit code claims it (认领) instead, for review."""
    profile = await check_profile(registration.profile)
    username = registration.username.strip().lower()
    check_complexity(registration.password)
    password_hash = await hash_password(registration.password)  # ~100 ms: outside the lock
    existing = (
        await Subject.select(Subject.id, Subject.kind, Subject.account)
        .where(Subject.credit_code == profile.credit_code)
        .first()
    )
    if existing is not None:
        if existing["account"] is not None or existing["kind"] != kind.value:
            raise AlreadyRegistered()
        await _claim(existing["id"], kind, username, password_hash, profile, origin_tenant, context)
        return int(existing["id"])
    async with (
        unique_violation_as(_username_taken(username), column="username", field="username"),
        unique_violation_as(ALREADY_REGISTERED, column="credit_code", field="credit_code"),
        write_transaction(),
    ):
        principal = await _new_account(
            username, password_hash, kind, profile, credit_code=profile.credit_code
        )
        rows = await Subject.insert(
            Subject(
                kind=kind.value,
                account=principal.account_id,
                origin_tenant=origin_tenant,
                **msgspec.structs.asdict(profile),
            )
        ).returning(Subject.id)
        subject_id = int(rows[0]["id"])
        await approvals.submit(
            type=REVIEW_TYPE,
            subject=f"subject:{subject_id}",
            submitter=principal,
            payload={"action": "register", "kind": kind.value, "origin_tenant": origin_tenant},
            context=context,
        )
        await record(
            actor=principal.actor,
            action=f"library.{kind.value}.register",
            object=f"subject:{subject_id}",
            tenant_id=origin_tenant,
            context=context,
        )
    return subject_id


def _username_taken(username: str) -> str:
    return f"用户名 {username} 已存在 / the username is taken"


async def _new_account(
    username: str,
    password_hash: str,
    kind: SubjectKind,
    profile: Profile,
    *,
    credit_code: str | None,
) -> Principal:
    """The registrant's account, in the caller's transaction."""
    if await Account.exists().where(Account.username == username):
        raise AlreadyExists(_username_taken(username))
    rows = await Account.insert(
        Account(
            username=username,
            display_name=profile.name,
            kind=AccountKind(kind.value).value,
            credit_code=credit_code,
            email=profile.contact_email,
            password_hash=password_hash,
        )
    ).returning(Account.id)
    return Principal(rows[0]["id"], username, AccountKind(kind.value))


async def _claim(
    subject_id: int,
    kind: SubjectKind,
    username: str,
    password_hash: str,
    profile: Profile,
    origin_tenant: int | None,
    context: RequestContext | None,
) -> None:
    """An account for an imported entry, and a review of the claim; the entry is the
    account's once head office approves (the credit code joins the account then)."""
    async with (
        unique_violation_as(_username_taken(username), column="username", field="username"),
        write_transaction(),
    ):
        principal = await _new_account(username, password_hash, kind, profile, credit_code=None)
        await approvals.submit(
            type=REVIEW_TYPE,
            subject=f"subject:{subject_id}",
            submitter=principal,
            payload={
                "action": "claim",
                "account": principal.account_id,
                "profile": msgspec.structs.asdict(profile),
                "origin_tenant": origin_tenant,
            },
            context=context,
        )
        await record(
            actor=principal.actor,
            action=f"library.{kind.value}.claim",
            object=f"subject:{subject_id}",
            tenant_id=origin_tenant,
            context=context,
        )


async def own_subject(principal: Principal) -> dict[str, object]:
    row = await Subject.select().where(Subject.account == principal.account_id).first()
    if row is None:
        raise NotFound("没有主体信息 / no library entry for this account")
    return row


async def update_profile(
    principal: Principal, profile: Profile, context: RequestContext | None = None
) -> list[str]:
    """Apply the other fields at once; key-field changes wait for review. Returns the fields
    sent to review."""
    profile = await check_profile(profile)
    async with write_transaction():
        row = await own_subject(principal)
        wanted = msgspec.structs.asdict(profile)
        if row["state"] == SubjectState.rejected.value:
            await _send_again(principal, row, wanted, context)
            return ["registration"]
        to_review = {f: wanted[f] for f in KEY_FIELDS if wanted[f] != row[f]}
        direct = {
            getattr(Subject, f): v for f, v in wanted.items() if f not in KEY_FIELDS and v != row[f]
        }
        if to_review.get("credit_code") and await Subject.exists().where(
            Subject.credit_code == to_review["credit_code"]
        ):
            raise AlreadyRegistered()
        values = {**direct, Subject.updated_at: dt.datetime.now(dt.UTC)}
        if to_review:
            values[Subject.pending_change] = to_review
            await approvals.submit(
                type=REVIEW_TYPE,
                subject=f"subject:{row['id']}",
                submitter=principal,
                payload={"action": "change", "change": to_review},
                context=context,
            )
        await Subject.update(values).where(Subject.id == row["id"])
        await record(
            actor=principal.actor,
            action="library.subject.update",
            object=f"subject:{row['id']}",
            context=context,
        )
    return sorted(to_review)


async def _send_again(
    principal: Principal,
    row: dict[str, object],
    wanted: dict[str, object],
    context: RequestContext | None,
) -> None:
    """A rejected entry was never in force: take every field as mended and review it again."""
    if wanted["credit_code"] != row["credit_code"] and await Subject.exists().where(
        Subject.credit_code == wanted["credit_code"]
    ):
        raise AlreadyRegistered()
    values = {getattr(Subject, f): v for f, v in wanted.items()}
    values[Subject.state] = SubjectState.pending.value
    values[Subject.updated_at] = dt.datetime.now(dt.UTC)
    async with unique_violation_as(ALREADY_REGISTERED, field="credit_code"):
        await Subject.update(values).where(Subject.id == row["id"])
        await Account.update(
            {Account.credit_code: wanted["credit_code"], Account.display_name: wanted["name"]}
        ).where(Account.id == principal.account_id)
    await approvals.submit(
        type=REVIEW_TYPE,
        subject=f"subject:{row['id']}",
        submitter=principal,
        payload={"action": "register", "kind": row["kind"], "origin_tenant": row["origin_tenant"]},
        context=context,
    )
    await record(
        actor=principal.actor,
        action=f"library.{row['kind']}.resubmit",
        object=f"subject:{row['id']}",
        context=context,
    )


async def _on_approved(request: dict[str, object], _decider: Principal) -> None:
    """Registration: the entry takes part everywhere. Change: the reviewed values move.
    Claim: the entry becomes the claimant's, with the profile it gave."""
    subject_id = int(str(request["subject"]).split(":", 1)[1])
    payload = json_column(request["payload"], dict)
    if payload.get("action") == "claim":
        await _claimed(subject_id, payload)
        return
    row = await Subject.select().where(Subject.id == subject_id).first()
    if row is None:
        raise NotFound("主体不存在 / no such subject")
    change = json_column(row["pending_change"], dict)
    values: dict[object, object] = {
        Subject.state: SubjectState.approved.value,
        Subject.reviewed_at: dt.datetime.now(dt.UTC),
        Subject.pending_change: {},
    }
    values.update({getattr(Subject, f): v for f, v in change.items()})
    async with unique_violation_as(ALREADY_REGISTERED, field="credit_code"):
        await Subject.update(values).where(Subject.id == subject_id)
        if row["account"] is not None and change:
            account_values: dict[object, object] = {}
            if "credit_code" in change:
                account_values[Account.credit_code] = change["credit_code"]
            if "name" in change:
                account_values[Account.display_name] = change["name"]
            if account_values:
                await Account.update(account_values).where(Account.id == row["account"])


async def _claimed(subject_id: int, payload: dict[str, object]) -> None:
    profile = msgspec.convert(payload["profile"], Profile)
    account_id = int(str(payload["account"]))
    claimed = (
        await Subject.update(
            {
                Subject.account: account_id,
                Subject.reviewed_at: dt.datetime.now(dt.UTC),
                **{getattr(Subject, f): v for f, v in msgspec.structs.asdict(profile).items()},
            }
        )
        .where((Subject.id == subject_id) & Subject.account.is_null())
        .returning(Subject.id)
    )
    if not claimed:
        raise AlreadyExists("该主体已被认领 / this entry has been claimed already")
    await Account.update({Account.credit_code: profile.credit_code}).where(Account.id == account_id)


async def _on_rejected(request: dict[str, object], _decider: Principal) -> None:
    """Registration: the entry is rejected (its owner may mend it). Change: the reviewed values
    stay and the asked ones are dropped, so that another change can be asked. Claim: the
    claimant's account is closed; the entry stays as it was."""
    subject_id = int(str(request["subject"]).split(":", 1)[1])
    payload = json_column(request["payload"], dict)
    action = payload.get("action")
    if action == "claim":
        await Account.update({Account.is_active: False}).where(
            Account.id == int(str(payload["account"]))
        )
        return
    if action == "register":
        values: dict[object, object] = {Subject.state: SubjectState.rejected.value}
    else:
        values = {Subject.pending_change: {}}
    await Subject.update(values).where(Subject.id == subject_id)


approvals.register(
    approvals.ApprovalType(name=REVIEW_TYPE, on_approved=_on_approved, on_rejected=_on_rejected)
)
