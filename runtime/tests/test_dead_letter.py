"""A dead letter keeps the message as it was and names its origin: set once, carried across replays."""

from kernel_runtime.dead_letter import DeadLetters, dead_letter_headers
from kernel_runtime.facts import DEAD_LETTER_HEADERS, ORIGIN_HEADERS
from kernel_runtime.publisher import Publisher
from kernel_runtime.testing import FakeProducer, build_message

ORIGIN = (ORIGIN_HEADERS["topic"], ORIGIN_HEADERS["partition"], ORIGIN_HEADERS["offset"])


def header_values(headers: list[tuple[str, bytes | None]], name: str) -> list[bytes | None]:
    return [value for key, value in headers if key == name]


def test_a_first_dead_lettering_names_the_source_as_the_origin():
    message = build_message(b"{}", topic="orders", partition=2, offset=41)

    headers = dict(dead_letter_headers(message, ValueError("bad"), 3, "orders-group"))

    assert [headers[name] for name in ORIGIN] == [b"orders", b"2", b"41"]
    assert [headers[DEAD_LETTER_HEADERS[key]] for key in ("sourceTopic", "sourcePartition", "sourceOffset")] == [
        b"orders",
        b"2",
        b"41",
    ]


def test_a_replayed_message_keeps_its_origin_when_dead_lettered_again():
    replayed = build_message(
        b"{}",
        topic="orders",
        partition=0,
        offset=900,
        headers=[("trace", b"t"), (ORIGIN[0], b"orders"), (ORIGIN[1], b"2"), (ORIGIN[2], b"41")],
    )
    producer = FakeProducer()
    publisher = Publisher(producer)

    DeadLetters(publisher, "orders.dlq", "orders-group").send(replayed, ValueError("still bad"), 1)
    publisher.close()

    [letter] = producer.produced
    assert [header_values(letter.headers, name) for name in ORIGIN] == [[b"orders"], [b"2"], [b"41"]]
    assert letter.header(DEAD_LETTER_HEADERS["sourceOffset"]) == "900"
    assert letter.headers[0] == ("trace", b"t")


def test_a_dead_letter_keeps_the_key_value_and_timestamp():
    message = build_message(b"\xff\x00", key=b"k-1", timestamp=1_700_000_000_123)
    producer = FakeProducer()
    publisher = Publisher(producer)

    DeadLetters(publisher, "dlq", "group").send(message, ValueError("x"), 1)
    publisher.close()

    [letter] = producer.produced
    assert (letter.key, letter.value, letter.timestamp) == (b"k-1", b"\xff\x00", 1_700_000_000_123)
