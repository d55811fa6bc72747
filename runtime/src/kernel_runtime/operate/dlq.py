"""`clustera-kernel dlq stats | show | replay`: the kernel's dead-letter topic, read with the kernel's own settings."""

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..settings import Settings
from .dead_letters import BadInput, DeadLetter, Filters, parse_filters, printable
from .dlq_kafka import (
    Topics,
    committed_positions,
    dlq_consumer,
    read_letters,
    replay_group,
    start_offsets,
)
from .dlq_replay import ReplayOptions, replay
from .kafka_clients import quiet_client_logs
from .kernel_settings import OperateError, load_kernel_settings

EXIT_USAGE = 2
DEFAULT_MAX_REPLAYS = 3


def register(subcommands: Any) -> None:
    group = subcommands.add_parser(
        "dlq", help="the dead-letter topic (DLQ_TOPIC): stats, show, replay", description=__doc__
    )
    commands = group.add_subparsers(dest="dlq_command", metavar="<dlq command>", required=True)

    stats = commands.add_parser("stats", help="dead letters by error class, source partition, replayed or parked")
    _filter_options(stats)
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(run=_command(run_stats))

    show = commands.add_parser("show", help="one line per dead letter (values only with --values)")
    _filter_options(show)
    show.add_argument("--values", action="store_true", help="include values (they may hold personal data)")
    show.add_argument("--limit", type=_positive_int, help="at most this many lines")
    show.add_argument("--parked", action="store_true", help="only those replayed --max-replays times already")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.set_defaults(run=_command(run_show))

    replay_parser = commands.add_parser(
        "replay", help="send dead letters back to their source partition, or --to a topic, exactly once"
    )
    _filter_options(replay_parser)
    replay_parser.add_argument("--to", metavar="TOPIC", help="send here instead; the partitioner places by key")
    replay_parser.add_argument("--limit", type=_positive_int, help="send at most this many")
    replay_parser.add_argument("--rate", type=_positive_float, metavar="MSGS_PER_S", help="send at most this fast")
    replay_parser.add_argument("--dry-run", action="store_true", help="print what would be sent; write nothing")
    replay_parser.add_argument(
        "--from-beginning", action="store_true", help="read the DLQ from its start, not from the replay's position"
    )
    replay_parser.set_defaults(run=_command(run_replay))


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--error-class", action="append", default=[], metavar="CLASS", help="e.g. SkipMessage")
    parser.add_argument("--since", metavar="TIME", help="dead-lettered at or after (ISO 8601; UTC unless given)")
    parser.add_argument("--until", metavar="TIME", help="dead-lettered before (ISO 8601)")
    parser.add_argument("--key", action="append", default=[], help="the message key (UTF-8), repeatable")
    parser.add_argument("--partition", action="append", default=[], help="the source partition, repeatable")
    parser.add_argument(
        "--max-replays",
        type=_positive_int,
        default=DEFAULT_MAX_REPLAYS,
        help=f"a dead letter replayed this often is parked, not sent again (default {DEFAULT_MAX_REPLAYS})",
    )
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="the kernel's directory (default: here)")


def _command(body: Callable[[argparse.Namespace, Settings, str, Filters], int]) -> Callable[[argparse.Namespace], int]:
    """Parses the filters and reads the settings first: one line and a non-zero exit on any problem."""

    def run(args: argparse.Namespace) -> int:
        try:
            quiet_client_logs()
            filters = parse_filters(args.error_class, args.since, args.until, args.key, args.partition)
            settings = load_kernel_settings(args.dir.resolve())
            if settings.dlq_topic is None:
                raise OperateError(
                    "DLQ_TOPIC is not set (in .env or the environment): there is no dead-letter topic", 2
                )
            return body(args, settings, settings.dlq_topic, filters)
        except BadInput as error:
            print(f"clustera-kernel dlq: {error}", file=sys.stderr)
            return EXIT_USAGE
        except OperateError as error:
            print(f"clustera-kernel dlq: {error}", file=sys.stderr)
            return error.exit_code
        except KeyboardInterrupt:
            print(
                "clustera-kernel dlq: interrupted; a replay continues from its last commit when run again",
                file=sys.stderr,
            )
            return 130

    return run


