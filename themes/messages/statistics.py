"""Statistics (统计分析) of the sub-platforms for head office and the regulators."""

_PERIODS = {
    "year": ("全年", "Whole year"),
    "h1": ("上半年", "First half"),
    "h2": ("下半年", "Second half"),
    "q1": ("第一季度", "First quarter"),
    "q2": ("第二季度", "Second quarter"),
    "q3": ("第三季度", "Third quarter"),
    "q4": ("第四季度", "Fourth quarter"),
    **{f"m{n}": (f"{n}月", f"Month {n}") for n in range(1, 13)},
}
_PERIODS_OF = {
    "year": ("{year}年全年", "Year {year}"),
    "h1": ("{year}年上半年", "First half of {year}"),
    "h2": ("{year}年下半年", "Second half of {year}"),
    "q1": ("{year}年第一季度", "Q1 {year}"),
    "q2": ("{year}年第二季度", "Q2 {year}"),
    "q3": ("{year}年第三季度", "Q3 {year}"),
    "q4": ("{year}年第四季度", "Q4 {year}"),
    **{f"m{n}": (f"{{year}}年{n}月", f"{{year}}-{n:02d}") for n in range(1, 13)},
}
_SUMMARY = {
    "announcements": ("发布公告", "Announcements published"),
    "projects": ("登记项目", "Projects registered"),
    "project_budget": ("登记项目预算（元）", "Their budgets (CNY)"),
    "awards": ("定标标段", "Sections awarded"),
    "award_amount": ("中标（成交）金额（元）", "Awards (CNY)"),
    "savings_rate": ("节资率", "Savings rate"),
    "lots_opened": ("开标标段", "Sections opened"),
    "bids_per_lot": ("平均每标段投标数", "Bids per section"),
    "registrations": ("供应商报名", "Supplier registrations"),
    "objections": ("异议（质疑）", "Objections"),
    "complaints": ("投诉", "Complaints"),
    "penalties": ("对分平台的处理", "Penalties on sub-platforms"),
}
_TABLES = {
    "summary": ("概况", "Overview"),
    "announcement_type": ("公告按类型", "Announcements by type"),
    "announcement_method": ("公告按采购方式", "Announcements by method"),
    "announcement_category": ("公告按采购类别", "Announcements by category"),
    "project_method": ("项目与中标按采购方式", "Projects and awards by method"),
    "project_category": ("项目与中标按采购类别", "Projects and awards by category"),
    "opening_state": ("开标情况", "Openings"),
    "objection_target": ("异议与投诉", "Objections and complaints"),
    "penalty_kind": ("对分平台的处理", "Penalties on sub-platforms"),
    "monthly": ("按月统计", "By month"),
    "tenants": ("按分平台统计", "By sub-platform"),
}
_DIMENSIONS = {
    "announcement_type": ("公告类型", "Type"),
    "announcement_method": ("采购方式", "Method"),
    "announcement_category": ("采购类别", "Category"),
    "project_method": ("采购方式", "Method"),
    "project_category": ("采购类别", "Category"),
    "opening_state": ("开标结果", "Outcome"),
    "objection_target": ("异议事项", "About"),
    "penalty_kind": ("处理方式", "Kind"),
}
_MEASURES = {
    "announcement_type": ("公告数", "Announcements"),
    "announcement_method": ("公告数", "Announcements"),
    "announcement_category": ("公告数", "Announcements"),
    "project_method": ("登记项目数", "Projects"),
    "project_category": ("登记项目数", "Projects"),
    "award_method": ("定标标段数", "Sections awarded"),
    "award_category": ("定标标段数", "Sections awarded"),
    "opening_state": ("标段数", "Sections"),
    "objection_target": ("异议数", "Objections"),
    "complaint_target": ("投诉数", "Complaints"),
    "penalty_kind": ("次数", "Times"),
}
_AMOUNTS = {
    "project_method": ("预算（元）", "Budgets (CNY)"),
    "project_category": ("预算（元）", "Budgets (CNY)"),
    "award_method": ("中标金额（元）", "Awards (CNY)"),
    "award_category": ("中标金额（元）", "Awards (CNY)"),
}
_LINES = {
    "announcement_type": ("公告", "Announcements"),
    "project_method": ("登记项目", "Projects"),
    "award_method": ("定标标段", "Sections awarded"),
    "registration": ("报名", "Registrations"),
    "objection_target": ("异议", "Objections"),
    "complaint_target": ("投诉", "Complaints"),
    "penalty_kind": ("处理", "Penalties"),
}


