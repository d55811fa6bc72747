"""Where messages go: a JSON POST to API_BASE_URL + API_PATH through one keep-alive pyreqwest client.

`send` is a coroutine, so process_message is `async def` and the runtime runs it on its event loop (uvloop's):
MAX_IN_FLIGHT requests at once on one thread. pyreqwest does the HTTP work in Rust, outside the GIL, and costs
about a third of the CPU per request that aiohttp does (see the kernel README, Messages in flight).

Status codes map to the runtime's contract: 2xx done; 408, 429, 5xx and network errors are failures of the API
itself (DependencyUnavailable: retried honouring Retry-After, and many in a row open the circuit); 401 and 403
stop the kernel (wrong credentials fail every message); other 4xx are skipped.
"""

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pyreqwest.client import Client, ClientBuilder
from pyreqwest.exceptions import TransportError

from kernel_runtime import DependencyUnavailable, Env, Message, Runtime, Service, SkipMessage, traced_http_request

RETRYABLE_STATUSES = frozenset({408, 429})
AUTH_STATUSES = frozenset({401, 403})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BODY_IN_ERRORS = 300
# The name the circuit's log lines, /readyz and metrics use for the API.
DEPENDENCY = "http-api"


class ApiAuthorizationError(RuntimeError):
    """The API refused our credentials; retrying or skipping would lose every following message too."""


class ApiRedirected(RuntimeError):
    """The API answered with a redirect: the configured URL is out of date, and every message would be skipped."""


class Forwarder(Service):
    def __init__(self) -> None:
        self._client: Client | None = None

    def configure(self, env: Env) -> None:
        base_url = env.url("API_BASE_URL", required=True) or ""
        self._path = env.text("API_PATH", "/events") or "/events"
        if not self._path.startswith("/"):
            env.problem(f"API_PATH must start with / (got {self._path!r})")
        self._url = base_url.rstrip("/") + self._path
        api_key = env.text("API_KEY")
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout_s = env.seconds("HTTP_TIMEOUT_S", 10.0)

    def open(self, runtime: Runtime | None = None) -> None:
        # One kept-alive connection per message in flight, so concurrent requests never reconnect.
        connections = runtime.settings.max_in_flight if runtime is not None else 1
        self._client = (
            ClientBuilder()
            .default_headers(self._headers)
            .timeout(timedelta(seconds=self._timeout_s))
            .max_connections(connections)
            .pool_max_idle_per_host(connections)
            .follow_redirects(False)
            .build()
        )

    def close(self) -> None:
        """Closes the client from the runtime's thread, once its event loop has stopped."""
        client, self._client = self._client, None
        if client is not None:
            asyncio.run(client.close())

    async def aclose(self) -> None:
        """Closes the client from inside a running event loop (tests, or code of your own)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def send(self, message: Message, payload: Any) -> None:
        """POST one message; the Idempotency-Key lets the API drop a redelivered or replayed copy.

        The key is the message's origin (`message.origin_ref`): its own topic-partition-offset, or for a dead letter
        sent back by `clustera-kernel dlq replay`, the one it first had, so a message replayed twice is one request.
        """
        if self._client is None:
            raise RuntimeError("Forwarder.send called before open()")
        with traced_http_request("POST", self._url) as span:
            request = self._client.post(self._url).header("Idempotency-Key", message.origin_ref)
            if span.headers:
                request = request.headers(span.headers)
            try:
                response = await request.body_json(payload).build().send()
                status = response.status
                # The body and headers matter only in an error: reading them costs CPU on every success.
                if 200 <= status < 300:
                    span.record_status(status)
                    return
                body = bytes(await response.bytes())
            except TransportError as error:
                reason = f"POST {self._path} failed: {describe(error)}"
                raise DependencyUnavailable(reason, dependency=DEPENDENCY) from error
            span.record_status(status)
        check_response(self._path, status, response.headers, body)


def describe(error: TransportError) -> str:
    """One line for logs and dead letters: pyreqwest's summary and its innermost cause ("Connection refused ...")."""
    causes = [cause["message"] for cause in (error.details or {}).get("causes") or [] if cause.get("message")]
    return f"{error.message}: {causes[-1]}" if causes else error.message


def check_response(path: str, status: int, headers: Mapping[str, str], body: bytes) -> None:
    if 200 <= status < 300:
        return
    text = body[:MAX_BODY_IN_ERRORS].decode("utf-8", "replace")
    summary = f"POST {path} answered {status}: {text}"
    if status in AUTH_STATUSES:
        raise ApiAuthorizationError(f"{summary} (check API_KEY)")
    if status in REDIRECT_STATUSES:
        location = headers.get("Location", "?")
        raise ApiRedirected(f"{summary} (redirects to {location}; fix API_BASE_URL or API_PATH)")
    if status in RETRYABLE_STATUSES or status >= 500:
        raise DependencyUnavailable(summary, dependency=DEPENDENCY, retry_after=retry_after_seconds(headers))
    raise SkipMessage(summary)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare for APIs and falls back to the runtime's backoff."""
    value = headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None
