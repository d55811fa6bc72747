"""`clustera-kernel topics check | apply`: the cluster's topics against the kernel's declaration (topics.toml).

Run in the kernel's directory (or with --dir): it reads .env and the environment as main.py does, imports main.py
without running it for KERNEL_NAME, DEFAULT_TOPIC and DEFAULT_GROUP, and connects with the kernel's own TLS and SASL.
Exit codes: 0 as declared (or applied), 1 drift (check) or a change the broker refused (apply), 2 bad input, 3 the
cluster could not be asked.
"""

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewPartitions,
    NewTopic,
    ResourceType,
)

from ..env import is_valid_topic
from ..facts import TOPIC_DECLARATION_FILE, TOPIC_ROLES
from ..settings import Settings
from ..topic_declaration import (
    CLEANUP_CONFIG,
    DLQ,
    INPUT,
    OUTPUT,
    RETENTION_CONFIG,
    Action,
    DeclarationError,
    Target,
    TopicDeclaration,
    TopicState,
    find_drift,
    plan_changes,
    read_declaration,
)
from .kafka_clients import client_config, quiet_client_logs
from .kernel_settings import OperateError, kernel_environment, load_kernel_settings

EXIT_OK, EXIT_DRIFT, EXIT_BAD_INPUT, EXIT_CLUSTER = 0, 1, 2, 3
REQUEST_TIMEOUT_S = 30.0


class BadInput(Exception):
    """One line for the operator; exit 2."""


class ClusterUnavailable(Exception):
    """One line for the operator; exit 3."""


@dataclass(frozen=True)
class Kernel:
    settings: Settings
    targets: list[Target]
    # Declared roles with no topic in the settings (an unset DLQ_TOPIC), as lines for the report.
    skipped: list[str]


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = subcommands.add_parser(
        "topics",
        help=f"check or apply the kernel's declared topics ({TOPIC_DECLARATION_FILE})",
        description=f"The cluster's topics against the kernel's declaration ({TOPIC_DECLARATION_FILE} beside main.py).",
    )
    commands = group.add_subparsers(dest="command", metavar="<command>", required=True)
    check = commands.add_parser("check", help="exit 1 and name the drift when the cluster differs from the declaration")
    check.set_defaults(run=run_check)
    apply = commands.add_parser(
        "apply", help="create missing topics, raise partition counts, set retention and cleanup policy"
    )
    apply.add_argument("--dry-run", action="store_true", help="print what would change and change nothing")
    apply.set_defaults(run=run_apply)
    for parser in (check, apply):
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
        parser.add_argument("--dir", default=".", help="the kernel's directory (default: the current one)")


def run_check(args: argparse.Namespace) -> int:
    return _guarded(args, _check)


def run_apply(args: argparse.Namespace) -> int:
    return _guarded(args, _apply)


def _guarded(args: argparse.Namespace, command: Any) -> int:
    try:
        result: int = command(args)
        return result
    except (BadInput, DeclarationError) as error:
        print(f"clustera-kernel topics: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ClusterUnavailable as error:
        print(f"clustera-kernel topics: {error}", file=sys.stderr)
        return EXIT_CLUSTER


def _check(args: argparse.Namespace) -> int:
    kernel = load_kernel(Path(args.dir))
    admin = _admin(kernel.settings)
    states, _ = describe_topics(admin, [target.topic for target in kernel.targets], kernel.settings.connect_timeout_s)
    drift, notes = find_drift(kernel.targets, states)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not drift,
                    "topics": [_topic_json(target, states.get(target.topic)) for target in kernel.targets],
                    "drift": [finding.to_json() for finding in drift],
                    "notes": [note.to_json() for note in notes],
                    "skipped": kernel.skipped,
                }
            )
        )
    else:
        for target in kernel.targets:
            found = [finding for finding in drift if finding.topic == target.topic]
            mark = "drift" if found else "ok"
            print(f"{mark:5} {target.topic} ({target.role}): {_state_text(states.get(target.topic))}")
            for finding in found:
                print(f"      drift: {finding.text}")
        for note in notes:
            print(f"note: {note.text}")
        for line in kernel.skipped:
            print(f"skipped: {line}")
        print(
            f"{len(drift)} drift(s): `clustera-kernel topics apply` fixes them"
            if drift
            else "The topics are as declared."
        )
    return EXIT_DRIFT if drift else EXIT_OK


