"""The kernel's declared topics (topics.toml beside main.py): reading the file, the drift from it, the plan to fix it.

Pure functions, no broker: `clustera-kernel topics` (kernel_runtime.operate.topics) asks the cluster and passes what it
found here. Which topic each role is comes from the kernel's settings, never from this file; a table's `topic` only
records the name deployments use, for create-clustera-kernel's `list` and `contracts`.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .env import is_valid_topic
from .facts import CLEANUP_POLICIES, TOPIC_DECLARATION_FILE, TOPIC_DECLARATION_KEYS, TOPIC_ROLES

INPUT, DLQ, OUTPUT = "input", "dlq", "output"
# -1 is Kafka's "keep forever"; anything lower is a mistake.
RETENTION_FOREVER = -1
RETENTION_CONFIG = "retention.ms"
CLEANUP_CONFIG = "cleanup.policy"
KEYS_MOVE = (
    "more partitions move keys: a key's next messages may land on another partition than its earlier ones, so their"
    " order across the change is not kept"
)


class DeclarationError(ValueError):
    """topics.toml does not parse or declares something impossible; the message is one line."""


@dataclass(frozen=True)
class DeclaredTopic:
    role: str
    # The name deployments set (list and contracts read it); the running kernel's settings decide.
    topic: str | None = None
    partitions: int | None = None
    replication_factor: int | None = None
    retention_ms: int | None = None
    cleanup_policy: str | None = None


@dataclass(frozen=True)
class TopicDeclaration:
    topics: Mapping[str, DeclaredTopic]

    def get(self, role: str) -> DeclaredTopic | None:
        return self.topics.get(role)


@dataclass(frozen=True)
class TopicState:
    """A topic as the cluster has it."""

    partitions: int
    replication_factor: int
    retention_ms: int | None = None
    cleanup_policy: str | None = None


@dataclass(frozen=True)
class Target:
    """A declared role with the topic the kernel's settings name for it."""

    role: str
    topic: str
    declared: DeclaredTopic


@dataclass(frozen=True)
class Finding:
    """Drift (check exits 1) or a note (reported only). `kind` names it for --json."""

    role: str
    topic: str
    kind: str
    text: str
    declared: int | str | None = None
    actual: int | str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "topic": self.topic,
            "kind": self.kind,
            "declared": self.declared,
            "actual": self.actual,
            "text": self.text,
        }


@dataclass(frozen=True)
class Action:
    """One change apply makes: create a topic, raise its partition count, or set its configs."""

    kind: str
    role: str
    topic: str
    text: str
    partitions: int | None = None
    replication_factor: int | None = None
    config: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role": self.role,
            "topic": self.topic,
            "partitions": self.partitions,
            "replicationFactor": self.replication_factor,
            "config": dict(self.config),
            "text": self.text,
        }


@dataclass(frozen=True)
class Plan:
    actions: list[Action]
    notes: list[Finding]
    warnings: list[str]


def read_declaration(directory: Path) -> TopicDeclaration | None:
    """The declaration beside main.py; None when the kernel has none (made before it existed)."""
    path = directory / TOPIC_DECLARATION_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise DeclarationError(f"{TOPIC_DECLARATION_FILE}: cannot be read ({error})") from None
    return parse_declaration(text)


def parse_declaration(text: str) -> TopicDeclaration:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DeclarationError(f"{TOPIC_DECLARATION_FILE} does not parse: {error}") from None
    topics: dict[str, DeclaredTopic] = {}
    for role, table in document.items():
        if role not in TOPIC_ROLES:
            raise DeclarationError(
                f"{TOPIC_DECLARATION_FILE}: unknown table [{role}] (the tables are {', '.join(TOPIC_ROLES)})"
            )
        if not isinstance(table, dict):
            raise DeclarationError(f"{TOPIC_DECLARATION_FILE}: {role} must be a table ([{role}])")
        topics[role] = _declared_topic(role, table)
    return TopicDeclaration(topics)


