"""The authenticated account a request acts as."""

from __future__ import annotations

import msgspec

from core.audit.chain import Actor
from core.authz.model import SUBJECT_ROLES, subject
from core.identity.tables import AccountKind


class Principal(msgspec.Struct, frozen=True):
    account_id: int
    username: str
    kind: AccountKind
    tenant_id: int | None = None
    display_name: str = ""  # what the header calls the person; the username if empty

    @property
    def casbin_subject(self) -> str:
        """Suppliers, agencies and experts act by their kind, alike on every tenant;
        everyone else by their own account, through the roles granted to it."""
        if self.kind.value in SUBJECT_ROLES:
            return self.kind.value
        return subject(self.account_id)

    @property
    def actor(self) -> Actor:
        return Actor(label=self.username, account_id=self.account_id)
