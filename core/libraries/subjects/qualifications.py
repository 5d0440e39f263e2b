"""A subject's qualifications (资质), each with its document in object storage."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from core.audit.chain import RequestContext, record
from core.data.engine import write_transaction
from core.errors import DomainError
from core.identity.principal import Principal
from core.libraries.subjects.registration import own_subject
from core.libraries.subjects.tables import Qualification
from core.storage import ObjectKey, ObjectStorage, discard
from tenants.materials import check_file


async def add_qualification(
    storage: ObjectStorage,
    principal: Principal,
    name: str,
    number: str,
    valid_until: dt.date | None,
    document: tuple[str, bytes] | None,
    context: RequestContext | None = None,
) -> int:
    """The document is stored first and removed again if its row is not written."""
    if not (1 <= len(name.strip()) <= 100 and 1 <= len(number.strip()) <= 100):
        raise DomainError("请填写资质名称和编号 / name and number are required")
    if valid_until is not None and valid_until < dt.date.today():
        raise DomainError(
            "资质已过期 / the qualification has expired", detail={"field": "valid_until"}
        )
    subject = await own_subject(principal)
    key = None
    if document is not None:
        filename, data = document
        _, content_type = check_file(filename, data)
        digest = hashlib.sha256(data).hexdigest()[:16]
        key = ObjectKey.for_head_office(
            "library", str(subject["id"]), f"{uuid.uuid4().hex}-{digest}"
        )
        await storage.put(key, data, content_type)
    try:
        async with write_transaction():
            rows = await Qualification.insert(
                Qualification(
                    subject=subject["id"],
                    name=name.strip(),
                    number=number.strip(),
                    valid_until=valid_until,
                    object_key=key.value if key else None,
                    filename=document[0][-200:] if document else "",
                )
            ).returning(Qualification.id)
            await record(
                actor=principal.actor,
                action="library.qualification.add",
                object=f"subject:{subject['id']}",
                context=context,
            )
    except BaseException:
        if key is not None:
            await discard(storage, key)
        raise
    return int(rows[0]["id"])
