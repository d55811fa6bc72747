"""Logging: every line carries the kernel's name; LOG_FORMAT=json gives one JSON object per line."""

import json
import logging
import sys
from datetime import UTC, datetime

# Client libraries log every request at INFO; one line per message would drown the kernel's own logs.
CHATTY_LOGGERS = ("httpx", "httpcore")
LIBRDKAFKA_LOGGER = "librdkafka"


class TextFormatter(logging.Formatter):
    def __init__(self, kernel_name: str) -> None:
        super().__init__(f"%(asctime)s %(levelname)-7s [{kernel_name}] %(message)s")


class JsonFormatter(logging.Formatter):
    def __init__(self, kernel_name: str) -> None:
        super().__init__()
        self._kernel_name = kernel_name

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "kernel": self._kernel_name,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(kernel_name: str, level: str, log_format: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(kernel_name) if log_format == "json" else TextFormatter(kernel_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # librdkafka logs each reconnect attempt; error_cb reports problems once, so its own log is for debugging.
    logging.getLogger(LIBRDKAFKA_LOGGER).setLevel(logging.DEBUG if level == "DEBUG" else logging.CRITICAL)