def _declared_topic(role: str, table: Mapping[str, Any]) -> DeclaredTopic:
    where = f"{TOPIC_DECLARATION_FILE} [{role}]"
    for key in table:
        if key not in TOPIC_DECLARATION_KEYS:
            raise DeclarationError(f"{where}: unknown key {key!r} (the keys are {', '.join(TOPIC_DECLARATION_KEYS)})")
    topic = table.get("topic")
    if topic is not None and (not isinstance(topic, str) or not is_valid_topic(topic)):
        raise DeclarationError(f"{where}: topic must be a Kafka topic name (got {topic!r})")
    policy = table.get("cleanup_policy")
    if policy is not None:
        if not isinstance(policy, str) or normalize_policy(policy) not in CLEANUP_POLICIES:
            raise DeclarationError(
                f"{where}: cleanup_policy must be one of {', '.join(map(repr, CLEANUP_POLICIES))} (got {policy!r})"
            )
        policy = normalize_policy(policy)
    return DeclaredTopic(
        role=role,
        topic=topic,
        partitions=_count(where, table, "partitions", 1),
        replication_factor=_count(where, table, "replication_factor", 1),
        retention_ms=_count(where, table, "retention_ms", RETENTION_FOREVER),
        cleanup_policy=policy,
    )


def _count(where: str, table: Mapping[str, Any], key: str, minimum: int) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise DeclarationError(f"{where}: {key} must be an integer >= {minimum} (got {value!r})")
    return value


def normalize_policy(policy: str) -> str:
    """`delete, compact` and `compact,delete` are one policy."""
    return ",".join(sorted(part.strip() for part in policy.strip("[] ").split(",") if part.strip()))


def find_drift(targets: list[Target], states: Mapping[str, TopicState | None]) -> tuple[list[Finding], list[Finding]]:
    """(drift, notes): drift is what `topics check` fails on; notes are what apply cannot or will not change."""
    drift: list[Finding] = []
    notes: list[Finding] = []
    for target in targets:
        state = states.get(target.topic)
        declared = target.declared
        role, topic = target.role, target.topic
        if state is None:
            drift.append(Finding(role, topic, "missing", f"{topic} ({role}) does not exist"))
            continue
        if declared.partitions is not None:
            if state.partitions < declared.partitions:
                drift.append(
                    Finding(
                        role,
                        topic,
                        "partitions",
                        f"{topic} ({role}) has {state.partitions} partitions, fewer than the {declared.partitions}"
                        " declared",
                        declared.partitions,
                        state.partitions,
                    )
                )
            elif state.partitions > declared.partitions:
                notes.append(_more_partitions(target, state))
        if declared.cleanup_policy is not None and normalize_policy(state.cleanup_policy or "") != (
            declared.cleanup_policy
        ):
            drift.append(
                Finding(
                    role,
                    topic,
                    "cleanup_policy",
                    f"{topic} ({role}) has cleanup policy {state.cleanup_policy!r},"
                    f" declared {declared.cleanup_policy!r}",
                    declared.cleanup_policy,
                    state.cleanup_policy,
                )
            )
        if declared.retention_ms is not None and state.retention_ms != declared.retention_ms:
            drift.append(
                Finding(
                    role,
                    topic,
                    "retention",
                    f"{topic} ({role}) keeps messages {state.retention_ms} ms, declared {declared.retention_ms} ms",
                    declared.retention_ms,
                    state.retention_ms,
                )
            )
        if declared.replication_factor is not None and state.replication_factor != declared.replication_factor:
            notes.append(_replication_note(target, state.replication_factor))
    source, dlq = _role(targets, INPUT), _role(targets, DLQ)
    if source is not None and dlq is not None:
        source_state, dlq_state = states.get(source.topic), states.get(dlq.topic)
        if source_state is not None and dlq_state is not None and dlq_state.partitions < source_state.partitions:
            drift.append(
                Finding(
                    DLQ,
                    dlq.topic,
                    "dlq_partitions",
                    f"{dlq.topic} (dlq) has {dlq_state.partitions} partitions, fewer than its source {source.topic}"
                    f" ({source_state.partitions})",
                    source_state.partitions,
                    dlq_state.partitions,
                )
            )
    return drift, notes


