"""How long to wait before the next attempt: exponential backoff with jitter, or the server's Retry-After."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    first_ms: int
    max_ms: int

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based), never above max_ms."""
        cap_s = self.max_ms / 1000
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), cap_s)
        exponential_s = min(cap_s, self.first_ms / 1000 * 2.0 ** (attempt - 1))
        # Half fixed, half random: spreads out kernels that failed together without collapsing the delay.
        return exponential_s / 2 + random.uniform(0, exponential_s / 2)
