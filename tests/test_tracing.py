"""OpenTelemetry tracing when an OTLP endpoint is set: the server's requests arrive at a
collector (here a tiny one in the test) as spans named by route, with the caller's trace."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from core import tracing
from tests.serving import served
from tests.test_cli import migrated, migrated_template  # noqa: F401 - fixtures

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class Collector:
    """An OTLP/HTTP trace receiver on 127.0.0.1 keeping every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, dict[str, str]]] = []  # name, trace id, service
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                request = ExportTraceServiceRequest.FromString(body)
                for resource in request.resource_spans:
                    attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            collector.spans.append((span.name, span.trace_id.hex(), attributes))
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, name: str, timeout_s: float = 20) -> list[tuple[str, str, dict[str, str]]]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [s for s in self.spans if s[0] == name]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no span {name!r}; got {sorted({s[0] for s in self.spans})}")


@pytest.fixture
def collector() -> Iterator[Collector]:
    collector = Collector()
    thread = threading.Thread(target=collector.server.serve_forever, daemon=True)
    thread.start()
    yield collector
    collector.server.shutdown()


def test_without_an_endpoint_nothing_is_traced() -> None:
    assert not tracing.enabled({})
    assert not tracing.enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": " "})
    assert tracing.enabled({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"})


def test_requests_reach_the_collector_as_spans_by_route(
    migrated: Path,  # noqa: F811
    collector: Collector,
) -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_SERVICE_NAME": "sunshine-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    with served(migrated, **env) as base:
        parent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
        answer = httpx.get(
            f"{base}/announcements?type=tender_notice",
            headers={"host": "localhost", "traceparent": parent},
        )
        assert answer.status_code == 200
        assert httpx.get(f"{base}/readyz").status_code == 200
        spans = collector.wait_for("GET /announcements")
    assert any(trace == TRACE_ID for _, trace, _ in spans)  # the caller's trace continued
    assert all(service.get("service.name") == "sunshine-test" for _, _, service in spans)
    assert not [name for name, _, _ in collector.spans if "readyz" in name]
