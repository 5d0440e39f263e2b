"""Sign-in, sign-out, password change and TOTP enrolment, with the level-3 controls:
lockout after repeated failures (per account and per client IP), password expiry, a second
factor. Every outcome is audited; every failure looks the same to the caller."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import pyotp
from litestar.stores.base import Store

from core.audit.chain import Actor, Outcome, RequestContext, record
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.passwords import (
    MUST_CHANGE,
    check_complexity,
    hash_password,
    verify_password,
)
from core.identity.principal import Principal
from core.identity.sessions import SessionRecord, Sessions, password_tag
from core.identity.tables import Account, AccountKind
from core.settings import SecuritySettings
from core.stores import Stores
from core.tenancy.site import Site

LOGIN_FAILED = "用户名、口令或动态口令错误 / wrong user name, password or one-time code"
# A real argon2 hash of a random password: unknown accounts cost the same time as known ones.
MAIN_PORTAL_KINDS = frozenset({AccountKind.hq_staff, AccountKind.regulator, AccountKind.applicant})


class LoginFailed(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(LOGIN_FAILED)


class LockedOut(DomainError):
    status_code = 429


class LoginResult:
    def __init__(self, session_id: str, principal: Principal, record: SessionRecord) -> None:
        self.session_id = session_id
        self.principal = principal
        self.record = record


def _may_sign_in_here(kind: AccountKind, tenant_id: int | None, site: Site) -> bool:
    """Staff sign in on their own site; suppliers, agencies and experts on every site."""
    if kind is AccountKind.tenant_staff:
        return site.tenant is not None and site.tenant.id == tenant_id
    if kind in MAIN_PORTAL_KINDS:
        return site.tenant is None
    return True


class Lockout:
    """Failure counters in the head office's store: ``acct:<login>`` and ``ip:<address>``."""

    def __init__(self, stores: Stores, security: SecuritySettings) -> None:
        self.store: Store = stores.get(Site(tenant=None), "login_failures")
        self.security = security

    def _keys(self, login: str, client_ip: str | None) -> list[str]:
        return [f"acct:{login}"] + ([f"ip:{client_ip}"] if client_ip else [])

    async def check(self, login: str, client_ip: str | None) -> None:
        for key in self._keys(login, client_ip):
            failures = int(await self.store.get(key) or 0)
            if failures >= self.security.max_login_failures:
                raise LockedOut(
                    f"登录失败次数过多，请 {self.security.lockout_minutes} 分钟后再试 / too many "
                    f"failed sign-ins: try again in {self.security.lockout_minutes} minutes"
                )

    async def failed(self, login: str, client_ip: str | None) -> None:
        for key in self._keys(login, client_ip):
            failures = int(await self.store.get(key) or 0) + 1
            # The window restarts with each failure: 15 minutes after the last one.
            await self.store.set(key, str(failures), self.security.lockout_minutes * 60)

    async def succeeded(self, login: str) -> None:
        await self.store.delete(f"acct:{login}")


async def _audit(
    actor: Actor, action: str, outcome: Outcome, site: Site, context: RequestContext, obj: str
) -> None:
    async with write_transaction():
        await record(
            actor=actor,
            action=action,
            object=obj,
            outcome=outcome,
            tenant_id=site.tenant.id if site.tenant else None,
            context=context,
        )


