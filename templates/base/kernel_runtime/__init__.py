"""The kernel runtime: configuration, the at-least-once consumer loop, retries, dead letters, health.

main.py and the kind modules use only the names exported here; the rest may change with `update`.
"""

from .env import Env
from .errors import RetryableError, SkipMessage
from .message import Message
from .publisher import Publisher
from .runner import Runtime, run
from .service import Service

__all__ = ["Env", "Message", "Publisher", "RetryableError", "Runtime", "Service", "SkipMessage", "run"]