def _letters(settings: Settings, dlq_topic: str) -> Iterator[tuple[DeadLetter, bool]]:
    """Every dead letter from the start, with whether it lies behind the replay group's position."""
    consumer = dlq_consumer(settings)
    try:
        topics = Topics.of(consumer, settings)
        if dlq_topic not in topics.partitions:
            raise OperateError(f"DLQ_TOPIC {dlq_topic} does not exist")
        partitions = topics.partitions[dlq_topic]
        positions = committed_positions(consumer, dlq_topic, partitions)
        for letter in read_letters(consumer, start_offsets(consumer, dlq_topic, partitions, from_beginning=True)):
            yield letter, letter.offset < positions.get(letter.partition, 0)
    finally:
        consumer.close()


def run_stats(args: argparse.Namespace, settings: Settings, dlq_topic: str, filters: Filters) -> int:
    by_class: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    state: Counter[str] = Counter({"pending": 0, "replayed": 0, "parked": 0})
    times = []
    for letter, behind in _letters(settings, dlq_topic):
        if not filters.matches(letter):
            continue
        by_class[letter.error_class] += 1
        source = letter.source
        by_source[f"{source.topic}[{source.partition}]" if source else "(no source headers)"] += 1
        state["parked" if letter.is_parked(args.max_replays) else "replayed" if behind else "pending"] += 1
        if letter.time is not None:
            times.append(letter.time)
    report = {
        "dlq_topic": dlq_topic,
        "replay_group": replay_group(settings),
        "total": sum(by_class.values()),
        "by_error_class": dict(by_class.most_common()),
        "by_source": dict(sorted(by_source.items())),
        **state,
        "oldest": min(times).isoformat(timespec="milliseconds") if times else None,
        "newest": max(times).isoformat(timespec="milliseconds") if times else None,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['total']} dead letter(s) in {dlq_topic}, oldest {report['oldest']}, newest {report['newest']}")
    print(f"  replayed {state['replayed']}, pending {state['pending']}, parked {state['parked']}")
    print("  by error class: " + (", ".join(f"{name} {count}" for name, count in by_class.most_common()) or "-"))
    print("  by source: " + (", ".join(f"{name} {count}" for name, count in sorted(by_source.items())) or "-"))
    return 0


def run_show(args: argparse.Namespace, settings: Settings, dlq_topic: str, filters: Filters) -> int:
    shown = 0
    for letter, behind in _letters(settings, dlq_topic):
        if args.limit is not None and shown >= args.limit:
            break
        if not filters.matches(letter) or (args.parked and not letter.is_parked(args.max_replays)):
            continue
        shown += 1
        row = describe(letter, behind, args.values)
        if args.json:
            print(json.dumps(row))
        else:
            value = f" value={row['value']}" if args.values else ""
            print(
                f"{row['dlq']} source={row['source'] or '-'} {row['error_class']}: {row['error_message']} "
                f"attempts={row['attempts']} time={row['time']} key={row['key']} replays={row['replays']}{value}"
            )
    return 0


def describe(letter: DeadLetter, behind: bool, values: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "dlq": letter.ref,
        "source": str(letter.source) if letter.source else None,
        "origin": str(letter.origin) if letter.origin else None,
        "error_class": letter.error_class,
        "error_message": letter.error_message,
        "attempts": letter.attempts,
        "time": letter.time.isoformat(timespec="milliseconds") if letter.time else None,
        "key": printable(letter.key),
        "replays": letter.replay_count,
        "behind_replay_position": behind,
    }
    if values:
        row["value"] = printable(letter.value)
    return row


def run_replay(args: argparse.Namespace, settings: Settings, dlq_topic: str, filters: Filters) -> int:
    options = ReplayOptions(
        filters=filters,
        to=args.to,
        limit=args.limit,
        rate=args.rate,
        max_replays=args.max_replays,
        dry_run=args.dry_run,
        from_beginning=args.from_beginning,
    )
    return replay(settings, dlq_topic, options)


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more (got {text!r})")
    return number


def _positive_float(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number greater than 0 (got {text!r})")
    return number
