"""Labels of the console pages that existed before the navigation registry (core.navigation)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin.applications": ("设立申请", "Applications"),
    "nav.admin.requests": ("个性化需求与插件", "Change and plugin requests"),
    "nav.admin.tenants": ("分平台监督", "Sub-platforms"),
    "nav.admin.experts": ("专家库", "Experts"),
    "nav.admin.imports": ("批量导入", "Imports"),
    "nav.roles": ("角色授权", "Roles"),
    "nav.console.announcements": ("公告管理", "Announcements"),
    "nav.console.branding": ("品牌与插件", "Branding and plugins"),
}
