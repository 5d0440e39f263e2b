"""Audit actions in words (审计日志的操作名称): ``approval.application.return`` is shown as
"审核 · 分平台设立申请 · 退回补正", never as the key.

An action is dot-separated words; each is named here or, where it is an enum's value (an
approval type, a penalty kind, a credit kind …), by that enum's label in the catalogue. A test
scans the code's ``record(action=…)`` calls so that no word goes unnamed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.tenancy.regions import region_label
from themes.i18n import MESSAGES, translate

WORDS: dict[str, tuple[str, str]] = {
    # what is acted on
    "account": ("账号", "Account"),
    "announcement": ("公告", "Announcement"),
    "application": ("设立申请", "Application"),
    "approval": ("审核", "Approval"),
    "auth": ("登录与口令", "Sign-in"),
    "branding": ("品牌", "Branding"),
    "commodity": ("商品", "Commodity"),
    "credit": ("信用记录", "Credit record"),
    "custom_domain": ("自定义域名", "Custom domain"),
    "download": ("数据下载", "Download"),
    "expert": ("专家", "Expert"),
    "import": ("批量导入", "Import"),
    "library": ("共享库", "Library"),
    "participation": ("报名", "Participation"),
    "penalty": ("处理", "Penalty"),
    "qualification": ("资质", "Qualification"),
    "role": ("角色", "Role"),
    "subject": ("主体", "Entry"),
    "tenant": ("分平台", "Sub-platform"),
    "audit": ("审计日志", "Audit log"),
    "calendar": ("工作日历", "Working-day calendar"),
    "day": ("日期", "Day"),
    "project": ("项目", "Project"),
    "bid": ("投标", "Bid"),
    "expert_draw": ("专家抽取", "Expert draw"),
    "evaluation": ("评标", "Evaluation"),
    "archive": ("一项一档", "Project archive"),
    "objection": ("异议", "Objection"),
    "award": ("定标", "Award"),
    "contract": ("合同", "Contract"),
    "lot": ("标段", "Section"),
    "purchaser": ("采购人", "Purchaser"),
    "ops_access": ("运维访问", "Ops access"),
    "staff": ("工作人员名单", "Staff list"),
    "risk": ("风险预警", "Risk warning"),
    "opendata": ("开放数据", "Open data"),
    "opendata_push": ("数据上报", "Open data push"),
    # datasets of the library's downloads (core.libraries.exports.DATASETS)
    "suppliers": ("供应商名录", "Suppliers"),
    "agencies": ("代理机构名录", "Agencies"),
    "experts": ("专家名录", "Experts"),
    # what is done
    "accept": ("受理", "Taken"),
    "push": ("上报", "Pushed"),
    "deadline_move": ("变更截止时间", "Deadline moved"),
    "terminate": ("终止", "Terminated"),
    "draw": ("抽取", "Drawn"),
    "decide": ("决定", "Decided"),
    "raise": ("提出", "Raised"),
    "entrust": ("委托代理", "Entrusted"),
    "answer": ("答复", "Answered"),
    "complain": ("投诉", "Complained"),
    "publicity": ("开始公示", "Publicity started"),
    "record": ("备案", "Recorded"),
    "report": ("提交报告", "Reported"),
    "confirm": ("确认参加", "Confirmed"),
    "redraw": ("拒绝并补抽", "Refused, redrawn"),
    "short": ("拒绝，人数不足", "Refused, pool used up"),
    "recusal_request": ("申请回避", "Recusal asked"),
    "reveal": ("公开身份", "Identities shown"),
    "deadline_set": ("确定截止时间", "Deadline set"),
    "open": ("开标", "Opened"),
    "open_failed": ("流标", "Failed to open"),
    "replace": ("替换", "Replaced"),
    "withdraw": ("撤回", "Withdrawn"),
    "add": ("新增", "Added"),
    "anchor": ("锚定", "Anchored"),
    "attach": ("上传附件", "File attached"),
    "availability": ("可用状态", "Availability"),
    "claim": ("认领", "Claimed"),
    "create": ("创建", "Created"),
    "deny": ("禁止操作", "Denied"),
    "deny_lifted": ("解除禁止", "Denial lifted"),
    "disable": ("停用", "Disabled"),
    "enable": ("启用", "Enabled"),
    "export": ("导出", "Exported"),
    "grant": ("授予", "Granted"),
    "invitation_accept": ("接受邀请", "Invitation accepted"),
    "lift": ("解除", "Lifted"),
    "member_add": ("开设经办人账号", "Staff account opened"),
    "login": ("登录", "Sign-in"),
    "logout": ("退出", "Sign-out"),
    "material_upload": ("上传材料", "Material uploaded"),
    "note": ("备注", "Note"),
    "operating_unit_confirm": ("确认运营单位", "Operating unit confirmed"),
    "password_change": ("修改口令", "Password changed"),
    "price": ("价格", "Price"),
    "provision": ("开通", "Provisioned"),
    "publish": ("发布", "Published"),
    "read": ("查看", "Read"),
    "read_secret": ("查看保密信息", "Secret read"),
    "register": ("注册", "Registered"),
    "reinstate": ("恢复", "Reinstated"),
    "removed": ("移除", "Removed"),
    "reset_password": ("重置口令", "Password reset"),
    "revoke": ("撤销", "Revoked"),
    "set": ("设置", "Set"),
    "start": ("开始", "Started"),
    "supplier": ("供应商", "Supplier"),
    "totp_enrol": ("绑定动态口令", "TOTP enrolled"),
    "update": ("修改", "Updated"),
    "verify": ("校验", "Verified"),
    "write": ("写入", "Written"),
    "confirm_warning": ("确认属实", "Confirmed"),
    "dismiss_warning": ("排除", "Dismissed"),
    "recheck": ("重新检查", "Checked again"),
}
# Enum values that appear as words of an action, named by their label group.
GROUPS = (
    "approval_type",
    "approval_action",
    "penalty_kind",
    "credit_kind",
    "subject_kind",
    "image_kind",
    "day_kind",
)
OUTCOMES = {
    "success": ("成功", "Success"),
    "failure": ("失败", "Failure"),
    "denied": ("拒绝", "Denied"),
}


def word_label(word: str, locale: str) -> str | None:
    if word in WORDS:
        return WORDS[word][1 if locale == "en" else 0]
    for group in GROUPS:
        key = f"label.{group}.{word}"
        if key in MESSAGES:
            return translate(key, locale)
    return None


def action_label(action: str, locale: str) -> str:
    """The action in words; a word nobody named yet is shown as it is rather than hidden."""
    return " · ".join(word_label(w, locale) or w for w in action.split("."))


ROLE_HOLDER = re.compile(r"account:(\d+):([a-z_]+)@(.+)")


def _domain_label(domain: str, locale: str) -> str:
    if domain == "hq":
        return "服务平台" if locale != "en" else "head office"
    kind, _, key = domain.partition(":")
    if kind == "region":
        return region_label(key) or key
    return f"{word_label(kind, locale) or kind} {key}"


ObjectLabel = Callable[[str, str], str | None]  # (what follows "<kind>:", locale) → words
_OBJECT_LABELS: dict[str, ObjectLabel] = {}


def register_object_label(kind: str, label: ObjectLabel) -> None:
    """How the area that owns objects of ``kind`` names them (e.g. an application's material
    by its checklist title)."""
    _OBJECT_LABELS[kind] = label


def object_label(obj: str, locale: str) -> str:
    """``account:4:hq_auditor@hq`` → "账号 4 · 审计管理员（服务平台）"; ``tenant:3`` → "分平台 3"
    (the object in words; an unknown shape is shown as it is)."""
    holder = ROLE_HOLDER.fullmatch(obj)
    if holder:
        account, role, domain = holder.groups()
        role_name = (
            translate(f"label.role.{role}", locale) if f"label.role.{role}" in MESSAGES else role
        )
        account_word = word_label("account", locale)
        return f"{account_word} {account} · {role_name}（{_domain_label(domain, locale)}）"
    kind, sep, rest = obj.partition(":")
    noun = word_label(kind, locale)
    if not (sep and noun):
        return obj
    own = _OBJECT_LABELS.get(kind)
    return f"{noun} {(own(rest, locale) if own else None) or rest}"


def outcome_label(outcome: str, locale: str) -> str:
    pair = OUTCOMES.get(outcome)
    return outcome if pair is None else pair[1 if locale == "en" else 0]