async def sign_in(
    stores: Stores,
    site: Site,
    security: SecuritySettings,
    *,
    login: str,
    password: str,
    totp: str | None,
    host: str,
    context: RequestContext,
) -> LoginResult:
    login = login.strip().lower()[:64]
    lockout = Lockout(stores, security)
    await lockout.check(login, context.client_ip)
    account = (
        await Account.select()
        .where((Account.username == login) | (Account.credit_code == login.upper()))
        .first()
    )
    ok = await verify_password(account["password_hash"] if account else None, password)
    if account is not None and ok:
        kind = AccountKind(account["kind"])
        ok = account["is_active"] and _may_sign_in_here(kind, account["tenant"], site)
        if ok and account["totp_secret"]:
            ok = bool(totp) and pyotp.TOTP(account["totp_secret"]).verify(totp, valid_window=1)
    if account is None or not ok:
        await lockout.failed(login, context.client_ip)
        actor = Actor(label=login, account_id=account["id"] if account else None)
        await _audit(actor, "auth.login", "failure", site, context, f"login:{login}")
        raise LoginFailed()
    await lockout.succeeded(login)
    now = time.time()
    changed_at: dt.datetime = account["password_changed_at"]
    initial = changed_at.timestamp() == MUST_CHANGE.timestamp()
    too_old = now - changed_at.timestamp() > security.password_max_age_days * 86400
    record_ = SessionRecord(
        account_id=account["id"],
        host=host,
        created_at=now,
        refreshed_at=now,
        password_changed_at=changed_at.timestamp(),
        password_tag=password_tag(account["password_hash"]),
        must_change_password=initial or too_old,
        initial_password=initial,
        needs_totp_enrolment=security.require_hq_totp
        and kind is AccountKind.hq_staff
        and not account["totp_secret"],
    )
    principal = Principal(account["id"], account["username"], kind, account["tenant"])
    await _audit(
        principal.actor, "auth.login", "success", site, context, f"account:{account['id']}"
    )
    session_id = await Sessions(stores, site, security).create(record_)
    return LoginResult(session_id, principal, record_)


@dataclass
class CurrentSession:
    """A signed-in request: who, which session, on which site, from where."""

    sessions: Sessions
    session_id: str
    record: SessionRecord
    principal: Principal
    site: Site
    context: RequestContext

    async def save(self) -> None:
        await self.sessions.save(self.session_id, self.record)

    async def audit(self, action: str, outcome: Outcome = "success") -> None:
        """Audit an action on the principal's own account, in its own transaction."""
        await _audit(
            self.principal.actor,
            action,
            outcome,
            self.site,
            self.context,
            f"account:{self.principal.account_id}",
        )


async def sign_out(current: CurrentSession) -> None:
    await current.sessions.end(current.session_id)
    await current.audit("auth.logout")


async def change_password(current: CurrentSession, *, old: str, new: str) -> None:
    """Change the password; this session stays, every other session of the account ends."""
    account_id = current.principal.account_id
    row = await Account.select(Account.password_hash).where(Account.id == account_id).first()
    if row is None or not await verify_password(row["password_hash"], old):
        await current.audit("auth.password_change", "failure")
        raise DomainError(
            "当前口令不正确 / the current password is wrong", detail={"field": "current_password"}
        )
    check_complexity(new, field="new_password")
    if await verify_password(row["password_hash"], new):
        raise DomainError(
            "新口令不能与当前口令相同 / the new password must differ",
            detail={"field": "new_password"},
        )
    new_hash = await hash_password(new)
    changed_at = dt.datetime.now(dt.UTC)
    async with write_transaction():
        await Account.update(
            {Account.password_hash: new_hash, Account.password_changed_at: changed_at}
        ).where(Account.id == account_id)
        await _record_own(current, "auth.password_change")
    current.record.password_changed_at = changed_at.timestamp()
    current.record.password_tag = password_tag(new_hash)
    current.record.must_change_password = current.record.initial_password = False
    await current.save()


async def start_totp_enrolment(current: CurrentSession) -> str:
    """A new secret, held in the session until confirmed; returns the otpauth:// URI."""
    current.record.totp_pending = pyotp.random_base32()
    await current.save()
    return pyotp.TOTP(current.record.totp_pending).provisioning_uri(
        name=current.principal.username, issuer_name="Sunshine 阳光采购"
    )


async def confirm_totp_enrolment(current: CurrentSession, *, code: str) -> None:
    secret = current.record.totp_pending
    if not secret or not pyotp.TOTP(secret).verify(code, valid_window=1):
        raise DomainError("动态口令不正确 / the one-time code is wrong", detail={"field": "code"})
    async with write_transaction():
        await Account.update({Account.totp_secret: secret}).where(
            Account.id == current.principal.account_id
        )
        await _record_own(current, "auth.totp_enrol")
    current.record.totp_pending = None
    current.record.needs_totp_enrolment = False
    await current.save()


async def _record_own(current: CurrentSession, action: str) -> None:
    """The audit entry of a change to the principal's own account (in the caller's
    transaction)."""
    await record(
        actor=current.principal.actor,
        action=action,
        object=f"account:{current.principal.account_id}",
        tenant_id=current.site.tenant.id if current.site.tenant else None,
        context=current.context,
    )
