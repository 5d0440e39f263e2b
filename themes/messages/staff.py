"""Staff management (人员管理)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.staff": ("人员管理", "Staff"),
    "workbench.staff_hq": ("尚未首次登录的工作人员", "Staff yet to sign in"),
    "workbench.staff_tenant": ("尚未首次登录的工作人员", "Staff yet to sign in"),
    "staff.title": ("人员管理", "Staff"),
    "staff.intro_hq": (
        "服务平台工作人员和监管部门账号。角色在「角色分配」中授予。",
        "Head-office staff and regulators. Roles are given on the roles page.",
    ),
    "staff.intro_tenant": (
        "本分平台的工作人员账号。角色在「角色分配」中授予。",
        "This sub-platform's staff. Roles are given on the roles page.",
    ),
    "staff.username": ("用户名", "Username"),
    "staff.display_name": ("姓名", "Name"),
    "staff.email": ("电子邮箱", "E-mail"),
    "staff.password": ("初始口令", "First password"),
    "staff.kind": ("账号类别", "Kind"),
    "staff.state": ("状态", "State"),
    "staff.actions": ("操作", "Actions"),
    "staff.active": ("正常", "Active"),
    "staff.disabled": ("已停用", "Disabled"),
    "staff.awaiting": ("待首次登录修改口令", "First password not yet replaced"),
    "staff.disable": ("停用", "Disable"),
    "staff.enable": ("启用", "Enable"),
    "staff.reset": ("重置口令", "Reset password"),
    "staff.new_password": ("新的初始口令", "New first password"),
    "staff.add": ("新增工作人员", "Add a staff member"),
    "staff.add_button": ("创建账号", "Create the account"),
    "staff.password_rule": (
        "至少 8 位，含大写字母、小写字母、数字、特殊字符中的至少三类；本人首次登录时须更换。",
        "At least 8 characters from 3 of: upper case, lower case, digits, others; replaced at "
        "first sign-in.",
    ),
    "staff.none": ("暂无工作人员。", "No staff yet."),
    "staff.roles_link": ("前往角色分配", "Go to roles"),
    "staff.yourself": ("（本人）", "(you)"),
    "flash.staff_added": ("账号已创建，请将初始口令告知本人。", "The account is created."),
    "flash.staff_disable": ("账号已停用。", "The account is disabled."),
    "flash.staff_enable": ("账号已启用。", "The account is enabled."),
    "flash.staff_reset": (
        "口令已重置，本人下次登录时须更换。",
        "The password is reset; it is replaced at the next sign-in.",
    ),
}
