"""A kernel's declared schema: every value is decoded and validated into its model before process_message sees it.

JSON Schema kernels take JSON values, Avro kernels Avro's binary encoding of the declared record. With
SCHEMA_REGISTRY_URL set, values in Confluent's wire format (magic byte 0, a 4-byte schema id) are decoded with
confluent-kafka's own schema-registry deserializers; the kernel only reads the registry, it never registers a schema.
"""

import functools
import inspect
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .env import Env
from .errors import KernelFailure, SchemaViolation
from .message import Message, set_payload
from .service import Runtime, Service

log = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)
ProcessResult = bool | None
# How many failing fields the DLQ header names: enough to find the problem, short enough for a header.
MAX_FIELDS = 5
WIRE_MAGIC_BYTE = 0
WIRE_HEADER_BYTES = 5


class SchemaIncompatible(KernelFailure):
    """The registry's latest schema for the subject cannot be read with the kernel's declared schema."""


class PayloadSchema(Service, Generic[ModelT]):
    """Decodes and validates values as `model`; `schema_file` is the JSON Schema (.json) or Avro schema (.avsc)."""

    def __init__(self, model: type[ModelT], schema_file: str | Path) -> None:
        self.model = model
        self.schema_file = Path(schema_file)
        self.schema_text = self.schema_file.read_text(encoding="utf-8")
        self.is_avro = self.schema_file.suffix == ".avsc"
        self._avro_schema: Any = parsed_avro_schema(self.schema_text) if self.is_avro else None
        self._registry_conf: dict[str, str] | None = None
        self._subject: str | None = None
        self._wire_decoder: Callable[[bytes, str], Any] | None = None
        # Bound once: the per-message path then makes no attribute lookups on the model class.
        self._validate_json = model.model_validate_json
        self._validate = model.model_validate
        # JSON values with no registry in play: checked() then validates inline, without a call to decode().
        self._plain_json = not self.is_avro

    def configure(self, env: Env) -> None:
        url = env.url("SCHEMA_REGISTRY_URL", schemes=("http", "https", "mock"))
        if url is None:
            return
        self._registry_conf = {"url": url}
        user_info = env.text("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
        if user_info:
            self._registry_conf |= {"basic.auth.credentials.source": "USER_INFO", "basic.auth.user.info": user_info}
        self._subject = env.text("SCHEMA_REGISTRY_SUBJECT")

    def open(self, runtime: Runtime) -> None:
        if self._registry_conf is None:
            return
        subject = self._subject or f"{runtime.settings.topic}-value"
        self._wire_decoder = registry_decoder(self._registry_conf, subject, self.schema_text, is_avro=self.is_avro)
        self._plain_json = False

    def decode(self, message: Message[Any]) -> ModelT:
        """The value as the model; raises SchemaViolation (never retried) when it cannot be."""
        value = message.value
        if value is None:
            raise SchemaViolation("schema", "message has no value")
        try:
            if self._wire_decoder is not None and is_wire_format(value):
                return self._validate(self._from_wire(value, message.topic))
            if self._avro_schema is not None:
                return self._validate(self._from_avro(value))
            # The common case in one call: pydantic parses and validates the JSON bytes in Rust.
            return self._validate_json(value)
        except ValidationError as error:
            raise violation(error, value) from error

    def checked(self, process: Callable[..., Any]) -> Callable[..., Any]:
        """process_message behind validation: a bad value raises before the user's code runs, on every attempt."""
        decode = self.decode

        # A retried message keeps the payload decoded on its first attempt.
        if inspect.iscoroutinefunction(process):

            @functools.wraps(process)
            async def checked_async(message: Message[Any]) -> ProcessResult:
                if message.payload is None:
                    set_payload(message, decode(message))
                result: ProcessResult = await process(message)
                return result

            return checked_async

        validate_json = self._validate_json

        # The one-message-at-a-time path, where a call saved per message shows (bench/kernel-schema-throughput.sh).
        @functools.wraps(process)
        def checked_sync(message: Message[Any]) -> ProcessResult:
            if message.payload is None:
                value = message.value
                if self._plain_json and value is not None:
                    try:
                        set_payload(message, validate_json(value))
                    except ValidationError as error:
                        raise violation(error, value) from error
                else:
                    set_payload(message, decode(message))
            result: ProcessResult = process(message)
            return result

        return checked_sync

    def _from_avro(self, value: bytes) -> Any:
        import fastavro

        buffer = io.BytesIO(value)
        try:
            data = fastavro.schemaless_reader(buffer, self._avro_schema, None)
        except Exception as error:
            raise SchemaViolation("not-avro", f"value is not Avro of the declared schema: {error!r}") from error
        if buffer.tell() != len(value):
            raise SchemaViolation("not-avro", f"{len(value) - buffer.tell()} bytes left after the Avro record")
        return data

    def _from_wire(self, value: bytes, topic: str) -> Any:
        assert self._wire_decoder is not None
        try:
            return self._wire_decoder(value, topic)
        except Exception as error:
            reason = "not-avro" if self.is_avro else "schema"
            raise SchemaViolation(reason, f"the registry's deserializer refused the value: {error}") from error


def parsed_avro_schema(text: str) -> Any:
    # Imported here: fastavro adds about 50 ms to the start-up of a kernel that reads JSON.
    import fastavro

    return fastavro.parse_schema(json.loads(text))


def violation(error: ValidationError, value: bytes) -> SchemaViolation:
    """Names why the value was refused: not UTF-8, not JSON, or the first fields that broke the schema."""
    errors = error.errors(include_url=False)
    if errors and errors[0]["type"] == "json_invalid":
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            return SchemaViolation("not-utf8", f"value is not UTF-8: {decode_error}")
        return SchemaViolation("not-json", f"value is not JSON: {errors[0]['msg']}")
    fields = tuple(".".join(str(part) for part in e["loc"]) or "(value)" for e in errors[:MAX_FIELDS])
    first = errors[0]["msg"] if errors else str(error)
    return SchemaViolation("schema", f"{len(errors)} field(s) break the schema, first {fields[0]}: {first}", fields)


def is_wire_format(value: bytes) -> bool:
    return len(value) >= WIRE_HEADER_BYTES and value[0] == WIRE_MAGIC_BYTE


def registry_decoder(
    conf: dict[str, str], subject: str, schema_text: str, *, is_avro: bool
) -> Callable[[bytes, str], Any]:
    """Checks the subject's latest schema against the declared one, then returns confluent-kafka's deserializer."""
    from confluent_kafka.schema_registry import Schema, SchemaRegistryError
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    client = new_registry_client(conf)
    declared = Schema(schema_text, "AVRO" if is_avro else "JSON")
    try:
        compatible = client.test_compatibility(subject, declared)
    except SchemaRegistryError as error:
        if error.http_status_code != 404:
            raise
        log.warning("Schema registry has no schema for subject %s yet; nothing to check", subject)
        compatible = True
    if not compatible:
        raise incompatible(subject)
    log.info("Schema registry: the declared schema is compatible with subject %s", subject)
    deserializer: Callable[[bytes, SerializationContext], Any]
    if is_avro:
        deserializer = AvroDeserializer(client, schema_text)
    else:
        deserializer = JSONDeserializer(schema_text, schema_registry_client=client)

    def decode(value: bytes, topic: str) -> Any:
        return deserializer(value, SerializationContext(topic, MessageField.VALUE))

    return decode


def new_registry_client(conf: dict[str, str]) -> Any:
    """confluent-kafka's client; a `mock://` URL gives its in-memory MockSchemaRegistryClient (a stand-in for tests)."""
    from confluent_kafka.schema_registry import SchemaRegistryClient

    return SchemaRegistryClient.new_client(conf)


def incompatible(subject: str) -> SchemaIncompatible:
    text = (
        f"The schema registry's latest schema for subject {subject} is incompatible with the kernel's declared schema; "
        "update schemas/ and regenerate the model, or point SCHEMA_REGISTRY_SUBJECT at the right subject"
    )
    log.error("%s", text)
    return SchemaIncompatible(text)
