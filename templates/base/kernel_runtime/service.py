"""The hooks a kind module (store, forwarder, model client) uses to join the kernel's lifecycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .env import Env
    from .runner import Runtime


class Service:
    """Override what you need: configure reads the environment, open connects, close releases."""

    def configure(self, env: Env) -> None:
        """Read and validate settings with `env`; problems are reported together with the runtime's own."""

    def capacity(self) -> int | None:
        """How many messages it can serve at once (e.g. its pool size): MAX_IN_FLIGHT's default when not set."""
        return None

    def open(self, runtime: Runtime) -> None:
        """Create clients once the configuration is valid; `runtime.publisher` produces to Kafka."""

    def close(self) -> None:
        """Release connections; called on every exit, also after a failure."""
