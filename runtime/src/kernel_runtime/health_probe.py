"""Container health probe: `python -m kernel_runtime.health_probe` (python:*-slim images have no curl).

Exits 0 when /healthz answers 200 on HEALTH_PORT, or when HEALTH_PORT is unset (no server to ask); else 1.
"""

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

TIMEOUT_S = 4.0


def probe(environ: Mapping[str, str]) -> int:
    port = environ.get("HEALTH_PORT", "").strip()
    if not port:
        return 0
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT_S) as response:
            return 0 if response.status == 200 else 1
    except (OSError, ValueError):
        return 1


if __name__ == "__main__":
    sys.exit(probe(os.environ))
