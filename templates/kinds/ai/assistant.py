"""The model client: one chat completion per message through the official openai SDK, and where answers go.

`AsyncOpenAI` on aiohttp (`DefaultAioHttpClient`): process_message is `async def`, so MAX_IN_FLIGHT requests share
one event loop and one connection pool. The SDK's own retries are off: the runtime retries with its backoff, counts
attempts towards MAX_ATTEMPTS, and its circuit sees every failure.

Errors map to the runtime's contract: rate limits (429), timeouts, connection errors and 5xx are failures of the
model API itself (DependencyUnavailable: retried honouring Retry-After, and many in a row open the circuit); a
request the API rejects as invalid (400, 422) is skipped; any other error status (401, 403, 404, ...) stops the
kernel, because every following message would fail the same way.
"""

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam

from kernel_runtime import DependencyUnavailable, Env, Message, Publisher, Runtime, Service, SkipMessage

REJECTED_STATUSES = frozenset({400, 422})
MAX_BODY_IN_ERRORS = 300
# The name the circuit's log lines, /readyz and metrics use for the model API.
DEPENDENCY = "model-api"
# How long closing waits for the client's connections to shut.
CLOSE_TIMEOUT_S = 5.0


class ModelApiError(RuntimeError):
    """The model API refused the request in a way retrying or skipping cannot fix (key, model name, URL)."""


class Assistant(Service):
    def __init__(self) -> None:
        self._client: openai.AsyncOpenAI | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
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

    def open(self, runtime: Runtime | None = None) -> None:
        self._publisher = runtime.publisher if runtime is not None else None

    def close(self) -> None:
        loop = self._loop
        if self._client is None or loop is None or loop.is_closed():
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(CLOSE_TIMEOUT_S)
        else:
            loop.run_until_complete(self.aclose())

    async def aclose(self) -> None:
        """Closes the client on the loop it was made on (close() does this from another thread)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def ask(self, text: str) -> str:
        """The model's answer to `text`."""
        messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": text}]
        if self.system_prompt:
            messages.insert(0, {"role": "system", "content": self.system_prompt})
        client = self._client_of_this_loop()
        try:
            completion = await client.chat.completions.create(model=self.model, messages=messages)
        except openai.APIStatusError as error:
            raise contract_error(error.status_code, error.response.headers, error.response.text) from error
        except openai.APIConnectionError as error:
            # Timeouts and connection errors alike: the API may answer on the next attempt.
            raise DependencyUnavailable(f"model API: {error!r}", dependency=DEPENDENCY) from error
        except openai.APIResponseValidationError as error:
            raise ModelApiError(f"model API answered with a body that is not a chat completion: {error}") from error
        if not completion.choices:
            raise SkipMessage("model returned no answer")
        return completion.choices[0].message.content or ""

    async def publish_result(self, message: Message, result: dict[str, Any]) -> None:
        """Produce `result` as JSON to OUTPUT_TOPIC (same key as the input) once Kafka acknowledged it."""
        if self._publisher is None:
            raise RuntimeError("Assistant.open() must run before publish_result()")
        await self._publisher.publish_async(self.output_topic, json.dumps(result).encode("utf-8"), key=message.key)

    def _client_of_this_loop(self) -> openai.AsyncOpenAI:
        """The client lives on the loop that runs process_message; made there on first use, as aiohttp requires."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._loop = loop
            self._client = openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self._base_url,
                timeout=self._timeout_s,
                max_retries=0,
                http_client=openai.DefaultAioHttpClient(),
            )
        return self._client


def contract_error(status: int, headers: Mapping[str, str], body: str) -> Exception:
    """The runtime error an error status calls for."""
    summary = f"model API answered {status}: {body[:MAX_BODY_IN_ERRORS]}"
    if status == 429 or status >= 500:
        return DependencyUnavailable(summary, dependency=DEPENDENCY, retry_after=retry_after_seconds(headers))
    if status in REJECTED_STATUSES:
        return SkipMessage(f"model API rejected the request: {summary}")
    return ModelApiError(f"{summary} (check OPENAI_API_KEY, OPENAI_BASE_URL and MODEL_NAME)")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare for APIs and falls back to the runtime's backoff."""
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
