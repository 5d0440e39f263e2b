"""The cross-tenant isolation matrix: every route, and what stops it leaking across tenants."""
