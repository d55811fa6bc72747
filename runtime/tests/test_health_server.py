"""The optional HTTP endpoints: liveness, readiness and Prometheus metrics."""

import json
import urllib.error
import urllib.request

import pytest

from kernel_runtime.health_server import HealthServer
from kernel_runtime.metrics import Metrics


@pytest.fixture
def server():
    metrics = Metrics()
    readiness = {"ready": False}
    health = HealthServer(0, metrics, lambda: readiness["ready"])
    health.start()
    yield health, metrics, readiness
    health.stop()


def get(health: HealthServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{health.port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_ready_only_once_partitions_are_assigned(server):
    health, _metrics, readiness = server

    assert get(health, "/healthz")[0] == 200
    assert get(health, "/readyz")[0] == 503
    readiness["ready"] = True
    assert get(health, "/readyz")[0] == 200


def test_metrics_in_prometheus_text_format(server):
    health, metrics, _readiness = server
    metrics.count_message("processed")
    metrics.count_message("dead_lettered")
    metrics.observe_duration(0.02)
    partitions = {"0": {"consumer_lag": 7}, "-1": {"consumer_lag": -1}}
    metrics.record_statistics(json.dumps({"topics": {"t": {"partitions": partitions}}}))

    status, body = get(health, "/metrics")

    assert status == 200
    assert 'clustera_kernel_messages_total{result="processed"} 1.0' in body
    assert 'clustera_kernel_messages_total{result="dead_lettered"} 1.0' in body
    assert 'clustera_kernel_processing_seconds_bucket{le="0.025"} 1.0' in body
    assert 'clustera_kernel_consumer_lag{partition="0",topic="t"} 7.0' in body
    assert "clustera_kernel_time_lag_seconds 0.0" in body
    assert "clustera_kernel_oldest_in_flight_seconds 0.0" in body


def test_metrics_include_the_process_cpu_and_memory(server):
    health, _metrics, _readiness = server

    _status, body = get(health, "/metrics")

    assert "# TYPE process_cpu_seconds_total counter" in body
    assert "process_resident_memory_bytes " in body


def test_not_ready_with_the_reason_while_a_reason_is_given():
    reasons: list[str | None] = ["circuit open: 5 messages in a row failed on http-api"]
    health = HealthServer(0, Metrics(), lambda: True, lambda: reasons[0])
    health.start()
    try:
        assert get(health, "/readyz") == (503, "not ready: circuit open: 5 messages in a row failed on http-api\n")
        reasons[0] = None
        assert get(health, "/readyz") == (200, "ready\n")
    finally:
        health.stop()
