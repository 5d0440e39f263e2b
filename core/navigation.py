"""The signed-in person's console navigation (导航), shown in every page's header.

Each console page registers its entry with the Casbin permission that opens it (the same one its
route guard decides), so a person is shown exactly the pages they may open, never a link that
answers 403. Entries are data; the page modules that own them register them at import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.identity.principal import Principal
from core.tenancy.site import Site

Where = Literal["hq", "tenant", "any"]


@dataclass(frozen=True)
class NavEntry:
    key: str  # message key of its label
    path: str  # within the site
    obj: str  # the permission that opens the page
    act: str
    where: Where = "any"  # "hq": the main portal only; "tenant": sub-sites only
    order: int = 100
    # For a page whose guard decides more than one permission (e.g. region grants): its own test.
    check: Callable[[Authorizer, Principal, Site], Awaitable[bool]] | None = None


_ENTRIES: dict[str, NavEntry] = {}


def register_nav(entry: NavEntry) -> None:
    """Add ``entry``; registering the same path again replaces it (modules may be reloaded)."""
    _ENTRIES[entry.path] = entry


def site_domain(site: Site) -> str:
    return HQ if site.tenant is None else tenant_domain(site.tenant.id)


def shown_on(where: Where, site: Site) -> bool:
    return where == "any" or (where == "hq") == site.is_main_portal


async def may_open(
    authorizer: Authorizer, principal: Principal, site: Site, obj: str, act: str
) -> bool:
    return await authorizer.allowed(principal.casbin_subject, site_domain(site), obj, act)


async def navigation(authorizer: Authorizer, principal: Principal, site: Site) -> list[NavEntry]:
    """The entries ``principal`` may open on ``site``, in their order."""
    shown = []
    for entry in sorted(_ENTRIES.values(), key=lambda e: (e.order, e.path)):
        if not shown_on(entry.where, site):
            continue
        if entry.check is not None:
            allowed = await entry.check(authorizer, principal, site)
        else:
            allowed = await may_open(authorizer, principal, site, entry.obj, entry.act)
        if allowed:
            shown.append(entry)
    return shown
