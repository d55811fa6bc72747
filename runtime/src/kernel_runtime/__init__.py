"""The kernel runtime: configuration, the at-least-once consumer loop, retries, dead letters, health.

main.py, the kind modules and the tests use only the names exported here; the rest may change with `update`.
"""

from .env import Env
from .errors import ConfigError, DependencyUnavailable, RetryableError, SchemaViolation, SkipMessage
from .kafka_config import security_config
from .message import Message
from .publisher import Publisher
from .runner import EXIT_OK, run, serve
from .service import Runtime, Service
from .settings import Settings, load_settings
from .shutdown import Shutdown
from .tracing import traced_http_request

__all__ = [
    "EXIT_OK",
    "ConfigError",
    "DependencyUnavailable",
    "Env",
    "Message",
    "Publisher",
    "RetryableError",
    "Runtime",
    "SchemaViolation",
    "Service",
    "Settings",
    "Shutdown",
    "SkipMessage",
    "load_settings",
    "run",
    "security_config",
    "serve",
    "traced_http_request",
]
