"""Notices (通知): the notices centre and the notices decisions send."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.my_notices": ("我的通知", "My notices"),
    "notices.title": ("我的通知", "My notices"),
    "notices.none": ("暂无通知。", "No notice yet."),
    "notices.unread": ("未读", "Unread"),
    "notices.mark_read": ("标为已读", "Mark read"),
    "notices.received": ("收到时间", "Received"),
    "flash.notice_read": ("已标为已读。", "Marked read."),
    "notice.decision.subject": ("【阳光采购服务平台】{what}：{outcome}", "{what}: {outcome}"),
    "notice.decision.body": (
        "您提交的{what}（编号 {number}）已有审核结果。",
        "Your {what} (no. {number}) is decided.",
    ),
    "notice.decision.outcome": ("审核结果：{outcome}。", "Outcome: {outcome}."),
    "notice.decision.note": ("审核意见：{note}", "Note: {note}"),
    "notice.decision.sign_in": ("详情请登录平台查看。", "Sign in to the platform for details."),
}