def _group(prefix: str, items: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {f"statistics.{prefix}.{k}": v for k, v in items.items()}


MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin.statistics": ("统计分析", "Statistics"),
    "statistics.title": ("统计分析", "Statistics"),
    "statistics.intro": (
        "各分平台的公告、项目、开标、定标、报名、异议投诉与处理情况，按月汇总，可按全年、半年、"
        "季度或月份查看；总部可查看全部分平台，监管部门可查看本地区的分平台。不含投标报价和"
        "供应商个体数据。",
        "The sub-platforms' announcements, projects, openings, awards, registrations, "
        "objections, complaints and penalties, summed by month, for a year, half, quarter or "
        "month; head office sees every sub-platform, a regulator those of its regions. No bid "
        "price and no supplier's own figures are shown.",
    ),
    "statistics.year": ("年份", "Year"),
    "statistics.period": ("期间", "Period"),
    "statistics.tenant": ("分平台", "Sub-platform"),
    "statistics.all_tenants": ("全部（本人可查看的）分平台", "Every sub-platform within reach"),
    "statistics.show": ("查看", "Show"),
    "statistics.heading": ("{period}统计", "Statistics, {period}"),
    "statistics.of_tenant": ("分平台：{name}", "Sub-platform: {name}"),
    "statistics.as_of": (
        "数据截至 {at}（每五分钟更新）",
        "Figures as of {at} (kept every five minutes)",
    ),
    "statistics.not_yet": (
        "统计数据尚未生成，将在五分钟内生成。",
        "The figures are being built; back within five minutes.",
    ),
    "statistics.export_csv": ("导出 CSV", "Export CSV"),
    "statistics.export_xlsx": ("导出 Excel", "Export Excel"),
    "statistics.report_link": ("季度统计报告（可打印）", "Quarterly report (printable)"),
    "statistics.report_title": ("{period}统计报告", "Statistics report, {period}"),
    "statistics.printed_at": ("制表时间：{at}", "Printed {at}"),
    "statistics.print_hint": (
        "使用浏览器的“打印”即可打印或另存为 PDF。",
        "Use the browser's Print to print it or save it as PDF.",
    ),
    "statistics.back": ("返回统计分析", "Back to the statistics"),
    "statistics.charts": ("图表", "Charts"),
    "statistics.none": ("本期无数据", "Nothing in this period"),
    "statistics.no_rate": ("—", "—"),
    "statistics.watermark": (
        "阳光采购服务平台统计分析 · {period} · {who} 于 {at} 导出",
        "Sunshine platform statistics · {period} · exported by {who} at {at}",
    ),
    "statistics.column.item": ("项目", "Item"),
    "statistics.column.value": ("数值", "Value"),
    "statistics.column.month": ("月份", "Month"),
    "statistics.column.tenant": ("分平台", "Sub-platform"),
    "statistics.chart.trend": (
        "按月：公告、登记项目与定标标段",
        "By month: announcements, projects, awards",
    ),
    "statistics.chart.types": ("公告按类型", "Announcements by type"),
    "statistics.chart.awards": ("中标金额按采购方式（万元）", "Awards by method (CNY 10,000)"),
    "statistics.chart.budgets": (
        "登记项目预算按类别（万元）",
        "Project budgets by category (CNY 10,000)",
    ),
    **_group("period_name", _PERIODS),
    **_group("period_of", _PERIODS_OF),
    **_group("summary", _SUMMARY),
    **_group("table", _TABLES),
    **_group("dimension", _DIMENSIONS),
    **_group("measure", _MEASURES),
    **_group("amount", _AMOUNTS),
    **_group("line", _LINES),
}