def _apply(args: argparse.Namespace) -> int:
    kernel = load_kernel(Path(args.dir))
    admin = _admin(kernel.settings)
    states, broker_count = describe_topics(
        admin, [target.topic for target in kernel.targets], kernel.settings.connect_timeout_s
    )
    plan = plan_changes(kernel.targets, states, broker_count)
    failures: list[str] = [] if args.dry_run else execute(admin, plan.actions)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not failures,
                    "dryRun": bool(args.dry_run),
                    "actions": [action.to_json() for action in plan.actions],
                    "failures": failures,
                    "notes": [note.to_json() for note in plan.notes],
                    "warnings": plan.warnings,
                    "skipped": kernel.skipped,
                }
            )
        )
    else:
        for warning in plan.warnings:
            print(f"warning: {warning}")
        verb = "would " if args.dry_run else ""
        for action in plan.actions:
            print(f"{verb}{action.text}")
        for note in plan.notes:
            print(f"note: {note.text}")
        for line in kernel.skipped:
            print(f"skipped: {line}")
        for failure in failures:
            print(f"failed: {failure}")
        if not plan.actions:
            print("Nothing to change: the topics are as declared.")
        elif args.dry_run:
            print(f"Dry run: {len(plan.actions)} change(s), nothing sent to the cluster.")
        elif not failures:
            print(f"Applied {len(plan.actions)} change(s).")
    return EXIT_DRIFT if failures else EXIT_OK


def load_kernel(directory: Path, environ: Mapping[str, str] | None = None) -> Kernel:
    """The kernel's settings as main.py reads them, and the declared roles with the topics those settings name."""
    declaration = read_declaration(directory)
    if declaration is None:
        raise BadInput(
            f"no {TOPIC_DECLARATION_FILE} in {directory.resolve()}: run in the kernel's directory; a kernel made"
            f" before {TOPIC_DECLARATION_FILE} gets one from `npx create-clustera-kernel update`"
        )
    env = kernel_environment(directory, environ)
    try:
        settings = load_kernel_settings(directory, env)
    except OperateError as error:
        raise BadInput(str(error)) from None
    return Kernel(settings, *_targets(declaration, settings, env))


def _targets(
    declaration: TopicDeclaration, settings: Settings, env: Mapping[str, str]
) -> tuple[list[Target], list[str]]:
    output = env.get("OUTPUT_TOPIC", "").strip() or None
    if output is not None and not is_valid_topic(output):
        raise BadInput(f"OUTPUT_TOPIC must be a Kafka topic name (got {output!r})")
    topics = {INPUT: settings.topic, DLQ: settings.dlq_topic, OUTPUT: output}
    targets: list[Target] = []
    skipped: list[str] = []
    for role in TOPIC_ROLES:
        declared = declaration.get(role)
        if declared is None:
            continue
        topic = topics[role]
        if topic is None:
            skipped.append(f"[{role}] is declared, but {TOPIC_ROLES[role]} is unset: this kernel has no {role} topic")
            continue
        targets.append(Target(role, topic, declared))
    return targets, skipped


def _admin(settings: Settings) -> AdminClient:
    quiet_client_logs()
    return AdminClient(client_config(settings, "topics"))


