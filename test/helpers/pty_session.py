"""Runs a command in a real pseudo-terminal, typing each reply once the output shows its cue, and reports the outcome.

Usage: python3 pty_session.py '<[["cue", "reply"], ...]>' <timeout-s> <command> [args...]
A reply of "\\u0003" is Ctrl-C: the terminal turns it into SIGINT for the foreground process group.
Prints one JSON object: {"exitCode": int | null, "signal": int | null, "output": str, "replied": int}.
"""

import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

ANSI_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def main() -> None:
    steps, timeout_s, command = json.loads(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A 0x0 terminal makes prompt libraries wrap after every character: give it a usual size.
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    output = b""
    replied = 0
    seen_up_to = 0
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
        if replied < len(steps):
            cue, reply = steps[replied]
            found = ANSI_ESCAPE.sub(b"", output).find(cue.encode(), seen_up_to)
            if found >= 0:
                time.sleep(0.5)  # let the prompt finish drawing and start listening
                os.write(master, reply.encode())
                seen_up_to = found + len(cue)
                replied += 1
    else:
        os.kill(pid, 9)
    if status is None:
        _, status = os.waitpid(pid, 0)
    result = {
        "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "output": ANSI_ESCAPE.sub(b"", output).decode("utf-8", "replace"),
        "replied": replied,
    }
    print(json.dumps(result))


main()
