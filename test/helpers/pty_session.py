"""Runs a command in a real pseudo-terminal, types Ctrl-C once its output shows a text, and reports what happened.

Usage: python3 pty_session.py <wait-for-text> <timeout-s> <command> [args...]
Prints one JSON object: {"exitCode": int | null, "signal": int | null, "output": str, "interrupted": bool}.
"""

import json
import os
import pty
import select
import sys
import time


def main() -> None:
    wait_for, timeout_s, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    output = b""
    interrupted = False
    status: int | None = None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # A grandchild may keep the terminal open after the command exited: its exit ends the session.
        exited, wait_status = os.waitpid(pid, os.WNOHANG)
        if exited:
            status = wait_status
            break
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not interrupted and wait_for.encode() in output:
            time.sleep(0.5)
            os.write(master, b"\x03")  # the terminal turns this into SIGINT for the foreground process group
            interrupted = True
    else:
        os.kill(pid, 9)
    if status is None:
        _, status = os.waitpid(pid, 0)
    result = {
        "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "output": output.decode("utf-8", "replace"),
        "interrupted": interrupted,
    }
    print(json.dumps(result))


main()
