"""What a sub-site may say about itself: the theme's tokens (品牌要素), stored as data.

A tenant sets :class:`Branding` itself, within these limits. Menu items, page blocks and the
home layout go beyond the uniform theme (个性化需求): only an approved change request writes
them (:class:`Customisation`). Unknown keys are ignored, missing ones take their defaults, so a
theme upgrade that adds a token reaches every tenant at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

from themes.palette import DEFAULT_ACCENT

ShortText = Annotated[str, msgspec.Meta(max_length=100)]
FILING_NUMBER = r"^[\u4e00-\u9fa5A-Za-z0-9（）()\-—号第 ]{0,60}$"


class Contact(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """联系方式, shown in the footer and on the contact page."""

    address: Annotated[str, msgspec.Meta(max_length=200)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9+\-() ]*$")] = ""
    email: Annotated[
        str, msgspec.Meta(max_length=120, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")
    ] = ""
    hours: ShortText = ""  # office hours


class Branding(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Tokens a tenant's admin sets without asking. Images are object keys, set by upload."""

    display_name: Annotated[str, msgspec.Meta(min_length=2, max_length=60)]
    accent: str = DEFAULT_ACCENT  # a name in themes.palette.PALETTE
    contact: Contact = Contact()
    footer_text: Annotated[str, msgspec.Meta(max_length=300)] = ""
    filing_number: Annotated[str, msgspec.Meta(pattern=FILING_NUMBER)] = ""  # ICP 备案号


class Layout(StrEnum):
    """Home page arrangements the theme knows (首页布局)."""

    standard = "standard"  # banner, announcements by type, blocks below
    blocks_first = "blocks_first"  # plugin and custom blocks above the announcements


class MenuItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An extra navigation entry: a path on the sub-site, or an https address."""

    label: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    href: Annotated[str, msgspec.Meta(max_length=300, pattern=r"^(/[^\s]*|https://[^\s]+)$")]


class PageBlock(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An extra home-page block: a title and sanitised rich text."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    body_html: Annotated[str, msgspec.Meta(max_length=20_000)]


class Customisation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What approved change requests have added to the uniform theme."""

    menu_items: tuple[MenuItem, ...] = ()
    blocks: tuple[PageBlock, ...] = ()
    layout: Layout = Layout.standard


class Images(msgspec.Struct, frozen=True):
    """Object keys of the uploaded logo and banner (their names carry the content hash)."""

    logo: str | None = None
    banner: str | None = None


def branding_of(data: dict[str, object], fallback_name: str) -> Branding:
    stored = data.get("tokens") or {}
    try:
        return msgspec.convert({"display_name": fallback_name, **stored}, Branding)  # type: ignore[dict-item]
    except msgspec.ValidationError:
        # A token that an older theme allowed and this one refuses falls back to the defaults.
        return Branding(display_name=fallback_name)


def customisation_of(data: dict[str, object]) -> Customisation:
    try:
        return msgspec.convert(data.get("custom") or {}, Customisation)
    except msgspec.ValidationError:
        return Customisation()


def images_of(data: dict[str, object]) -> Images:
    return msgspec.convert(data.get("images") or {}, Images)
