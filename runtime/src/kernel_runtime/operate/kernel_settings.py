"""The kernel's settings as main.py reads them: `.env` beneath the kernel, the environment, main.py's defaults."""

import importlib.util
import os
import sys
from collections.abc import Mapping
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


def kernel_environment(directory: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment (os.environ unless given) with `.env` beneath the kernel filling what it leaves unset."""
    env = dict(os.environ if environ is None else environ)
    load_dotenv_beneath(directory / ".env", env)
    return env


def load_kernel_settings(directory: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Reads `.env` like the runtime (the environment wins), then main.py's names without running it."""
    main = _import_main(directory)
    env = kernel_environment(directory, environ)
    kernel_name = getattr(main, "KERNEL_NAME", None)
    default_topic = getattr(main, "DEFAULT_TOPIC", None)
    default_group = getattr(main, "DEFAULT_GROUP", None)
    if not isinstance(kernel_name, str) or not isinstance(default_topic, str):
        raise OperateError(f"{directory / 'main.py'} does not define KERNEL_NAME and DEFAULT_TOPIC", 2)
    try:
        return load_settings(
            kernel_name,
            default_topic,
            env,
            default_group=default_group if isinstance(default_group, str) else None,
        )
    except ConfigError as error:
        problems = "; ".join(error.problems)
        raise OperateError(f"invalid configuration (.env or the environment): {problems}", 2) from error


def _import_main(directory: Path) -> ModuleType:
    """main.py loaded afresh under another name than __main__, so its guard keeps the kernel from starting."""
    path = directory / "main.py"
    if not path.is_file():
        raise OperateError(f"no main.py in {directory}: run clustera-kernel in the kernel's directory", 2)
    # Its own modules (forward.py, store.py, the models) import from beside it.
    sys.path.insert(0, str(directory))
    spec = importlib.util.spec_from_file_location("kernel_main", path)
    if spec is None or spec.loader is None:
        raise OperateError(f"could not import {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise OperateError(f"could not import {path}: {type(error).__name__}: {error}") from error
    return module
