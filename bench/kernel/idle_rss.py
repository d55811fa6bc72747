"""Starts a kernel, waits until /readyz says it consumes, lets it idle, and reports its resident memory."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

IDLE_SECONDS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def main() -> None:
    kind, kernel_dir, extra_env = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    port = free_port()
    env = {**os.environ, **extra_env, "HEALTH_PORT": str(port), "LOG_LEVEL": "WARNING"}
    # The interpreter itself, not `uv run`, so the figure is the kernel's own process.
    child = subprocess.Popen([str(kernel_dir / ".venv" / "bin" / "python"), "main.py"], cwd=kernel_dir, env=env)
    try:
        deadline = time.monotonic() + 60
        while not ready(port):
            if child.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{kind} kernel did not become ready (exit code {child.poll()})")
            time.sleep(0.2)
        time.sleep(IDLE_SECONDS)
        print(json.dumps({"kind": kind, "rss_kib": rss_kib(child.pid, "VmRSS"), "peak_kib": rss_kib(child.pid, "VmHWM")}))
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    main()
