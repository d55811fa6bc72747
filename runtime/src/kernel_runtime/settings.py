"""The kernel's settings, read from the environment (seed variable names) and validated before connecting."""

import base64
import binascii
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from .broker_address import parse_brokers
from .env import Env, is_valid_topic
from .errors import ConfigError
from .facts import KERNEL_NAME_MAX, KERNEL_NAME_MIN, KERNEL_NAME_PATTERN, default_client_id_for, default_group_for

SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
ORDERINGS = ("key", "partition", "none")


class Configurable(Protocol):
    """What reading the settings asks of a service (kernel_runtime.Service has both): its variables, its capacity."""

    def configure(self, env: Env) -> None: ...

    def capacity(self) -> int | None: ...


@dataclass(frozen=True)
class Tls:
    """PEM texts decoded from the base64 environment variables; kept in memory only."""

    ca_pem: str | None
    certificate_pem: str | None
    key_pem: str | None


@dataclass(frozen=True)
class Sasl:
    mechanism: str
    username: str
    password: str


@dataclass(frozen=True)
class Settings:
    kernel_name: str
    topic: str
    group: str
    client_id: str
    bootstrap_servers: str
    tls: Tls | None
    sasl: Sasl | None
    auto_offset_reset: str
    dlq_topic: str | None
    max_attempts: int
    retry_backoff_ms: int
    retry_backoff_max_ms: int
    circuit_failure_threshold: int
    circuit_probe_min_ms: int
    circuit_probe_max_ms: int
    circuit_max_open_s: int | None
    commit_interval_ms: int
    session_timeout_ms: int
    max_in_flight: int
    ordering: str
    connect_timeout_s: float
    shutdown_timeout_s: float
    log_level: str
    log_format: str
    health_port: int | None


def load_settings(
    kernel_name: str,
    default_topic: str,
    environ: Mapping[str, str],
    *,
    default_group: str | None = None,
    default_max_in_flight: int = 1,
    services: Iterable[Configurable] = (),
) -> Settings:
    """Reads the runtime's and every service's variables; raises ConfigError listing all problems."""
    env = Env(environ)
    if not is_kernel_name(kernel_name):
        env.problem(
            f"KERNEL_NAME in main.py must be lowercase kebab-case, {KERNEL_NAME_MIN}-{KERNEL_NAME_MAX} characters"
            f" (got {kernel_name!r})"
        )
    if not is_valid_topic(default_topic):
        env.problem(f"DEFAULT_TOPIC in main.py is not a valid Kafka topic name (got {default_topic!r})")
    group = default_group or default_group_for(kernel_name)
    settings = _read_settings(env, kernel_name, default_topic, group, default_max_in_flight)
    env.consumed_topic = settings.topic
    capacities = []
    for service in services:
        service.configure(env)
        capacity = service.capacity()
        if capacity is not None:
            capacities.append(capacity)
    if env.problems:
        raise ConfigError(env.problems)
    if capacities and not environ.get("MAX_IN_FLIGHT", "").strip():
        # No more messages at once than the narrowest service can serve, e.g. one per pooled connection.
        settings = replace(settings, max_in_flight=min(capacities))
    return settings


def is_kernel_name(name: str) -> bool:
    return KERNEL_NAME_MIN <= len(name) <= KERNEL_NAME_MAX and KERNEL_NAME_PATTERN.fullmatch(name) is not None


