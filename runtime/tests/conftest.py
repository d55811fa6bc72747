"""Fixtures of the runtime's own tests: messages built the way a kernel's tests build them."""

from collections.abc import Callable
from typing import Any

import pytest

from kernel_runtime import Message
from kernel_runtime.testing import build_message

SAMPLE_PAYLOAD = {"id": "order-1", "customer": "c-42", "total": 19.99}


@pytest.fixture
def sample_payload() -> dict[str, Any]:
    return dict(SAMPLE_PAYLOAD)


@pytest.fixture
def make_message() -> Callable[..., Message]:
    """Builds a Message; `value` may be bytes, str, a JSON-able object, or omitted for the sample payload."""

    def build(value: Any = SAMPLE_PAYLOAD, **fields: Any) -> Message:
        fields.setdefault("topic", "orders")
        return build_message(value, **fields)

    return build
