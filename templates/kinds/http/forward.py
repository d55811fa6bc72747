"""Where messages go: a JSON POST to API_BASE_URL + API_PATH through one keep-alive aiohttp session.

`send` is a coroutine, so process_message is `async def` and the runtime runs it on its event loop: MAX_IN_FLIGHT
requests at once on one thread, with aiohttp's C parser keeping the CPU per request low (a thread per request and
a thread-safe client's pool lock cost several times more: see the kernel README, Concurrency).

Status codes map to the runtime's contract: 2xx done; 408, 429, 5xx and network errors are failures of the API
itself (DependencyUnavailable: retried honouring Retry-After, and many in a row open the circuit); 401 and 403
stop the kernel (wrong credentials fail every message); other 4xx are skipped.
"""

import asyncio
from collections.abc import Mapping
from typing import Any

import aiohttp

from kernel_runtime import DependencyUnavailable, Env, Message, Runtime, Service, SkipMessage

RETRYABLE_STATUSES = frozenset({408, 429})
AUTH_STATUSES = frozenset({401, 403})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BODY_IN_ERRORS = 300
# The name the circuit's log lines, /readyz and metrics use for the API.
DEPENDENCY = "http-api"
# How long closing waits for the session's connections to shut.
CLOSE_TIMEOUT_S = 5.0


class ApiAuthorizationError(RuntimeError):
    """The API refused our credentials; retrying or skipping would lose every following message too."""


class ApiRedirected(RuntimeError):
    """The API answered with a redirect: the configured URL is out of date, and every message would be skipped."""


class Forwarder(Service):
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections = 1

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
        self._connections = runtime.settings.max_in_flight if runtime is not None else 1

    def close(self) -> None:
        loop = self._loop
        if self._session is None or loop is None or loop.is_closed():
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(CLOSE_TIMEOUT_S)
        else:
            loop.run_until_complete(self.aclose())

    async def aclose(self) -> None:
        """Closes the session on the loop it was made on (close() does this from another thread)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def send(self, message: Message, payload: Any) -> None:
        """POST one message; the Idempotency-Key lets the API drop a redelivered copy."""
        session = self._session_of_this_loop()
        try:
            async with session.post(
                self._url, json=payload, headers={"Idempotency-Key": message.ref}, allow_redirects=False
            ) as response:
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DependencyUnavailable(f"POST {self._path} failed: {error!r}", dependency=DEPENDENCY) from error
        check_response(self._path, response.status, response.headers, body)

    def _session_of_this_loop(self) -> aiohttp.ClientSession:
        """The session lives on the loop that runs process_message; made there on first use, as aiohttp requires."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop:
            self._loop = loop
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
                connector=aiohttp.TCPConnector(limit=self._connections),
            )
        return self._session


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
