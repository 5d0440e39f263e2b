"""Purchasers (采购人) of a sub-platform and the projects they register (项目登记).

Every row carries its tenant. A project's code nests as the national data specification has it:
project → tender project → section (标段), each a further three digits.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.identity.tables import Account
from core.tenancy.tables import Tenant


class Purchaser(Table, tablename="purchaser"):
    """A purchaser unit (采购人) of one sub-platform, identified by its credit code."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    # "<tenant id>:<credit code>": one unit per code and tenant, race-safe on every engine
    # (Piccolo's composite Unique does not work on SQLite).
    tenant_code = Varchar(length=40, unique=True)
    credit_code = Varchar(length=18)
    name = Varchar(length=200)
    region_code = Varchar(length=6)
    created_at = Timestamptz(default=TimestamptzNow())


class PurchaserMember(Table, tablename="purchaser_member"):
    """A staff account acting for a purchaser unit; an account acts for one unit only."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    purchaser = ForeignKey(references=Purchaser, on_delete=OnDelete.cascade, index=True)
    account = ForeignKey(references=Account, on_delete=OnDelete.cascade, unique=True)


class Track(StrEnum):
    tender = "tender"  # 招标投标
    government = "government"  # 政府采购
    enterprise = "enterprise"  # 企业非招标采购


class ProjectState(StrEnum):
    draft = "draft"  # 填写中
    submitted = "submitted"  # 已提交，待登记
    returned = "returned"  # 退回补正
    registered = "registered"  # 已登记
    rejected = "rejected"  # 不予登记


class Project(Table, tablename="project"):
    """A procurement project (采购项目) as its purchaser registers it."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    purchaser = ForeignKey(references=Purchaser, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=30, null=True, default=None, unique=True)  # given once it is created
    title = Varchar(length=200)
    track = Varchar(length=20, choices=Track)
    method = Varchar(length=40)
    category = Varchar(length=20)
    budget_fen = BigInt()  # 预算, in fen: money is never a float
    state = Varchar(length=20, choices=ProjectState, default=ProjectState.draft.value, index=True)
    created_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    # The registration clock: from the moment the materials were complete (submitted or
    # resubmitted) to the end of the second working day after it (service standard 6.2.4).
    complete_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None, index=True)
    service_owner = ForeignKey(references=Account, null=True, default=None)  # 受理人
    registered_at = Timestamptz(null=True, default=None)
    request_id = Integer(null=True, default=None)  # the approval request of its registration
    # Set when its tender or procurement notice is published; a correction moves the deadline.
    opening_notice = Integer(null=True, default=None)  # that announcement's id
    # The agency (代理机构) of the shared library the purchaser entrusted with it, if any.
    agency = Integer(null=True, default=None, index=True)
    bid_deadline = Timestamptz(null=True, default=None)  # 投标截止 = 开标时间
    # Set when its termination notice (终止公告) is published: nothing of it goes on after.
    terminated_at = Timestamptz(null=True, default=None)


class Lot(Table, tablename="lot"):
    """A section (标段) of a project; its code is the project's and three digits."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    title = Varchar(length=200)
    budget_fen = BigInt(null=True, default=None)


class ProjectMaterial(Table, tablename="project_material"):
    """One checklist item's file of a project's registration, in object storage."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.cascade, index=True)
    item = Varchar(length=40)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    object_key = Text()
    uploaded_at = Timestamptz(default=TimestamptzNow())


class BidState(StrEnum):
    current = "current"  # 有效: the supplier's bid for the lot
    replaced = "replaced"  # 已替换: a later bid of the same supplier took its place
    withdrawn = "withdrawn"  # 已撤回


class Bid(Table, tablename="bid"):
    """A supplier's sealed bid (投标文件) for one lot: the file in object storage encrypted with
    SM4 under a key of its own, that key and the price sealed under the platform's bid key
    (tenants.projects.sealing); nothing of it is readable before the opening."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, index=True)
    subject = Integer(index=True)  # the supplier's library entry (core.libraries.subjects)
    submitted_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    state = Varchar(length=20, choices=BidState, default=BidState.current.value)
    ref = Varchar(length=32, unique=True)  # random, bound into its sealed values and object key
    # "<lot id>:<subject id>" while current, else null: one current bid per supplier and lot,
    # held by the unique index whatever the engine and however many submissions race.
    current_slot = Varchar(length=40, null=True, default=None, unique=True)
    filename = Varchar(length=200)
    size = Integer()
    digest = Varchar(length=64)  # SHA-256 of the file as submitted: the receipt's
    object_key = Text()  # the ciphertext
    sealed_key = Text()  # the bid's own key, sealed
    sealed_price = Text()  # the price in fen, sealed
    # the file's features for the collusion rules (tenants.risk.documents), sealed; "" for a
    # bid submitted before they were taken
    sealed_features = Text(default="")
    credit_checked_at = Timestamptz()  # when the blacklist check passed
    submitted_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)


class OpeningState(StrEnum):
    opened = "opened"  # 已开标
    failed = "failed"  # 流标: fewer bids than the method needs; to be tendered again


class Opening(Table, tablename="opening"):
    """The opening (开标) of a lot: once, at or after the bid deadline."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, unique=True)
    state = Varchar(length=20, choices=OpeningState)
    bids = Integer()
    opened_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    opened_at = Timestamptz(default=TimestamptzNow())


