"""Configuration: read from the environment, every problem reported at once, exit code 2."""

import base64
import os

import pytest

from kernel_runtime.circuit import CircuitSettings
from kernel_runtime.errors import ConfigError
from kernel_runtime.kafka_config import consumer_config
from kernel_runtime.runner import EXIT_CONFIG, circuit_settings, main
from kernel_runtime.settings import load_settings

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"


def b64(text: str) -> str:
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def test_defaults_follow_the_kernel_name():
    settings = load_settings("demo", "demo-topic", {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"})

    assert settings.topic == "demo-topic"
    assert settings.group == "demo-group"
    assert settings.client_id == f"demo-consumer-{os.getpid()}"
    assert settings.tls is None
    assert settings.dlq_topic is None
    assert consumer_config(settings, print, None)["security.protocol"] == "PLAINTEXT"


def test_every_problem_is_reported_together():
    environ = {
        "KAFKA_TOPIC": "bad topic!",
        "MAX_ATTEMPTS": "zero",
        "RETRY_BACKOFF_MS": "-5",
        "LOG_FORMAT": "xml",
        "HEALTH_PORT": "70000",
        "KAFKA_CA_CERT": "not base64",
        "KAFKA_CLIENT_CERT": b64(PEM),
        "KAFKA_SASL_MECHANISM": "PLAIN",
    }

    with pytest.raises(ConfigError) as raised:
        load_settings("demo", "demo-topic", environ)

    report = "\n".join(raised.value.problems)
    for name in (
        "KAFKA_BOOTSTRAP_SERVERS",
        "KAFKA_TOPIC",
        "MAX_ATTEMPTS",
        "RETRY_BACKOFF_MS",
        "LOG_FORMAT",
        "HEALTH_PORT",
        "KAFKA_CA_CERT",
        "KAFKA_CLIENT_KEY",
        "KAFKA_SASL_USERNAME",
    ):
        assert name in report


def test_main_prints_every_problem_and_exits_2(capsys):
    code = main("demo", "demo-topic", lambda message: True, {"MAX_ATTEMPTS": "0"})

    assert code == EXIT_CONFIG
    stderr = capsys.readouterr().err
    assert stderr.startswith("[demo] Invalid configuration (2 problems):")
    assert "KAFKA_BOOTSTRAP_SERVERS is required" in stderr
    assert "MAX_ATTEMPTS must be an integer >= 1" in stderr


def test_unreadable_certificate_is_a_configuration_error(capsys):
    environ = {
        "KAFKA_BOOTSTRAP_SERVERS": "localhost:9092",
        "KAFKA_CA_CERT": b64(PEM),
        "KAFKA_CLIENT_CERT": b64(PEM),
        "KAFKA_CLIENT_KEY": b64(KEY),
    }
    code = main("demo", "demo-topic", lambda message: True, environ)

    assert code == EXIT_CONFIG
    stderr = capsys.readouterr().err
    assert "[demo] Invalid configuration (1 problem):" in stderr
    assert "ssl" in stderr.lower()


def test_certificates_are_passed_in_memory_with_hostname_verification():
    environ = {
        "KAFKA_BOOTSTRAP_SERVERS": "broker-1:9093,broker-2:9093",
        "KAFKA_CA_CERT": b64(PEM),
        "KAFKA_CLIENT_CERT": b64(PEM),
        "KAFKA_CLIENT_KEY": b64(KEY),
    }

    config = consumer_config(load_settings("demo", "demo-topic", environ), print, None)

    assert config["security.protocol"] == "SSL"
    assert config["ssl.ca.pem"] == PEM
    assert config["ssl.certificate.pem"] == PEM
    assert config["ssl.key.pem"] == KEY
    assert config["ssl.endpoint.identification.algorithm"] == "https"
    assert not any(name.endswith(".location") for name in config), "no certificate or key file on disk"


def test_offsets_are_stored_after_processing_and_committed_in_the_background():
    environ = {
        "KAFKA_BOOTSTRAP_SERVERS": "localhost:9092",
        "COMMIT_INTERVAL_MS": "250",
        "KAFKA_SESSION_TIMEOUT_MS": "6000",
    }
    settings = load_settings("demo", "demo-topic", environ)

    config = consumer_config(settings, print, None)

    assert config["enable.auto.offset.store"] is False
    assert config["enable.auto.commit"] is True
    assert config["auto.commit.interval.ms"] == 250
    assert config["session.timeout.ms"] == 6000
    assert config["fetch.wait.max.ms"] == 100, "a partition resumed after backpressure is fetched soon"


def test_dead_letter_topic_must_differ_from_the_consumed_topic():
    with pytest.raises(ConfigError, match="DLQ_TOPIC"):
        load_settings("demo", "demo-topic", {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "DLQ_TOPIC": "demo-topic"})


def test_circuit_settings_have_defaults_and_are_checked():
    defaults = circuit_settings(load_settings("orders-sink", "orders", {"KAFKA_BOOTSTRAP_SERVERS": "k:9092"}))
    assert defaults == CircuitSettings(failure_threshold=5, probe_min_s=1.0, probe_max_s=30.0, max_open_s=None)

    with pytest.raises(ConfigError) as raised:
        load_settings(
            "orders-sink",
            "orders",
            {"KAFKA_BOOTSTRAP_SERVERS": "k:9092", "CIRCUIT_PROBE_MIN_MS": "5000", "CIRCUIT_PROBE_MAX_MS": "1000"},
        )
    assert raised.value.problems == ["CIRCUIT_PROBE_MAX_MS must not be smaller than CIRCUIT_PROBE_MIN_MS"]


def test_fewer_messages_in_flight_than_the_threshold_lower_it_and_a_bound_is_kept():
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "k:9092", "MAX_IN_FLIGHT": "4", "CIRCUIT_MAX_OPEN_S": "600"}
    settings = circuit_settings(load_settings("orders-sink", "orders", environ))
    assert (settings.failure_threshold, settings.max_open_s) == (4, 600)
    one_at_a_time = circuit_settings(load_settings("orders-sink", "orders", {**environ, "MAX_IN_FLIGHT": "1"}))
    assert one_at_a_time.failure_threshold == 5
