"""`clustera-kernel`: the operator's commands, run where the kernel runs, with the kernel's own settings.

Each command group is a module of this package with `register(subcommands)`; this module only dispatches.
"""

import argparse
import sys
from collections.abc import Callable, Sequence

# Command groups, each a module here: its `register` adds its subcommands and sets `run` on their parsers.
COMMAND_GROUPS: tuple[str, ...] = ("dlq", "topics")

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clustera-kernel",
        description="Operate a Clustera kernel with its own settings (.env and the environment, as main.py reads).",
    )
    groups = parser.add_subparsers(dest="group", metavar="<command>", required=True)
    for name in COMMAND_GROUPS:
        module = __import__(f"{__name__}.{name}", fromlist=["register"])
        module.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: parses, runs the chosen command, returns its exit code (2 for bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    return run(args)


def console_script() -> None:
    sys.exit(main())
