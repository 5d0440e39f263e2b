"""The expert library's rules: registration, availability, search, and the secret view.

An expert's name, resident ID number, phone and e-mail are personal information (seed 000
Art. 24; 002 §6.6): they are encrypted at rest (SM4-GCM, bound to their column), compared only
through a blind index, and read back only by the head office's library managers
(``library:read_secret``), each reading audited. Everything else here returns the public view,
which never selects a secret column at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Annotated

import msgspec

from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import Forbidden, authorize
from core.crypto import FieldCipher
from core.data.engine import write_transaction
from core.data.errors import unique_violation_as
from core.errors import AlreadyExists, DomainError, NotFound
from core.identifiers import validate_resident_id, validate_uscc
from core.identity.principal import Principal
from core.libraries.experts.specialties import specialty_names
from core.libraries.experts.tables import Availability, Expert, ExpertSpecialty, Title
from core.settings import get_settings
from core.tenancy.regions import region_exists
from core.tenancy.tables import Region

NOT_FOUND = "专家不存在 / no such expert"
ALREADY_REGISTERED = (
    "该公民身份号码的专家已登记 / an expert with this resident ID number is already registered"
)
PAGE_SIZE = 20
PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"  # a mobile number, or a landline with its area code
EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"

# Associated data of each encrypted column, and the blind index's: a value moved to another
# column (or another table) no longer decrypts.
NAME, ID_NUMBER, PHONE_COLUMN, EMAIL_COLUMN = (
    "expert.name",
    "expert.id_number",
    "expert.phone",
    "expert.email",
)


@cache
def field_cipher() -> FieldCipher:
    return FieldCipher(get_settings().data_key)


class ExpertForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a library manager enters to register an expert."""

    name: Annotated[str, msgspec.Meta(min_length=2, max_length=50)]
    id_number: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    phone: Annotated[str, msgspec.Meta(pattern=PHONE)]
    email: Annotated[str, msgspec.Meta(pattern=EMAIL, max_length=254)]
    title: Title
    years_of_experience: Annotated[int, msgspec.Meta(ge=0, le=70)]
    employer_credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    specialties: Annotated[list[str], msgspec.Meta(min_length=1, max_length=10)]
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    availability: Availability = Availability.available


class SpecialtyRef(msgspec.Struct):
    code: str
    name: str


class ExpertView(msgspec.Struct):
    """What tenants and head office see: an anonymous code and the expert's qualifications."""

    code: str
    title: Title
    years_of_experience: int
    specialties: list[SpecialtyRef]
    region_code: str
    region_name: str | None
    availability: Availability


class ExpertSecretView(msgspec.Struct):
    """The library manager's view (库管理员): identity, contacts and employer as well."""

    code: str
    name: str
    id_number: str
    phone: str
    email: str
    employer_credit_code: str
    title: Title
    years_of_experience: int
    specialties: list[SpecialtyRef]
    region_code: str
    region_name: str | None
    availability: Availability
    created_at: dt.datetime


class ExpertPage(msgspec.Struct):
    items: list[ExpertView]
    total: int
    page: int
    page_size: int


class ExpertSecretPage(msgspec.Struct):
    items: list[ExpertSecretView]
    total: int
    page: int
    page_size: int


# The only columns a public view ever reads.
PUBLIC_COLUMNS = (
    Expert.id,
    Expert.code,
    Expert.title,
    Expert.years_of_experience,
    Expert.region_code,
    Expert.availability,
)


async def _checked_specialties(codes: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip().upper() for c in codes))
    unknown = [c for c in wanted if c not in await specialty_names(wanted)]
    if unknown:
        raise DomainError(
            f"专业分类不存在 / unknown specialty: {', '.join(unknown)}",
            detail={"field": "specialties"},
        )
    return wanted


async def _checked_region(code: str, field: str = "region_code") -> None:
    if not await region_exists(code):
        raise DomainError("地区代码不存在 / unknown region code", detail={"field": field})


