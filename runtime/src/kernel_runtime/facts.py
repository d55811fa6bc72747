"""The facts create-clustera-kernel shares with this runtime, read once from facts.json beside this module.

Variable names and defaults, naming rules, metric and header names: the CLI bundles the same file (src/facts.ts), and
a test on each side fails when the code that uses a fact no longer matches it.
"""

import json
import re
from importlib.resources import files
from typing import Any, Final

_FACTS: Final[dict[str, Any]] = json.loads(files(__package__).joinpath("facts.json").read_text("utf-8"))
_NAMES: Final[dict[str, Any]] = _FACTS["names"]

# The runtime's variables (every kernel reads them) and their defaults as .env writes them (None: no default).
RUNTIME_ENV_DEFAULTS: Final[dict[str, str | None]] = {
    variable["name"]: variable.get("default") for variable in _FACTS["env"]["runtime"]
}
# Read by the runtime, but each kind chooses the default (main.py passes it to run()).
PER_KIND_ENV: Final[frozenset[str]] = frozenset(_FACTS["env"]["perKind"])
IGNORE_DOTENV: Final[str] = _FACTS["env"]["ignoreDotenv"]

KERNEL_NAME_PATTERN: Final = re.compile(_NAMES["kernel"]["pattern"])
KERNEL_NAME_MIN: Final[int] = _NAMES["kernel"]["minLength"]
KERNEL_NAME_MAX: Final[int] = _NAMES["kernel"]["maxLength"]
KAFKA_NAME_PATTERN: Final = re.compile(_NAMES["kafka"]["pattern"])
KAFKA_NAME_MAX: Final[int] = _NAMES["kafka"]["maxLength"]
KAFKA_RESERVED_NAMES: Final[frozenset[str]] = frozenset(_NAMES["kafka"]["reserved"])
BROKER_ADDRESS_PATTERN: Final = re.compile(_NAMES["brokerAddress"]["pattern"])
MAX_PORT: Final[int] = _NAMES["brokerAddress"]["maxPort"]

METRIC_PREFIX: Final[str] = _FACTS["metrics"]["prefix"]
# Family name (without the prefix) -> counter, gauge or histogram.
METRIC_FAMILIES: Final[dict[str, str]] = _FACTS["metrics"]["families"]

DEAD_LETTER_HEADERS: Final[dict[str, str]] = _FACTS["headers"]["deadLetter"]
ANSWER_HEADERS: Final[dict[str, str]] = _FACTS["headers"]["answer"]
# Where a message was first consumed: set on its first dead-lettering, carried unchanged by replays and later ones.
ORIGIN_HEADERS: Final[dict[str, str]] = _FACTS["headers"]["origin"]
# What `clustera-kernel dlq replay` adds to a message it sends back.
REPLAY_HEADERS: Final[dict[str, str]] = _FACTS["headers"]["replay"]


def metric_name(family: str) -> str:
    """The full name of a declared metric family; KeyError for one facts.json does not declare."""
    if family not in METRIC_FAMILIES:
        raise KeyError(f"metric family {family!r} is not declared in facts.json")
    return f"{METRIC_PREFIX}_{family}"


def default_group_for(kernel_name: str) -> str:
    return str(_NAMES["defaults"]["group"]).format(name=kernel_name)


def default_client_id_for(kernel_name: str, pid: int) -> str:
    return str(_NAMES["defaults"]["clientId"]).format(name=kernel_name, pid=pid)


_TOPICS: Final[dict[str, Any]] = _FACTS["topicDeclaration"]
# The kernel's topic declaration, beside main.py; each table is a role, named by the setting that picks its topic.
TOPIC_DECLARATION_FILE: Final[str] = _TOPICS["file"]
TOPIC_ROLES: Final[dict[str, str]] = _TOPICS["roles"]
TOPIC_DECLARATION_KEYS: Final[tuple[str, ...]] = tuple(_TOPICS["keys"])
CLEANUP_POLICIES: Final[tuple[str, ...]] = tuple(_TOPICS["cleanupPolicies"])
