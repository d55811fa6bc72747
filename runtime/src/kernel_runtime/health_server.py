"""Optional HTTP endpoints for orchestrators: /healthz (alive), /readyz (consuming), /metrics (Prometheus)."""

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .metrics import Metrics

log = logging.getLogger(__name__)


class HealthServer:
    def __init__(
        self,
        port: int,
        metrics: Metrics,
        is_ready: Callable[[], bool],
        not_ready_because: Callable[[], str | None] = lambda: None,
    ) -> None:
        """`not_ready_because` names a reason to refuse traffic while consuming, e.g. an open circuit."""

        def readiness() -> tuple[int, str, str]:
            reason = not_ready_because()
            if reason is not None:
                return 503, "text/plain", f"not ready: {reason}\n"
            return (200, "text/plain", "ready\n") if is_ready() else (503, "text/plain", "not ready\n")

        routes: dict[str, Callable[[], tuple[int, str, str]]] = {
            "/healthz": lambda: (200, "text/plain", "ok\n"),
            "/readyz": readiness,
            "/metrics": lambda: (200, "text/plain; version=0.0.4", metrics.render()),
        }
        self._server = ThreadingHTTPServer(("0.0.0.0", port), _handler_for(routes))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="health-server", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> None:
        self._thread.start()
        log.info("Health endpoints on port %d: /healthz /readyz /metrics", self.port)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(routes: dict[str, Callable[[], tuple[int, str, str]]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            status, content_type, body = route() if route else (404, "text/plain", "not found\n")
            payload = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature fixed by the base class
            """Probes hit these endpoints every few seconds; logging each would drown the kernel's logs."""

    return Handler
