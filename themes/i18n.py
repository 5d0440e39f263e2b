"""zh-CN first, English second: the portal's messages and the visitor's choice between them.

The choice is a cookie set by a plain link (``/lang/en?next=…``), so it works without
JavaScript; without the cookie every page is Chinese.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
COOKIE = "sunshine_lang"
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")  # dates are shown in China Standard Time

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "nav.home": ("首页", "Home"),
    "nav.announcements": ("交易公告", "Announcements"),
    "nav.suppliers": ("供应商入口", "Suppliers"),
    "nav.notices": ("通知公告", "Notices"),
    "nav.contact": ("联系我们", "Contact"),
    "nav.credit": ("信用公示", "Credit notices"),
    "nav.sub_platforms": ("分平台", "Sub-platforms"),
    "nav.sign_in": ("登录", "Sign in"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "lang.other": ("English", "中文"),
    "home.latest": ("最新公告", "Latest announcements"),
    "home.more": ("更多", "More"),
    "home.none": ("暂无公告", "No announcement yet"),
    "home.directory": ("分平台目录", "Sub-platform directory"),
    "home.no_tenants": ("暂无分平台", "No sub-platform yet"),
    "suspended": (
        "本分平台已被中止系统使用权限，暂停办理业务。",
        "This sub-platform is suspended and takes no business for now.",
    ),
    "list.title": ("交易公告", "Announcements"),
    "list.type": ("公告类型", "Type"),
    "list.heading": ("公告标题", "Title"),
    "list.category": ("项目类别", "Category"),
    "list.from": ("发布日期自", "Published from"),
    "list.to": ("至", "to"),
    "list.keyword": ("关键词", "Keyword"),
    "list.tenant": ("来源分平台", "Sub-platform"),
    "list.all": ("全部", "All"),
    "list.search": ("查询", "Search"),
    "list.results": ("共 {n} 条", "{n} found"),
    "list.empty": ("没有符合条件的公告", "No announcement matches"),
    "list.previous": ("上一页", "Previous"),
    "list.next": ("下一页", "Next"),
    "list.page": ("第 {n} 页", "Page {n}"),
    "detail.project": ("项目编号", "Project reference"),
    "detail.method": ("采购方式", "Procurement method"),
    "detail.region": ("地区", "Region"),
    "detail.published": ("发布时间", "Published"),
    "detail.deadline": ("截止时间", "Deadline"),
    "detail.source": ("来源", "Source"),
    "detail.attachments": ("附件", "Attachments"),
    "detail.corrects": ("本公告更正", "This corrects"),
    "detail.corrected_by": ("本公告已被更正，请查看", "Corrected by"),
    "detail.print": ("打印", "Print"),
    "detail.back": ("返回列表", "Back to the list"),
    "contact.title": ("联系我们", "Contact"),
    "contact.address": ("地址", "Address"),
    "contact.phone": ("电话", "Phone"),
    "contact.email": ("电子邮箱", "E-mail"),
    "contact.hours": ("办公时间", "Office hours"),
    "footer.filing": ("备案号", "Filing number"),
    "footer.run_by": ("运营单位", "Operated by"),
    "footer.main": ("阳光采购服务平台", "Sunshine Procurement Service Platform"),
    "category.goods": ("货物", "Goods"),
    "category.works": ("工程", "Works"),
    "category.services": ("服务", "Services"),
}


def locale_of(connection: ASGIConnection) -> str:
    chosen = connection.cookies.get(COOKIE)
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def translate(key: str, locale: str, **values: object) -> str:
    zh, en = MESSAGES[key]
    text = en if locale == "en" else zh
    return text.format(**values) if values else text


@pass_context
def t(context: Context, key: str, **values: object) -> str:
    """``{{ t("nav.home") }}`` in a template: the message in the page's locale."""
    return translate(key, context.get("locale", DEFAULT_LOCALE), **values)


def local(moment: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """``{{ x.published_at | local }}``: a stored (UTC) time as Beijing time."""
    return "" if moment is None else moment.astimezone(BEIJING).strftime(pattern)
