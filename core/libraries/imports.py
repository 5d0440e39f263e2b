"""Bulk import of suppliers or agencies from a legacy library (CSV or XLSX).

Every row is validated first (credit code check character, region, required fields, duplicates
in the file and in the library) and the report names each bad row. A dry run stops there. In
strict mode one bad row means nothing is imported; otherwise the good rows are written, all in
one transaction. The job row carries the progress, so a page can show it while it runs.
Imported entries are head office's reviewed data: approved, with no account until the
organisation registers one.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import logging
import uuid
from collections.abc import Iterator

import msgspec

from core.audit.chain import Actor, RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ
from core.authz.policies import authorize
from core.data.engine import write_transaction
from core.errors import DomainError
from core.forms import invalid_field, invalid_input_message
from core.identity.principal import Principal
from core.libraries.subjects.registration import PROFILE_FIELDS, Profile, check_profile
from core.libraries.subjects.tables import (
    ImportJob,
    ImportState,
    Subject,
    SubjectKind,
    SubjectState,
)
from core.storage import ObjectKey, ObjectStorage, discard

log = logging.getLogger("sunshine.imports")

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
CHUNK = 500
COLUMNS = tuple(Profile.__struct_fields__)  # the header the file may carry
OPTIONAL = ("business_scope", "controlling_shareholder", "controlling_shareholder_code")
_running: set[asyncio.Task[None]] = set()  # keeps background jobs referenced until done


class RowError(msgspec.Struct, frozen=True):
    row: int  # 1-based line of the file, header included
    field: str
    problem: str


def _rows(filename: str, data: bytes) -> Iterator[dict[str, str]]:
    """The file's data rows as {column: text}; the header row names the columns."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # here: see the import of Workbook in exports.py

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        values = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(v or "").strip() for v in next(values, ())]
        for line in values:
            yield {
                h: "" if v is None else str(v).strip() for h, v in zip(header, line, strict=False)
            }
        return
    text = data.decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        yield {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _header_of(filename: str, data: bytes) -> list[str]:
    first = next(_rows(filename, data), None)
    return [] if first is None else list(first)


async def start_import(
    authorizer: Authorizer,
    principal: Principal,
    storage: ObjectStorage,
    kind: SubjectKind,
    filename: str,
    data: bytes,
    *,
    strict: bool,
    dry_run: bool,
    context: RequestContext | None = None,
) -> int:
    """Check the file's shape, keep it, open the job and run it in the background."""
    await authorize(authorizer, principal, HQ, "library", "manage")
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise DomainError("仅接受 CSV 或 XLSX 文件 / CSV or XLSX only", detail={"field": "file"})
    if len(data) > MAX_BYTES:
        raise DomainError("文件超过 50 MB / the file is larger than 50 MB")
    try:
        header = _header_of(filename, data)
    except Exception:
        raise DomainError(
            "无法读取文件 / the file cannot be read as CSV or XLSX", detail={"field": "file"}
        ) from None
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise DomainError(
            f"缺少列 / missing columns: {', '.join(missing)}", detail={"field": "file"}
        )
    key = ObjectKey.for_head_office("imports", f"{uuid.uuid4().hex}.{filename.rsplit('.', 1)[1]}")
    await storage.put(key, data, "application/octet-stream")
    try:
        async with write_transaction():
            rows = await ImportJob.insert(
                ImportJob(
                    kind=kind.value,
                    filename=filename[-200:],
                    object_key=key.value,
                    strict=strict,
                    dry_run=dry_run,
                    created_by=principal.account_id,
                )
            ).returning(ImportJob.id)
            job_id = int(rows[0]["id"])
            await record(
                actor=principal.actor,
                action="library.import.start",
                object=f"import:{job_id}",
                context=context,
            )
    except BaseException:
        await discard(storage, key)  # no row points at it
        raise
    task = asyncio.create_task(run_import(job_id, kind, filename, data, principal.actor))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job_id


async def _progress(job_id: int, **values: object) -> None:
    await ImportJob.update({getattr(ImportJob, k): v for k, v in values.items()}).where(
        ImportJob.id == job_id
    )


async def _validate(
    job_id: int, filename: str, data: bytes
) -> tuple[list[Profile], list[RowError], int]:
    good: list[Profile] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    total = 0
    for total, raw in enumerate(_rows(filename, data), start=1):
        line = total + 1  # the header is line 1
        if total > MAX_ROWS:
            errors.append(RowError(line, "file", f"超过 {MAX_ROWS} 行 / more than {MAX_ROWS} rows"))
            break
        try:
            profile = await check_profile(
                msgspec.convert({c: raw.get(c, "") for c in COLUMNS}, Profile)
            )
        except msgspec.ValidationError as exc:
            field = invalid_field(exc) or "row"
            errors.append(RowError(line, field, invalid_input_message(exc, PROFILE_FIELDS)))
            continue
        except DomainError as exc:
            errors.append(RowError(line, str(exc.detail.get("field", "row")), exc.message))
            continue
        if (first := seen.get(profile.credit_code)) is not None:
            errors.append(
                RowError(
                    line,
                    "credit_code",
                    f"与第 {first} 行重复 / repeats line {first}",
                )
            )
            continue
        seen[profile.credit_code] = line
        good.append(profile)
        if total % CHUNK == 0:
            await _progress(job_id, processed=total)
    # Codes already in the library, looked up a chunk at a time.
    codes = list(seen)
    taken: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        found = await Subject.select(Subject.credit_code).where(
            Subject.credit_code.is_in(codes[start : start + CHUNK])
        )
        taken.update(r["credit_code"] for r in found)
    for code in sorted(taken, key=seen.__getitem__):
        errors.append(RowError(seen[code], "credit_code", "已在库中 / already in the library"))
    good = [p for p in good if p.credit_code not in taken]
    errors.sort(key=lambda e: e.row)
    return good, errors, total


async def run_import(
    job_id: int, kind: SubjectKind, filename: str, data: bytes, actor: Actor
) -> None:
    try:
        await _progress(job_id, state=ImportState.validating.value)
        good, errors, total = await _validate(job_id, filename, data)
        report = msgspec.to_builtins(errors)
        await _progress(job_id, total=total, processed=total, errors=report)
        job = (
            await ImportJob.select(ImportJob.strict, ImportJob.dry_run)
            .where(ImportJob.id == job_id)
            .first()
        )
        assert job is not None
        if job["dry_run"] or (job["strict"] and errors):
            state = ImportState.failed if (job["strict"] and errors) else ImportState.done
            message = (
                "严格模式：存在错误行，未导入任何数据 / strict mode: bad rows, nothing imported"
                if state is ImportState.failed
                else "试运行：仅校验，未导入 / dry run: validated only"
            )
            await _progress(
                job_id, state=state.value, message=message, finished_at=dt.datetime.now(dt.UTC)
            )
            return
        await _progress(job_id, state=ImportState.writing.value)
        now = dt.datetime.now(dt.UTC)
        async with write_transaction():
            for start in range(0, len(good), CHUNK):
                await Subject.insert(
                    *[
                        Subject(
                            kind=kind.value,
                            state=SubjectState.approved.value,
                            reviewed_at=now,
                            **msgspec.structs.asdict(p),
                        )
                        for p in good[start : start + CHUNK]
                    ]
                )
            await record(actor=actor, action="library.import.write", object=f"import:{job_id}")
        await _progress(
            job_id,
            state=ImportState.done.value,
            imported=len(good),
            message=f"已导入 {len(good)} 条 / {len(good)} imported",
            finished_at=dt.datetime.now(dt.UTC),
        )
    except Exception as exc:  # the job must end in a state, whatever happened
        log.exception("import %s failed", job_id)
        await _progress(
            job_id,
            state=ImportState.failed.value,
            imported=0,
            message=f"导入失败，未导入任何数据 / failed, nothing imported: {type(exc).__name__}",
            finished_at=dt.datetime.now(dt.UTC),
        )
