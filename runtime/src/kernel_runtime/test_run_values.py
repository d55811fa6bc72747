"""What `create-clustera-kernel test-run` produces to a kernel with a schema, encoded as the kernel reads it.

`python -m kernel_runtime.test_run_values [--invalid N]` prints one JSON object per line: `value` (base64) and
`expect` (`valid`, or the dlq.schema.failure reason the kernel must give). Every sample of tests/sample_messages.jsonl
is checked against the schema first: one that breaks it is named on stderr and the exit code is 2.
"""

import argparse
import base64
import importlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import fastavro

from .errors import SchemaViolation
from .message import Message
from .schema import PayloadSchema

SAMPLES = Path("tests") / "sample_messages.jsonl"
EXIT_BAD_SAMPLE = 2


def encode(schema: PayloadSchema[Any], sample: Any) -> bytes:
    """A sample as a producer would send it: JSON text, or the record in Avro's binary encoding."""
    if not schema.is_avro:
        return json.dumps(sample).encode("utf-8")
    buffer = io.BytesIO()
    record = schema.model.model_validate(sample).model_dump()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(json.loads(schema.schema_text)), record)
    return buffer.getvalue()


def invalid_values(schema: PayloadSchema[Any], valid: bytes, count: int) -> list[tuple[bytes, str]]:
    """`count` values breaking the schema in turn in different ways, each with the reason the kernel must give."""
    ways: list[tuple[bytes, str]]
    if schema.is_avro:
        ways = [(b"", "not-avro"), (valid[: len(valid) // 2], "not-avro"), (valid + b"\x00\x01", "not-avro")]
    else:
        ways = [(b"[]", "schema"), (b"{", "not-json"), (b"\xff\xfe\x00", "not-utf8"), (b'"text"', "schema")]
        required = next((f.alias or n for n, f in schema.model.model_fields.items() if f.is_required()), None)
        if required is not None:
            broken = {**json.loads(valid), required: [[[]]]}
            ways.append((json.dumps(broken).encode("utf-8"), "schema"))
    return [ways[i % len(ways)] for i in range(count)]


def checked_samples(schema: PayloadSchema[Any], path: Path) -> list[bytes]:
    values = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        value = encode(schema, json.loads(line)) if schema.is_avro else line.encode("utf-8")
        try:
            schema.decode(Message(topic="test-run", partition=0, offset=number, value=value))
        except SchemaViolation as violation:
            raise SystemExit(f"{path.as_posix()} line {number} breaks the schema: {violation}") from violation
        except ValueError as error:
            raise SystemExit(f"{path.as_posix()} line {number} breaks the schema: {error}") from error
        values.append(value)
    if not values:
        raise SystemExit(f"{path.as_posix()} has no sample")
    return values


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invalid", type=int, default=0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path.cwd()))
    # The kernel's main.py: its SCHEMA is what the running kernel validates with.
    schema: PayloadSchema[Any] = importlib.import_module("main").SCHEMA
    try:
        valid = checked_samples(schema, SAMPLES)
    except SystemExit as stop:
        print(stop.code, file=sys.stderr)
        return EXIT_BAD_SAMPLE
    lines = [{"value": base64.b64encode(v).decode("ascii"), "expect": "valid"} for v in valid]
    for value, reason in invalid_values(schema, valid[0], args.invalid):
        lines.append({"value": base64.b64encode(value).decode("ascii"), "expect": reason})
    for line in lines:
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
