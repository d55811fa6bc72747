"""`clustera-kernel topics`: the kernel's settings and declaration, and bad input as one line with exit 2. No broker."""

from pathlib import Path

import pytest

from kernel_runtime.operate import main
from kernel_runtime.operate.topics import load_kernel

# Imported, never run: the kernel would start in the __main__ block.
MAIN_PY = (
    'KERNEL_NAME = "orders-sink"\nDEFAULT_TOPIC = "orders"\nDEFAULT_GROUP = "orders-group"\n'
    'if __name__ == "__main__":\n    raise SystemExit("the kernel ran")\n'
)
DECLARED = "[input]\npartitions = 3\n\n[dlq]\npartitions = 3\n\n[output]\npartitions = 1\n"


def kernel(tmp_path: Path, declared: str = DECLARED, dotenv: str = "KAFKA_BOOTSTRAP_SERVERS=localhost:1\n") -> Path:
    (tmp_path / "main.py").write_text(MAIN_PY)
    (tmp_path / "topics.toml").write_text(declared)
    (tmp_path / ".env").write_text(dotenv)
    return tmp_path


def test_the_topics_come_from_the_settings_and_main_py(tmp_path: Path):
    loaded = load_kernel(kernel(tmp_path), {"DLQ_TOPIC": "orders.failed"})

    assert [(t.role, t.topic) for t in loaded.targets] == [("input", "orders"), ("dlq", "orders.failed")]
    assert loaded.settings.group == "orders-group"
    assert loaded.settings.bootstrap_servers == "localhost:1"
    assert loaded.skipped == ["[output] is declared, but OUTPUT_TOPIC is unset: this kernel has no output topic"]


def test_the_environment_wins_over_dotenv(tmp_path: Path):
    loaded = load_kernel(
        kernel(tmp_path, dotenv="KAFKA_TOPIC=from-file\nKAFKA_BOOTSTRAP_SERVERS=a:1\n"),
        {
            "KAFKA_TOPIC": "from-env",
            "OUTPUT_TOPIC": "answers",
        },
    )

    assert [(t.role, t.topic) for t in loaded.targets] == [("input", "from-env"), ("output", "answers")]


@pytest.mark.parametrize(
    ("declared", "says"),
    [
        ("[input]\npartitions = -3\n", "partitions must be an integer >= 1 (got -3)"),
        ("[input\n", "topics.toml does not parse"),
    ],
)
def test_a_bad_declaration_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, declared: str, says: str
):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "localhost:1")
    assert main(["topics", "check", "--dir", str(kernel(tmp_path, declared))]) == 2

    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_no_declaration_or_no_broker_setting_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert main(["topics", "apply", "--dir", str(tmp_path)]) == 2
    assert "no topics.toml" in capsys.readouterr().err

    kernel(tmp_path, dotenv="")
    assert main(["topics", "check", "--json", "--dir", str(tmp_path)]) == 2
    assert "KAFKA_BOOTSTRAP_SERVERS is required" in capsys.readouterr().err


def test_a_cluster_that_does_not_answer_is_one_line_and_exit_3(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    # capfd: librdkafka's own logger writes to the process's stderr directly, past sys.stderr.
    monkeypatch.setenv("KAFKA_CONNECT_TIMEOUT_S", "0.5")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")

    assert main(["topics", "check", "--dir", str(kernel(tmp_path, dotenv=""))]) == 3

    err = capfd.readouterr().err
    assert "the cluster did not answer within 0.5 s" in err and err.count("\n") == 1
