"""Data downloads (数据下载申请与审批)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.downloads": ("数据下载申请", "Data downloads"),
    "nav.download_review": ("数据下载审批", "Download approvals"),
    "workbench.download_review": ("待审批的数据下载申请", "Download requests to decide"),
    "workbench.downloads": ("我的数据下载申请", "My download requests"),
    "download.title": ("数据下载申请", "Data downloads"),
    "download.intro": (
        "下载共享库数据须说明用途，经服务平台批准后 7 日内由申请人本人在本站下载；"
        "每次下载均留痕，文件带有水印。",
        "Say what the data is for; once head office approves, you download it here within 7 "
        "days. Every download is recorded and the file is watermarked.",
    ),
    "download.dataset": ("数据集", "Dataset"),
    "download.format": ("文件格式", "Format"),
    "download.purpose": ("用途（至少 10 个字）", "Purpose (at least 10 characters)"),
    "download.purpose_short": (
        "请具体说明用途，至少 10 个字。",
        "Describe the purpose in at least 10 characters.",
    ),
    "download.secrets": ("需要的保密字段（可不选）", "Secret fields wanted (optional)"),
    "download.ask": ("提交申请", "Ask"),
    "download.mine": ("我的申请", "My requests"),
    "download.none": ("暂无申请。", "No request yet."),
    "download.state": ("状态", "State"),
    "download.asked_at": ("申请时间", "Asked"),
    "download.file": ("下载文件", "Download the file"),
    "download.requester": ("申请人", "Requester"),
    "download.site": ("申请站点", "Site"),
    "download.queue_title": ("数据下载审批", "Download approvals"),
    "download.queue_none": ("没有待审批的下载申请。", "No download request waits."),
    "download.decide": ("决定", "Decide"),
}
