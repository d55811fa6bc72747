"""Tracing through Kafka headers: the consumer span continues the producer's trace, and every produced message
(output or dead letter) carries the trace onward; retries and the dead-letter decision are span events."""

import asyncio
import threading

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from kernel_runtime import tracing as tracing_module
from kernel_runtime.dead_letter import DeadLetters
from kernel_runtime.metrics import Metrics
from kernel_runtime.processor import Processor
from kernel_runtime.publisher import Publisher
from kernel_runtime.retry import Backoff
from kernel_runtime.testing import FakeProducer
from kernel_runtime.tracing import Tracing, enabled

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PRODUCER_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PRODUCER_SPAN_ID}-01"
GROUP = "orders-group"

_exporter = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def provider():
    # The global provider can be set once per process; every test here records into the same exporter.
    sdk = TracerProvider()
    sdk.add_span_processor(SimpleSpanProcessor(_exporter))
    trace.set_tracer_provider(sdk)
    return sdk


@pytest.fixture
def spans(monkeypatch, provider):
    _exporter.clear()
    monkeypatch.setattr(tracing_module, "_enabled", True)
    return _exporter


def traced_processor(process, producer: FakeProducer, *, dlq: str | None = None, record_keys: bool = False):
    publisher = Publisher(producer, ack_timeout_s=1.0)
    processor = Processor(
        process,
        max_attempts=2,
        backoff=Backoff(first_ms=0, max_ms=0),
        dead_letters=DeadLetters(publisher, dlq, GROUP) if dlq else None,
        metrics=Metrics(),
        stop=threading.Event(),
    )
    return Tracing(trace.get_tracer_provider(), GROUP, record_keys).wrap(processor), publisher


def hex_ids(span) -> tuple[str, str]:
    return format(span.context.trace_id, "032x"), format(span.context.span_id, "016x")


def test_consumer_span_continues_the_producers_trace_with_messaging_attributes(spans, make_message):
    message = make_message(key=b"customer-42", offset=7, partition=2, headers=[("traceparent", TRACEPARENT.encode())])
    handler, publisher = traced_processor(lambda m: True, FakeProducer())

    handler.handle(message)
    publisher.close()

    [span] = spans.get_finished_spans()
    assert span.name == f"process {message.topic}"
    assert span.kind == trace.SpanKind.CONSUMER
    assert hex_ids(span)[0] == TRACE_ID
    assert format(span.parent.span_id, "016x") == PRODUCER_SPAN_ID
    assert span.attributes["messaging.system"] == "kafka"
    assert span.attributes["messaging.operation.type"] == "process"
    assert span.attributes["messaging.destination.name"] == message.topic
    assert span.attributes["messaging.destination.partition.id"] == "2"
    assert span.attributes["messaging.kafka.offset"] == 7
    assert span.attributes["messaging.consumer.group.name"] == GROUP
    assert "messaging.kafka.message.key" not in span.attributes, "keys may be personal data: only on request"


def test_message_key_is_recorded_only_when_asked(spans, make_message):
    handler, publisher = traced_processor(lambda m: True, FakeProducer(), record_keys=True)

    handler.handle(make_message(key=b"customer-42"))
    publisher.close()

    [span] = spans.get_finished_spans()
    assert span.attributes["messaging.kafka.message.key"] == "customer-42"


def test_a_produced_message_carries_the_current_context_onward(spans, make_message):
    producer = FakeProducer()
    incoming = [("traceparent", TRACEPARENT.encode()), ("tracestate", b"vendor=1")]

    def forward(message):
        publisher.publish("results", b"answer", key=message.key, headers=list(message.headers))

    handler, publisher = traced_processor(forward, producer)
    handler.handle(make_message(headers=incoming))
    publisher.close()

    consumer_span = next(s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.CONSUMER)
    send_span = next(s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.PRODUCER)
    assert send_span.name == "send results"
    assert send_span.parent.span_id == consumer_span.context.span_id
    [output] = producer.produced
    assert [name for name, _ in output.headers].count("traceparent") == 1
    assert output.header("traceparent") == f"00-{TRACE_ID}-{hex_ids(send_span)[1]}-01"


def test_retries_and_the_dead_letter_decision_are_span_events_and_the_dead_letter_names_the_trace(spans, make_message):
    producer = FakeProducer()
    handler, publisher = traced_processor(lambda m: False, producer, dlq="orders.dlq")

    handler.handle(make_message(headers=[("traceparent", TRACEPARENT.encode())]))
    publisher.close()

    consumer_span = next(s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.CONSUMER)
    assert [event.name for event in consumer_span.events] == ["retry", "dead_letter"]
    assert consumer_span.events[1].attributes["topic"] == "orders.dlq"
    [dead] = producer.produced
    assert dead.header("dlq.trace.id") == TRACE_ID
    assert (dead.header("traceparent") or "").split("-")[1] == TRACE_ID


def test_async_process_message_runs_inside_the_same_span(spans, make_message):
    seen = []

    async def process(message):
        seen.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))

    handler, publisher = traced_processor(process, FakeProducer())
    asyncio.run(handler.handle_async(make_message(headers=[("traceparent", TRACEPARENT.encode())])))
    publisher.close()

    assert seen == [TRACE_ID]

    [span] = spans.get_finished_spans()
    assert hex_ids(span)[0] == TRACE_ID


def test_off_unless_an_otlp_endpoint_is_set():
    assert not enabled({})
    assert enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert enabled({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"})
    assert not enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318", "OTEL_SDK_DISABLED": "true"})
    assert not enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318", "OTEL_TRACES_EXPORTER": "none"})
    assert Tracing.start("k", GROUP, {}) is None


def test_an_http_request_gets_a_client_span_whose_headers_carry_the_trace(spans):
    tracer = trace.get_tracer("test")
    with (
        tracer.start_as_current_span("process orders") as parent,
        tracing_module.traced_http_request("POST", "http://api.test/events") as span,
    ):
        headers = dict(span.headers)
        span.record_status(503)

    [request_span, parent_span] = spans.get_finished_spans()
    assert request_span.name == "POST"
    assert request_span.kind == trace.SpanKind.CLIENT
    assert request_span.parent.span_id == parent.get_span_context().span_id
    assert request_span.attributes["url.full"] == "http://api.test/events"
    assert request_span.attributes["http.response.status_code"] == 503
    assert request_span.status.status_code == trace.StatusCode.ERROR
    span_id = format(request_span.context.span_id, "016x")
    assert headers["traceparent"].startswith(f"00-{format(request_span.context.trace_id, '032x')}-{span_id}-")
    assert parent_span.name == "process orders"


def test_an_http_request_has_no_span_and_no_headers_when_tracing_is_off(monkeypatch):
    _exporter.clear()
    monkeypatch.setattr(tracing_module, "_enabled", False)
    with tracing_module.traced_http_request("POST", "http://api.test/events") as span:
        span.record_status(200)
        assert dict(span.headers) == {}
    assert _exporter.get_finished_spans() == ()
