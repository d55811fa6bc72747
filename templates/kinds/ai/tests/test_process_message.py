"""The AI kernel against a model API served on a loopback port (aiohttp's own server): the published result, and
how API errors are classified."""

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fakes import FakeProducer

import main
from assistant import Assistant, ModelApiError
from kernel_runtime import (
    ConfigError,
    DependencyUnavailable,
    Env,
    Message,
    Publisher,
    Runtime,
    SkipMessage,
    load_settings,
)

AI_ENV = {"OPENAI_API_KEY": "sk-test", "MODEL_NAME": "test-model", "OUTPUT_TOPIC": "answers", "AI_TIMEOUT_S": "0.5"}
ANSWER = {"id": "c-1", "object": "chat.completion", "created": 1, "model": "test-model"}


def completion(content: str) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    return {**ANSWER, "choices": [choice]}


class FakeModel:
    """Answers chat completions like an OpenAI-compatible API; `respond` replaces the answer, e.g. with an error."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.producer = FakeProducer()
        self.delay_s = 0.0
        self.respond: Callable[[], web.Response] = lambda: web.json_response(completion("An answer."))

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append({"method": request.method, "path": request.path, "headers": request.headers, "body": body})
        await asyncio.sleep(self.delay_s)
        return self.respond()

    def body(self, index: int = 0) -> Any:
        return json.loads(self.requests[index]["body"])


def api_error(status: int, headers: dict[str, str] | None = None) -> Callable[[], web.Response]:
    body = {"error": {"message": "API error", "type": "test_error", "code": str(status)}}
    return lambda: web.json_response(body, status=status, headers=headers)


def ask(model: FakeModel | None, monkeypatch: pytest.MonkeyPatch, message: Message) -> Any:
    """Runs process_message once against `model` (None: a port nobody listens on); returns its result or error."""

    async def scenario() -> Any:
        server = None
        if model is None:
            base_url = f"http://127.0.0.1:{unused_port()}/v1"
        else:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", model.handle)
            server = TestServer(app, host="127.0.0.1")
            await server.start_server()
            base_url = str(server.make_url("/v1"))
        assistant = Assistant()
        env = Env({**AI_ENV, "OPENAI_BASE_URL": base_url})
        assistant.configure(env)
        assert env.problems == []
        settings = load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"})
        producer = model.producer if model is not None else FakeProducer()
        assistant.open(Runtime(settings=settings, publisher=Publisher(producer)))
        monkeypatch.setattr(main, "assistant", assistant)
        try:
            [result] = await asyncio.gather(main.process_message(message), return_exceptions=True)
            return result
        finally:
            await assistant.aclose()
            if server is not None:
                await server.close()

    return asyncio.run(scenario())


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_publishes_the_answer_to_the_output_topic(monkeypatch, make_message, sample_payload):
    model = FakeModel()
    message = make_message(key=b"k", offset=3)

    assert ask(model, monkeypatch, message) is True

    [request] = model.requests
    assert (request["method"], request["path"]) == ("POST", "/v1/chat/completions")
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert model.body()["model"] == "test-model"
    assert model.body()["messages"][-1] == {"role": "user", "content": sample_payload["text"]}
    [produced] = model.producer.produced
    assert (produced.topic, produced.key) == ("answers", b"k")
    assert json.loads(produced.value or b"") == {
        "source_topic": message.topic,
        "source_partition": 0,
        "source_offset": 3,
        "id": sample_payload["id"],
        "model": "test-model",
        "result": "An answer.",
    }


def test_plain_text_values_are_sent_as_they_are(monkeypatch, make_message):
    model = FakeModel()

    ask(model, monkeypatch, make_message(b"What is Kafka?"))

    assert model.body()["messages"][-1]["content"] == "What is Kafka?"
    assert json.loads(model.producer.produced[0].value or b"")["id"] == make_message().ref


def test_rate_limits_are_retried_honouring_retry_after(monkeypatch, make_message):
    model = FakeModel()
    model.respond = api_error(429, {"retry-after": "12"})

    error = ask(model, monkeypatch, make_message())

    assert isinstance(error, DependencyUnavailable)
    assert error.retry_after == 12
    assert len(model.requests) == 1, "the SDK's own retries are off: the runtime counts every attempt"
    assert model.producer.produced == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(monkeypatch, make_message, status):
    model = FakeModel()
    model.respond = api_error(status)

    error = ask(model, monkeypatch, make_message())

    assert isinstance(error, DependencyUnavailable)
    assert str(status) in str(error)


def test_timeouts_are_retried(monkeypatch, make_message):
    model = FakeModel()
    model.delay_s = 2.0

    assert isinstance(ask(model, monkeypatch, make_message()), DependencyUnavailable)


def test_connection_errors_are_retried(monkeypatch, make_message):
    assert isinstance(ask(None, monkeypatch, make_message()), DependencyUnavailable)


@pytest.mark.parametrize("status", [400, 422])
def test_bad_requests_are_skipped(monkeypatch, make_message, status):
    model = FakeModel()
    model.respond = api_error(status)

    error = ask(model, monkeypatch, make_message())

    assert isinstance(error, SkipMessage)
    assert "rejected" in str(error)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_other_client_errors_stop_the_kernel(monkeypatch, make_message, status):
    model = FakeModel()
    model.respond = api_error(status)

    error = ask(model, monkeypatch, make_message())

    assert isinstance(error, ModelApiError)
    assert str(status) in str(error)


def test_an_answer_without_choices_is_skipped(monkeypatch, make_message):
    model = FakeModel()
    model.respond = lambda: web.json_response({**ANSWER, "choices": []})

    error = ask(model, monkeypatch, make_message())

    assert isinstance(error, SkipMessage)
    assert "no answer" in str(error)


def test_empty_messages_are_skipped(monkeypatch, make_message):
    model = FakeModel()

    assert isinstance(ask(model, monkeypatch, make_message(None)), SkipMessage)
    assert model.requests == []


def test_output_topic_must_differ_from_the_consumed_topic():
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", **AI_ENV, "OUTPUT_TOPIC": main.DEFAULT_TOPIC}
    with pytest.raises(ConfigError) as raised:
        load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, environ, services=[Assistant()])

    assert raised.value.problems == [
        "OUTPUT_TOPIC must differ from the consumed topic, or every answer would be asked about again"
    ]


def test_api_key_and_output_topic_are_required():
    with pytest.raises(ConfigError) as raised:
        load_settings(
            main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}, services=[Assistant()]
        )

    report = "\n".join(raised.value.problems)
    assert "OPENAI_API_KEY is required" in report
    assert "OUTPUT_TOPIC is required" in report