async def register_expert(
    authorizer: Authorizer,
    principal: Principal,
    form: ExpertForm,
    context: RequestContext | None = None,
) -> str:
    """Register an expert in the shared library; return the public code (ZJ000123)."""
    await authorize(authorizer, principal, HQ, "library", "manage")
    name = form.name.strip()
    if len(name) < 2:
        raise DomainError("姓名不能为空 / the name is empty", detail={"field": "name"})
    id_number = validate_resident_id(form.id_number)
    employer = validate_uscc(form.employer_credit_code, field="employer_credit_code")
    await _checked_region(form.region_code)
    specialties = await _checked_specialties(form.specialties)
    cipher = field_cipher()
    index = cipher.blind_index(id_number, ID_NUMBER)
    # The existence check gives the clear answer; the unique index settles a race.
    async with unique_violation_as(ALREADY_REGISTERED, field="id_number"), write_transaction():
        if await Expert.exists().where(Expert.id_number_index == index):
            raise AlreadyExists(ALREADY_REGISTERED, detail={"field": "id_number"})
        rows = await Expert.insert(
            Expert(
                code=f"new-{uuid.uuid4().hex[:12]}",  # replaced below, once the id is known
                name_enc=cipher.encrypt(name, NAME),
                id_number_enc=cipher.encrypt(id_number, ID_NUMBER),
                phone_enc=cipher.encrypt(form.phone, PHONE_COLUMN),
                email_enc=cipher.encrypt(form.email.strip().lower(), EMAIL_COLUMN),
                id_number_index=index,
                title=form.title.value,
                years_of_experience=form.years_of_experience,
                employer_credit_code=employer,
                region_code=form.region_code,
                availability=form.availability.value,
            )
        ).returning(Expert.id)
        expert_id = int(rows[0]["id"])
        code = f"ZJ{expert_id:06d}"
        await Expert.update({Expert.code: code}).where(Expert.id == expert_id)
        await ExpertSpecialty.insert(
            *(ExpertSpecialty(expert=expert_id, specialty_code=c) for c in specialties)
        )
        await record(
            actor=principal.actor,
            action="library.expert.register",
            object=f"expert:{code}",
            context=context,
        )
    return code


async def update_availability(
    authorizer: Authorizer,
    principal: Principal,
    code: str,
    availability: Availability,
    context: RequestContext | None = None,
) -> None:
    await authorize(authorizer, principal, HQ, "library", "manage")
    async with write_transaction():
        rows = await (
            Expert.update({Expert.availability: availability.value})
            .where(Expert.code == code)
            .returning(Expert.id)
        )
        if not rows:
            raise NotFound(NOT_FOUND)
        await record(
            actor=principal.actor,
            action="library.expert.availability",
            object=f"expert:{code}:{availability.value}",
            context=context,
        )


def region_prefix(code: str) -> str:
    """GB/T 2260 codes nest by prefix: 370000 → "37", 370100 → "3701", 000000 → ""."""
    prefix = code
    while prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


async def _filters(specialty: str | None, region: str | None) -> list[object]:
    """Where-clauses of a search: a specialty finds its sub-classes, a region its sub-regions."""
    clauses: list[object] = []
    if specialty:
        (code,) = await _checked_specialties([specialty])
        holders = ExpertSpecialty.select(ExpertSpecialty.expert).where(
            ExpertSpecialty.specialty_code.like(f"{code}%")
        )
        clauses.append(Expert.id.is_in(holders))
    if region:
        await _checked_region(region, field="region")
        if prefix := region_prefix(region):
            clauses.append(Expert.region_code.like(f"{prefix}%"))
    return clauses


async def draw_pool(specialty: str, region: str | None) -> list[dict[str, object]]:
    """The available experts of a specialty (and its sub-classes) and a region (and its
    sub-regions), by id, with their employer: what an expert draw picks from
    (tenants.projects.draw). Identities stay sealed."""
    query = Expert.select(Expert.id, Expert.code, Expert.employer_credit_code).where(
        Expert.availability == Availability.available.value
    )
    for clause in await _filters(specialty, region):
        query = query.where(clause)  # type: ignore[arg-type]
    return await query.order_by(Expert.id)


