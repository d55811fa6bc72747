"""The runtime holds to facts.json, which create-clustera-kernel reads too: variables, defaults, metrics, headers."""

import json
from collections.abc import Iterator, Mapping
from importlib.resources import files

import pytest

from kernel_runtime import facts
from kernel_runtime.dead_letter import dead_letter_headers
from kernel_runtime.errors import SchemaViolation
from kernel_runtime.exposition import kernel_registry
from kernel_runtime.metrics import Metrics
from kernel_runtime.settings import load_settings
from kernel_runtime.testing import build_message

# Enough to reach every variable load_settings reads: SASL's and HEALTH_PORT's are read only when these are set.
REACHING_EVERY_READ = {
    "KAFKA_BOOTSTRAP_SERVERS": "localhost:9092",
    "KAFKA_SASL_MECHANISM": "PLAIN",
    "KAFKA_SASL_USERNAME": "user",
    "KAFKA_SASL_PASSWORD": "secret",
    "HEALTH_PORT": "8080",
}
# Read by the tracing setup rather than load_settings; OpenTelemetry's own variables beyond these are not declared.
READ_BY_TRACING = {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "TRACE_MESSAGE_KEYS"}


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every name asked of it."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def test_the_facts_ship_inside_the_package():
    assert json.loads(files("kernel_runtime").joinpath("facts.json").read_text("utf-8"))["env"]["runtime"]


def test_every_variable_load_settings_reads_is_declared():
    environ = RecordingEnviron(dict(REACHING_EVERY_READ))
    load_settings("orders-sink", "orders", environ)

    declared = set(facts.RUNTIME_ENV_DEFAULTS) | facts.PER_KIND_ENV
    assert environ.asked - declared == set()
    assert declared - environ.asked - READ_BY_TRACING == set()
    assert declared >= READ_BY_TRACING


DECLARED_DEFAULTS = [(name, default) for name, default in facts.RUNTIME_ENV_DEFAULTS.items() if default is not None]


@pytest.mark.parametrize(("name", "default"), DECLARED_DEFAULTS)
def test_a_declared_default_is_what_the_runtime_uses_when_unset(name: str, default: str):
    unset = load_settings("orders-sink", "orders", dict(REACHING_EVERY_READ))
    given = load_settings("orders-sink", "orders", {**REACHING_EVERY_READ, name: default})

    assert given == unset


def test_the_group_and_client_id_follow_the_declared_defaults():
    settings = load_settings("orders-sink", "orders", dict(REACHING_EVERY_READ))

    assert settings.group == facts.default_group_for("orders-sink") == "orders-sink-group"
    assert settings.client_id.startswith("orders-sink-consumer-")


def test_the_metrics_served_are_the_declared_families():
    metrics = Metrics()
    served = {
        family.name.removeprefix(f"{facts.METRIC_PREFIX}_"): family.type
        for family in kernel_registry(metrics.snapshot, metrics.lag).collect()
        if family.name.startswith(f"{facts.METRIC_PREFIX}_")
    }

    assert served == facts.METRIC_FAMILIES


def test_a_dead_letter_carries_the_declared_headers():
    error = SchemaViolation("schema", "total is not a number", ("total",))
    names = [name for name, _ in dead_letter_headers(build_message(b"{}"), error, 1, "group")]

    # dlq.trace.id is added only inside a traced span; a first dead-lettering names the message's origin too.
    assert sorted(names) == sorted(
        [name for key, name in facts.DEAD_LETTER_HEADERS.items() if key != "traceId"]
        + list(facts.ORIGIN_HEADERS.values())
    )
