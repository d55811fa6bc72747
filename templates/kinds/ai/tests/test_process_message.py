"""The AI kernel against an in-process model API (httpx.MockTransport): the published result, and how API errors
are classified."""

import json

import httpx
import pytest
from fakes import FakeProducer

import main
from assistant import Assistant, ModelApiError
from kernel_runtime import ConfigError, DependencyUnavailable, Env, Publisher, Runtime, SkipMessage, load_settings

AI_ENV = {
    "OPENAI_API_KEY": "sk-test",
    "OPENAI_BASE_URL": "https://api.example.test/v1",
    "MODEL_NAME": "test-model",
    "OUTPUT_TOPIC": "answers",
}


class FakeModel:
    """Answers chat completions like an OpenAI-compatible API; `respond` replaces the answer, e.g. with an error."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.producer = FakeProducer()
        self.respond = lambda request: httpx.Response(
            200, json={"choices": [{"index": 0, "message": {"role": "assistant", "content": "An answer."}}]}
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def body(self, index: int = 0) -> dict:
        return json.loads(self.requests[index].content)


def api_error(status: int, headers: dict | None = None):
    body = {"error": {"message": "API error", "type": "test_error", "code": str(status)}}
    return lambda request: httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def model(monkeypatch):
    fake = FakeModel()
    assistant = Assistant(transport=httpx.MockTransport(fake))
    env = Env(AI_ENV)
    assistant.configure(env)
    assert env.problems == []
    settings = load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"})
    assistant.open(Runtime(settings=settings, publisher=Publisher(fake.producer)))
    monkeypatch.setattr(main, "assistant", assistant)
    yield fake
    assistant.close()


def test_publishes_the_answer_to_the_output_topic(model, make_message, sample_payload):
    message = make_message(key=b"k", offset=3)

    assert main.process_message(message) is True

    [request] = model.requests
    assert (request.method, str(request.url)) == ("POST", "https://api.example.test/v1/chat/completions")
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert model.body()["model"] == "test-model"
    assert model.body()["messages"][-1] == {"role": "user", "content": sample_payload["text"]}
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

    assert model.body()["messages"][-1]["content"] == "What is Kafka?"
    assert json.loads(model.producer.produced[0].value)["id"] == make_message().ref


def test_rate_limits_are_retried_honouring_retry_after(model, make_message):
    model.respond = api_error(429, {"retry-after": "12"})

    with pytest.raises(DependencyUnavailable) as raised:
        main.process_message(make_message())

    assert raised.value.retry_after == 12
    assert model.producer.produced == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(model, make_message, status):
    model.respond = api_error(status)

    with pytest.raises(DependencyUnavailable, match=str(status)):
        main.process_message(make_message())


@pytest.mark.parametrize("error_class", [httpx.ReadTimeout, httpx.ConnectError])
def test_timeouts_and_connection_errors_are_retried(model, make_message, error_class):
    def fail(request):
        raise error_class("no answer", request=request)

    model.respond = fail

    with pytest.raises(DependencyUnavailable):
        main.process_message(make_message())


@pytest.mark.parametrize("status", [400, 422])
def test_bad_requests_are_skipped(model, make_message, status):
    model.respond = api_error(status)

    with pytest.raises(SkipMessage, match="rejected"):
        main.process_message(make_message())


@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_other_client_errors_stop_the_kernel(model, make_message, status):
    model.respond = api_error(status)

    with pytest.raises(ModelApiError, match=str(status)):
        main.process_message(make_message())


def test_an_answer_without_choices_is_skipped(model, make_message):
    model.respond = lambda request: httpx.Response(200, json={"choices": []})

    with pytest.raises(SkipMessage, match="no answer"):
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
