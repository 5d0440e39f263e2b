"""OpenTelemetry tracing (链路追踪), when an OTLP endpoint is configured.

The standard variables turn it on and steer it: ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) names the collector, spoken to over OTLP/HTTP; the SDK
reads the rest itself (``OTEL_SERVICE_NAME``, default ``sunshine``; ``OTEL_TRACES_SAMPLER``;
``OTEL_BSP_*`` for batching). Each request is a span named by its route template (Litestar's
OpenTelemetry middleware), carrying an incoming ``traceparent``. Without the variables nothing
is imported and requests pay nothing. Pages replayed before Litestar
(:mod:`themes.replay`) are not traced: they never reach the middleware, and take two store
reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from litestar.config.app import AppConfig

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
# Probes and the scraper come every few seconds and say nothing about the site.
NOT_TRACED = ["^/healthz$", "^/readyz$", "^/metrics$"]


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    return any(env.get(name, "").strip() for name in ENDPOINTS)


def configure(app_config: AppConfig, env: Mapping[str, str] = os.environ) -> None:
    if not enabled(env):
        return
    from litestar.plugins.opentelemetry import OpenTelemetryConfig
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    service = env.get("OTEL_SERVICE_NAME") or "sunshine"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    # Batched, off the request path; spans still queued at exit are flushed by the provider.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    config = OpenTelemetryConfig(tracer_provider=provider, exclude=NOT_TRACED)
    app_config.middleware.insert(0, config.middleware)
    app_config.on_shutdown.append(provider.shutdown)
