"""The kernel's settings as main.py reads them: `.env` beneath the kernel, the environment, main.py's defaults."""

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

from ..env import load_dotenv_beneath
from ..errors import ConfigError
from ..settings import Settings, load_settings


class OperateError(Exception):
    """Stops a command with one line on stderr and this exit code; nothing was sent."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_kernel_settings(directory: Path) -> Settings:
    """Reads `.env` like the runtime (the environment wins), then main.py's names without running it."""
    main = _import_main(directory)
    load_dotenv_beneath(directory / ".env", os.environ)
    kernel_name = getattr(main, "KERNEL_NAME", None)
    default_topic = getattr(main, "DEFAULT_TOPIC", None)
    default_group = getattr(main, "DEFAULT_GROUP", None)
    if not isinstance(kernel_name, str) or not isinstance(default_topic, str):
        raise OperateError(f"{directory / 'main.py'} does not define KERNEL_NAME and DEFAULT_TOPIC", 2)
    try:
        return load_settings(
            kernel_name,
            default_topic,
            os.environ,
            default_group=default_group if isinstance(default_group, str) else None,
        )
    except ConfigError as error:
        problems = "; ".join(error.problems)
        raise OperateError(f"invalid configuration (.env or the environment): {problems}", 2) from error


def _import_main(directory: Path) -> ModuleType:
    """Imported as `main`, so its `if __name__ == "__main__"` guard keeps the kernel from starting."""
    if not (directory / "main.py").is_file():
        raise OperateError(f"no main.py in {directory}: run clustera-kernel in the kernel's directory", 2)
    sys.path.insert(0, str(directory))
    try:
        return importlib.import_module("main")
    except Exception as error:
        raise OperateError(f"could not import {directory / 'main.py'}: {type(error).__name__}: {error}") from error
