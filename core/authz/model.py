"""The Casbin model, domain names and the role catalogue (as data)."""

from __future__ import annotations

from casbin.model import Model

MODEL_TEXT = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub, r.dom) && (p.dom == "*" || p.dom == r.dom) \
    && (p.obj == "*" || p.obj == r.obj) && (p.act == "*" || p.act == r.act)
"""

HQ = "hq"  # the head office's own domain
CATALOGUE = "*"  # domain of the role catalogue: role permissions that hold in every domain
NATIONWIDE = "000000"  # the root of the region tree


def new_model() -> Model:
    model = Model()
    model.load_model_from_text(MODEL_TEXT)
    return model


def tenant_domain(tenant_id: int) -> str:
    return f"t{int(tenant_id)}"


def region_domain(code: str) -> str:
    return f"region:{code}"


def subject(account_id: int) -> str:
    return f"u:{int(account_id)}"


def region_ancestors(code: str) -> list[str]:
    """GB/T 2260 codes: 370102 (county) → 370100 (city) → 370000 (province) → nationwide."""
    chain = [code]
    if code[4:] != "00":
        chain.append(code[:4] + "00")
    if code[2:4] != "00":
        chain.append(code[:2] + "0000")
    if code != NATIONWIDE:
        chain.append(NATIONWIDE)
    return list(dict.fromkeys(chain))


# Role → the (object, action) pairs it allows. System, security and audit administration are
# held by different roles, and no account may hold two of them (三权分立, see EXCLUSIVE_ROLES).
ROLE_PERMISSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    # head office (domain hq, or a tenant's domain through a region grant)
    "hq_admin": (
        ("hq.account", "manage"),
        ("approval:data_download", "decide"),
        ("approval", "read"),
        ("library", "read"),
        ("role", "assign"),
        ("tenant", "read"),
        ("tenant", "reinstate"),
        ("tenant", "configure"),  # its custom domain
        ("calendar", "manage"),  # the working-day calendar (core.workdays)
        ("approval:ops_access", "decide"),  # 运维访问 (core.ops_access)
        ("ops_access", "revoke"),
        ("risk", "read"),  # 风险预警 (tenants.risk)
        ("risk", "decide"),
        ("opendata", "push"),  # 数据上报 of every sub-platform at once (tenants.opendata)
    ),
    "hq_reviewer": (
        ("approval:application", "decide"),
        ("approval:change_request", "decide"),
        ("approval:plugin", "decide"),
        ("approval", "read"),
        ("tenant", "read"),
    ),
    "hq_supervisor": (
        ("tenant", "read"),
        ("tenant", "penalize"),
        ("approval", "read"),
        ("risk", "read"),  # 风险预警 (tenants.risk): confirms or dismisses the warnings
        ("risk", "decide"),
    ),
    "hq_ops": (
        ("security", "manage"),
        ("account", "unlock"),
        ("session", "end"),
        # asks for ops access and reads under its own active grants (core.ops_access): the
        # grant, not a policy, opens one tenant's data, for its hours only
        ("ops_access", "use"),
    ),
    # the shared libraries' managers (库管理员): review registrations, see secret fields
    "hq_library": (
        ("library", "read"),
        ("library", "manage"),
        ("library", "read_secret"),
        ("library", "download"),
        ("approval:subject_registration", "decide"),
        ("approval", "read"),
    ),
    "hq_auditor": (("audit", "read"), ("audit", "verify")),
    # tenant operators (domain t<id>)
    "tenant_admin": (
        ("tenant", "read"),
        ("staff", "manage"),
        ("role", "assign"),
        ("announcement", "manage"),
        ("announcement", "publish"),
        ("branding", "manage"),
        ("theme", "request"),
        ("plugin", "request"),
        ("library", "read"),
        ("library", "annotate"),
        ("library", "download"),
        ("purchaser", "manage"),  # purchaser units and their accounts
        ("project", "read"),
        ("approval:project_registration", "decide"),
        ("bid", "open"),  # 开标, at or after the deadline
        ("expert_draw", "conduct"),  # 专家抽取
        ("archive", "read"),  # 一项一档
        ("opendata", "push"),  # 数据上报 upward (tenants.opendata)
    ),
    "tenant_staff": (
        ("tenant", "read"),
        ("announcement", "manage"),
        ("library", "read"),
        ("library", "annotate"),
        ("project", "read"),
        ("approval:project_registration", "decide"),
        ("bid", "open"),
        ("expert_draw", "conduct"),
        ("archive", "read"),
    ),
    # a purchaser unit's staff (采购人): registers its unit's projects (tenants.projects)
    "purchaser": (("tenant", "read"), ("project", "register")),
    # market subjects: the same in every domain, held by account kind
    "supplier": (("participation", "create"), ("profile", "manage")),
    "agency": (
        ("participation", "create"),
        ("profile", "manage"),
        ("project", "act_as_agent"),  # the projects it is entrusted with (tenants.projects)
    ),
    "expert": (("profile", "manage"),),
    "applicant": (("application", "manage"),),
    # the operator's account between provisioning and confirming its operating unit
    "tenant_operator": (("tenant", "read"), ("operating_unit", "confirm")),
    # read only, across the tenants of its region
    "regulator": (
        ("tenant", "read"),
        ("announcement", "read"),
        ("approval", "read"),
        ("library", "read"),
        ("archive", "read"),  # a project's 一项一档, read only
        ("risk", "read"),  # the warnings of its region's tenants, never their decision
    ),
}
HQ_ROLES = frozenset(
    {"hq_admin", "hq_reviewer", "hq_supervisor", "hq_ops", "hq_auditor", "hq_library"}
)
TENANT_ROLES = frozenset({"tenant_admin", "tenant_staff", "purchaser"})
SUBJECT_ROLES = frozenset({"supplier", "agency", "expert", "applicant"})
REGION_ROLES = frozenset({"regulator", "hq_supervisor"})  # may be granted for a region
EXCLUSIVE_ROLES = frozenset({"hq_admin", "hq_ops", "hq_auditor"})


def catalogue_rules() -> list[list[str]]:
    return [
        [role, CATALOGUE, obj, act, "allow"]
        for role, permissions in ROLE_PERMISSIONS.items()
        for obj, act in permissions
    ]
