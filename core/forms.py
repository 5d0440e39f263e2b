"""Request-body markers for server-rendered forms and their errors, shared by every page module."""

import re

import msgspec
from litestar.enums import RequestEncodingType
from litestar.params import Body

from themes.i18n import translate

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
Multipart = Body(media_type=RequestEncodingType.MULTI_PART)

_MISSING = re.compile(r"missing required field `(\w+)`")
# The innermost field of the path msgspec points at: `$.profile.name` → name, and past list
# positions, `$.notices[2].title` → title, `$.rows[3]` → rows.
_AT = re.compile(r"at `\$[^`]*?\.(\w+)(?:\[\d+\])*`")


def _innermost(text: str) -> str | None:
    at = _AT.search(text)
    return at.group(1) if at else None


def invalid_field(exc: msgspec.ValidationError) -> str | None:
    """The field msgspec refused, by its name in the struct: the missing one, or the innermost
    of the path it points at; None when it names none (the whole value is wrong)."""
    text = str(exc)
    missing = _MISSING.search(text)
    return missing.group(1) if missing else _innermost(text)


def invalid_input(exc: msgspec.ValidationError, fields: dict[str, str], locale: str) -> str:
    """msgspec's refusal in plain words: which field, by its label (``fields`` maps a struct's
    field names to message keys), never msgspec's own text."""
    text = str(exc)
    missing = _MISSING.search(text)
    if missing and missing.group(1) in fields:
        return translate("form.missing", locale, field=translate(fields[missing.group(1)], locale))
    at = _innermost(text)
    if at in fields:
        return translate("form.invalid", locale, field=translate(fields[at], locale))
    return translate("form.invalid_any", locale)


def invalid_input_message(exc: msgspec.ValidationError, fields: dict[str, str]) -> str:
    """The same as a domain error's "中文 / English" text, for code that does not know the
    reader's language (the page shows the reader's half)."""
    return f"{invalid_input(exc, fields, 'zh-CN')} / {invalid_input(exc, fields, 'en')}"
