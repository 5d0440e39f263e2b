"""Data downloads (数据下载) only after an approved request stating its purpose (000 Art. 23–24).

The request names the dataset, the format, the purpose and any secret columns wanted; head
office approves it or not (approval type ``data_download``, decided by ``hq_admin``). Only its
requester, on the site where it was asked, may then download the file, for seven days; every
download is an entry in the audit chain, and the file carries the requester, the time and the
request in its watermark.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.approvals import service as approvals
from core.approvals.tables import ApprovalRequest, ApprovalState
from core.audit.chain import RequestContext, record
from core.authz.authorizer import Authorizer
from core.authz.model import HQ, tenant_domain
from core.authz.policies import Forbidden, authorize
from core.data.columns import json_column
from core.data.engine import write_transaction
from core.errors import DomainError, NotFound
from core.identity.principal import Principal
from core.libraries.exports import DATASETS, ExportFormat, render
from core.tenancy.site import Site
from themes.i18n import BEIJING

DOWNLOAD_TYPE = "data_download"
VALID_FOR = dt.timedelta(days=7)


class DownloadRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    dataset: str
    format: ExportFormat
    purpose: Annotated[str, msgspec.Meta(min_length=10, max_length=1000)]
    secret_fields: list[str] = msgspec.field(default_factory=list)


class DownloadFile(msgspec.Struct, frozen=True):
    filename: str
    media_type: str
    content: bytes


def _domain(site: Site) -> str:
    return HQ if site.tenant is None else tenant_domain(site.tenant.id)


async def request_download(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    wanted: DownloadRequest,
    context: RequestContext | None = None,
) -> int:
    await authorize(authorizer, principal, _domain(site), "library", "download")
    dataset = DATASETS.get(wanted.dataset)
    if dataset is None:
        raise DomainError(
            f"没有数据集 {wanted.dataset} / no such dataset: one of {', '.join(DATASETS)}",
            detail={"field": "dataset"},
        )
    unknown = set(wanted.secret_fields) - dataset.secret_names
    if unknown:
        raise DomainError(
            f"不是该数据集的保密字段 / not a secret field of {dataset.name}: "
            f"{', '.join(sorted(unknown))}",
            detail={"field": "secret_fields"},
        )
    if wanted.secret_fields and dataset.secrets_for_library_managers_only:
        if site.tenant is not None:
            raise Forbidden(
                "该数据集的保密字段仅限服务平台库管理员 / only head office's library managers "
                "may have this dataset's secret fields"
            )
        await authorize(authorizer, principal, HQ, "library", "read_secret")
    async with write_transaction():
        return await approvals.submit(
            type=DOWNLOAD_TYPE,
            subject=f"download:{principal.account_id}:{dt.datetime.now(dt.UTC).timestamp()}",
            submitter=principal,
            tenant_id=None if site.tenant is None else site.tenant.id,
            payload=msgspec.to_builtins(wanted),
            context=context,
        )


async def download(
    authorizer: Authorizer,
    principal: Principal,
    site: Site,
    request_id: int,
    context: RequestContext | None = None,
) -> DownloadFile:
    """The approved file, for its requester on its site; another's request is "no such"."""
    row = (
        await ApprovalRequest.select()
        .where(
            (ApprovalRequest.id == request_id)
            & (ApprovalRequest.type == DOWNLOAD_TYPE)
            & (ApprovalRequest.submitter == principal.account_id)
        )
        .first()
    )
    here = None if site.tenant is None else site.tenant.id
    if row is None or row["tenant_id"] != here:
        raise NotFound("下载申请不存在 / no such download request")
    if row["state"] != ApprovalState.approved.value:
        raise DomainError(
            "下载申请尚未批准 / the download request is not approved",
            detail={"state": row["state"]},
        )
    now = dt.datetime.now(dt.UTC)
    if row["decided_at"] is None or now - row["decided_at"] > VALID_FOR:
        raise DomainError("下载申请已过期，请重新申请 / the approval has expired: ask again")
    wanted = msgspec.convert(json_column(row["payload"], dict), DownloadRequest)
    dataset = DATASETS[wanted.dataset]
    # The approval does not outlive the requester's rights: checked again now.
    await authorize(authorizer, principal, _domain(site), "library", "download")
    if wanted.secret_fields and dataset.secrets_for_library_managers_only:
        await authorize(authorizer, principal, HQ, "library", "read_secret")
    watermark = (
        f"仅供 {principal.username} 于 {now.astimezone(BEIJING):%Y-%m-%d %H:%M} 依下载申请 "
        f"#{request_id} 用于：{wanted.purpose} / for {principal.username} only, request "
        f"#{request_id}"
    )
    content = await render(dataset, wanted.secret_fields, wanted.format, watermark)
    async with write_transaction():
        await record(
            actor=principal.actor,
            action=f"library.download.{dataset.name}",
            object=f"approval:{request_id}",
            tenant_id=here,
            context=context,
        )
    media_type = (
        "text/csv; charset=utf-8"
        if wanted.format is ExportFormat.csv
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{dataset.name}-{request_id}-{now:%Y%m%d%H%M}.{wanted.format.value}"
    return DownloadFile(filename, media_type, content)


async def _nothing_to_apply(_request: dict[str, object], _decider: Principal) -> None:
    """Approval itself is the permission: the file is made when it is downloaded."""


approvals.register(approvals.ApprovalType(name=DOWNLOAD_TYPE, on_approved=_nothing_to_apply))
