"""The hello-world kernel: JSON values are decoded and logged, other text is logged as text, bytes that are
not even UTF-8 are skipped (dead-lettered when DLQ_TOPIC is set)."""

import logging

import pytest

from kernel_runtime import SkipMessage
from kernel_runtime.testing import build_message, deliver
from main import process_message


def test_logs_the_decoded_json_payload(make_message, sample_payload, caplog):
    with caplog.at_level(logging.INFO):
        assert process_message(make_message()) is True

    assert repr(sample_payload) in caplog.text


def test_logs_values_that_are_not_json_instead_of_failing(make_message, caplog):
    with caplog.at_level(logging.INFO):
        assert process_message(make_message(b"plain text")) is True
        assert process_message(make_message(None)) is True

    assert "plain text" in caplog.text
    assert "with no value" in caplog.text


def test_skips_values_that_are_not_utf8(make_message):
    with pytest.raises(SkipMessage):
        process_message(make_message(b"\xff\xfe binary"))


def test_a_value_that_is_not_utf8_is_dead_lettered_and_committed():
    delivery = deliver(process_message, build_message(b"\xff\xfe binary"))

    assert delivery.result == "dead_lettered"
    assert delivery.committed
    assert delivery.dead_letter is not None
    assert delivery.dead_letter.header("dlq.error.class") == "SkipMessage"
