"""What a bid's submission records for the collusion rules (投标递交信息).

The machine fingerprint: a web platform cannot read a computer's MAC, CPU or disk serials (the
Fujian practice reads them through a bid-making client). We record two things instead: a
long-lived random device id that the platform mints into the bidder's browser as a cookie
(``DEVICE_COOKIE``, ten years, HttpOnly) — the same browser uploading two suppliers' bids
shows as the same device — and the ``machine_code`` (机器码) that a bid-making tool supplies
with its upload, when one is used. Either matching across bidders is "the same machine".
The client's IP comes from the request (``RequestContext.client_ip``).
"""

from __future__ import annotations

import re
import secrets

import msgspec

from core.errors import DomainError

DEVICE_COOKIE = "sunshine_device"
DEVICE_MAX_AGE = 10 * 365 * 24 * 3600
_DEVICE = re.compile(r"[0-9a-f]{32}")
_PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")  # a mobile, or a fixed line with its code
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_ACCOUNT = re.compile(r"\d{8,32}")  # a bank account number, digits only once spaces are gone
_MACHINE = re.compile(r"[0-9A-Za-z:\-]{1,64}")


class BidContact(msgspec.Struct, frozen=True):
    """投标联系人电话、邮箱与保证金缴纳账户, as checked."""

    contact_phone: str
    contact_email: str
    deposit_account: str
    machine_code: str = ""


def checked_contact(phone: str, email: str, account: str, machine_code: str = "") -> BidContact:
    """The form's values, normalised; a bad one is refused by field, in words."""
    phone = phone.strip().replace(" ", "")
    if not _PHONE.fullmatch(phone):
        raise DomainError(
            "联系电话格式不正确：请填写11位手机号码或带区号的固定电话 / the contact phone is "
            "not valid: a mobile number or a fixed line with its area code",
            detail={"field": "contact_phone"},
        )
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise DomainError(
            "电子邮箱格式不正确 / the e-mail address is not valid",
            detail={"field": "contact_email"},
        )
    account = account.replace(" ", "").strip()
    if not _ACCOUNT.fullmatch(account):
        raise DomainError(
            "保证金缴纳账户应为8至32位数字的银行账号 / the deposit account is a bank account "
            "number of 8 to 32 digits",
            detail={"field": "deposit_account"},
        )
    return BidContact(phone, email, account, checked_machine_code(machine_code))


def known_device(cookie: str | None) -> str:
    """The device id the browser sent, or "" (a tool without the cookie)."""
    return cookie if cookie and _DEVICE.fullmatch(cookie) else ""


def device_of(cookie: str | None) -> tuple[str, bool]:
    """The browser's device id, and whether it is new (to be set as the cookie)."""
    if cookie and _DEVICE.fullmatch(cookie):
        return cookie, False
    return secrets.token_hex(16), True


def checked_machine_code(machine_code: str) -> str:
    machine_code = machine_code.strip()
    if machine_code and not _MACHINE.fullmatch(machine_code):
        raise DomainError(
            "机器码格式不正确 / the machine code is not valid", detail={"field": "machine_code"}
        )
    return machine_code


def optional_contact(phone: str, email: str, account: str, machine_code: str) -> BidContact:
    """The JSON API's: the contact and account are all given (and checked) or all left out;
    a tool's machine code is checked either way."""
    if phone or email or account:
        return checked_contact(phone, email, account, machine_code)
    return BidContact("", "", "", checked_machine_code(machine_code))
