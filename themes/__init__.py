"""The uniform portal theme (统一门户风格) shared by the main portal and every sub-site."""

from __future__ import annotations

from pathlib import Path

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

UNIFORM = Path(__file__).parent / "uniform"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=UNIFORM / "templates", engine=JinjaTemplateEngine)
