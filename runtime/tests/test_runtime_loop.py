"""The runtime's processing contract, driven through ConsumerLoop with fake Kafka clients."""

import logging

import pytest
from confluent_kafka import KafkaError

from kernel_runtime import RetryableError, SkipMessage
from kernel_runtime.errors import ProcessingFailed, PublishFailed, RetriesExhausted
from kernel_runtime.retry import Backoff
from kernel_runtime.testing import GROUP, FakeProducer, run_loop

DLQ = "kernel.dlq"


def test_commits_offsets_once_processing_succeeded(make_message):
    messages = [make_message(offset=offset) for offset in range(3)]

    run = run_loop(lambda message: True, messages)

    assert run.failure is None
    assert run.calls == [0, 1, 2]
    assert run.consumer.committed == {(messages[0].topic, 0): 3}
    assert run.consumer.commit_calls == 1, "one commit at shutdown, not one per message"
    assert run.consumer.closed
    assert run.metrics.messages("processed") == 3


def test_returning_none_counts_as_done(make_message):
    run = run_loop(lambda message: None, [make_message()])

    assert run.failure is None
    assert run.metrics.messages("processed") == 1
    assert run.consumer.committed == {(make_message().topic, 0): 1}


def test_retryable_error_is_retried_until_it_succeeds(make_message):
    outcomes = [RetryableError("busy"), RetryableError("still busy"), True]

    def flaky(message):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    run = run_loop(flaky, [make_message()], max_attempts=3)

    assert run.failure is None
    assert run.calls == [0, 0, 0]
    assert run.producer.produced == []
    assert run.consumer.committed == {(make_message().topic, 0): 1}


def test_exhausted_retries_go_to_the_dead_letter_topic_with_source_headers(make_message):
    message = make_message(key=b"order-7", offset=4, headers=[("trace", b"abc")])

    run = run_loop(lambda m: False, [message], dlq_topic=DLQ, max_attempts=3)

    assert run.failure is None
    assert run.calls == [4, 4, 4]
    [dead] = run.producer.produced
    assert (dead.topic, dead.key, dead.value) == (DLQ, b"order-7", message.value)
    assert ("trace", b"abc") in dead.headers
    assert dead.header("dlq.source.topic") == message.topic
    assert dead.header("dlq.source.partition") == "0"
    assert dead.header("dlq.source.offset") == "4"
    assert dead.header("dlq.group") == GROUP
    assert dead.header("dlq.error.class") == "RetryableError"
    assert dead.header("dlq.error.message") == "process_message returned False"
    assert dead.header("dlq.attempts") == "3"
    assert dead.header("dlq.time")
    assert run.consumer.committed == {(message.topic, 0): 5}
    assert run.metrics.messages("dead_lettered") == 1


def test_skipped_message_goes_to_the_dead_letter_topic_without_retry(make_message):
    def reject(message):
        raise SkipMessage("not an order")

    run = run_loop(reject, [make_message()], dlq_topic=DLQ)

    assert run.calls == [0]
    [dead] = run.producer.produced
    assert dead.header("dlq.error.class") == "SkipMessage"
    assert dead.header("dlq.error.message") == "not an order"
    assert dead.header("dlq.attempts") == "1"
    assert run.consumer.committed == {(make_message().topic, 0): 1}


def test_skipped_message_without_dead_letter_topic_is_logged_and_committed(make_message, caplog):
    def reject(message):
        raise SkipMessage("not an order")

    with caplog.at_level(logging.WARNING):
        run = run_loop(reject, [make_message(), make_message(offset=1)])

    assert run.failure is None
    assert run.calls == [0, 1]
    assert "not an order" in caplog.text
    assert run.consumer.committed == {(make_message().topic, 0): 2}
    assert run.metrics.messages("skipped") == 2


def test_unexpected_exception_stops_without_committing_that_message(make_message):
    def explode_on_second(message):
        if message.offset == 1:
            raise KeyError("boom")
        return True

    run = run_loop(explode_on_second, [make_message(offset=offset) for offset in range(3)], dlq_topic=DLQ)

    assert isinstance(run.failure, ProcessingFailed)
    assert run.calls == [0, 1], "nothing after the failed message is processed"
    assert run.consumer.committed == {(make_message().topic, 0): 1}, "offset 0 committed, offset 1 not"
    assert run.producer.produced == [], "fatal errors are not dead-lettered"
    assert run.consumer.closed


def test_exhausted_retries_without_dead_letter_topic_stop_without_committing(make_message):
    def always_busy(message):
        if message.offset == 0:
            return True
        raise RetryableError("down")

    run = run_loop(always_busy, [make_message(offset=0), make_message(offset=1)], max_attempts=2)

    assert isinstance(run.failure, RetriesExhausted)
    assert run.calls == [0, 1, 1]
    assert run.consumer.committed == {(make_message().topic, 0): 1}


def test_failed_dead_letter_write_stops_without_committing(make_message):
    producer = FakeProducer(fail_with=KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED))

    run = run_loop(lambda m: False, [make_message()], dlq_topic=DLQ, max_attempts=1, producer=producer)

    assert isinstance(run.failure, PublishFailed)
    assert run.consumer.committed == {}


def test_backoff_doubles_with_jitter_and_honours_retry_after():
    backoff = Backoff(first_ms=100, max_ms=1000)

    assert 0.05 <= backoff.delay_s(1) <= 0.1
    assert 0.2 <= backoff.delay_s(3) <= 0.4
    assert 0.5 <= backoff.delay_s(10) <= 1.0
    assert backoff.delay_s(1, retry_after_s=0.7) == pytest.approx(0.7)
    assert backoff.delay_s(1, retry_after_s=60) == pytest.approx(1.0), "capped at RETRY_BACKOFF_MAX_MS"
