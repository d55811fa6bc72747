"""The model client: one OpenAI-compatible chat completion per message, and where its answers go.

Errors map to the runtime's contract: rate limits, timeouts, connection errors and 5xx are retried
(honouring Retry-After); a request the API rejects as invalid is skipped; auth errors stop the kernel.
"""

import json
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam

from kernel_runtime import Env, Message, Publisher, RetryableError, Runtime, Service, SkipMessage

RETRYABLE_ERRORS = (
    openai.RateLimitError,
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.InternalServerError,
)
REJECTED_ERRORS = (openai.BadRequestError, openai.UnprocessableEntityError)


class Assistant(Service):
    def __init__(self, client: Any = None) -> None:
        """`client` lets tests pass a stand-in; otherwise open() creates an openai.OpenAI client."""
        self._client = client
        self._owned_client: openai.OpenAI | None = None
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
        if self._client is None:
            # max_retries=0: the runtime retries with its own backoff and counts attempts towards MAX_ATTEMPTS.
            self._owned_client = openai.OpenAI(
                api_key=self._api_key, base_url=self._base_url, timeout=self._timeout_s, max_retries=0
            )
            self._client = self._owned_client

    def close(self) -> None:
        if self._owned_client is not None:
            self._owned_client.close()

    def ask(self, text: str) -> str:
        """The model's answer to `text`."""
        if self._client is None:
            raise RuntimeError("Assistant.open() must run before ask()")
        messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": text}]
        if self.system_prompt:
            messages.insert(0, {"role": "system", "content": self.system_prompt})
        try:
            completion = self._client.chat.completions.create(model=self.model, messages=messages)
        except RETRYABLE_ERRORS as error:
            raise RetryableError(f"model API: {error}", retry_after=_retry_after(error)) from error
        except REJECTED_ERRORS as error:
            raise SkipMessage(f"model API rejected the request: {error}") from error
        if not completion.choices:
            raise SkipMessage("model returned no answer")
        return completion.choices[0].message.content or ""

    def publish_result(self, message: Message, result: dict[str, Any]) -> None:
        """Produce `result` as JSON to OUTPUT_TOPIC (same key as the input) and wait for Kafka's acknowledgement."""
        if self._publisher is None:
            raise RuntimeError("Assistant.open() must run before publish_result()")
        self._publisher.publish(self.output_topic, json.dumps(result).encode("utf-8"), key=message.key)


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after", "").strip() if response is not None else ""
    return float(value) if value.isdigit() else None
