"""Titles of the workbench sections (工作台) registered by the consoles and the apply pages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.apply": ("我的设立申请", "My applications"),
    "workbench.applications": ("待审核的分平台设立申请", "Applications to review"),
    "workbench.requests": ("待审批的个性化需求与插件申请", "Change and plugin requests to decide"),
    "workbench.supervision": (
        "处于警告、撤销或中止状态的分平台",
        "Sub-platforms warned, revoked or suspended",
    ),
    "workbench.drafts": ("未发布的公告草稿", "Announcement drafts"),
    "workbench.new_participants": ("最新报名", "Latest participations"),
    "workbench.tenant_requests": (
        "审核中或退回补正的申请",
        "Requests under review or returned",
    ),
    "workbench.my_applications": ("我的分平台设立申请", "My sub-platform applications"),
}
