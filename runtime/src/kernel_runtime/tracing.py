"""OpenTelemetry tracing through Kafka headers: off unless OTEL_EXPORTER_OTLP_*ENDPOINT is set, and free when off.

Kernels depend on opentelemetry-api only. With an endpoint set, the SDK and the OTLP exporter (the `tracing`
dependency group) are loaded, and the official instrumentations of aiohttp, httpx, openai and psycopg when
installed.
Each message gets a consumer span continuing the producer's W3C `traceparent`/`tracestate`; every message the
kernel produces carries the current context onward.
"""

import importlib
import logging
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from types import MappingProxyType
from typing import Any, Protocol

from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter

from .message import Headers, Message

log = logging.getLogger(__name__)

TRACER_NAME = "kernel_runtime"
# Replaced, never duplicated, on a message the kernel produces: the copy continues the current trace.
PROPAGATION_HEADERS = frozenset({"traceparent", "tracestate"})
# Instrumentor classes by module; each is used only when its package (in the `tracing` group) is installed.
INSTRUMENTATIONS = {
    "opentelemetry.instrumentation.aiohttp_client": "AioHttpClientInstrumentor",
    "opentelemetry.instrumentation.httpx": "HTTPXClientInstrumentor",
    "opentelemetry.instrumentation.openai_v2": "OpenAIInstrumentor",
    "opentelemetry.instrumentation.psycopg": "PsycopgInstrumentor",
}


class HandlesMessages(Protocol):
    def handle(self, message: Message) -> object: ...

    def handle_async(self, message: Message) -> Coroutine[Any, Any, object]: ...


class _HeaderGetter(Getter[Headers]):
    def get(self, carrier: Headers, key: str) -> list[str] | None:
        values = [value.decode("utf-8", "replace") for name, value in carrier if name == key and value is not None]
        return values or None

    def keys(self, carrier: Headers) -> list[str]:
        return [name for name, _value in carrier]


_GETTER = _HeaderGetter()
_enabled = False


def enabled(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


class Tracing:
    """The SDK's provider while the kernel runs; `close` flushes the spans still queued."""

    def __init__(self, provider: Any, group: str, record_keys: bool) -> None:
        self._provider = provider
        self._tracer = trace.get_tracer(TRACER_NAME)
        self._group = group
        self._record_keys = record_keys

    @classmethod
    def start(cls, kernel_name: str, group: str, environ: Mapping[str, str]) -> "Tracing | None":
        """None when tracing is off or the `tracing` group is not installed (said once in the log)."""
        global _enabled
        if not enabled(environ):
            return None
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError:
            log.warning("An OTLP endpoint is set but the tracing group is not installed: uv sync --group tracing")
            return None
        # The SDK reads OTEL_TRACES_SAMPLER and its argument itself; the service name defaults to the kernel's.
        resource = Resource.create({"service.name": environ.get("OTEL_SERVICE_NAME") or kernel_name})
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        instrumented = _instrument()
        _enabled = True
        record_keys = environ.get("TRACE_MESSAGE_KEYS", "").strip().lower() == "true"
        log.info("Tracing to %s (instrumented: %s)", _endpoint(environ), ", ".join(instrumented) or "nothing")
        return cls(provider, group, record_keys)

    def wrap(self, handler: HandlesMessages) -> HandlesMessages:
        return _TracedHandler(self, handler)

    @contextmanager
    def consuming(self, message: Message) -> Iterator[None]:
        parent = propagate.extract(message.headers, getter=_GETTER)
        attributes: dict[str, str | int] = {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.operation.name": "process",
            "messaging.destination.name": message.topic,
            "messaging.destination.partition.id": str(message.partition),
            "messaging.kafka.offset": message.offset,
            "messaging.consumer.group.name": self._group,
        }
        if message.value is not None:
            attributes["messaging.message.body.size"] = len(message.value)
        if self._record_keys and message.key is not None:
            attributes["messaging.kafka.message.key"] = message.key.decode("utf-8", "replace")
        span = self._tracer.start_span(
            f"process {message.topic}", context=parent, kind=trace.SpanKind.CONSUMER, attributes=attributes
        )
        with trace.use_span(span, end_on_exit=True, record_exception=True, set_status_on_exception=True):
            yield

    def close(self) -> None:
        global _enabled
        _enabled = False
        self._provider.shutdown()


class _TracedHandler:
    def __init__(self, tracing: Tracing, handler: HandlesMessages) -> None:
        self._tracing = tracing
        self._handler = handler

    def handle(self, message: Message) -> object:
        with self._tracing.consuming(message):
            return self._handler.handle(message)

    async def handle_async(self, message: Message) -> object:
        with self._tracing.consuming(message):
            return await self._handler.handle_async(message)


def outgoing(topic: str, headers: Headers | None, produce: Callable[[Headers], None]) -> None:
    """Produces with a producer span whose context the message carries; a plain produce when tracing is off."""
    if not _enabled:
        produce(headers or [])
        return
    kept = [(name, value) for name, value in headers or [] if name not in PROPAGATION_HEADERS]
    tracer = trace.get_tracer(TRACER_NAME)
    attributes = {"messaging.system": "kafka", "messaging.operation.type": "send", "messaging.destination.name": topic}
    with tracer.start_as_current_span(f"send {topic}", kind=trace.SpanKind.PRODUCER, attributes=attributes):
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        produce(kept + [(name, value.encode("utf-8")) for name, value in carrier.items()])


class HttpSpan:
    """One HTTP request's client span: `headers` carry the trace to the API; record_status notes its answer."""

    __slots__ = ("_span", "headers")

    def __init__(self, headers: Mapping[str, str], span: Any) -> None:
        self.headers = headers
        self._span = span

    def record_status(self, status: int) -> None:
        if self._span is not None:
            self._span.set_attribute("http.response.status_code", status)
            if status >= 500:
                self._span.set_status(trace.StatusCode.ERROR)

    def __enter__(self) -> "HttpSpan":
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


# Tracing off: one shared no-op, so a request pays no generator and no span.
_UNTRACED = HttpSpan(MappingProxyType({}), None)


def traced_http_request(method: str, url: str) -> AbstractContextManager[HttpSpan]:
    """A client span around a request of an HTTP client no official instrumentation covers; nothing when off."""
    return _traced_http_request(method, url) if _enabled else _UNTRACED


@contextmanager
def _traced_http_request(method: str, url: str) -> Iterator[HttpSpan]:
    attributes = {"http.request.method": method, "url.full": url}
    with trace.get_tracer(TRACER_NAME).start_as_current_span(
        method, kind=trace.SpanKind.CLIENT, attributes=attributes
    ) as span:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        yield HttpSpan(carrier, span)


def event(name: str, attributes: Mapping[str, str | int | float]) -> None:
    """A span event on the message's consumer span (retries, the dead-letter decision); nothing when off."""
    if _enabled:
        trace.get_current_span().add_event(name, dict(attributes))


def current_trace_id() -> str | None:
    """The 32-hex-digit trace id of the message being processed, None when not traced."""
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if _enabled and span_context.is_valid else None


def _instrument() -> list[str]:
    done = []
    for module_name, class_name in INSTRUMENTATIONS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        getattr(module, class_name)().instrument()
        done.append(module_name.rsplit(".", 1)[-1])
    return done


def _endpoint(environ: Mapping[str, str]) -> str:
    return environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
