"""Why the password page asks for a new password."""

MESSAGES: dict[str, tuple[str, str]] = {
    "password.must_change.initial": (
        "首次登录请修改管理员设置的初始口令，修改后继续。",
        "This is the first password an administrator set for you: replace it to go on.",
    ),
    "password.must_change.expired": (
        "口令已过期，请修改后继续。",
        "Your password has expired: change it to go on.",
    ),
}
