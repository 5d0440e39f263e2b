"""The password page (修改口令): its form, and why it asks for a new password."""

MESSAGES: dict[str, tuple[str, str]] = {
    "password.must_change.initial": (
        "首次登录请修改管理员设置的初始口令，修改后继续。",
        "This is the first password an administrator set for you: replace it to go on.",
    ),
    "password.must_change.expired": (
        "口令已过期，请修改后继续。",
        "Your password has expired: change it to go on.",
    ),
    "password.title": ("修改口令", "Change password"),
    "password.done": (
        "口令已修改，其他会话已退出。",
        "Password changed; your other sessions have ended.",
    ),
    "password.current": ("当前口令", "Current password"),
    "password.new": (
        "新口令（至少 8 位，含大写、小写、数字、特殊字符中的三类）",
        "New password (8 or more characters, three of: capitals, small letters, digits, symbols)",
    ),
    "password.change": ("修改", "Change"),
}
