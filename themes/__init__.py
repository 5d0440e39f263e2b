"""The uniform portal theme (统一门户风格) shared by the main portal and every sub-site.

One Jinja environment per theme. Its loader is fixed at start-up — the theme's templates, then
each plugin's under its own name — and never depends on the request: a per-request loader in a
shared environment would leak one tenant's template to another through Jinja's cache. What
differs between sub-sites is data (tokens), passed to the templates as context.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from plugins.registry import CATALOGUE
from themes.i18n import context_locale, here, label, local, locale_part, t
from themes.regions import region_filter, region_options
from themes.text import linked, yuan

UNIFORM = Path(__file__).parent / "uniform"
STATIC = UNIFORM / "static"


def _digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def theme_version() -> str:
    """Changes whenever the stylesheet does, so browsers fetch a theme upgrade at once."""
    return _digest(STATIC)


def release() -> str:
    """The theme's files and every plugin's templates and version: what a rendered page
    depends on. An upgrade of any of them changes it."""
    plugins = sorted(CATALOGUE.items())
    versions = "".join(f"{name}={spec.version};" for name, spec in plugins)
    files = _digest(UNIFORM, *(spec.templates for _, spec in plugins))
    return hashlib.sha256(f"{versions}{files}".encode()).hexdigest()[:12]


def build_environment() -> Environment:
    plugin_loaders = {name: FileSystemLoader(spec.templates) for name, spec in CATALOGUE.items()}
    environment = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(UNIFORM / "templates"), PrefixLoader(plugin_loaders)]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
    )
    environment.globals.update(
        t=t,
        here=here,
        page_locale=pass_context(context_locale),
        theme_version=theme_version(),
        region_options=region_options,
    )
    environment.filters["label"] = label
    environment.filters["local"] = local
    environment.filters["locale_part"] = locale_part
    environment.filters["region"] = region_filter
    environment.filters["linked"] = linked
    environment.filters["yuan"] = yuan
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(build_environment()))
