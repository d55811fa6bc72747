"""librdkafka configuration for the consumer and the producer, including TLS and SASL."""

import logging
from collections.abc import Callable
from typing import Any

from .logs import LIBRDKAFKA_LOGGER
from .settings import Settings

# Only needed for the lag metric, so only collected when /metrics is served.
STATISTICS_INTERVAL_MS = 5000
# Publisher.ACK_TIMEOUT_S waits slightly longer than this before giving up on an acknowledgement.
DELIVERY_TIMEOUT_MS = 30_000
# A partition resumed after backpressure is fetched only once the fetch in flight returns, which the broker holds up
# to this long when nothing new arrives (librdkafka's 500 idled a 4-in-flight database kernel; 50 was worse again).
FETCH_WAIT_MAX_MS = 100


def security_config(settings: Settings) -> dict[str, Any]:
    """TLS from in-memory PEM strings (nothing written to disk), hostname verification on; SASL when set."""
    config: dict[str, Any] = {}
    if settings.tls is not None:
        config["ssl.endpoint.identification.algorithm"] = "https"
        if settings.tls.ca_pem:
            config["ssl.ca.pem"] = settings.tls.ca_pem
        if settings.tls.certificate_pem and settings.tls.key_pem:
            config["ssl.certificate.pem"] = settings.tls.certificate_pem
            config["ssl.key.pem"] = settings.tls.key_pem
    if settings.sasl is not None:
        config["sasl.mechanism"] = settings.sasl.mechanism
        config["sasl.username"] = settings.sasl.username
        config["sasl.password"] = settings.sasl.password
    # SASL credentials never travel in clear text: SASL without certificates still uses TLS (system CAs).
    tls = settings.tls is not None or settings.sasl is not None
    config["security.protocol"] = ("SASL_" if settings.sasl else "") + ("SSL" if tls else "PLAINTEXT")
    return config


def describe_security(settings: Settings) -> str:
    if settings.tls is None and settings.sasl is None:
        return "PLAINTEXT (no KAFKA_CA_CERT/KAFKA_CLIENT_CERT/KAFKA_CLIENT_KEY set): fine for local development only"
    parts = ["TLS with hostname verification"]
    if settings.tls is not None and settings.tls.certificate_pem:
        parts.append("client certificate")
    if settings.sasl is not None:
        parts.append(f"SASL {settings.sasl.mechanism}")
    return ", ".join(parts)


def consumer_config(
    settings: Settings,
    on_error: Callable[[Any], None],
    on_statistics: Callable[[str], None] | None,
) -> dict[str, Any]:
    config = {
        "bootstrap.servers": settings.bootstrap_servers,
        "group.id": settings.group,
        "client.id": settings.client_id,
        "auto.offset.reset": settings.auto_offset_reset,
        # At-least-once: the loop stores an offset only after its message is done; librdkafka commits
        # stored offsets in the background every COMMIT_INTERVAL_MS, never one commit per message.
        "enable.auto.commit": True,
        "enable.auto.offset.store": False,
        "auto.commit.interval.ms": settings.commit_interval_ms,
        # How long the group waits for a silent consumer (a frozen host) before its partitions move on.
        "session.timeout.ms": settings.session_timeout_ms,
        "fetch.wait.max.ms": FETCH_WAIT_MAX_MS,
        "error_cb": on_error,
        "logger": logging.getLogger(LIBRDKAFKA_LOGGER),
        "log.connection.close": False,
        **security_config(settings),
    }
    if on_statistics is not None:
        config["statistics.interval.ms"] = STATISTICS_INTERVAL_MS
        config["stats_cb"] = on_statistics
    return config


def producer_config(settings: Settings, on_error: Callable[[Any], None]) -> dict[str, Any]:
    return {
        "bootstrap.servers": settings.bootstrap_servers,
        "client.id": f"{settings.client_id}-producer",
        # Idempotence gives acks=all and no duplicates from the producer's own retries.
        "enable.idempotence": True,
        "delivery.timeout.ms": DELIVERY_TIMEOUT_MS,
        # Every produce is awaited before the next message, so waiting to fill a batch only adds latency.
        "linger.ms": 0,
        "error_cb": on_error,
        "logger": logging.getLogger(LIBRDKAFKA_LOGGER),
        "log.connection.close": False,
        **security_config(settings),
    }
