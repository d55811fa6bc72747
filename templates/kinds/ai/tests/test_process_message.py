"""The AI kernel with a stand-in model client: the published result, and how API errors are classified."""

import json
from types import SimpleNamespace

import httpx
import openai
import pytest
from fakes import FakeProducer

import main
from assistant import Assistant
from kernel_runtime import ConfigError, Env, Publisher, RetryableError, Runtime, SkipMessage, load_settings

AI_ENV = {"OPENAI_API_KEY": "sk-test", "MODEL_NAME": "test-model", "OUTPUT_TOPIC": "answers"}


class FakeModel:
    """Answers chat completions like the OpenAI client; `error` makes every call raise instead."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.error: Exception | None = None
        self.producer = FakeProducer()
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **request):
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        reply = SimpleNamespace(message=SimpleNamespace(content="An answer."))
        return SimpleNamespace(choices=[reply])


def api_error(error_class: type[openai.APIStatusError], status: int, headers: dict | None = None):
    request = httpx.Request("POST", "https://api.example.test/v1/chat/completions")
    response = httpx.Response(status, request=request, headers=headers)
    return error_class("API error", response=response, body=None)


@pytest.fixture
def model(monkeypatch):
    fake = FakeModel()
    assistant = Assistant(client=fake)
    env = Env(AI_ENV)
    assistant.configure(env)
    assert env.problems == []
    settings = load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"})
    assistant.open(Runtime(settings=settings, publisher=Publisher(fake.producer)))
    monkeypatch.setattr(main, "assistant", assistant)
    return fake


def test_publishes_the_answer_to_the_output_topic(model, make_message, sample_payload):
    message = make_message(key=b"k", offset=3)

    assert main.process_message(message) is True

    [request] = model.requests
    assert request["model"] == "test-model"
    assert request["messages"][-1] == {"role": "user", "content": sample_payload["text"]}
    [produced] = model.producer.produced
    assert (produced.topic, produced.key) == ("answers", b"k")
    assert json.loads(produced.value) == {
        "source_topic": message.topic,
        "source_partition": 0,
        "source_offset": 3,
        "id": sample_payload["id"],
        "model": "test-model",
        "result": "An answer.",
    }


def test_plain_text_values_are_sent_as_they_are(model, make_message):
    main.process_message(make_message(b"What is Kafka?"))

    assert model.requests[0]["messages"][-1]["content"] == "What is Kafka?"
    assert json.loads(model.producer.produced[0].value)["id"] == make_message().ref


def test_rate_limits_are_retried_honouring_retry_after(model, make_message):
    model.error = api_error(openai.RateLimitError, 429, {"retry-after": "12"})

    with pytest.raises(RetryableError) as raised:
        main.process_message(make_message())

    assert raised.value.retry_after == 12
    assert model.producer.produced == []


def test_timeouts_are_retried(model, make_message):
    model.error = openai.APITimeoutError(request=httpx.Request("POST", "https://api.example.test"))

    with pytest.raises(RetryableError):
        main.process_message(make_message())


def test_bad_requests_are_skipped(model, make_message):
    model.error = api_error(openai.BadRequestError, 400)

    with pytest.raises(SkipMessage):
        main.process_message(make_message())


def test_auth_errors_stop_the_kernel(model, make_message):
    model.error = api_error(openai.AuthenticationError, 401)

    with pytest.raises(openai.AuthenticationError):
        main.process_message(make_message())


def test_empty_messages_are_skipped(model, make_message):
    with pytest.raises(SkipMessage):
        main.process_message(make_message(None))


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
