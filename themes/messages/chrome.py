"""What every page shows around its content: the signed-in bar, the console navigation, the
workbench, flash messages and the form errors every page shares."""

MESSAGES: dict[str, tuple[str, str]] = {
    "chrome.signed_in_as": ("当前用户：{name}", "Signed in as: {name}"),
    "chrome.colon": ("：", ": "),
    "chrome.workbench": ("工作台", "Workbench"),
    "chrome.sign_out": ("退出", "Sign out"),
    "chrome.password": ("修改口令", "Change password"),
    "chrome.console": ("业务导航", "Console"),
    "workbench.title": ("我的工作台", "My workbench"),
    "workbench.intro": ("以下是等待您处理或关注的事项。", "What waits for you."),
    "workbench.nothing": ("暂无待办事项。", "Nothing waits for you."),
    "workbench.section_empty": ("暂无", "None"),
    "workbench.all": ("查看全部", "See all"),
    "flash.saved": ("已保存。", "Saved."),
    "flash.signed_in": ("登录成功。", "You are signed in."),
    "flash.signed_out": ("您已安全退出。", "You are signed out."),
    "flash.submitted": ("已提交。", "Submitted."),
    "flash.decided": ("已作出决定。", "The decision is recorded."),
    "flash.published": ("已发布。", "Published."),
    "flash.uploaded": ("文件已上传。", "The file is uploaded."),
    "flash.confirmed": ("已确认运营单位。", "The operating unit is confirmed."),
    "flash.password_changed": ("口令已修改。", "Your password is changed."),
    "form.invalid": (
        "「{field}」填写不正确，请检查后重新提交。",
        "Check “{field}” and send it again.",
    ),
    "form.missing": ("请填写「{field}」。", "Fill in “{field}”."),
    "form.invalid_any": (
        "填写的内容不正确，请检查后重新提交。",
        "Something in the form is wrong; check it and send it again.",
    ),
}
