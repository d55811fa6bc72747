"""The model client: one OpenAI-compatible chat completion per message, and where its answers go.

Requests go through one keep-alive httpx client (thread-safe, shared by the runtime's worker threads); a full
SDK would add tens of megabytes of memory for one endpoint.

Errors map to the runtime's contract: rate limits (429), timeouts, connection errors and 5xx are failures of the
model API itself (DependencyUnavailable: retried honouring Retry-After, and many in a row open the circuit); a
request the API rejects as invalid (400, 422) is skipped; any other error status (401, 403, 404, ...) stops the
kernel, because every following message would fail the same way.
"""

import json
from typing import Any

import httpx

from kernel_runtime import DependencyUnavailable, Env, Message, Publisher, Runtime, Service, SkipMessage

COMPLETIONS_PATH = "/chat/completions"
RETRYABLE_STATUSES = frozenset({429})
REJECTED_STATUSES = frozenset({400, 422})
MAX_BODY_IN_ERRORS = 300
# The name the circuit's log lines, /readyz and metrics use for the model API.
DEPENDENCY = "model-api"


class ModelApiError(RuntimeError):
    """The model API refused the request in a way retrying or skipping cannot fix (key, model name, URL)."""


class Assistant(Service):
    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        """`transport` lets tests answer requests in-process (httpx.MockTransport)."""
        self._transport = transport
        self._client: httpx.Client | None = None
        self._publisher: Publisher | None = None
        self.model = "gpt-4o-mini"

    def configure(self, env: Env) -> None:
        self._api_key = env.required("OPENAI_API_KEY")
        self._base_url = env.url("OPENAI_BASE_URL", "https://api.openai.com/v1")
        self.model = env.text("MODEL_NAME", "gpt-4o-mini") or "gpt-4o-mini"
        self.output_topic = env.topic("OUTPUT_TOPIC", required=True) or ""
        if self.output_topic and self.output_topic == env.consumed_topic:
            env.problem("OUTPUT_TOPIC must differ from the consumed topic, or every answer would be asked about again")
        # 5 attempts of 45 s plus backoff stay under Kafka's 300 s max.poll.interval.ms, so the group keeps us.
        self._timeout_s = env.seconds("AI_TIMEOUT_S", 45.0)
        self.system_prompt = env.text("SYSTEM_PROMPT", "You are a helpful assistant.") or ""

    def open(self, runtime: Runtime) -> None:
        self._publisher = runtime.publisher
        # One kept-alive connection per message in flight, so concurrent requests never reconnect.
        connections = runtime.settings.max_in_flight
        # No retries here: the runtime retries with its own backoff and counts attempts towards MAX_ATTEMPTS.
        self._client = httpx.Client(
            base_url=self._base_url or "",
            headers={"Authorization": f"Bearer {self._api_key}"},
            timeout=self._timeout_s,
            transport=self._transport,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def ask(self, text: str) -> str:
        """The model's answer to `text`."""
        if self._client is None:
            raise RuntimeError("Assistant.open() must run before ask()")
        messages: list[dict[str, str]] = [{"role": "user", "content": text}]
        if self.system_prompt:
            messages.insert(0, {"role": "system", "content": self.system_prompt})
        try:
            response = self._client.post(COMPLETIONS_PATH, json={"model": self.model, "messages": messages})
        except httpx.TransportError as error:
            # Timeouts and connection errors alike: the API may answer on the next attempt.
            raise DependencyUnavailable(f"model API: {error!r}", dependency=DEPENDENCY) from error
        return answer_of(response)

    def publish_result(self, message: Message, result: dict[str, Any]) -> None:
        """Produce `result` as JSON to OUTPUT_TOPIC (same key as the input) and wait for Kafka's acknowledgement."""
        if self._publisher is None:
            raise RuntimeError("Assistant.open() must run before publish_result()")
        self._publisher.publish(self.output_topic, json.dumps(result).encode("utf-8"), key=message.key)


def answer_of(response: httpx.Response) -> str:
    """The first choice's content of a chat completion, or the runtime error its status calls for."""
    status = response.status_code
    if not response.is_success:
        summary = f"model API answered {status}: {response.text[:MAX_BODY_IN_ERRORS]}"
        if status in RETRYABLE_STATUSES or status >= 500:
            raise DependencyUnavailable(summary, dependency=DEPENDENCY, retry_after=retry_after_seconds(response))
        if status in REJECTED_STATUSES:
            raise SkipMessage(f"model API rejected the request: {summary}")
        raise ModelApiError(f"{summary} (check OPENAI_API_KEY, OPENAI_BASE_URL and MODEL_NAME)")
    try:
        completion = response.json()
    except ValueError as error:
        summary = f"model API answered {status} with a body that is not JSON"
        raise ModelApiError(f"{summary} (check OPENAI_BASE_URL)") from error
    choices = completion.get("choices") if isinstance(completion, dict) else None
    if not choices:
        raise SkipMessage("model returned no answer")
    content = (choices[0].get("message") or {}).get("content")
    return content if isinstance(content, str) else ""


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare for APIs and falls back to the runtime's backoff."""
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
