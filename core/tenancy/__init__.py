"""Tenancy: the registry of tenants (分平台) and how a request finds its own.

Every request is resolved to a :class:`~core.tenancy.site.Site` before routing: the main
portal of the head office, or one tenant's sub-site. Handlers receive it by injection
(``site`` or ``tenant``) and never read the Host header themselves.
"""
