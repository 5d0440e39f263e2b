"""Ops access (运维访问申请与审批, seed 002 §8.2.3)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.ops_access": ("运维访问", "Ops access"),
    "nav.ops_access_review": ("运维访问审批", "Ops access approvals"),
    "workbench.ops_access": ("我的运维访问", "My ops access"),
    "workbench.ops_access_review": ("待审批的运维访问申请", "Ops access requests to decide"),
    "flash.ops_access_revoked": ("授权已撤销。", "The access is revoked."),
    "label.ops_access_state.pending": ("待审批", "Pending"),
    "label.ops_access_state.approved": ("已批准", "Approved"),
    "label.ops_access_state.rejected": ("已驳回", "Rejected"),
    "label.ops_access_state.expired": ("已过期", "Expired"),
    "label.ops_access_state.revoked": ("已撤销", "Revoked"),
    "ops_access.title": ("运维访问", "Ops access"),
    "ops_access.intro": (
        "运维人员不得通过技术手段查看、修改后台数据。确因工作需要查看某一分平台的后台数据时，"
        "请在此写明理由申请限时访问，经系统管理员批准后方可查看该分平台的工作人员名单与审计记录"
        "（只读）；授权自批准时起计时，到期自动失效，每次查看均记入审计日志。",
        "Ops staff do not look at back-end data by technical means. Where work needs it, ask "
        "here with the reason; once an administrator approves, you may read that sub-platform's "
        "staff list and audit entries (read only) for the hours granted, counted from approval. "
        "Every read is in the audit log.",
    ),
    "ops_access.ask": ("申请访问", "Ask for access"),
    "ops_access.tenant": ("分平台", "Sub-platform"),
    "ops_access.hours": ("访问时长（小时，{min}–{max}）", "Hours ({min}–{max})"),
    "ops_access.duration": ("访问时长", "Duration"),
    "ops_access.hours_n": ("{n} 小时", "{n} h"),
    "ops_access.reason": ("访问理由", "Reason"),
    "ops_access.submit": ("提交申请", "Submit"),
    "ops_access.mine": ("我的申请与授权", "My requests and grants"),
    "ops_access.none": ("暂无申请。", "No request yet."),
    "ops_access.number": ("编号", "No."),
    "ops_access.state": ("状态", "State"),
    "ops_access.asked_at": ("申请时间", "Asked"),
    "ops_access.until": ("有效期至", "Until"),
    "ops_access.read": ("查看", "Read"),
    "ops_access.staff": ("工作人员名单", "Staff list"),
    "ops_access.audit": ("审计记录", "Audit entries"),
    "ops_access.under_grant": (
        "依运维访问授权 #{id} 查看（有效期至 {until}），本次查看已记入审计日志。",
        "Read under ops access grant #{id} (until {until}); this read is in the audit log.",
    ),
    "ops_access.back": ("返回运维访问", "Back to ops access"),
    "ops_access.roles": ("角色", "Roles"),
    "ops_access.no_role": ("无", "None"),
    "ops_access.requester": ("申请人", "Requester"),
    "ops_access.review_title": ("运维访问审批", "Ops access approvals"),
    "ops_access.review_intro": (
        "运维人员申请限时查看某一分平台的后台数据。请核实理由后决定；申请人本人不能审批。"
        "有效期内的授权可提前撤销。",
        "Ops staff ask to read one sub-platform's back-end data for a few hours. Check the "
        "reason and decide; nobody decides their own request. A grant within its window can be "
        "revoked early.",
    ),
    "ops_access.pending": ("待审批", "To decide"),
    "ops_access.pending_none": ("没有待审批的运维访问申请。", "No ops access request waits."),
    "ops_access.decide": ("决定", "Decide"),
    "ops_access.active": ("有效期内的授权", "Grants within their window"),
    "ops_access.active_none": ("没有有效期内的授权。", "No grant is open."),
    "ops_access.revoke": ("提前撤销", "Revoke now"),
    "ops_access.past": ("已结束的申请与授权", "Ended requests and grants"),
    "ops_access.past_none": ("暂无。", "None yet."),
}
