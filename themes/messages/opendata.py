"""Open data (开放数据) and the push upward (数据上报, 001 Art 16)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.console.opendata": ("数据上报", "Open data push"),
    "opendata.title": ("开放数据", "Open data"),
    "opendata.intro": (
        "本平台项目的招标、定标和合同信息，按开放合同数据标准（OCDS 1.1）逐条发布。",
        "Tenders, awards and contracts of this platform's projects, one OCDS 1.1 release each.",
    ),
    "opendata.feed": ("发布数据接口（JSON）", "Release feed (JSON)"),
    "opendata.date": ("发布时间", "Published"),
    "opendata.site": ("分平台", "Sub-platform"),
    "opendata.kind": ("类别", "Kind"),
    "opendata.subject": ("项目 / 标段", "Project / section"),
    "opendata.amount": ("金额（元）", "Amount (CNY)"),
    "opendata.record": ("记录", "Record"),
    "opendata.record_link": ("JSON", "JSON"),
    "opendata.none": ("暂无开放数据。", "No open data yet."),
    "opendata.more": ("更多", "More"),
    "opendata.kind.tender": ("招标（采购）公告", "Tender"),
    "opendata.kind.tenderAmendment": ("更正公告", "Tender amendment"),
    "opendata.kind.tenderCancellation": ("终止公告", "Tender cancellation"),
    "opendata.kind.award": ("定标结果", "Award"),
    "opendata.kind.contract": ("合同", "Contract"),
    "opendata.push.title": ("数据上报", "Open data push"),
    "opendata.push.intro": (
        "待上报的数据逐条核对：必填项齐全、不重复、代码有效、日期前后一致。任何一条不通过，"
        "本次一条也不上报，并列出每条未通过的原因。",
        "Every pending record is checked: required fields, no duplicates, valid codes, dates in"
        " order. If any record fails, nothing is pushed and each failing record is listed with"
        " its reasons.",
    ),
    "opendata.push.pending": ("待上报 {count} 条。", "{count} records pending."),
    "opendata.push.button": ("核对并上报", "Check and push"),
    "opendata.push.national": ("待上报数据（国家数据规范格式，JSON）", "Pending records (JSON)"),
    "opendata.push.public": ("公开数据页面", "Public open data page"),
    "opendata.push.history": ("上报记录", "Pushes"),
    "opendata.push.at": ("时间", "When"),
    "opendata.push.state": ("结果", "Result"),
    "opendata.push.records": ("核对条数", "Records checked"),
    "opendata.push.rejected": ("未通过的数据及原因", "Rejected records and reasons"),
    "opendata.push.none": ("尚无上报记录。", "No pushes yet."),
    "opendata.push.state.pushed": ("已全部上报", "All pushed"),
    "opendata.push.state.rejected": (
        "未上报（有数据未通过核对）",
        "Nothing pushed (records failed)",
    ),
    "flash.opendata.pushed": ("核对通过，已全部上报。", "Every record passed and was pushed."),
    "flash.opendata.rejected": (
        "有数据未通过核对，本次未上报任何数据。",
        "Some records failed the checks: nothing was pushed.",
    ),
    "flash.opendata.nothing": ("没有待上报的数据。", "Nothing is pending."),
    "nav.admin.opendata": ("全平台数据上报", "Open data push, every sub-platform"),
    "opendata.hq.title": ("全平台数据上报", "Open data push of every sub-platform"),
    "opendata.hq.intro": (
        "逐个分平台核对并上报其待上报数据。每个分平台仍是全部上报或一条不报：某分平台有数据"
        "未通过核对，只是该分平台本次不上报，不影响其他分平台。已上报的数据不会重复上报。",
        "Each sub-platform's pending records are checked and pushed in turn, each sub-platform"
        " all or none: a sub-platform with a failing record pushes nothing this time, the"
        " others still push. Nothing already pushed is pushed again.",
    ),
    "opendata.hq.button": ("核对并上报全部分平台", "Check and push every sub-platform"),
    "opendata.hq.tenant": ("分平台", "Sub-platform"),
    "opendata.hq.pending": ("待上报条数", "Pending"),
    "opendata.hq.latest": ("最近一次上报", "Latest push"),
    "opendata.hq.none": ("尚无分平台产生开放数据。", "No sub-platform has open data yet."),
    "opendata.hq.never": ("尚未上报", "Not pushed yet"),
    "flash.opendata.hq_done": (
        "已逐个分平台核对上报，各分平台的结果见下表。",
        "Every sub-platform was checked and pushed: see each one's result below.",
    ),
    "flash.opendata.hq_raced": (
        "有分平台正在自行上报，其数据未在本次上报，请稍后重试；其他分平台已处理。",
        "A sub-platform was pushing by itself and was left out: try again later; the others"
        " were done.",
    ),
}
