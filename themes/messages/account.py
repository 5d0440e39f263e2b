"""Sign-in, one-time codes and error pages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "login.title": ("登录", "Sign in"),
    "login.name": ("用户名或统一社会信用代码", "User name or credit code"),
    "login.password": ("口令", "Password"),
    "login.totp": ("动态口令（已绑定时填写）", "One-time code, if enrolled"),
    "login.submit": ("登录", "Sign in"),
    "totp.title": ("绑定动态口令", "One-time codes"),
    "totp.done": (
        "已绑定。今后登录需填写动态口令。",
        "Enrolled: signing in now asks for a one-time code.",
    ),
    "totp.add_key": (
        "在动态口令应用中添加以下密钥，然后输入应用显示的 6 位数字。",
        "Add this key to your authenticator app, then enter the 6-digit code it shows.",
    ),
    "totp.code": ("动态口令", "Code"),
    "totp.confirm": ("确认", "Confirm"),
    "totp.start": ("开始绑定", "Start"),
    "error.home": ("返回首页", "Home"),
}
