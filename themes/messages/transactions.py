"""The transaction library (交易信息库, 000 Art. 20): awards and contracts of every sub-platform
as head office and the regulators read them, and a supplier its own."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin.transactions": ("交易信息库", "Transaction library"),
    "transaction.title": ("交易信息库", "Transaction library"),
    "transaction.intro": (
        "各分平台的中标（成交）结果与合同信息，由定标和合同备案自动汇入，不可手工修改。",
        "The awards and contracts of the sub-platforms, fed by each award and contract record;"
        " nobody edits them by hand.",
    ),
    "transaction.words": ("名称或代码", "Name or code"),
    "transaction.method": ("采购方式", "Method"),
    "transaction.all": ("全部", "All"),
    "transaction.since": ("定标日期自", "Awarded from"),
    "transaction.until": ("至", "to"),
    "transaction.filter": ("查询", "Search"),
    "transaction.summary": (
        "共 {count} 条，中标（成交）金额合计 {total} 元",
        "{count} records, awards totalling CNY {total}",
    ),
    "transaction.awarded_at": ("定标时间", "Awarded"),
    "transaction.site": ("分平台", "Sub-platform"),
    "transaction.section": ("项目（标段）", "Project (section)"),
    "transaction.purchaser": ("采购人", "Purchaser"),
    "transaction.agency": ("代理机构：{name}", "Agency: {name}"),
    "transaction.supplier": ("中标（成交）供应商", "Awarded supplier"),
    "transaction.budget": ("预算（元）", "Budget (CNY)"),
    "transaction.award": ("中标金额（元）", "Award (CNY)"),
    "transaction.contract": ("合同金额（元）", "Contract (CNY)"),
    "transaction.signed_on": ("{on} 签订", "signed {on}"),
    "transaction.no_contract": ("合同未备案", "No contract recorded"),
    "transaction.none": ("暂无交易信息", "No transactions"),
    "transaction.older": ("更早的记录", "Older records"),
    "transaction.newest": ("回到最新", "Back to the newest"),
    "transaction.own_title": ("我的中标（成交）记录", "My awards"),
}