def describe_topics(
    admin: AdminClient, topics: list[str], timeout_s: float = REQUEST_TIMEOUT_S
) -> tuple[dict[str, TopicState | None], int]:
    """Each topic's state (None when it does not exist) and the number of brokers; gives up after `timeout_s`."""
    try:
        metadata = admin.list_topics(timeout=timeout_s)
    except KafkaException as error:
        raise ClusterUnavailable(
            f"the cluster did not answer within {timeout_s:g} s (KAFKA_CONNECT_TIMEOUT_S): {error.args[0]}"
        ) from None
    states: dict[str, TopicState | None] = {}
    present = [topic for topic in dict.fromkeys(topics) if topic in metadata.topics]
    configs = _topic_configs(admin, present)
    for topic in topics:
        found = metadata.topics.get(topic)
        if found is None or found.error is not None:
            states[topic] = None
            continue
        partitions = found.partitions
        replicas = min((len(partition.replicas) for partition in partitions.values()), default=0)
        config = configs.get(topic, {})
        retention = config.get(RETENTION_CONFIG)
        states[topic] = TopicState(
            partitions=len(partitions),
            replication_factor=replicas,
            retention_ms=int(retention) if retention is not None else None,
            cleanup_policy=config.get(CLEANUP_CONFIG),
        )
    return states, len(metadata.brokers)


def _topic_configs(admin: AdminClient, topics: list[str]) -> dict[str, dict[str, str]]:
    if not topics:
        return {}
    futures = admin.describe_configs([ConfigResource(ResourceType.TOPIC, topic) for topic in topics])
    configs: dict[str, dict[str, str]] = {}
    for resource, future in futures.items():
        try:
            entries: dict[str, ConfigEntry] = future.result(timeout=REQUEST_TIMEOUT_S)
        except KafkaException as error:
            raise ClusterUnavailable(f"cannot read the configs of {resource.name}: {error.args[0]}") from None
        configs[resource.name] = {name: entry.value for name, entry in entries.items() if entry.value is not None}
    return configs


def execute(admin: AdminClient, actions: list[Action]) -> list[str]:
    """Sends the plan, creations first; returns one line per change the broker refused."""
    failures: list[str] = []
    creations = [action for action in actions if action.kind == "create"]
    if creations:
        new_topics = [
            NewTopic(
                action.topic,
                num_partitions=action.partitions or -1,
                replication_factor=action.replication_factor or -1,
                config=dict(action.config),
            )
            for action in creations
        ]
        failures += _wait(admin.create_topics(new_topics, operation_timeout=REQUEST_TIMEOUT_S), "create")
    raises = [NewPartitions(a.topic, a.partitions) for a in actions if a.kind == "add_partitions" and a.partitions]
    if raises:
        failures += _wait(admin.create_partitions(raises, operation_timeout=REQUEST_TIMEOUT_S), "raise partitions of")
    settings = [
        ConfigResource(
            ResourceType.TOPIC,
            action.topic,
            incremental_configs=[
                ConfigEntry(name, value, incremental_operation=AlterConfigOpType.SET)
                for name, value in action.config.items()
            ],
        )
        for action in actions
        if action.kind == "set_config"
    ]
    if settings:
        futures = admin.incremental_alter_configs(settings)
        failures += _wait({resource.name: future for resource, future in futures.items()}, "set configs of")
    return failures


def _wait(futures: Mapping[str, Any], verb: str) -> list[str]:
    failures = []
    for topic, future in futures.items():
        try:
            future.result(timeout=REQUEST_TIMEOUT_S)
        except KafkaException as error:
            failures.append(f"{verb} {topic}: {error.args[0]}")
    return failures


def _state_text(state: TopicState | None) -> str:
    if state is None:
        return "missing"
    return (
        f"{state.partitions} partitions, replication factor {state.replication_factor},"
        f" retention.ms={state.retention_ms}, cleanup.policy={state.cleanup_policy}"
    )


def _topic_json(target: Target, state: TopicState | None) -> dict[str, Any]:
    declared = target.declared
    return {
        "role": target.role,
        "topic": target.topic,
        "declared": {
            "partitions": declared.partitions,
            "replicationFactor": declared.replication_factor,
            "retentionMs": declared.retention_ms,
            "cleanupPolicy": declared.cleanup_policy,
        },
        "actual": None
        if state is None
        else {
            "partitions": state.partitions,
            "replicationFactor": state.replication_factor,
            "retentionMs": state.retention_ms,
            "cleanupPolicy": state.cleanup_policy,
        },
    }
