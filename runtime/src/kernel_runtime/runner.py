"""Wires settings, Kafka clients, services and the loop together, and turns the outcome into an exit code."""

import logging
import os
import sys
from collections.abc import Iterable, Mapping
from typing import NoReturn

from confluent_kafka import Consumer, KafkaException, Producer

from .broker_watch import BrokerWatch
from .circuit import Circuit, CircuitSettings
from .consumer_loop import POLL_TIMEOUT_S, ConsumerLoop
from .dead_letter import DeadLetters
from .dispatch import create_dispatch
from .env import dotenv_path, load_dotenv_beneath
from .errors import ConfigError, KernelFailure
from .health_server import HealthServer
from .kafka_config import consumer_config, describe_security, producer_config
from .lag import BrokerWatermarks
from .logs import configure_logging
from .metrics import Metrics
from .processor import ProcessFunction, Processor
from .publisher import Publisher
from .retry import Backoff
from .service import Runtime, Service
from .settings import Settings, load_settings
from .shutdown import Shutdown
from .tracing import Tracing

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


def run(
    kernel_name: str,
    default_topic: str,
    process_message: ProcessFunction,
    *,
    services: Iterable[Service] = (),
    default_group: str | None = None,
    default_max_in_flight: int = 1,
) -> NoReturn:
    """Entry point for main.py: reads .env and the environment, runs until stopped, exits with its code."""
    load_dotenv_beneath(dotenv_path(), os.environ)
    sys.exit(
        main(kernel_name, default_topic, process_message, os.environ, services, default_group, default_max_in_flight)
    )


def main(
    kernel_name: str,
    default_topic: str,
    process_message: ProcessFunction,
    environ: Mapping[str, str],
    services: Iterable[Service] = (),
    default_group: str | None = None,
    default_max_in_flight: int = 1,
) -> int:
    """0 after a graceful stop, 1 when the kernel had to stop, 2 when the configuration is invalid."""
    services = list(services)
    try:
        settings = load_settings(
            kernel_name,
            default_topic,
            environ,
            default_group=default_group,
            default_max_in_flight=default_max_in_flight,
            services=services,
        )
    except ConfigError as error:
        print(format_config_error(kernel_name, error), file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(kernel_name, settings.log_level, settings.log_format)
    shutdown = Shutdown(settings.shutdown_timeout_s)
    shutdown.install_signal_handlers()
    return serve(settings, process_message, services, shutdown)


def format_config_error(kernel_name: str, error: ConfigError) -> str:
    count = len(error.problems)
    lines = [f"[{kernel_name}] Invalid configuration ({count} problem{'s' if count > 1 else ''}):"]
    lines += [f"  - {problem}" for problem in error.problems]
    lines.append("Set these in the environment or in .env (see .env.template), then start again.")
    return "\n".join(lines)


def serve(settings: Settings, process_message: ProcessFunction, services: list[Service], shutdown: Shutdown) -> int:
    """Runs one kernel with real Kafka clients until shutdown.event is set or it fails."""
    log.info(
        "Starting: topic %s, group %s, brokers %s, security %s, %d in flight (ordering: %s)",
        settings.topic,
        settings.group,
        settings.bootstrap_servers,
        describe_security(settings),
        settings.max_in_flight,
        settings.ordering,
    )
    metrics = Metrics()
    watch = BrokerWatch(settings.bootstrap_servers, settings.connect_timeout_s)
    statistics = metrics.record_statistics if settings.health_port else None
    try:
        consumer = Consumer(consumer_config(settings, watch.on_error, statistics))
        publisher = Publisher(Producer(producer_config(settings, watch.on_error)))
    except KafkaException as error:
        # librdkafka parses the certificates only here, so an unreadable one surfaces as a configuration problem.
        problem = f"the Kafka client rejected its configuration: {error.args[0].str()}"
        print(format_config_error(settings.kernel_name, ConfigError([problem])), file=sys.stderr)
        return EXIT_CONFIG
    dead_letters = DeadLetters(publisher, settings.dlq_topic, settings.group) if settings.dlq_topic else None
    circuit = Circuit(circuit_settings(settings), metrics, shutdown.event)
    processor = Processor(
        process_message,
        max_attempts=settings.max_attempts,
        backoff=Backoff(settings.retry_backoff_ms, settings.retry_backoff_max_ms),
        dead_letters=dead_letters,
        metrics=metrics,
        stop=shutdown.event,
        circuit=circuit,
        waits_for_circuit=settings.max_in_flight > 1,
    )
    tracing = Tracing.start(settings.kernel_name, settings.group, os.environ)
    handler = tracing.wrap(processor) if tracing else processor
    dispatch = create_dispatch(
        consumer, handler, process_message, settings, metrics, shutdown, poll_timeout_s=POLL_TIMEOUT_S, circuit=circuit
    )
    metrics.lag.follow(dispatch, BrokerWatermarks(consumer))
    loop = ConsumerLoop(consumer, dispatch, topic=settings.topic, watch=watch, metrics=metrics, shutdown=shutdown)
    runtime = Runtime(settings, publisher)
    health: HealthServer | None = None
    opened: list[Service] = []
    try:
        if settings.health_port:
            health = HealthServer(settings.health_port, metrics, lambda: loop.ready, lambda: circuit.reason)
            health.start()
        for service in services:
            service.open(runtime)
            opened.append(service)
        loop.run()
        return EXIT_OK
    except KernelFailure:
        return EXIT_FAILURE
    except Exception:
        log.exception("Stopping after an unexpected error")
        return EXIT_FAILURE
    finally:
        shutdown.start_deadline()
        _close(opened, publisher, health)
        if tracing:
            tracing.close()


def circuit_settings(settings: Settings) -> CircuitSettings:
    threshold = settings.circuit_failure_threshold
    if settings.max_in_flight > 1:
        # Fewer messages in flight than the threshold could never fail "in a row": all of them failing is enough.
        threshold = min(threshold, settings.max_in_flight)
    return CircuitSettings(
        failure_threshold=threshold,
        probe_min_s=settings.circuit_probe_min_ms / 1000,
        probe_max_s=settings.circuit_probe_max_ms / 1000,
        max_open_s=settings.circuit_max_open_s,
    )


def _close(services: list[Service], publisher: Publisher, health: HealthServer | None) -> None:
    for service in reversed(services):
        try:
            service.close()
        except Exception:
            log.exception("Closing %s failed", type(service).__name__)
    publisher.close()
    if health:
        health.stop()
    log.info("Stopped")
