"""The role-assignment page (角色分配)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "roles.title": ("角色分配", "Roles"),
    "roles.current": ("当前授权", "Current grants"),
    "roles.account": ("人员", "Person"),
    "roles.role": ("角色", "Role"),
    "roles.scope": ("范围", "Scope"),
    "roles.none": ("暂无授权", "No grant yet"),
    "roles.change": ("授予或撤销", "Grant or revoke"),
    "roles.pick": ("请选择人员", "Choose a person"),
    "roles.region": (
        "地区（监管部门、监督员按地区授予）",
        "Region, for regulators and supervisors",
    ),
    "roles.tenant": ("分平台（授予分平台管理员时）", "Sub-platform, for its administrator"),
    "roles.no_tenant": ("不指定", "None"),
    "roles.grant": ("授予", "Grant"),
    "roles.revoke": ("撤销", "Revoke"),
    "roles.scope_hq": ("服务平台", "Head office"),
    "roles.scope_tenant": ("本分平台", "This sub-platform"),
}
