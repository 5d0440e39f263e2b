"""zh-CN first, English second: the portal's messages and the visitor's choice between them.

The choice is a cookie set by a plain link (``/lang/en?next=…``), so it works without
JavaScript; without the cookie every page is Chinese.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection

from themes import messages

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
COOKIE = "sunshine_lang"
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")  # dates are shown in China Standard Time


def beijing_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Beijing, which runs eight hours ahead of the server's UTC day."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(BEIJING).date()


def _catalogue() -> dict[str, tuple[str, str]]:
    """Every area's messages (``themes/messages/<area>.py``) as one catalogue. Areas keep their
    own modules so that they can grow apart; a key defined twice is a mistake, caught here."""
    merged: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(messages.__path__):
        area = importlib.import_module(f"{messages.__name__}.{info.name}")
        for key, pair in area.MESSAGES.items():
            if key in merged:
                raise ImportError(f"message {key!r} is defined twice (again in {info.name})")
            merged[key] = pair
    return merged


MESSAGES = _catalogue()


def locale_of(connection: ASGIConnection) -> str:
    chosen = connection.cookies.get(COOKIE)
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def translate(key: str, locale: str, **values: object) -> str:
    zh, en = MESSAGES[key]
    text = en if locale == "en" else zh
    return text.format(**values) if values else text


def context_locale(context: Context) -> str:
    """The page's locale: portal pages pass ``locale``; other pages have ``request``."""
    locale = context.get("locale")
    if locale in LOCALES:
        return locale
    request = context.get("request")
    return DEFAULT_LOCALE if request is None else locale_of(request)


@pass_context
def here(context: Context) -> str:
    """The page's path within its site, with its query: where the language switch and the
    sign-in link come back to."""
    if "request_path" in context:
        return context["request_path"]
    request = context.get("request")
    if request is None:
        return "/"
    query = request.url.query
    return request.scope["path"] + (f"?{query}" if query else "")


@pass_context
def t(context: Context, key: str, **values: object) -> str:
    """``{{ t("nav.home") }}`` in a template: the message in the page's locale."""
    return translate(key, context_locale(context), **values)


@pass_context
def label(context: Context, value: object, group: str) -> str:
    """``{{ tenant.state | label("tenant_state") }}``: an enum value in the reader's words.
    An empty value shows nothing; a value without a label is a gap in the catalogue (KeyError)."""
    if value is None or value == "":
        return ""
    return translate(f"label.{group}.{getattr(value, 'value', value)}", context_locale(context))


def local(moment: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """``{{ x.published_at | local }}``: a stored (UTC) time as Beijing time."""
    return "" if moment is None else moment.astimezone(BEIJING).strftime(pattern)


def in_locale(text: str, locale: str) -> str:
    """A bilingual text ("中文 / English", as domain errors and dataset titles are) in one
    language."""
    zh, sep, en = text.partition(" / ")
    return (en if locale == "en" else zh) if sep else text


@pass_context
def locale_part(context: Context, text: str) -> str:
    """``{{ "中文 / English" | locale_part }}``: a bilingual text in the page's language."""
    return in_locale(text, context_locale(context))
