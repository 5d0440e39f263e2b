"""Risk warnings (风险预警): the bid form's contact fields, the warning queue, a warning's
page and the rules' page (tenants.risk)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "bids.contact_phone": ("投标联系人电话", "Contact phone"),
    "bids.contact_email": ("投标联系人电子邮箱", "Contact e-mail"),
    "bids.deposit_account": ("投标保证金缴纳账户", "Bid deposit paid from account"),
    "nav.admin.risk": ("风险预警", "Risk warnings"),
    "nav.admin.risk_rules": ("预警规则", "Warning rules"),
    "workbench.risk_open": ("待处理的风险预警", "Warnings to decide"),
    "risk.severity_is": ("风险等级：{level}", "severity: {level}"),
    "flash.risk_rechecked": (
        "已重新检查，预警已更新。",
        "Checked again; the warnings are updated.",
    ),
    "label.risk_state.open": ("待处理", "Open"),
    "label.risk_state.confirmed": ("已确认属实", "Confirmed"),
    "label.risk_state.dismissed": ("已排除", "Dismissed"),
    "label.risk_severity.high": ("高", "High"),
    "label.risk_severity.medium": ("中", "Medium"),
    "label.risk_severity.low": ("低（辅助证据）", "Low (supporting only)"),
    "risk.title": ("围标串标风险预警", "Collusion warnings"),
    "risk.intro": (
        "开标时系统按预警规则比对同一标段各投标人的递交信息与投标文件，发现疑似围标串标的情形即"
        "提出预警。预警不是认定：请核实后确认属实或排除，并写明理由；处理情况记入审计日志。",
        "At each opening the rules compare the bidders' submissions and files within the "
        "section and raise a warning where they suggest collusion. A warning is not a "
        "finding: check it, then confirm or dismiss it with the reason; every decision is in "
        "the audit log.",
    ),
    "risk.rules_link": ("查看预警规则及其确认率、误报率", "Rules and their rates"),
    "risk.all": ("全部", "All"),
    "risk.filter": ("筛选", "Filter"),
    "risk.number": ("编号", "No."),
    "risk.site": ("分平台", "Sub-platform"),
    "risk.project": ("项目", "Project"),
    "risk.lot_n": ("第 {n} 标段", "Section {n}"),
    "risk.rule": ("预警规则", "Rule"),
    "risk.severity": ("风险等级", "Severity"),
    "risk.state": ("处理状态", "State"),
    "risk.raised_at": ("预警时间", "Raised"),
    "risk.checked_at": ("最近检查时间", "Last checked"),
    "risk.none": ("暂无预警。", "No warning."),
    "risk.back": ("返回预警列表", "Back to the warnings"),
    "risk.warning_title": ("风险预警 #{n}", "Warning #{n}"),
    "risk.legal_basis": ("依据", "Legal basis"),
    "risk.evidence": ("预警依据的事实", "Evidence"),
    "risk.evidence.device": (
        "平台记录的浏览器设备标识相同（从同一台电脑递交）",
        "the same browser device recorded by the platform (uploaded from one computer)",
    ),
    "risk.evidence.machine_code": (
        "投标工具报告的机器码相同：{value}",
        "the same machine code reported by the bid tool: {value}",
    ),
    "risk.evidence.same_ip": (
        "递交投标文件时的IP地址相同：{value}",
        "the same IP address: {value}",
    ),
    "risk.evidence.phone": ("投标联系人电话相同：{value}", "the same contact phone: {value}"),
    "risk.evidence.email": ("投标联系人电子邮箱相同：{value}", "the same contact e-mail: {value}"),
    "risk.evidence.same_deposit_account": (
        "投标保证金从同一账户转出：{value}",
        "the deposits paid from one account: {value}",
    ),
    "risk.evidence.identical_files": (
        "投标文件完全相同（文件摘要一致）",
        "identical bid files (the same digest)",
    ),
    "risk.evidence.document_id": (
        "投标文件的创建标识相同（出自同一份电子文件）：{value}",
        "the same document identifier (made from one electronic file): {value}",
    ),
    "risk.evidence.document_author": (
        "投标文件属性中的作者相同：{value}",
        "the same author in the files' properties: {value}",
    ),
    "risk.evidence.similar_text": (
        "投标文件文字内容高度雷同，相似度约 {value}",
        "the files' text nearly the same: about {value} alike",
    ),
    "risk.evidence.regular_prices": ("{value}", "{value}"),
    "risk.evidence.common_legal_representative": (
        "法定代表人同为 {value}",
        "the same legal representative, {value}",
    ),
    "risk.evidence.controlling_shareholder": ("{value}", "{value}"),
    "risk.decision": ("处理结果", "Decision"),
    "risk.decided_by": ("处理人", "Decided by"),
    "risk.decided_at": ("处理时间", "Decided"),
    "risk.reason": ("处理理由", "Reason"),
    "risk.decide": ("处理预警", "Decide"),
    "risk.confirm": ("确认属实", "Confirm"),
    "risk.dismiss": ("排除（误报）", "Dismiss (false positive)"),
    "risk.submit_decision": ("提交处理结果", "Record the decision"),
    "risk.confirmed_next": (
        "预警已确认属实。对投标人的处理由有关行政监督部门依法作出；作出处理决定后，由供应商库"
        "管理员在相应供应商的信用记录中登记。",
        "The warning is confirmed. Any penalty on the bidders is the supervising authority's "
        "decision; once made, the library's managers enter it in the supplier's credit record.",
    ),
    "risk.confirmed_library": (
        "点击上方投标人名称可打开其供应商库信息。",
        "Follow a bidder's name above to its library entry.",
    ),
    "risk.enter_credit": ("录入信用记录", "Enter a credit record"),
    "risk.enter_credit_hint": (
        "有关部门对投标人作出处理决定后，可据本预警录入其信用记录：来源、依据和事实摘要按本预警"
        "填写，记录类别、作出决定的机关和期间按处理决定选择。",
        "Once the authority has decided on a bidder, enter its credit record from this "
        "warning: the source, legal basis and summary come from the warning; choose the kind, "
        "the authority and the period as decided.",
    ),
    "risk.credit_records": ("据本预警录入的信用记录", "Credit records entered from this warning"),
    "risk.bidder": ("投标人", "Bidder"),
    "risk.credit_entered": ("已录入", "Entered"),
    "risk.recheck": ("重新检查本项目", "Check the project again"),
    "risk.recheck_hint": (
        "按现行规则重新比对本项目已开标标段；已有的预警只更新事实，不重复提出。",
        "Runs the rules again on the opened sections; a warning found again is updated, never "
        "repeated.",
    ),
    "risk.rules_title": ("预警规则", "Warning rules"),
    "risk.rules_intro": (
        "确认率、误报率按已处理的预警计算（确认属实或排除的预警数占已处理预警数的比例），"
        "用于评估和调整规则。",
        "The rates count the decided warnings: the share confirmed and the share dismissed as "
        "false positives, to judge and tune each rule.",
    ),
    "risk.raised": ("预警总数", "Raised"),
    "risk.open": ("待处理", "Open"),
    "risk.confirmed": ("确认属实", "Confirmed"),
    "risk.dismissed": ("排除", "Dismissed"),
    "risk.confirmation_rate": ("确认率", "Confirmation rate"),
    "risk.false_positive_rate": ("误报率", "False-positive rate"),
    "risk.no_rate": ("尚无已处理预警", "none decided yet"),
}