async def names_of(expert_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, phone) by expert id, decrypted: for a committee's convenor once the evaluation
    starts, and nobody else (the caller decides and audits)."""
    cipher = field_cipher()
    rows = await Expert.select(Expert.id, Expert.name_enc, Expert.phone_enc).where(
        Expert.id.is_in(expert_ids or [0])
    )
    return {
        int(r["id"]): (
            cipher.decrypt(str(r["name_enc"]), NAME),
            cipher.decrypt(str(r["phone_enc"]), PHONE_COLUMN),
        )
        for r in rows
    }


async def _details(
    rows: list[dict[str, object]],
) -> tuple[dict[int, list[SpecialtyRef]], dict[str, str]]:
    """Specialties by expert id, and region names by code, of the given rows."""
    ids = [int(r["id"]) for r in rows] or [0]  # type: ignore[call-overload]
    links = await ExpertSpecialty.select(
        ExpertSpecialty.expert, ExpertSpecialty.specialty_code
    ).where(ExpertSpecialty.expert.is_in(ids))
    names = await specialty_names(sorted({link["specialty_code"] for link in links}))
    specialties: dict[int, list[SpecialtyRef]] = {}
    for link in sorted(links, key=lambda x: x["specialty_code"]):
        code = link["specialty_code"]
        specialties.setdefault(link["expert"], []).append(SpecialtyRef(code, names.get(code, "")))
    codes = sorted({str(r["region_code"]) for r in rows}) or [""]
    regions = await Region.select(Region.code, Region.name).where(Region.code.is_in(codes))
    return specialties, {r["code"]: r["name"] for r in regions}


async def _public_views(rows: list[dict[str, object]]) -> list[ExpertView]:
    specialties, regions = await _details(rows)
    return [
        ExpertView(
            code=str(r["code"]),
            title=Title(r["title"]),
            years_of_experience=int(r["years_of_experience"]),  # type: ignore[call-overload]
            specialties=specialties.get(int(r["id"]), []),  # type: ignore[call-overload]
            region_code=str(r["region_code"]),
            region_name=regions.get(r["region_code"]),
            availability=Availability(r["availability"]),
        )
        for r in rows
    ]


async def _page_of(
    columns: tuple[object, ...], specialty: str | None, region: str | None, page: int
) -> tuple[list[dict[str, object]], int]:
    clauses = await _filters(specialty, region)
    query, count = Expert.select(*columns), Expert.count()  # type: ignore[arg-type]
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)  # type: ignore[arg-type]
    rows = await query.order_by(Expert.code).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return rows, await count


async def search(specialty: str | None, region: str | None, page: int = 1) -> ExpertPage:
    """The public view of the experts of a specialty (and its sub-classes) and a region (and
    its sub-regions), 20 a page, by code."""
    rows, total = await _page_of(PUBLIC_COLUMNS, specialty, region, page)
    return ExpertPage(await _public_views(rows), total, page, PAGE_SIZE)


async def expert_view(code: str) -> ExpertView:
    row = await Expert.select(*PUBLIC_COLUMNS).where(Expert.code == code).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return (await _public_views([row]))[0]


async def _authorize_secret(
    authorizer: Authorizer, principal: Principal, what: str, context: RequestContext | None
) -> None:
    """Only library managers read secrets; a refused attempt leaves a trace too."""
    try:
        await authorize(authorizer, principal, HQ, "library", "read_secret")
    except Forbidden:
        async with write_transaction():
            await record(
                actor=principal.actor,
                action="library.expert.read_secret",
                object=what,
                outcome="denied",
                context=context,
            )
        raise


async def _secret_views(rows: list[dict[str, object]]) -> list[ExpertSecretView]:
    cipher = field_cipher()
    publics = await _public_views(rows)
    return [
        ExpertSecretView(
            code=p.code,
            name=cipher.decrypt(str(r["name_enc"]), NAME),
            id_number=cipher.decrypt(str(r["id_number_enc"]), ID_NUMBER),
            phone=cipher.decrypt(str(r["phone_enc"]), PHONE_COLUMN),
            email=cipher.decrypt(str(r["email_enc"]), EMAIL_COLUMN),
            employer_credit_code=str(r["employer_credit_code"]),
            title=p.title,
            years_of_experience=p.years_of_experience,
            specialties=p.specialties,
            region_code=p.region_code,
            region_name=p.region_name,
            availability=p.availability,
            created_at=r["created_at"],  # type: ignore[arg-type]
        )
        for p, r in zip(publics, rows, strict=True)
    ]


async def secret_view(
    authorizer: Authorizer,
    principal: Principal,
    code: str,
    context: RequestContext | None = None,
) -> ExpertSecretView:
    """One expert with identity and contacts decrypted; the reading is audited."""
    await _authorize_secret(authorizer, principal, f"expert:{code}", context)
    row = await Expert.select().where(Expert.code == code).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    async with write_transaction():
        await record(
            actor=principal.actor,
            action="library.expert.read_secret",
            object=f"expert:{code}",
            context=context,
        )
    return (await _secret_views([row]))[0]


async def secret_page(
    authorizer: Authorizer,
    principal: Principal,
    specialty: str | None,
    region: str | None,
    page: int = 1,
    context: RequestContext | None = None,
) -> ExpertSecretPage:
    """A search page in the manager's view (the head-office page); audited like one reading."""
    what = f"experts:{specialty or '*'}:{region or '*'}:p{page}"
    await _authorize_secret(authorizer, principal, what, context)
    rows, total = await _page_of(tuple(Expert.all_columns()), specialty, region, page)
    async with write_transaction():
        await record(
            actor=principal.actor,
            action="library.expert.read_secret",
            object=f"{what}:{','.join(str(r['code']) for r in rows)}",
            context=context,
        )
    return ExpertSecretPage(await _secret_views(rows), total, page, PAGE_SIZE)
