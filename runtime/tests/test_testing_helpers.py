"""The helpers kernels test their own process_message with: each outcome as the runtime would reach it."""

import json

from kernel_runtime import DependencyUnavailable, RetryableError, SkipMessage
from kernel_runtime.testing import TEST_DLQ_TOPIC, FakeProducer, build_message, deliver


def test_build_message_encodes_text_as_utf8_and_other_values_as_json():
    assert build_message("héllo").value == "héllo".encode()
    assert build_message({"id": 1}).value == json.dumps({"id": 1}).encode()
    assert build_message(b"\xff").value == b"\xff"
    assert build_message(None).value is None
    assert build_message(key="k-1").key == b"k-1"


def test_a_processed_message_is_committed_once():
    calls = []

    delivery = deliver(lambda message: calls.append(message.offset), build_message({"id": 1}, offset=7))

    assert (delivery.result, delivery.attempts, delivery.committed) == ("processed", 1, True)
    assert calls == [7]
    assert delivery.dead_letter is None


def test_a_skipped_message_is_dead_lettered_with_its_reason_and_committed():
    def reject(message):
        raise SkipMessage("not an order")

    delivery = deliver(reject, build_message(b"junk", key=b"k"))

    assert (delivery.result, delivery.attempts, delivery.committed) == ("dead_lettered", 1, True)
    assert delivery.dead_letter is not None
    assert delivery.dead_letter.topic == TEST_DLQ_TOPIC
    assert delivery.dead_letter.value == b"junk"
    assert delivery.dead_letter.header("dlq.error.class") == "SkipMessage"
    assert delivery.dead_letter.header("dlq.error.message") == "not an order"


def test_without_a_dlq_a_skipped_message_is_committed_and_reported_skipped():
    def reject(message):
        raise SkipMessage("not an order")

    delivery = deliver(reject, build_message(b"junk"), dlq_topic=None)

    assert (delivery.result, delivery.committed) == ("skipped", True)


def test_a_retryable_failure_is_retried_until_it_succeeds():
    attempts = []

    def flaky(message):
        attempts.append(1)
        if len(attempts) < 3:
            raise RetryableError("try again")
        return True

    delivery = deliver(flaky, build_message("x"), max_attempts=3)

    assert (delivery.result, delivery.attempts, delivery.committed) == ("processed", 3, True)


def test_exhausted_retries_without_a_dlq_stop_the_kernel_without_committing():
    def always_false(message):
        return False

    delivery = deliver(always_false, build_message("x"), dlq_topic=None, max_attempts=2)

    assert (delivery.result, delivery.attempts, delivery.committed) == ("stopped", 2, False)
    assert delivery.failure is not None


def test_an_unexpected_error_stops_the_kernel_without_committing():
    def broken(message):
        raise KeyError("total")

    delivery = deliver(broken, build_message("x"))

    assert (delivery.result, delivery.committed) == ("stopped", False)


def test_an_async_process_message_runs_on_the_runtime_loop():
    async def process(message):
        return True

    assert deliver(process, build_message("x")).result == "processed"


def test_a_dependency_failure_is_retried_and_never_dead_lettered_while_attempts_remain():
    attempts = []

    def outage_then_back(message):
        attempts.append(1)
        if len(attempts) == 1:
            raise DependencyUnavailable("api down", dependency="api")
        return True

    delivery = deliver(outage_then_back, build_message("x"))

    assert (delivery.result, delivery.attempts) == ("processed", 2)
    assert delivery.dead_letter is None


def test_what_process_message_publishes_is_reported():
    producer = FakeProducer()

    def publish(message):
        producer.produce("answers", value=b"42", key=message.key)
        producer.flush()

    delivery = deliver(publish, build_message("x", key=b"k"), producer=producer)

    assert [(p.topic, p.value, p.key) for p in delivery.produced] == [("answers", b"42", b"k")]
