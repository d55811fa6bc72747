"""The HTTP kernel against an API served on a loopback port (aiohttp's own server): request shape and statuses."""

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import main
from forward import ApiAuthorizationError, ApiRedirected, Forwarder
from kernel_runtime import ConfigError, DependencyUnavailable, Env, Message, SkipMessage, load_settings

API_ENV = {"API_PATH": "/events", "API_KEY": "secret-key"}


class FakeApi:
    """Answers every request with `respond` (202 unless a test changes it) and records what it received."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.respond: Callable[[], web.Response] = lambda: web.Response(status=202)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append({"method": request.method, "path": request.path, "headers": request.headers, "body": body})
        return self.respond()


def forward(api: FakeApi | None, monkeypatch: pytest.MonkeyPatch, *messages: Message) -> list[Any]:
    """Runs process_message on each message in one event loop, against `api` (None: a port nobody listens on)."""

    async def scenario() -> list[Any]:
        server = None
        if api is None:
            base_url = f"http://127.0.0.1:{unused_port()}"
        else:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", api.handle)
            server = TestServer(app, host="127.0.0.1")
            await server.start_server()
            base_url = str(server.make_url(""))
        forwarder = Forwarder()
        env = Env({**API_ENV, "API_BASE_URL": base_url})
        forwarder.configure(env)
        assert env.problems == []
        forwarder.open()
        monkeypatch.setattr(main, "forwarder", forwarder)
        try:
            return await asyncio.gather(*(main.process_message(m) for m in messages), return_exceptions=True)
        finally:
            await forwarder.aclose()
            if server is not None:
                await server.close()

    return asyncio.run(scenario())


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def raised(results: list[Any]) -> BaseException:
    [result] = results
    assert isinstance(result, BaseException), f"expected an exception, got {result!r}"
    return result


def test_posts_the_payload_with_auth_and_idempotency_key(monkeypatch, make_message, sample_payload):
    api = FakeApi()
    message = make_message(offset=9)

    assert forward(api, monkeypatch, message) == [True]

    [request] = api.requests
    assert request["method"] == "POST"
    assert request["path"] == "/events"
    assert request["headers"]["Authorization"] == "Bearer secret-key"
    assert request["headers"]["Idempotency-Key"] == f"{message.topic}-0-9"
    assert json.loads(request["body"]) == sample_payload


def test_many_messages_share_one_session(monkeypatch, make_message):
    api = FakeApi()

    results = forward(api, monkeypatch, *(make_message(offset=i) for i in range(20)))

    assert results == [True] * 20
    assert sorted(int(r["headers"]["Idempotency-Key"].rsplit("-", 1)[1]) for r in api.requests) == list(range(20))


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_server_errors_and_throttling_are_retried_honouring_retry_after(monkeypatch, make_message, status):
    api = FakeApi()
    api.respond = lambda: web.Response(status=status, headers={"Retry-After": "7"})

    error = raised(forward(api, monkeypatch, make_message()))

    assert isinstance(error, DependencyUnavailable)
    assert error.retry_after == 7


def test_network_errors_are_retried(monkeypatch, make_message):
    error = raised(forward(None, monkeypatch, make_message()))

    assert isinstance(error, DependencyUnavailable)


@pytest.mark.parametrize("status", [400, 404, 422])
def test_other_client_errors_skip_the_message(monkeypatch, make_message, status):
    api = FakeApi()
    api.respond = lambda: web.Response(status=status, text="invalid event")

    error = raised(forward(api, monkeypatch, make_message()))

    assert isinstance(error, SkipMessage)
    assert "invalid event" in str(error)


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_credentials_stop_the_kernel(monkeypatch, make_message, status):
    api = FakeApi()
    api.respond = lambda: web.Response(status=status)

    assert isinstance(raised(forward(api, monkeypatch, make_message())), ApiAuthorizationError)


@pytest.mark.parametrize("status", [301, 307, 308])
def test_redirects_stop_the_kernel_instead_of_skipping_every_message(monkeypatch, make_message, status):
    api = FakeApi()
    api.respond = lambda: web.Response(status=status, headers={"Location": "https://moved.example.test/events"})

    error = raised(forward(api, monkeypatch, make_message()))

    assert isinstance(error, ApiRedirected)
    assert "moved.example.test" in str(error)
    assert len(api.requests) == 1


def test_json_with_nan_is_skipped_rather_than_crashing_the_request(monkeypatch, make_message):
    api = FakeApi()

    error = raised(forward(api, monkeypatch, make_message(b'{"total": NaN}')))

    assert isinstance(error, SkipMessage)
    assert "NaN" in str(error)
    assert api.requests == []


def test_value_that_is_not_json_is_skipped(monkeypatch, make_message):
    api = FakeApi()

    assert isinstance(raised(forward(api, monkeypatch, make_message(b"<xml/>"))), SkipMessage)
    assert api.requests == []


def test_api_base_url_is_required():
    with pytest.raises(ConfigError, match="API_BASE_URL is required"):
        load_settings(
            main.KERNEL_NAME, main.DEFAULT_TOPIC, {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}, services=[Forwarder()]
        )
