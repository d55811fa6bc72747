"""The hooks a kind module (store, forwarder, model client) uses to join the kernel's lifecycle."""

from dataclasses import dataclass

from .env import Env
from .publisher import Publisher
from .settings import Settings


@dataclass(frozen=True)
class Runtime:
    """What services get in Service.open: the settings and a publisher that waits for acknowledgements."""

    settings: Settings
    publisher: Publisher


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
