"""What every client of the operator's commands shares: the kernel's broker and security, and quiet librdkafka logs."""

import logging
from typing import Any

from ..kafka_config import security_config
from ..logs import LIBRDKAFKA_LOGGER
from ..settings import Settings


def client_config(settings: Settings, purpose: str) -> dict[str, Any]:
    """The kernel's brokers, TLS and SASL, a client id naming the command, and librdkafka's lines through logging."""
    return {
        "bootstrap.servers": settings.bootstrap_servers,
        "client.id": f"{settings.kernel_name}-{purpose}",
        "logger": logging.getLogger(LIBRDKAFKA_LOGGER),
        "log.connection.close": False,
        **security_config(settings),
    }


def quiet_client_logs() -> None:
    """librdkafka's own lines (a coordinator still loading, a refused connection retried every few ms) are not the
    operator's business: what fails reaches them as the one line of the error it raises."""
    logging.getLogger(LIBRDKAFKA_LOGGER).setLevel(logging.CRITICAL)