class OpeningEntry(Table, tablename="opening_entry"):
    """One line of an opening record (开标记录): a bidder, its price and its file's digest."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    opening = ForeignKey(references=Opening, on_delete=OnDelete.cascade, index=True)
    bid = ForeignKey(references=Bid, on_delete=OnDelete.restrict, unique=True)
    bidder = Varchar(length=200)  # the supplier's name at the opening
    price_fen = BigInt()  # 0 when it did not decrypt
    digest = Varchar(length=64)
    verified = Boolean()  # the decrypted file has the digest of the receipt
    # False: its sealed values did not open (tampered or damaged); the bid counts as withdrawn
    # (电子招标投标办法: a decryption failure not of the bidder's making).
    decrypted = Boolean(default=True)


class DrawState(StrEnum):
    drawing = "drawing"  # 抽取中: answers awaited, refusals redrawn
    complete = "complete"  # 已组成: every seat accepted
    short = "short"  # 人数不足: the pool ran out; a new draw is needed


class ExpertDraw(Table, tablename="expert_draw"):
    """An expert draw (专家抽取) of a project's evaluation committee: random from the shared
    library with a recorded seed, so the same pool and seed give the same experts again."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    specialty_code = Varchar(length=12)
    region_code = Varchar(length=6)  # "" for anywhere
    committee_size = Integer()  # odd; the purchaser's representatives included
    representatives = Integer()
    seed = Varchar(length=64)
    pool = Text()  # JSON: the candidate experts' ids, ascending, after every recusal
    excluded = Integer()  # how many the recusal rules took out of the pool
    state = Varchar(length=20, choices=DrawState, default=DrawState.drawing.value)
    convenor = ForeignKey(references=Account, on_delete=OnDelete.restrict)  # 召集人
    revealed_at = Timestamptz(null=True, default=None)  # identities shown to the convenor
    created_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())


class MemberState(StrEnum):
    invited = "invited"  # 待确认
    accepted = "accepted"  # 已确认参加
    refused = "refused"  # 拒绝或未应答: replaced by the next of the seeded order


class DrawMember(Table, tablename="draw_member"):
    """One expert of a draw, at its place in the seeded order."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    draw = ForeignKey(references=ExpertDraw, on_delete=OnDelete.cascade, index=True)
    expert = Integer(index=True)  # core.libraries.experts Expert id
    position = Integer()  # 0-based place in the seeded order
    state = Varchar(length=20, choices=MemberState, default=MemberState.invited.value)
    answered_at = Timestamptz(null=True, default=None)


class RecusalRequest(Table, tablename="recusal_request"):
    """A bidder's written request that an expert recuse (申请回避, 政采条例 9)."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    subject = Integer()  # the bidder's library entry
    expert_code = Varchar(length=16)
    reason = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class EvaluationResult(Table, tablename="evaluation_result"):
    """The evaluation report of a section (评标报告): every valid bid's price and technical
    scores, its total and rank, as the committee's convenor reported them."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, unique=True)
    draw = ForeignKey(references=ExpertDraw, on_delete=OnDelete.restrict)
    price_weight = Integer()  # points of 100 given to the price
    ranking = Text()  # JSON: [{bid, bidder, price_fen, price, technical, total, rank}], by rank
    scores = Text()  # JSON: every member's technical score of every bid, as entered
    reported_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    reported_at = Timestamptz(default=TimestamptzNow())
    # Set when the candidate publicity (中标候选人公示) is published: its end, 3 days on.
    publicity_ends_at = Timestamptz(null=True, default=None)


class Award(Table, tablename="award"):
    """The award of a section (定标): its first candidate unless disqualified."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.restrict, unique=True)
    bid = ForeignKey(references=Bid, on_delete=OnDelete.restrict)
    subject = Integer()
    bidder = Varchar(length=200)
    price_fen = BigInt()
    passed_over = Text(default="[]")  # JSON: candidates ranked above it, and why not them
    credit_checked_at = Timestamptz()  # when the winner's blacklist check passed
    awarded_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    awarded_at = Timestamptz(default=TimestamptzNow())


class Contract(Table, tablename="contract"):
    """The contract signed on an award (合同), as recorded by the sub-platform."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    award = ForeignKey(references=Award, on_delete=OnDelete.restrict, unique=True)
    amount_fen = BigInt()
    signed_on = Date()
    recorded_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())


class ObjectionTarget(StrEnum):
    documents = "documents"  # 对招标（采购）文件
    opening = "opening"  # 对开标
    result = "result"  # 对评标结果（中标候选人）


class ObjectionState(StrEnum):
    pending = "pending"  # 待答复: the step it can affect waits
    answered = "answered"  # 已答复
    complained = "complained"  # 已投诉: the bidder went on to the supervising department


class Objection(Table, tablename="objection"):
    """A bidder's objection (异议, 质疑 in government procurement) and, after the answer, its
    complaint to the supervising department (投诉): Prozorro's claim and complaint."""

    tenant = ForeignKey(references=Tenant, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(references=Project, on_delete=OnDelete.restrict, index=True)
    subject = Integer()  # the bidder's library entry
    raised_by = ForeignKey(references=Account, on_delete=OnDelete.restrict)
    target = Varchar(length=20, choices=ObjectionTarget)
    text = Text()
    state = Varchar(length=20, choices=ObjectionState, default=ObjectionState.pending.value)
    raised_at = Timestamptz(default=TimestamptzNow())
    due_at = Timestamptz()  # the answer's statutory deadline
    answer = Text(default="")
    answered_by = ForeignKey(references=Account, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    complaint = Text(default="")
    complained_at = Timestamptz(null=True, default=None)
