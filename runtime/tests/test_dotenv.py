"""One precedence for every setting, as in `test-run` and docker compose: the environment, then .env."""

from pathlib import Path

import pytest

from kernel_runtime import runner
from kernel_runtime.env import load_dotenv_beneath
from kernel_runtime.settings import load_settings


@pytest.fixture
def dotenv(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    path.write_text("KAFKA_BOOTSTRAP_SERVERS=dotenv:9092\nKAFKA_TOPIC=from-dotenv\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    return path


def test_the_environment_wins_over_dotenv(dotenv: Path) -> None:
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "env:9092", "KAFKA_TOPIC": "from-env"}
    load_dotenv_beneath(dotenv, environ)
    settings = load_settings("orders", "orders", environ)
    assert (settings.bootstrap_servers, settings.topic, settings.log_level) == ("env:9092", "from-env", "DEBUG")


def test_an_empty_environment_variable_counts_as_unset(dotenv: Path) -> None:
    environ = {"KAFKA_BOOTSTRAP_SERVERS": " "}
    load_dotenv_beneath(dotenv, environ)
    assert environ["KAFKA_BOOTSTRAP_SERVERS"] == "dotenv:9092"


def test_kernel_ignore_dotenv_keeps_what_test_run_blanked(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "KAFKA_BOOTSTRAP_SERVERS=remote:9092\nKAFKA_SASL_MECHANISM=PLAIN\nKAFKA_SASL_USERNAME=remote-user\n"
        "KAFKA_SASL_PASSWORD=remote-secret\nLOG_LEVEL=DEBUG\n",
        encoding="utf-8",
    )
    given = {"KERNEL_IGNORE_DOTENV": "1", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "KAFKA_SASL_MECHANISM": ""}
    environ = dict(given)
    load_dotenv_beneath(path, environ)
    assert environ == given
    settings = load_settings("orders", "orders", environ)
    assert (settings.bootstrap_servers, settings.sasl, settings.log_level) == ("127.0.0.1:9092", None, "INFO")


def test_kernel_ignore_dotenv_other_than_1_still_reads_dotenv(dotenv: Path) -> None:
    environ = {"KERNEL_IGNORE_DOTENV": "0"}
    load_dotenv_beneath(dotenv, environ)
    assert environ["KAFKA_BOOTSTRAP_SERVERS"] == "dotenv:9092"


def test_a_missing_dotenv_changes_nothing(tmp_path: Path) -> None:
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "env:9092"}
    load_dotenv_beneath(tmp_path / ".env", environ)
    assert environ == {"KAFKA_BOOTSTRAP_SERVERS": "env:9092"}


def test_run_reads_dotenv_beneath_the_environment(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str] = {}
    monkeypatch.setattr(runner, "dotenv_path", lambda: dotenv)
    monkeypatch.setattr(runner, "main", lambda *args: seen.update(args[3]) or 0)
    # Set through monkeypatch, so whatever run writes into os.environ is undone after the test.
    for name, value in {"KAFKA_BOOTSTRAP_SERVERS": "env:9092", "KAFKA_TOPIC": "", "LOG_LEVEL": ""}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        runner.run("orders", "orders", lambda message: None)
    assert exited.value.code == 0
    assert (seen["KAFKA_BOOTSTRAP_SERVERS"], seen["KAFKA_TOPIC"]) == ("env:9092", "from-dotenv")
