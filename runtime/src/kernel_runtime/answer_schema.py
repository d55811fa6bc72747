"""An ai kernel's output schema: the model's reply is validated as the answer model before it is published.

The request asks for JSON following the model's JSON Schema (`response_format` of type json_schema). A reply that is
not JSON or breaks the schema raises AnswerRejected: retried up to MAX_ATTEMPTS like any RetryableError (a model often
answers better the next time), then dead-lettered with the reason in dlq.error.class and dlq.error.message. It is not a
DependencyUnavailable: bad answers never open the circuit. The published value is the answer itself (JSON, or Avro's
binary encoding of the declared record); where it came from travels in headers.
"""

import io
import json
from pathlib import Path
from typing import Any, Generic, TypeVar

from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ValidationError

from .errors import RetryableError
from .facts import ANSWER_HEADERS
from .message import Headers, Message

AnswerT = TypeVar("AnswerT", bound=BaseModel)
# How many failing fields the error names: enough to find the problem, short enough for a header.
MAX_FIELDS = 5
# The name the request gives the schema (the API allows letters, digits, "_" and "-").
RESPONSE_FORMAT_NAME = "answer"
# Headers of every published answer, named like the dead-letter topic's (dlq.source.topic, ...); see facts.json.
SOURCE_TOPIC = ANSWER_HEADERS["sourceTopic"]
SOURCE_PARTITION = ANSWER_HEADERS["sourcePartition"]
SOURCE_OFFSET = ANSWER_HEADERS["sourceOffset"]
SOURCE_ID = ANSWER_HEADERS["sourceId"]
MODEL = ANSWER_HEADERS["model"]


class AnswerRejected(RetryableError):
    """The model's reply is not JSON or breaks the output schema.

    reason: not-json or schema; fields: the first failing fields, as dotted paths.
    """

    def __init__(self, reason: str, detail: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"answer {reason}: {detail}")
        self.reason = reason
        self.fields = fields


class AnswerSchema(Generic[AnswerT]):
    """Asks for, validates and encodes answers as `model`; `schema_file` is the JSON Schema (.json) or Avro (.avsc)."""

    def __init__(self, model: type[AnswerT], schema_file: str | Path) -> None:
        self.model = model
        self.schema_file = Path(schema_file)
        self.schema_text = self.schema_file.read_text(encoding="utf-8")
        self.is_avro = self.schema_file.suffix == ".avsc"
        self._avro_schema: Any = parsed_avro_schema(self.schema_text) if self.is_avro else None
        # Not strict: strict structured output requires every field and allows few keywords (formats, bounds), so
        # the API is asked to follow the schema and the kernel checks the reply itself.
        self.response_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": {"name": RESPONSE_FORMAT_NAME, "schema": model.model_json_schema(), "strict": False},
        }

    def parse(self, reply: str) -> AnswerT:
        """The reply as the answer model; raises AnswerRejected (retried, then dead-lettered) when it is not."""
        try:
            return self.model.model_validate_json(reply)
        except ValidationError as error:
            raise rejection(error) from error

    def encode(self, answer: AnswerT) -> bytes:
        """The value published to OUTPUT_TOPIC: the answer as JSON, or as the Avro record (schemaless, like inputs)."""
        if self._avro_schema is None:
            return answer.model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8")
        import fastavro

        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, self._avro_schema, answer.model_dump())
        return buffer.getvalue()


def provenance(message: Message[Any], request_id: str, model: str) -> Headers:
    """The headers of a published answer: which message it answers and which model gave it."""
    fields = {
        SOURCE_TOPIC: message.topic,
        SOURCE_PARTITION: str(message.partition),
        SOURCE_OFFSET: str(message.offset),
        SOURCE_ID: request_id,
        MODEL: model,
    }
    return [(name, value.encode("utf-8")) for name, value in fields.items()]


def parsed_avro_schema(text: str) -> Any:
    # Imported here, as in schema.py: fastavro is only needed by Avro kernels.
    import fastavro

    return fastavro.parse_schema(json.loads(text))


def rejection(error: ValidationError) -> AnswerRejected:
    errors = error.errors(include_url=False)
    if errors and errors[0]["type"] == "json_invalid":
        return AnswerRejected("not-json", f"the reply is not JSON: {errors[0]['msg']}")
    fields = tuple(".".join(str(part) for part in e["loc"]) or "(value)" for e in errors[:MAX_FIELDS]) or ("(value)",)
    first = errors[0]["msg"] if errors else str(error)
    detail = f"{len(errors)} field(s) break the output schema, first {fields[0]}: {first} (fields: {', '.join(fields)})"
    return AnswerRejected("schema", detail, fields)
