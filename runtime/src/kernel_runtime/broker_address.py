"""One rule for a Kafka broker address, host:port: create-clustera-kernel's test-run applies the same pattern."""

import re

# A hostname or IPv4 address (ASCII letters, digits, '.', '_', '-'; no leading '.' or '-'), or a bracketed IPv6 one.
BROKER_ADDRESS = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]):([0-9]{1,5})$")
MAX_PORT = 65535


def is_broker_address(text: str) -> bool:
    # fullmatch, because `$` alone would also accept a trailing newline.
    match = BROKER_ADDRESS.fullmatch(text)
    return match is not None and 1 <= int(match.group(1)) <= MAX_PORT


def parse_brokers(text: str) -> list[str] | None:
    """The brokers a comma-separated list names, each stripped, or None when any of them is not host:port."""
    brokers = [broker.strip() for broker in text.split(",")]
    return brokers if all(is_broker_address(broker) for broker in brokers) else None