def _read_settings(
    env: Env, kernel_name: str, default_topic: str, default_group: str, default_max_in_flight: int
) -> Settings:
    bootstrap_servers = env.required("KAFKA_BOOTSTRAP_SERVERS")
    brokers = parse_brokers(bootstrap_servers)
    if bootstrap_servers and brokers is None:
        env.problem(f"KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port (got {bootstrap_servers!r})")
    topic = env.topic("KAFKA_TOPIC", default_topic) or default_topic
    dlq_topic = env.topic("DLQ_TOPIC")
    if dlq_topic is not None and dlq_topic == topic:
        env.problem("DLQ_TOPIC must differ from the consumed topic, or failed messages would be consumed again")
    retry_backoff_ms = env.integer("RETRY_BACKOFF_MS", 200, minimum=0)
    retry_backoff_max_ms = env.integer("RETRY_BACKOFF_MAX_MS", 10_000, minimum=0)
    if retry_backoff_max_ms < retry_backoff_ms:
        env.problem("RETRY_BACKOFF_MAX_MS must not be smaller than RETRY_BACKOFF_MS")
    circuit_probe_min_ms = env.integer("CIRCUIT_PROBE_MIN_MS", 1_000, minimum=10)
    circuit_probe_max_ms = env.integer("CIRCUIT_PROBE_MAX_MS", 30_000, minimum=10)
    if circuit_probe_max_ms < circuit_probe_min_ms:
        env.problem("CIRCUIT_PROBE_MAX_MS must not be smaller than CIRCUIT_PROBE_MIN_MS")
    # 0 (the default): wait for the dependency as long as it takes.
    circuit_max_open_s = env.integer("CIRCUIT_MAX_OPEN_S", 0, minimum=0)
    return Settings(
        kernel_name=kernel_name,
        topic=topic,
        group=env.text("KAFKA_CONSUMER_GROUP", default_group) or default_group,
        client_id=env.text("KAFKA_CLIENT_ID") or default_client_id_for(kernel_name, os.getpid()),
        bootstrap_servers=",".join(brokers or [bootstrap_servers]),
        tls=_read_tls(env),
        sasl=_read_sasl(env),
        auto_offset_reset=env.choice("KAFKA_AUTO_OFFSET_RESET", "earliest", ("earliest", "latest")),
        dlq_topic=dlq_topic,
        max_attempts=env.integer("MAX_ATTEMPTS", 5, minimum=1),
        retry_backoff_ms=retry_backoff_ms,
        retry_backoff_max_ms=retry_backoff_max_ms,
        circuit_failure_threshold=env.integer("CIRCUIT_FAILURE_THRESHOLD", 5, minimum=1),
        circuit_probe_min_ms=circuit_probe_min_ms,
        circuit_probe_max_ms=circuit_probe_max_ms,
        circuit_max_open_s=circuit_max_open_s or None,
        commit_interval_ms=env.integer("COMMIT_INTERVAL_MS", 1000, minimum=10),
        session_timeout_ms=env.integer("KAFKA_SESSION_TIMEOUT_MS", 45_000, minimum=1_000),
        max_in_flight=env.integer("MAX_IN_FLIGHT", default_max_in_flight, minimum=1, maximum=10_000),
        ordering=env.choice("ORDERING", "key", ORDERINGS),
        connect_timeout_s=env.seconds("KAFKA_CONNECT_TIMEOUT_S", 30.0),
        shutdown_timeout_s=env.seconds("SHUTDOWN_TIMEOUT_S", 10.0),
        log_level=env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        log_format=env.choice("LOG_FORMAT", "text", ("text", "json")),
        health_port=_read_port(env),
    )


def _read_port(env: Env) -> int | None:
    if env.text("HEALTH_PORT") is None:
        return None
    return env.integer("HEALTH_PORT", 0, minimum=1, maximum=65535) or None


def _read_tls(env: Env) -> Tls | None:
    ca, certificate, key = (_read_pem(env, name) for name in ("KAFKA_CA_CERT", "KAFKA_CLIENT_CERT", "KAFKA_CLIENT_KEY"))
    if (certificate is None) != (key is None):
        env.problem("KAFKA_CLIENT_CERT and KAFKA_CLIENT_KEY must be set together")
    if ca is None and certificate is None and key is None:
        return None
    return Tls(ca_pem=ca, certificate_pem=certificate, key_pem=key)


def _read_pem(env: Env, name: str) -> str | None:
    encoded = env.text(name)
    if encoded is None:
        return None
    try:
        pem = base64.b64decode(encoded, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        pem = ""
    if "-----BEGIN " not in pem:
        env.problem(f"{name} must be the base64 encoding of a PEM file (for example: base64 -w0 ca.pem)")
        return None
    return pem


def _read_sasl(env: Env) -> Sasl | None:
    mechanism = env.text("KAFKA_SASL_MECHANISM")
    if mechanism is None:
        return None
    mechanism = env.choice("KAFKA_SASL_MECHANISM", SASL_MECHANISMS[0], SASL_MECHANISMS)
    username = env.text("KAFKA_SASL_USERNAME")
    password = env.text("KAFKA_SASL_PASSWORD")
    if username is None or password is None:
        env.problem("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set")
    return Sasl(mechanism=mechanism, username=username or "", password=password or "")
