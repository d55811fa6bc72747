"""The public API, as README.md lists it: what kernels import must stay importable, under these names."""

import importlib

import pytest

PUBLIC_API = {
    "kernel_runtime": [
        "EXIT_OK",
        "ConfigError",
        "DependencyUnavailable",
        "Env",
        "Message",
        "Publisher",
        "RetryableError",
        "Runtime",
        "SchemaViolation",
        "Service",
        "Settings",
        "Shutdown",
        "SkipMessage",
        "load_settings",
        "run",
        "security_config",
        "serve",
        "traced_http_request",
    ],
    "kernel_runtime.message": ["Headers"],
    "kernel_runtime.schema": ["PayloadSchema", "SchemaIncompatible"],
    "kernel_runtime.answer_schema": ["AnswerSchema", "AnswerRejected"],
    "kernel_runtime.postgres_cursors": ["open_cursors", "ThreadCursors", "PooledCursors", "one_line"],
    "kernel_runtime.testing": [
        "build_message",
        "deliver",
        "Delivery",
        "FakeProducer",
        "Produced",
        "run_loop",
        "LoopRun",
        "TEST_DLQ_TOPIC",
    ],
}


@pytest.mark.parametrize("module", sorted(PUBLIC_API))
def test_every_public_name_is_importable(module):
    imported = importlib.import_module(module)

    missing = [name for name in PUBLIC_API[module] if not hasattr(imported, name)]

    assert missing == []


def test_the_package_exports_exactly_its_public_names():
    import kernel_runtime

    assert sorted(kernel_runtime.__all__) == sorted(PUBLIC_API["kernel_runtime"])


def test_the_readme_lists_every_public_name():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")

    unlisted = [
        f"{module}.{name}" for module, names in PUBLIC_API.items() for name in names if f"`{name}`" not in readme
    ]

    assert unlisted == []
