"""Enum values in people's words (``{{ value | label("group") }}``): no state, kind or role key
is ever shown as it is stored."""

from core.authz.model import ROLE_PERMISSIONS
from core.identity.tables import AccountKind
from core.libraries.experts.tables import TITLE_LABELS
from core.tenancy.tables import TenantKind, TenantState
from tenants.announcements.tables import METHOD_LABELS, TYPE_LABELS, Category
from themes.palette import PALETTE

_ROLES = {
    "hq_admin": ("系统管理员", "System administrator"),
    "hq_reviewer": ("审核员", "Reviewer"),
    "hq_supervisor": ("监督员", "Supervisor"),
    "hq_ops": ("安全管理员", "Security administrator"),
    "hq_library": ("主体库管理员", "Library manager"),
    "hq_auditor": ("审计员", "Auditor"),
    "tenant_admin": ("分平台管理员", "Sub-platform administrator"),
    "tenant_staff": ("分平台工作人员", "Sub-platform staff"),
    "purchaser": ("采购人", "Purchaser"),
    "tenant_operator": ("分平台运营机构（待确认运营主体）", "Operator (unit not yet confirmed)"),
    "supplier": ("供应商", "Supplier"),
    "agency": ("代理机构", "Agency"),
    "expert": ("评标评审专家", "Evaluation expert"),
    "applicant": ("设立申请人", "Applicant"),
    "regulator": ("监管部门", "Regulator"),
}
_TENANT_STATES = {
    TenantState.active: ("正常运行", "Active"),
    TenantState.warned: ("已警告", "Warned"),
    TenantState.admin_revoked: ("管理账号已撤销", "Management accounts revoked"),
    TenantState.suspended: ("已中止系统使用权限", "Suspended"),
    TenantState.closed: ("已关闭", "Closed"),
}
_TENANT_KINDS = {
    TenantKind.city: ("地市机构", "City institution"),
    TenantKind.enterprise: ("省属企业", "Provincial enterprise"),
}
_ACCOUNT_KINDS = {
    AccountKind.hq_staff: ("服务平台工作人员", "Head-office staff"),
    AccountKind.tenant_staff: ("分平台工作人员", "Sub-platform staff"),
    AccountKind.supplier: ("供应商", "Supplier"),
    AccountKind.agency: ("代理机构", "Agency"),
    AccountKind.expert: ("评标评审专家", "Evaluation expert"),
    AccountKind.regulator: ("监管部门", "Regulator"),
    AccountKind.applicant: ("设立申请人", "Applicant"),
}
_APPROVAL_TYPES = {
    "application": ("分平台设立申请", "Sub-platform application"),
    "change_request": ("个性化需求", "Change request"),
    "plugin": ("插件申请", "Plugin request"),
    "subject_registration": ("主体注册审核", "Library registration review"),
    "data_download": ("数据下载申请", "Data download request"),
    "project_registration": ("项目登记", "Project registration"),
    "ops_access": ("运维访问申请", "Ops access request"),
}
_APPROVAL_STATES = {
    "submitted": ("待审核", "Submitted"),
    "returned": ("退回补正", "Returned"),
    "approved": ("已通过", "Approved"),
    "rejected": ("不予通过", "Rejected"),
    "draft": ("草稿（未提交）", "Draft"),
}
_IMPORT_STATES = {
    "queued": ("排队中", "Queued"),
    "validating": ("校验中", "Validating"),
    "writing": ("写入中", "Writing"),
    "done": ("已完成", "Done"),
    "failed": ("未导入", "Failed"),
}
_SUBJECT_STATES = {
    "pending": ("待审核", "Pending review"),
    "approved": ("已审核", "Approved"),
    "rejected": ("不予通过", "Rejected"),
}
_PENALTY_KINDS = {
    "reminder": ("提醒", "Reminder"),
    "warning": ("警告", "Warning"),
    "revocation": ("撤销分平台管理账号", "Revocation of management accounts"),
    "suspension": ("中止系统使用权限", "Suspension"),
    "reinstatement": ("恢复", "Reinstatement"),
}
_ACCENTS = {
    "sunshine-red": ("阳光红", "Sunshine red"),
    "government-blue": ("政务蓝", "Government blue"),
    "jade": ("青绿", "Jade"),
    "forest": ("森林绿", "Forest green"),
    "ochre": ("赭石", "Ochre"),
    "violet": ("紫", "Violet"),
    "slate": ("石板灰", "Slate"),
}
_PLUGIN_ACTIONS = {"enable": ("启用", "Enable"), "remove": ("停用", "Remove")}
_APPROVAL_ACTIONS = {
    "submit": ("提交", "Submitted"),
    "return": ("退回补正", "Returned"),
    "resubmit": ("补正后重新提交", "Resubmitted"),
    "approve": ("通过", "Approved"),
    "reject": ("不予通过", "Rejected"),
}
_IMAGE_KINDS = {"logo": ("标志", "Logo"), "banner": ("横幅", "Banner")}
_LAYOUTS = {"standard": ("标准", "Standard"), "blocks_first": ("区块在前", "Blocks first")}
_SUBJECT_KINDS = {"supplier": ("供应商", "Supplier"), "agency": ("代理机构", "Agency")}
_REVIEW_ACTIONS = {
    "register": ("注册审核", "Registration"),
    "change": ("关键信息变更", "Key-field change"),
    "claim": ("认领已导入主体", "Claim of an imported entry"),
}
_CREDIT_KINDS = {
    "commendation": ("表彰", "Commendation"),
    "penalty": ("行政处罚", "Administrative penalty"),
    "blacklist": ("黑名单", "Blacklist"),
}
_SUBJECT_FIELDS = {
    "name": ("名称", "Name"),
    "legal_representative": ("法定代表人", "Legal representative"),
    "credit_code": ("统一社会信用代码", "Credit code"),
}
_AVAILABILITY = {"available": ("可抽取", "Available"), "unavailable": ("暂停抽取", "Unavailable")}
_ANNOUNCEMENT_STATES = {"draft": ("草稿", "Draft"), "published": ("已发布", "Published")}
_BID_STATES = {
    "current": ("有效", "Current"),
    "replaced": ("已替换", "Replaced"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
_OPENING_STATES = {
    "opened": ("已开标", "Opened"),
    "failed": ("流标（须重新招标）", "Failed: re-tender"),
}
_DRAW_STATES = {
    "drawing": ("抽取中", "Drawing"),
    "complete": ("已组成", "Complete"),
    "short": ("人数不足，须重新抽取", "Short: draw again"),
}
_MEMBER_STATES = {
    "invited": ("待确认", "Invited"),
    "accepted": ("已确认参加", "Confirmed"),
    "refused": ("拒绝或未应答", "Refused"),
}
_OBJECTION_TARGETS = {
    "documents": ("对招标（采购）文件的异议", "The documents"),
    "opening": ("对开标的异议", "The opening"),
    "result": ("对评标结果的异议", "The result"),
}
_OBJECTION_STATES = {
    "pending": ("待答复", "Awaiting the answer"),
    "answered": ("已答复", "Answered"),
    "complained": ("已投诉", "Complained"),
}
_TRACKS = {
    "tender": ("招标投标", "Tender"),
    "government": ("政府采购", "Government procurement"),
    "enterprise": ("企业非招标采购", "Enterprise purchasing"),
}
_PROJECT_STATES = {
    "draft": ("填写中", "Draft"),
    "submitted": ("待登记", "Submitted"),
    "returned": ("退回补正", "Returned"),
    "registered": ("已登记", "Registered"),
    "rejected": ("不予登记", "Rejected"),
}
_CATEGORIES = {
    Category.goods: ("货物", "Goods"),
    Category.works: ("工程", "Works"),
    Category.services: ("服务", "Services"),
}


def _group(name: str, labels: dict) -> dict[str, tuple[str, str]]:
    return {f"label.{name}.{getattr(k, 'value', k)}": v for k, v in labels.items()}


MESSAGES: dict[str, tuple[str, str]] = {
    **_group("role", _ROLES),
    **_group("tenant_state", _TENANT_STATES),
    **_group("tenant_kind", _TENANT_KINDS),
    **_group("account_kind", _ACCOUNT_KINDS),
    **_group("approval_type", _APPROVAL_TYPES),
    **_group("approval_state", _APPROVAL_STATES),
    **_group("penalty_kind", _PENALTY_KINDS),
    **_group("announcement_type", TYPE_LABELS),
    **_group("category", _CATEGORIES),
    **_group("method", METHOD_LABELS),
    **_group("accent", _ACCENTS),
    **_group("plugin_action", _PLUGIN_ACTIONS),
    **_group("approval_action", _APPROVAL_ACTIONS),
    **_group("layout", _LAYOUTS),
    **_group("image_kind", _IMAGE_KINDS),
    **_group("import_state", _IMPORT_STATES),
    **_group("subject_state", _SUBJECT_STATES),
    **_group("subject_kind", _SUBJECT_KINDS),
    **_group("review_action", _REVIEW_ACTIONS),
    **_group("credit_kind", _CREDIT_KINDS),
    **_group("subject_field", _SUBJECT_FIELDS),
    **_group("expert_title", TITLE_LABELS),
    **_group("availability", _AVAILABILITY),
    **_group("track", _TRACKS),
    **_group("objection_target", _OBJECTION_TARGETS),
    **_group("objection_state", _OBJECTION_STATES),
    **_group("draw_state", _DRAW_STATES),
    **_group("member_state", _MEMBER_STATES),
    **_group("bid_state", _BID_STATES),
    **_group("opening_state", _OPENING_STATES),
    **_group("announcement_state", _ANNOUNCEMENT_STATES),
    **_group("project_state", _PROJECT_STATES),
}
if set(_ACCENTS) != set(PALETTE):
    raise ImportError(f"accents without a label: {set(_ACCENTS) ^ set(PALETTE)}")
# Every role of the catalogue has its label: a new role without one fails at start-up.
if set(_ROLES) != set(ROLE_PERMISSIONS):
    raise ImportError(
        f"roles without a label, or labels without a role: {set(_ROLES) ^ set(ROLE_PERMISSIONS)}"
    )
