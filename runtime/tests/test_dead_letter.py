"""A dead letter keeps the message as it was and names its origin: set once, carried across replays."""

from kernel_runtime.dead_letter import DeadLetters, dead_letter_headers
from kernel_runtime.facts import DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS
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


REPLAYED: list[tuple[str, bytes | None]] = [
    (ORIGIN[0], b"orders"),
    (ORIGIN[1], b"2"),
    (ORIGIN[2], b"41"),
    (REPLAY_HEADERS["count"], b"1"),
]


def test_a_replayed_message_takes_its_origin_as_its_idempotency_key():
    message = build_message(b"{}", topic="orders", partition=0, offset=900, headers=REPLAYED)

    assert message.origin == ("orders", 2, 41)
    assert message.origin_ref == "orders-2-41"


def test_any_other_message_is_its_own_origin():
    plain = build_message(b"{}", topic="orders", partition=1, offset=7)
    # origin.* without the replay's headers (not sent by a replay) is not taken as one.
    not_replayed = build_message(b"{}", topic="orders", partition=1, offset=7, headers=REPLAYED[:3])
    broken = build_message(b"{}", topic="orders", partition=1, offset=7, headers=[*REPLAYED[:2], (ORIGIN[2], b"x")])

    assert plain.origin_ref == not_replayed.origin_ref == plain.ref == "orders-1-7"
    assert broken.origin == ("orders", 1, 7)
