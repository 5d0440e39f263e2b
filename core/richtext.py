"""Rich text from staff (announcement bodies, page blocks), reduced to a safe subset of HTML.

nh3 (the ammonia sanitiser) parses the fragment as a browser would and keeps only the tags and
attributes below: no script, no style, no event handler, links to http(s) and mailto only.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "h2", "h3", "h4", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "hr", "span", "div", "pre", "code",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
BREAKS = re.compile(r"<(?:br|hr|/(?:p|li|h[2-4]|tr|td|th|div|blockquote|pre))\b[^>]*>", re.I)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_text(html_text: str) -> str:
    """The text of a fragment, every tag dropped (for data formats that carry no HTML)."""
    spaced = BREAKS.sub(" ", html_text)  # the end of a block is a word break, not nothing
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())
