"""The reference for P1: a bare Litestar app with one template page, nothing else.

``/`` renders, on every request, a Jinja2 page of the shape and size of a sub-site's home page
(base layout with header and nav, a grid of ten panels of announcements, footer) through
Litestar's ``TemplateConfig`` and ``JinjaTemplateEngine``. No middleware, no database, no cache.
``BENCH_REF_ITEMS`` sets the announcements per panel: 2 (the default) gives about 7 KB, between
our tenant home (≈6 KB) and main portal home (≈8 KB); 6 gives about 13 KB.

``/prerendered`` returns bytes made beforehand: the ceiling of what Litestar and uvicorn serve
with no work at all (issue #15: a cached page should cost little more than its bytes). With
``BENCH_FLOOR_FILE`` set, that file's bytes (``bench.portal`` writes our own tenant home there);
otherwise the page above rendered once at start-up.

``bench.portal`` serves it with uvicorn as ``serve`` does:

    .venv/bin/python -m uvicorn bench.bare_app:app --port 8001 --workers 1
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Litestar, Response, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

BASE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{{ brand }}{% endblock %}</title>
  <link rel="stylesheet" href="{{ root }}/static/theme.css?v=8d6f1c5e4ab4">
  <style>:root { --accent: {{ accent }}; }</style>
</head>
<body>
  <a class="skip" href="#content">跳到正文</a>
  <header class="site-header">
    <div class="bar">
      <a class="brand" href="{{ root }}/"><span>{{ brand }}</span></a>
      <a class="lang" href="{{ root }}/lang/en?next={{ path | urlencode }}" lang="en">English</a>
    </div>
    <nav class="main" aria-label="首页">
      <ul>
      {%- for label, href in nav %}
        <li><a href="{{ href }}">{{ label }}</a></li>
      {%- endfor %}
      </ul>
    </nav>
  </header>
  <main id="content">{% block main %}{% endblock %}</main>
  <footer class="site-footer">
    <p>主办单位：{{ brand }} · 济南市历下区 · 联系电话 0531-00000000</p>
    <p><a href="http://localhost/">阳光采购服务平台</a></p>
  </footer>
</body>
</html>
"""

HOME = """{% extends "base.html" %}
{% macro item_row(item) -%}
<li><span><a href="{{ root }}/announcements/{{ item.id }}">{{ item.title }}</a></span>
    <time datetime="{{ item.published_at.isoformat() }}">
    {{- item.published_at.strftime("%Y-%m-%d") }}</time></li>
{%- endmacro %}
{% block main %}
<h1>{{ brand }}</h1>
<h2>最新公告</h2>
<div class="grid">
{%- for kind, label, items in sections %}
  <section class="panel" aria-labelledby="type-{{ kind }}">
    <h2 id="type-{{ kind }}">{{ label }}
      <a href="{{ root }}/announcements?type={{ kind }}">更多</a></h2>
    <ul class="items">
    {%- for item in items %}{{ item_row(item) }}{% else %}<li>暂无公告</li>{% endfor %}
    </ul>
  </section>
{%- endfor %}
</div>
{% endblock %}
"""

KINDS = [
    ("tender_notice", "招标公告"),
    ("procurement_notice", "采购公告"),
    ("grant_notice", "出让公告"),
    ("transfer_notice", "转让公告"),
    ("correction", "更正公告"),
    ("special_matters", "特殊事项公告"),
    ("candidate_publicity", "中标候选人公示"),
    ("award_notice", "中标结果公告"),
    ("termination", "终止公告"),
    ("contract_notice", "合同公告"),
]
ITEMS_PER_PANEL = int(os.environ.get("BENCH_REF_ITEMS", "2"))
ROOT = "/t/jinan"
NAV = [
    ("首页", f"{ROOT}/"),
    ("交易公告", f"{ROOT}/announcements"),
    ("供应商入口", f"{ROOT}/login"),
    ("通知公告", f"{ROOT}/notices"),
    ("采购日历", f"{ROOT}/calendar"),
    ("联系我们", f"{ROOT}/contact"),
]
_now = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)
SECTIONS = [
    (
        kind,
        label,
        [
            {
                "id": k * ITEMS_PER_PANEL + n + 1,
                "title": f"济南市第{n + 1}批{label}项目",
                "published_at": _now - timedelta(days=n, minutes=k),
            }
            for n in range(ITEMS_PER_PANEL)
        ],
    )
    for k, (kind, label) in enumerate(KINDS)
]


def _environment() -> Environment:
    return Environment(
        loader=DictLoader({"base.html": BASE, "home.html": HOME}),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
    )


CONTEXT = {
    "brand": "济南市阳光采购服务分平台",
    "accent": "#1d4e89",
    "root": ROOT,
    "path": "/",
    "nav": NAV,
    "sections": SECTIONS,
}
_floor = os.environ.get("BENCH_FLOOR_FILE")
PRERENDERED = (
    open(_floor, "rb").read()  # noqa: SIM115 - read once at import
    if _floor
    else _environment().get_template("home.html").render(**CONTEXT).encode()
)


@get("/", include_in_schema=False)
async def home() -> Template:
    return Template("home.html", context=CONTEXT)


@get("/prerendered", include_in_schema=False)
async def prerendered() -> Response[bytes]:
    return Response(PRERENDERED, media_type="text/html")


app = Litestar(
    route_handlers=[home, prerendered],
    template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment())),
    openapi_config=None,
)
