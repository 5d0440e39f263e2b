"""The audit administrator's pages (审计日志)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin.audit": ("审计日志", "Audit log"),
    "workbench.audit": ("审计记录（拒绝与失败在前）", "Audit entries, refusals and failures first"),
    "audit.title": ("审计日志", "Audit log"),
    "audit.intro": (
        "每条记录都与前一条以摘要相连，删除、篡改或调换顺序都会被校验发现。",
        "Each entry is linked to the one before by its digest: a deleted, edited or reordered "
        "entry is found by the verification.",
    ),
    "audit.actor": ("操作人", "Actor"),
    "audit.tenant": ("分平台", "Sub-platform"),
    "audit.head_office": ("服务平台", "Head office"),
    "audit.tenant_id": ("分平台 #{id}", "Sub-platform #{id}"),  # one whose name is unknown
    "audit.area": ("操作类别", "Area"),
    "audit.outcome": ("结果", "Outcome"),
    "audit.since": ("起始日期", "From"),
    "audit.until": ("截止日期", "To"),
    "audit.filter": ("筛选", "Filter"),
    "audit.all": ("全部", "All"),
    "audit.seq": ("序号", "No."),
    "audit.at": ("时间", "Time"),
    "audit.action": ("操作", "Action"),
    "audit.object": ("对象", "Object"),
    "audit.ip": ("IP 地址", "IP address"),
    "audit.none": ("没有符合条件的记录。", "No entry matches."),
    "audit.older": ("更早的记录", "Older entries"),
    "audit.newest": ("回到最新", "Back to the newest"),
    "audit.export": ("导出当前筛选结果（CSV）", "Export what the filter shows (CSV)"),
    "audit.export_hint": ("导出操作本身也会记入审计日志。", "The export is itself logged."),
    "audit.verify": ("校验审计链", "Verify the chain"),
    "audit.verification": ("审计链校验结果", "Verification of the chain"),
    "audit.intact": (
        "审计链完整：共校验 {entries} 条记录，未发现删除、篡改或调换。",
        "The chain is intact: {entries} entries checked.",
    ),
    "audit.broken": (
        "审计链不完整：自第 {seq} 条起校验不通过。",
        "The chain is broken from entry {seq} on.",
    ),
    "audit.checked": ("已校验的完整记录：{entries} 条。", "Entries checked intact: {entries}."),
    "audit.back": ("返回审计日志", "Back to the audit log"),
}
