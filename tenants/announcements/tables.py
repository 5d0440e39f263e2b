"""Announcements (交易公告) of a sub-platform, and their attachments."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.libraries.subjects.tables import Subject
from core.tenancy.tables import Tenant


class AnnouncementType(StrEnum):
    """The ten types of the service standard §6.4.1, in its order ("包括但不限于"), and the
    termination notice of government procurement's templates (财办库〔2020〕50号)."""

    tender_notice = "tender_notice"  # 招标公告
    procurement_notice = "procurement_notice"  # 采购公告
    grant_notice = "grant_notice"  # 出让公告
    transfer_notice = "transfer_notice"  # 转让公告
    correction = "correction"  # 更正公告
    special_matters = "special_matters"  # 特殊事项公告
    candidate_publicity = "candidate_publicity"  # 中标候选人公示
    deal_result_publicity = "deal_result_publicity"  # 成交结果公示
    award_notice = "award_notice"  # 中标结果公告
    deal_notice = "deal_notice"  # 成交公告
    # 终止公告: the whole project ends, every section of it, with the reason as its body
    # (政府采购法 36, 87号令 29; service standard 6.5.8).
    termination = "termination"


# The types that open a procedure suppliers take part in (报名): the procurement itself.
# Publicity and result types (中标候选人公示 … 成交公告) report on one; 出让公告 and 转让公告
# offer an owner's rights or assets to buyers, not a purchase from suppliers; a correction
# or a special matter amends a procedure already opened (报名 goes to that announcement).
OPENS_PROCEDURE = frozenset({AnnouncementType.tender_notice, AnnouncementType.procurement_notice})

TYPE_LABELS: dict[AnnouncementType, tuple[str, str]] = {
    AnnouncementType.tender_notice: ("招标公告", "Tender notice"),
    AnnouncementType.procurement_notice: ("采购公告", "Procurement notice"),
    AnnouncementType.grant_notice: ("出让公告", "Grant notice"),
    AnnouncementType.transfer_notice: ("转让公告", "Transfer notice"),
    AnnouncementType.correction: ("更正公告", "Correction"),
    AnnouncementType.special_matters: ("特殊事项公告", "Special matters"),
    AnnouncementType.candidate_publicity: ("中标候选人公示", "Candidate publicity"),
    AnnouncementType.deal_result_publicity: ("成交结果公示", "Deal result publicity"),
    AnnouncementType.award_notice: ("中标结果公告", "Award notice"),
    AnnouncementType.deal_notice: ("成交公告", "Deal notice"),
    AnnouncementType.termination: ("终止公告", "Termination"),
}


class Category(StrEnum):
    goods = "goods"  # 货物
    works = "works"  # 工程
    services = "services"  # 服务


class ProcurementMethod(StrEnum):
    open_tender = "open_tender"  # 公开招标
    invited_tender = "invited_tender"  # 邀请招标
    competitive_negotiation = "competitive_negotiation"  # 竞争性谈判
    competitive_consultation = "competitive_consultation"  # 竞争性磋商
    request_for_quotation = "request_for_quotation"  # 询价
    single_source = "single_source"  # 单一来源
    reverse_auction = "reverse_auction"  # 竞价
    framework_agreement = "framework_agreement"  # 框架协议采购
    other = "other"  # 其他


METHOD_LABELS: dict[ProcurementMethod, tuple[str, str]] = {
    ProcurementMethod.open_tender: ("公开招标", "Open tender"),
    ProcurementMethod.invited_tender: ("邀请招标", "Invited tender"),
    ProcurementMethod.competitive_negotiation: ("竞争性谈判", "Competitive negotiation"),
    ProcurementMethod.competitive_consultation: ("竞争性磋商", "Competitive consultation"),
    ProcurementMethod.request_for_quotation: ("询价（询比）", "Request for quotation"),
    ProcurementMethod.single_source: ("单一来源", "Single source"),
    ProcurementMethod.reverse_auction: ("竞价", "Reverse auction"),
    ProcurementMethod.framework_agreement: ("框架协议采购", "Framework agreement"),
    ProcurementMethod.other: ("其他", "Other"),
}


class AnnouncementState(StrEnum):
    draft = "draft"  # 草稿: only the tenant's staff see it, and may edit it
    published = "published"  # 已发布: never edited again; a correction amends it


class Announcement(Table, tablename="announcement"):
    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    type = Varchar(length=30, choices=AnnouncementType)
    title = Varchar(length=200)
    project_code = Varchar(length=60)  # 项目编号
    category = Varchar(length=20, choices=Category)
    method = Varchar(length=30, choices=ProcurementMethod)
    region_code = Varchar(length=6)
    body_html = Text()  # sanitised when written
    state = Varchar(length=20, choices=AnnouncementState, default="draft")
    # The published announcement this one corrects (更正公告 only), in the same tenant.
    corrects = Integer(null=True, default=None, index=True)
    # The tenant's project (tenants.projects) it belongs to, if any; its type follows the
    # project's stage, and a published opening notice or correction sets its bid deadline.
    project = Integer(null=True, default=None, index=True)
    deadline_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    created_by = Integer()
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Attachment(Table, tablename="announcement_attachment"):
    """A file of an announcement, in object storage under the tenant's prefix."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    announcement = ForeignKey(references=Announcement, on_delete=OnDelete.cascade, index=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    object_key = Varchar(length=500, unique=True)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class Participation(Table, tablename="participation"):
    """报名: a supplier of the shared library taking part in an announced procurement."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    announcement = ForeignKey(references=Announcement, on_delete=OnDelete.restrict, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.restrict, index=True)
    key = Varchar(length=40, unique=True)  # "<announcement>:<subject>": once per supplier
    created_at = Timestamptz(default=TimestamptzNow())
