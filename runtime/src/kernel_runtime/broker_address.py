"""One rule for a Kafka broker address, host:port: create-clustera-kernel's test-run applies the same pattern.

The pattern (facts.json): a hostname or IPv4 address (ASCII letters, digits, '.', '_', '-'; no leading '.' or '-'),
or a bracketed IPv6 one, then a port.
"""

from .facts import BROKER_ADDRESS_PATTERN, MAX_PORT


def is_broker_address(text: str) -> bool:
    # fullmatch, because `$` alone would also accept a trailing newline.
    match = BROKER_ADDRESS_PATTERN.fullmatch(text)
    return match is not None and 1 <= int(match.group(1)) <= MAX_PORT


def parse_brokers(text: str) -> list[str] | None:
    """The brokers a comma-separated list names, each stripped, or None when any of them is not host:port."""
    brokers = [broker.strip() for broker in text.split(",")]
    return brokers if all(is_broker_address(broker) for broker in brokers) else None
