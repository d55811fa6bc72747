"""The event loop an `async def process_message` runs on: uvloop's when the kernel depends on it, else asyncio's.

uvloop's sockets, timers and cross-thread wake-ups run in C: the http kind's client at 256 requests in flight takes
0.09 ms of CPU per request on it against 0.16 ms on asyncio's own loop (bench/RESULTS.md, HTTP client candidates).
"""

import asyncio
import importlib


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        # Imported by name: kinds without uvloop (basic, database) type-check and run the same.
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop
