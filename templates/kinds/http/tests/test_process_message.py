"""The HTTP kernel against an in-process API (httpx.MockTransport): request shape and status handling."""

import json

import httpx
import pytest

import main
from forward import ApiAuthorizationError, ApiRedirected, Forwarder
from kernel_runtime import ConfigError, DependencyUnavailable, Env, SkipMessage, load_settings

API_ENV = {"API_BASE_URL": "https://api.example.test", "API_PATH": "/events", "API_KEY": "secret-key"}


class FakeApi:
    """Answers every request with `respond` (202 unless a test changes it) and records it."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = lambda request: httpx.Response(202)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)


@pytest.fixture
def api(monkeypatch):
    """Installs a Forwarder whose requests go to a FakeApi instead of the network."""
    fake = FakeApi()
    forwarder = Forwarder(transport=httpx.MockTransport(fake))
    env = Env(API_ENV)
    forwarder.configure(env)
    assert env.problems == []
    forwarder.open()
    monkeypatch.setattr(main, "forwarder", forwarder)
    yield fake
    forwarder.close()


def test_posts_the_payload_with_auth_and_idempotency_key(api, make_message, sample_payload):
    message = make_message(offset=9)

    assert main.process_message(message) is True

    [request] = api.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.example.test/events"
    assert request.headers["Authorization"] == "Bearer secret-key"
    assert request.headers["Idempotency-Key"] == f"{message.topic}-0-9"
    assert json.loads(request.content) == sample_payload


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_server_errors_and_throttling_are_retried_honouring_retry_after(api, make_message, status):
    api.respond = lambda request: httpx.Response(status, headers={"Retry-After": "7"})

    with pytest.raises(DependencyUnavailable) as raised:
        main.process_message(make_message())

    assert raised.value.retry_after == 7


def test_network_errors_are_retried(api, make_message):
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    api.respond = refuse

    with pytest.raises(DependencyUnavailable):
        main.process_message(make_message())


@pytest.mark.parametrize("status", [400, 404, 422])
def test_other_client_errors_skip_the_message(api, make_message, status):
    api.respond = lambda request: httpx.Response(status, text="invalid event")

    with pytest.raises(SkipMessage, match="invalid event"):
        main.process_message(make_message())


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_credentials_stop_the_kernel(api, make_message, status):
    api.respond = lambda request: httpx.Response(status)

    with pytest.raises(ApiAuthorizationError):
        main.process_message(make_message())


@pytest.mark.parametrize("status", [301, 307, 308])
def test_redirects_stop_the_kernel_instead_of_skipping_every_message(api, make_message, status):
    api.respond = lambda request: httpx.Response(status, headers={"Location": "https://moved.example.test/events"})

    with pytest.raises(ApiRedirected, match=r"moved\.example\.test"):
        main.process_message(make_message())


def test_json_with_nan_is_skipped_rather_than_crashing_the_request(api, make_message):
    with pytest.raises(SkipMessage, match="NaN"):
        main.process_message(make_message(b'{"total": NaN}'))
    assert api.requests == []


def test_value_that_is_not_json_is_skipped(api, make_message):
    with pytest.raises(SkipMessage):
        main.process_message(make_message(b"<xml/>"))
    assert api.requests == []


def test_api_base_url_is_required():
    with pytest.raises(ConfigError, match="API_BASE_URL is required"):
        load_settings(
            main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}, services=[Forwarder()]
        )
