"""Notices (通知): the notices centre and the notices decisions send."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.my_notices": ("我的通知", "My notices"),
    "notices.title": ("我的通知", "My notices"),
    "notices.none": ("暂无通知。", "No notice yet."),
    "notices.unread": ("未读", "Unread"),
    "notices.mark_read": ("标为已读", "Mark read"),
    "notices.received": ("收到时间", "Received"),
    "flash.notice_read": ("已标为已读。", "Marked read."),
    "notice.penalty.subject": (
        "【阳光采购服务平台】处理决定：{kind}",
        "Head office's decision: {kind}",
    ),
    "notice.penalty.body": (
        "{statement}\n\n依据《阳光采购服务平台分平台运营管理办法》第二十七条：{grounds}",
        "{statement}\n\nGrounds (Art. 27): {grounds}",
    ),
    "notice.provisioned.subject": ("【阳光采购服务平台】分平台已开通：{name}", "Open: {name}"),
    "notice.provisioned.body": (
        "您的分平台设立申请已通过。分平台地址：{site}\n"
        "管理账号为 {username}，请在 7 天内通过以下链接设置口令：\n{link}",
        "Your application is approved. Site: {site}\n"
        "Set the password of the management account {username} within 7 days:\n{link}",
    ),
    "notice.decision.subject": ("【阳光采购服务平台】{what}：{outcome}", "{what}: {outcome}"),
    "notice.decision.body": (
        "您提交的{what}（编号 {number}）已有审核结果。",
        "Your {what} (no. {number}) is decided.",
    ),
    "notice.decision.outcome": ("审核结果：{outcome}。", "Outcome: {outcome}."),
    "notice.decision.note": ("审核意见：{note}", "Note: {note}"),
    "notice.decision.sign_in": ("详情请登录平台查看。", "Sign in to the platform for details."),
    "notice.credit_added.subject": (
        "【阳光采购服务平台】您有一条新的信用记录：{what}",
        "A new credit record: {what}",
    ),
    "notice.credit_added.body": (
        "服务平台已在共享主体库中录入您的信用记录（{what}）：{summary}\n如有异议，请与服务平台联系。",
        "Head office entered a credit record ({what}) about you: {summary}",
    ),
    "notice.credit_lifted.subject": (
        "【阳光采购服务平台】您的信用记录已解除：{what}",
        "A credit record is lifted: {what}",
    ),
    "notice.credit_lifted.body": (
        "您的一条信用记录（{what}）已解除。理由：{summary}",
        "A credit record ({what}) about you is lifted. Reason: {summary}",
    ),
    "notice.participated.subject": ("【阳光采购服务平台】报名成功", "You have taken part"),
    "notice.participated.body": (
        "您已在{site}报名参加「{title}」。请关注公告的更正和后续通知。",
        "You take part in “{title}” on {site}. Watch the announcement for corrections.",
    ),
    "flash.participated": ("报名成功。", "You have taken part."),
    "notice.terminated.subject": ("【阳光采购服务平台】项目终止", "A project is terminated"),
    "notice.terminated.body": (
        "您报名或投标的项目「{title}」（{code}）已于{site}发布终止公告，采购活动终止。"
        "终止原因：{reason}",
        "The project “{title}” ({code}) you took part in is terminated by a notice on {site}. "
        "Reason: {reason}",
    ),
}
