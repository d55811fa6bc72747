"""Reads typed settings from the environment, collecting every problem instead of stopping at the first."""

import sys
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from .facts import IGNORE_DOTENV, KAFKA_NAME_MAX, KAFKA_NAME_PATTERN, KAFKA_RESERVED_NAMES


class Env:
    """Each reader returns a usable value (the default when invalid) and records what was wrong."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self.problems: list[str] = []
        # Set before services read their variables, so one that produces can refuse to feed its own input.
        self.consumed_topic: str | None = None

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(name, "").strip()
        return value or None

    def _invalid(self, name: str, expected: str, value: str, secret: bool = False) -> None:
        shown = "" if secret else f" (got {value!r})"
        self.problem(f"{name} must be {expected}{shown}")

    def text(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self._raw(name)
        if value is None and required:
            self.problem(f"{name} is required")
        return default if value is None else value

    def required(self, name: str) -> str:
        return self.text(name, required=True) or ""

    def integer(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self._invalid(name, _range_text("an integer", minimum, maximum), value)
            return default
        return number

    def seconds(self, name: str, default: float) -> float:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not number > 0 or number == float("inf"):
            self._invalid(name, "a number of seconds greater than 0", value)
            return default
        return number

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        allowed = list(choices)
        value = self._raw(name)
        if value is None:
            return default
        for option in allowed:
            if value.lower() == option.lower():
                return option
        self._invalid(name, "one of " + ", ".join(allowed), value)
        return default

    def url(
        self,
        name: str,
        default: str | None = None,
        *,
        required: bool = False,
        schemes: Iterable[str] = ("http", "https"),
        secret: bool = False,
    ) -> str | None:
        value = self.text(name, default, required=required)
        if value is None or value == default:
            return value
        allowed = tuple(schemes)
        parts = urlsplit(value)
        if parts.scheme not in allowed or not parts.netloc:
            self._invalid(name, "a URL starting with " + " or ".join(f"{s}://" for s in allowed), value, secret)
            return default
        return value

    def topic(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.text(name, default, required=required)
        if value is not None and value != default and not is_valid_topic(value):
            self._invalid(name, "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)", value)
            return default
        return value


def dotenv_path() -> Path:
    """The .env beside the started script (main.py), so `python path/to/main.py` finds it from any directory."""
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    return (Path(script).resolve().parent if script else Path.cwd()) / ".env"


def load_dotenv_beneath(path: Path, environ: MutableMapping[str, str]) -> None:
    """Fills in from .env what the environment leaves unset or empty: the environment wins, as in `test-run`.

    With KERNEL_IGNORE_DOTENV=1, .env is not read at all, so an empty variable stays empty: test-run sets it, as it
    read .env itself and hands over every setting, some deliberately empty.
    """
    if environ.get(IGNORE_DOTENV, "").strip() == "1":
        return
    for name, value in dotenv_values(path).items():
        if value is not None and value.strip() and not environ.get(name, "").strip():
            environ[name] = value


def is_valid_topic(name: str) -> bool:
    return (
        len(name) <= KAFKA_NAME_MAX
        and KAFKA_NAME_PATTERN.fullmatch(name) is not None
        and name not in KAFKA_RESERVED_NAMES
    )


def _range_text(kind: str, minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{kind} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{kind} >= {minimum}"
    return kind
