"""The container health probe used by the Dockerfile's HEALTHCHECK."""

from collections.abc import Iterator

import pytest

from kernel_runtime.health_probe import probe
from kernel_runtime.health_server import HealthServer
from kernel_runtime.metrics import Metrics


@pytest.fixture
def health_port() -> Iterator[int]:
    health = HealthServer(0, Metrics(), lambda: True)
    health.start()
    yield health.port
    health.stop()


def test_healthy_when_healthz_answers(health_port: int) -> None:
    assert probe({"HEALTH_PORT": str(health_port)}) == 0


def test_healthy_without_a_health_port() -> None:
    assert probe({}) == 0


def test_unhealthy_when_nothing_answers(health_port: int) -> None:
    assert probe({"HEALTH_PORT": "1"}) == 1
