"""Public addresses of sites."""

from __future__ import annotations

from core.settings import Settings
from core.tenancy.registry import TenantRef


def main_portal_url(settings: Settings) -> str:
    if settings.development:
        return f"http://{settings.base_domain}:{settings.port}/"
    return f"https://{settings.base_domain}/"


def tenant_url(settings: Settings, tenant: TenantRef) -> str:
    """The sub-site home: custom domain, else sub-domain (a path prefix in development)."""
    if settings.development:
        return f"http://{settings.base_domain}:{settings.port}/t/{tenant.slug}/"
    return f"https://{tenant.custom_domain or f'{tenant.slug}.{settings.base_domain}'}/"


def on_site(target: str, default: str) -> str:
    """``target`` when it is a path of this site, else ``default``: a ``next=`` a visitor
    can set never sends them to another host (``//host``, ``/\\host`` and control characters
    are how browsers are talked into one)."""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return default