def plan_changes(targets: list[Target], states: Mapping[str, TopicState | None], broker_count: int) -> Plan:
    """What apply does: create the missing, raise counts, set retention and cleanup policy; never delete or lower."""
    actions: list[Action] = []
    notes: list[Finding] = []
    warnings: list[str] = []
    # The DLQ has at least as many partitions as its source will have, so a dead letter can keep its partition.
    source = _role(targets, INPUT)
    source_partitions = 0
    if source is not None:
        source_state = states.get(source.topic)
        source_partitions = max(source.declared.partitions or 0, source_state.partitions if source_state else 0)
    for target in targets:
        declared, state = target.declared, states.get(target.topic)
        role, topic = target.role, target.topic
        wanted = declared.partitions or 0
        if role == DLQ and source is not None:
            wanted = max(wanted, source_partitions)
        config = _declared_config(declared)
        if state is None:
            replication = declared.replication_factor
            if replication is not None and broker_count > 0 and replication > broker_count:
                notes.append(
                    Finding(
                        role,
                        topic,
                        "replication_factor",
                        f"{topic} ({role}): replication factor {replication} declared, but the cluster has"
                        f" {broker_count} broker(s): created with {broker_count}",
                        replication,
                        broker_count,
                    )
                )
                replication = broker_count
            actions.append(
                Action(
                    "create",
                    role,
                    topic,
                    f"create {topic} ({role}): {wanted or 'the broker default'} partitions, replication factor"
                    f" {replication or 'the broker default'}{_config_text(config)}",
                    partitions=wanted or None,
                    replication_factor=replication,
                    config=config,
                )
            )
            continue
        if wanted > state.partitions:
            actions.append(
                Action(
                    "add_partitions",
                    role,
                    topic,
                    f"raise {topic} ({role}) from {state.partitions} to {wanted} partitions",
                    partitions=wanted,
                )
            )
            if KEYS_MOVE not in warnings:
                warnings.append(KEYS_MOVE)
        elif declared.partitions is not None and declared.partitions < state.partitions:
            notes.append(_more_partitions(target, state))
        changed = {
            key: value
            for key, value in config.items()
            if (key == RETENTION_CONFIG and state.retention_ms != int(value))
            or (key == CLEANUP_CONFIG and normalize_policy(state.cleanup_policy or "") != value)
        }
        if changed:
            actions.append(
                Action("set_config", role, topic, f"set {topic} ({role}){_config_text(changed)}", config=changed)
            )
        if declared.replication_factor is not None and state.replication_factor != declared.replication_factor:
            notes.append(_replication_note(target, state.replication_factor))
    return Plan(actions, notes, warnings)


def _declared_config(declared: DeclaredTopic) -> dict[str, str]:
    config: dict[str, str] = {}
    if declared.retention_ms is not None:
        config[RETENTION_CONFIG] = str(declared.retention_ms)
    if declared.cleanup_policy is not None:
        config[CLEANUP_CONFIG] = declared.cleanup_policy
    return config


def _config_text(config: Mapping[str, str]) -> str:
    return "".join(f", {key}={value}" for key, value in config.items())


def _role(targets: list[Target], role: str) -> Target | None:
    return next((target for target in targets if target.role == role), None)


def _more_partitions(target: Target, state: TopicState) -> Finding:
    return Finding(
        target.role,
        target.topic,
        "more_partitions",
        f"{target.topic} ({target.role}) has {state.partitions} partitions, more than the {target.declared.partitions}"
        " declared: a partition count is never lowered (that takes a new topic), so it stays",
        target.declared.partitions,
        state.partitions,
    )


def _replication_note(target: Target, actual: int) -> Finding:
    return Finding(
        target.role,
        target.topic,
        "replication_factor",
        f"{target.topic} ({target.role}) has replication factor {actual}, declared"
        f" {target.declared.replication_factor}: apply cannot change it (a partition reassignment does)",
        target.declared.replication_factor,
        actual,
    )
