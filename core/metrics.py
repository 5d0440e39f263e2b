"""Prometheus metrics at ``/metrics`` (监控指标), when ``SUNSHINE_METRICS_TOKEN`` is set.

Request rate and latency by route template (Litestar's Prometheus middleware, so ids in paths
never become labels), the page cache's hits and misses, the authorization decisions' memo, and
the PostgreSQL pool's use. The scraper comes by IP, like the probes, and shows the token as a
bearer; without the setting the path answers 404 and the middleware is not installed, so the
request path pays nothing for metrics nobody reads. With several workers (``serve --workers``)
the counters are kept in files of ``$PROMETHEUS_MULTIPROC_DIR`` and summed at scrape time.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from litestar import Request, Response, get
from litestar.config.app import AppConfig
from litestar.exceptions import NotFoundException
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from litestar.types import Receive, Scope, Send
from piccolo.engine.postgres import PostgresEngine
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.settings import Settings

PATH = "/metrics"
PAGE_CACHE = Counter("sunshine_page_cache_total", "Portal page cache lookups", ["result"])
# "replay": answered before Litestar (themes.replay), counted with the requests by count_request.
PAGE_HIT, PAGE_MISS, PAGE_BYPASS, PAGE_REPLAY = (
    PAGE_CACHE.labels(r) for r in ("hit", "miss", "bypass", "replay")
)
AUTHZ_DECISIONS = Counter(
    "sunshine_authz_decisions_total", "Authorization decisions, by the memo's answer", ["memo"]
)
AUTHZ_MEMO_HIT, AUTHZ_MEMO_MISS = AUTHZ_DECISIONS.labels("hit"), AUTHZ_DECISIONS.labels("miss")


class PoolCollector(Collector):
    """The answering worker's PostgreSQL pool at scrape time (a pool lives in one process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from core.data.engine import get_engine

        engine = get_engine()
        pool = engine.pool if isinstance(engine, PostgresEngine) else None
        if pool is None:
            return
        labels = ["worker"]
        size = GaugeMetricFamily("sunshine_db_pool_size", "Open connections", labels=labels)
        idle = GaugeMetricFamily("sunshine_db_pool_idle", "Idle connections", labels=labels)
        size.add_metric([str(os.getpid())], pool.get_size())
        idle.add_metric([str(os.getpid())], pool.get_idle_size())
        yield size
        yield idle


_POOL = PoolCollector()
REGISTRY.register(_POOL)
# Counted only when metrics are on: the counters' lock is not free on the hot paths.
ENABLED = False


def exposition() -> bytes:
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several workers: sum their files
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(_POOL)
    return generate_latest(registry)


@get(PATH, include_in_schema=False)
async def metrics(request: Request) -> Response[bytes]:
    """The exposition, for the bearer of the configured token only; 404 to anyone else, as if
    the path did not exist."""
    token = request.app.state.metrics_token
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise NotFoundException()
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


PROMETHEUS = PrometheusConfig(
    app_name="sunshine",
    prefix="sunshine",
    group_path=True,
    exclude=[f"^{PATH}$", "^/healthz$", "^/readyz$"],
)


async def _unused_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise NotImplementedError  # _REQUESTS below is used for its metrics only, never called


# The request metrics Litestar's middleware keeps (shared per metric name), for requests
# answered before Litestar runs (themes.replay): counted as that middleware counts them.
_REQUESTS = PrometheusMiddleware(_unused_app, PROMETHEUS)


def count_request(route: str, seconds: float) -> None:
    """A GET of ``route`` (a path template) answered 200 in ``seconds`` outside Litestar."""
    labels: dict[str, str | int | float] = {
        "method": "GET",
        "path": route,
        "status_code": 200,
        "app_name": PROMETHEUS.app_name,
    }
    _REQUESTS.request_count(labels).labels(*labels.values()).inc()
    _REQUESTS.request_time(labels).labels(*labels.values()).observe(seconds)


def configure(app_config: AppConfig, settings: Settings) -> None:
    global ENABLED
    app_config.state.metrics_token = settings.metrics_token
    app_config.route_handlers.append(metrics)
    ENABLED = settings.metrics_token is not None
    if ENABLED:
        app_config.middleware.append(PROMETHEUS.middleware)
