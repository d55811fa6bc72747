"""Runs a command with stdout on a non-blocking pipe that is already full, then reads it after a pause.

Prints, as JSON: the command's exit code, how many filler bytes came first, and what the command wrote after them.
A writer that does not handle EAGAIN loses output or fails; one that does delivers everything once the pipe drains.
"""

import json
import os
import subprocess
import sys
import time

read_end, write_end = os.pipe()
os.set_blocking(write_end, False)
filler = 0
try:
    while True:
        filler += os.write(write_end, b"#" * 4096)
except BlockingIOError:
    pass
child = subprocess.Popen(sys.argv[1:], stdout=write_end, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
os.close(write_end)
# Long enough for the command's first write to meet the full pipe.
time.sleep(1.0)
chunks = []
while True:
    chunk = os.read(read_end, 65536)
    if not chunk:
        break
    chunks.append(chunk)
stderr = child.stderr.read().decode()
code = child.wait()
data = b"".join(chunks)
print(json.dumps({"exitCode": code, "filler": filler, "leading": len(data) - len(data.lstrip(b"#")), "output": data.lstrip(b"#").decode(), "stderr": stderr}))
