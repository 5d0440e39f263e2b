"""The tenant-risk warnings (分平台风险预警) on the warning pages (tenants.risk.tenant_rules)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "risk.intro_tenant": (
        "系统还定期按分平台规则检查各分平台自身的办理情况（异议投诉、法定时限、单一有效投标中标、"
        "同一供应商多次中标），预警同样在此处理。",
        "The sub-platform rules also check each sub-platform's own conduct periodically "
        "(objections and complaints, statutory clocks, awards on too few bids, repeated "
        "winners); their warnings are decided here too.",
    ),
    "risk.about_tenant": ("分平台整体情况", "The sub-platform's conduct"),
    "risk.recheck_tenant": ("重新检查本分平台", "Check the sub-platform again"),
    "risk.recheck_tenant_hint": (
        "按现行分平台规则重新检查；待处理的预警只更新事实，已处理的预警保持原处理结果。",
        "Runs the sub-platform rules again; an open warning's facts are updated, a decided "
        "one stays as decided.",
    ),
}
