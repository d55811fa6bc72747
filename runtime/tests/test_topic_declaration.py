"""topics.toml: parsing it, the drift a cluster has from it, and the plan apply follows. No broker."""

from pathlib import Path

import pytest

from kernel_runtime.topic_declaration import (
    KEYS_MOVE,
    DeclarationError,
    DeclaredTopic,
    Target,
    TopicState,
    find_drift,
    parse_declaration,
    plan_changes,
    read_declaration,
)

DECLARED = """
# the kernel's topics
[input]
partitions = 3
replication_factor = 1
retention_ms = 604_800_000
cleanup_policy = "delete"

[dlq]
topic = "orders.dlq"
partitions = 3
retention_ms = 1209600000
cleanup_policy = "delete, compact"
"""


def targets(input_partitions: int = 3, dlq_partitions: int = 3) -> list[Target]:
    return [
        Target("input", "orders", DeclaredTopic("input", None, input_partitions, 1, 1000, "delete")),
        Target("dlq", "orders.dlq", DeclaredTopic("dlq", None, dlq_partitions, None, 2000, "delete")),
    ]


def state(partitions: int = 3, retention_ms: int = 1000, policy: str = "delete", rf: int = 1) -> TopicState:
    return TopicState(partitions, rf, retention_ms, policy)


MATCHING = {"orders": state(), "orders.dlq": state(retention_ms=2000)}


def test_parses_each_role_and_normalizes_the_cleanup_policy():
    declaration = parse_declaration(DECLARED)

    assert declaration.get("input") == DeclaredTopic("input", None, 3, 1, 604_800_000, "delete")
    assert declaration.get("dlq") == DeclaredTopic("dlq", "orders.dlq", 3, None, 1_209_600_000, "compact,delete")
    assert declaration.get("output") is None


def test_every_key_is_optional():
    assert parse_declaration("[output]\n").get("output") == DeclaredTopic("output")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[input\npartitions = 3", "does not parse"),
        ("[input]\npartitions = -1", "partitions must be an integer >= 1"),
        ("[input]\npartitions = 0", "partitions must be an integer >= 1"),
        ("[input]\nreplication_factor = 0", "replication_factor must be an integer >= 1"),
        ("[input]\nretention_ms = -2", "retention_ms must be an integer >= -1"),
        ("[input]\npartitions = '3'", "partitions must be an integer"),
        ("[input]\npartitions = true", "partitions must be an integer"),
        ("[input]\ncleanup_policy = 'shred'", "cleanup_policy must be one of"),
        ("[input]\npartition = 3", "unknown key 'partition'"),
        ("[inptu]\npartitions = 3", "unknown table [inptu]"),
        ("input = 3", "input must be a table"),
        ("[dlq]\ntopic = 'no spaces allowed'", "topic must be a Kafka topic name"),
    ],
)
def test_bad_input_is_one_line_naming_the_problem(text: str, says: str):
    with pytest.raises(DeclarationError) as raised:
        parse_declaration(text)

    assert says in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_kernel_without_a_declaration_reads_as_none(tmp_path: Path):
    assert read_declaration(tmp_path) is None
    (tmp_path / "topics.toml").write_text(DECLARED)
    declaration = read_declaration(tmp_path)
    assert declaration is not None and set(declaration.topics) == {"input", "dlq"}


def test_a_cluster_as_declared_has_no_drift_and_needs_no_change():
    assert find_drift(targets(), MATCHING) == ([], [])
    plan = plan_changes(targets(), MATCHING, broker_count=1)
    assert (plan.actions, plan.notes, plan.warnings) == ([], [], [])


@pytest.mark.parametrize(
    ("states", "kind"),
    [
        ({"orders": state()}, "missing"),
        ({**MATCHING, "orders": state(partitions=2)}, "partitions"),
        ({**MATCHING, "orders": state(policy="compact")}, "cleanup_policy"),
        ({**MATCHING, "orders": state(retention_ms=5)}, "retention"),
    ],
)
def test_each_drift_is_named(states: dict[str, TopicState | None], kind: str):
    drift, _ = find_drift(targets(), states)

    assert [finding.kind for finding in drift] == [kind]


def test_a_dlq_with_fewer_partitions_than_its_source_is_drift_even_when_it_has_the_declared_count():
    drift, _ = find_drift(targets(input_partitions=3, dlq_partitions=1), {**MATCHING, "orders.dlq": state(1, 2000)})

    assert [(d.kind, d.declared, d.actual) for d in drift] == [("dlq_partitions", 3, 1)]


def test_more_partitions_than_declared_and_another_replication_factor_are_notes_not_drift():
    drift, notes = find_drift(targets(input_partitions=2), {**MATCHING, "orders": state(rf=3)})

    assert drift == []
    assert sorted(note.kind for note in notes) == ["more_partitions", "replication_factor"]


def test_apply_creates_the_missing_with_the_declared_configs_and_the_dlq_as_wide_as_its_source():
    plan = plan_changes(targets(input_partitions=6, dlq_partitions=1), {}, broker_count=3)

    assert [(a.kind, a.topic, a.partitions, a.replication_factor, dict(a.config)) for a in plan.actions] == [
        ("create", "orders", 6, 1, {"retention.ms": "1000", "cleanup.policy": "delete"}),
        ("create", "orders.dlq", 6, None, {"retention.ms": "2000", "cleanup.policy": "delete"}),
    ]


def test_apply_creates_with_no_more_replicas_than_brokers_and_says_so():
    declared = [Target("input", "orders", DeclaredTopic("input", partitions=1, replication_factor=3))]

    plan = plan_changes(declared, {}, broker_count=1)

    assert plan.actions[0].replication_factor == 1
    assert [note.kind for note in plan.notes] == ["replication_factor"]


def test_apply_raises_counts_with_a_warning_and_sets_only_the_configs_that_differ():
    states = {"orders": state(partitions=1, policy="compact"), "orders.dlq": state(partitions=1, retention_ms=2000)}

    plan = plan_changes(targets(), states, broker_count=1)

    assert [(a.kind, a.topic, a.partitions, dict(a.config)) for a in plan.actions] == [
        ("add_partitions", "orders", 3, {}),
        ("set_config", "orders", None, {"cleanup.policy": "delete"}),
        ("add_partitions", "orders.dlq", 3, {}),
    ]
    assert plan.warnings == [KEYS_MOVE]


def test_apply_never_lowers_a_count_nor_changes_a_replication_factor():
    states = {**MATCHING, "orders": state(partitions=5, rf=2)}

    plan = plan_changes(targets(input_partitions=3, dlq_partitions=3), states, broker_count=3)

    # The DLQ grows to its source's 5; the source itself is not lowered to 3.
    assert [(a.kind, a.topic, a.partitions) for a in plan.actions] == [("add_partitions", "orders.dlq", 5)]
    assert sorted(note.kind for note in plan.notes) == ["more_partitions", "replication_factor"]
