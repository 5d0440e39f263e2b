"""Head office's supervision of sub-platforms (分平台监督): the list, a tenant's penalty history,
the penalty and reinstatement forms (《分平台运营管理办法》第二十七条)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "supervision.title": ("分平台", "Sub-platforms"),
    "supervision.state": ("状态", "State"),
    "supervision.filter": ("筛选", "Filter"),
    "supervision.name": ("名称", "Name"),
    "supervision.slug": ("子域名", "Sub-domain"),
    "supervision.kind": ("类型", "Kind"),
    "supervision.region": ("地区", "Region"),
    "supervision.none": ("暂无", "None"),
    "supervision.history": ("处理记录", "History"),
    "supervision.when": ("时间", "When"),
    "supervision.decision": ("决定", "Decision"),
    "supervision.grounds": ("依据", "Grounds"),
    "supervision.ground": ("第二十七条第{number}项", "Art. 27 item {number}"),
    "supervision.statement": ("说明", "Statement"),
    "supervision.change": ("状态变化", "State"),
    "supervision.penalty": ("处理", "Penalty"),
    "supervision.penalty_kind": ("处理方式", "Penalty"),
    "supervision.grounds_legend": ("依据（第二十七条）", "Grounds (Art. 27)"),
    "supervision.evidence": ("证据材料", "Evidence"),
    "supervision.decide": ("作出处理", "Decide"),
    "supervision.reinstatement": ("恢复", "Reinstatement"),
    "supervision.reasons": ("理由", "Reasons"),
    "supervision.reinstate": ("恢复", "Reinstate"),
    "supervision.objections": (
        "异议 {objections} 件，其中投诉 {complaints} 件，"
        "逾期未答复 {overdue} 件（第二十七条第五项）。",
        "{objections} objections, {complaints} complaints, {overdue} answers overdue "
        "(Art. 27 item 5).",
    ),
}
