"""Where messages go: a JSON POST to API_BASE_URL + API_PATH through one keep-alive httpx client.

The client is thread-safe, so the runtime's worker threads share it (MAX_IN_FLIGHT requests at once).

Status codes map to the runtime's contract: 2xx done; 408, 429, 5xx and network errors are failures of the API
itself (DependencyUnavailable: retried honouring Retry-After, and many in a row open the circuit); 401 and 403
stop the kernel (wrong credentials fail every message); other 4xx are skipped.
"""

from typing import Any

import httpx

from kernel_runtime import DependencyUnavailable, Env, Message, Runtime, Service, SkipMessage

RETRYABLE_STATUSES = frozenset({408, 429})
AUTH_STATUSES = frozenset({401, 403})
MAX_BODY_IN_ERRORS = 300
# The name the circuit's log lines, /readyz and metrics use for the API.
DEPENDENCY = "http-api"


class ApiAuthorizationError(RuntimeError):
    """The API refused our credentials; retrying or skipping would lose every following message too."""


class ApiRedirected(RuntimeError):
    """The API answered with a redirect: the configured URL is out of date, and every message would be skipped."""


class Forwarder(Service):
    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        """`transport` lets tests answer requests in-process (httpx.MockTransport)."""
        self._transport = transport
        self._client: httpx.Client | None = None

    def configure(self, env: Env) -> None:
        self._base_url = env.url("API_BASE_URL", required=True) or ""
        self._path = env.text("API_PATH", "/events") or "/events"
        if not self._path.startswith("/"):
            env.problem(f"API_PATH must start with / (got {self._path!r})")
        self._api_key = env.text("API_KEY")
        self._timeout_s = env.seconds("HTTP_TIMEOUT_S", 10.0)

    def open(self, runtime: Runtime | None = None) -> None:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        # One kept-alive connection per message in flight, so concurrent requests never reconnect.
        connections = runtime.settings.max_in_flight if runtime is not None else 1
        self._client = httpx.Client(
            base_url=self._base_url,
            headers=headers,
            timeout=self._timeout_s,
            transport=self._transport,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def send(self, message: Message, payload: Any) -> None:
        """POST one message; the Idempotency-Key lets the API drop a redelivered copy."""
        if self._client is None:
            raise RuntimeError("Forwarder.open() must run before send()")
        try:
            response = self._client.post(self._path, json=payload, headers={"Idempotency-Key": message.ref})
        except httpx.TransportError as error:
            raise DependencyUnavailable(f"POST {self._path} failed: {error!r}", dependency=DEPENDENCY) from error
        check_response(response)


def check_response(response: httpx.Response) -> None:
    status = response.status_code
    if response.is_success:
        return
    summary = f"POST {response.request.url.path} answered {status}: {response.text[:MAX_BODY_IN_ERRORS]}"
    if status in AUTH_STATUSES:
        raise ApiAuthorizationError(f"{summary} (check API_KEY)")
    if response.is_redirect:
        location = response.headers.get("Location", "?")
        raise ApiRedirected(f"{summary} (redirects to {location}; fix API_BASE_URL or API_PATH)")
    if status in RETRYABLE_STATUSES or status >= 500:
        raise DependencyUnavailable(summary, dependency=DEPENDENCY, retry_after=retry_after_seconds(response))
    raise SkipMessage(summary)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare for APIs and falls back to the runtime's backoff."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None
