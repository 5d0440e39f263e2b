"""A tenant's private annotations of library subjects: shared library, private notes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import tenant_domain
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import NotFound
from core.identity.principal import Principal
from core.libraries.subjects.tables import Subject, TenantNote


class NoteForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None


def _key(tenant_id: int, subject_id: int) -> str:
    return f"t{int(tenant_id)}:{int(subject_id)}"


async def note_of(tenant_id: int, subject_id: int) -> NoteForm | None:
    """This tenant's note only: the key carries the tenant."""
    row = (
        await TenantNote.select(TenantNote.note, TenantNote.rating)
        .where(TenantNote.key == _key(tenant_id, subject_id))
        .first()
    )
    return None if row is None else NoteForm(row["note"], row["rating"])


async def set_note(
    authorizer: Authorizer,
    principal: Principal,
    tenant_id: int,
    subject_id: int,
    form: NoteForm,
    context: RequestContext | None = None,
) -> None:
    await authorize(authorizer, principal, tenant_domain(tenant_id), "library", "annotate")
    key = _key(tenant_id, subject_id)
    async with write_transaction():
        if not await Subject.exists().where(Subject.id == subject_id):
            raise NotFound("主体不存在 / no such subject")
        values = {
            TenantNote.note: form.note,
            TenantNote.rating: form.rating,
            TenantNote.updated_by: principal.account_id,
            TenantNote.updated_at: dt.datetime.now(dt.UTC),
        }
        if await TenantNote.exists().where(TenantNote.key == key):
            await TenantNote.update(values).where(TenantNote.key == key)
        else:
            await TenantNote.insert(
                TenantNote(
                    tenant=tenant_id,
                    subject=subject_id,
                    key=key,
                    note=form.note,
                    rating=form.rating,
                    updated_by=principal.account_id,
                )
            )
        await record(
            actor=principal.actor,
            action="library.note",
            object=f"subject:{subject_id}",
            tenant_id=tenant_id,
            context=context,
        )
