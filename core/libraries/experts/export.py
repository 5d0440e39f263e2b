"""The expert library as a download dataset: identities and contacts are secret columns,
decrypted only when the approved request granted them by name."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from core.libraries.experts.service import (
    EMAIL_COLUMN,
    ID_NUMBER,
    NAME,
    PHONE_COLUMN,
    field_cipher,
)
from core.libraries.experts.tables import Expert, ExpertSpecialty
from core.libraries.exports import BATCH, Column, Dataset, register_dataset

# column name → (the encrypted column, the column name bound into its ciphertext)
ENCRYPTED = {
    "name": ("name_enc", NAME),
    "id_number": ("id_number_enc", ID_NUMBER),
    "phone": ("phone_enc", PHONE_COLUMN),
    "email": ("email_enc", EMAIL_COLUMN),
}
COLUMNS = (
    Column("code", "专家编号 / code"),
    Column("title", "职称 / title"),
    Column("years_of_experience", "从业年限 / years"),
    Column("specialties", "专业 / specialties"),
    Column("region_code", "地区代码 / region"),
    Column("availability", "状态 / availability"),
    Column("employer_credit_code", "工作单位信用代码 / employer", secret=True),
    Column("name", "姓名 / name", secret=True),
    Column("id_number", "身份证号 / ID number", secret=True),
    Column("phone", "电话 / phone", secret=True),
    Column("email", "电子邮箱 / e-mail", secret=True),
)


async def _rows(names: Sequence[str]) -> AsyncIterator[list[object]]:
    cipher = field_cipher()
    plain = [n for n in names if n not in ENCRYPTED and n != "specialties"]
    encrypted = [ENCRYPTED[n][0] for n in names if n in ENCRYPTED]
    last_id = 0
    while True:
        batch = (
            await Expert.select(Expert.id, *[getattr(Expert, c) for c in [*plain, *encrypted]])
            .where(Expert.id > last_id)
            .order_by(Expert.id)
            .limit(BATCH)
        )
        if not batch:
            return
        ids = [row["id"] for row in batch]
        specialties: dict[int, list[str]] = {}
        for link in await ExpertSpecialty.select(
            ExpertSpecialty.expert, ExpertSpecialty.specialty_code
        ).where(ExpertSpecialty.expert.is_in(ids)):
            specialties.setdefault(link["expert"], []).append(link["specialty_code"])
        for row in batch:
            values: list[object] = []
            for name in names:
                if name == "specialties":
                    values.append(" ".join(sorted(specialties.get(row["id"], []))))
                elif name in ENCRYPTED:
                    column, bound = ENCRYPTED[name]
                    values.append(cipher.decrypt(str(row[column]), bound))
                else:
                    values.append(row[name])
            yield values
        last_id = batch[-1]["id"]


register_dataset(
    Dataset("experts", "专家库 / experts", COLUMNS, _rows, secrets_for_library_managers_only=True)
)
