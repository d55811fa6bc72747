"""HTTP client candidates for the http and ai kinds, side by side: requests per second and CPU per request.

Each candidate sends N JSON POSTs, C at a time, to a local stand-in (Node, a separate process) that answers after
20 ms. Run with a Python that has the candidates, for example:
  uv venv /tmp/clients && VIRTUAL_ENV=/tmp/clients uv pip install aiohttp httpx httpx-aiohttp urllib3 \
    "openai[aiohttp]" uvloop pyreqwest curl_cffi aiosonic
  /tmp/clients/bin/python bench/http-clients.py [N] [C]
"""

import asyncio
import json
import os
import queue
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable

PAYLOAD = {"seq": 1, "user": "user-1", "text": "hello"}
COMPLETION = {
    "id": "c-1",
    "object": "chat.completion",
    "created": 1,
    "model": "bench",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "An answer."}, "finish_reason": "stop"}],
}
STAND_IN = """
const http = require('node:http');
const body = process.argv[1];
const server = http.createServer((q, s) => { q.resume(); q.on('end', () => setTimeout(() =>
  s.writeHead(200, {'content-type': 'application/json'}).end(body), 20)); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
"""


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_threads(count: int, concurrency: int, send: Callable[[int], None]) -> None:
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(count):
        work.put(index)

    def worker() -> None:
        while True:
            try:
                index = work.get_nowait()
            except queue.Empty:
                return
            send(index)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


async def in_tasks(count: int, concurrency: int, send: Callable[[int], Awaitable[None]]) -> None:
    slots = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        async with slots:
            await send(index)

    await asyncio.gather(*(one(index) for index in range(count)))


def httpx_threads(url: str, count: int, concurrency: int) -> None:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(limits=limits) as client:
        in_threads(count, concurrency, lambda i: client.post(url, json=PAYLOAD).raise_for_status() and None)


def urllib3_threads(url: str, count: int, concurrency: int) -> None:
    import urllib3

    pool = urllib3.PoolManager(maxsize=concurrency, block=True)
    body = json.dumps(PAYLOAD).encode()
    in_threads(count, concurrency, lambda i: pool.request("POST", url, body=body, headers={"content-type": "application/json"}) and None)


async def httpx_async(url: str, count: int, concurrency: int, transport: object = None) -> None:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, transport=transport) as client:  # type: ignore[arg-type]

        async def send(index: int) -> None:
            (await client.post(url, json=PAYLOAD)).raise_for_status()

        await in_tasks(count, concurrency, send)


async def httpx_on_aiohttp(url: str, count: int, concurrency: int) -> None:
    import aiohttp
    from httpx_aiohttp import AiohttpTransport

    connector = lambda: aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))  # noqa: E731
    await httpx_async(url, count, concurrency, AiohttpTransport(client=connector))


async def aiohttp_session(url: str, count: int, concurrency: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def send(index: int) -> None:
            async with session.post(url, json=PAYLOAD) as response:
                await response.read()

        await in_tasks(count, concurrency, send)


async def openai_sdk(url: str, count: int, concurrency: int) -> None:
    import openai

    client = openai.AsyncOpenAI(api_key="bench", base_url=url, max_retries=0, http_client=openai.DefaultAioHttpClient())

    async def send(index: int) -> None:
        await client.chat.completions.create(model="bench", messages=[{"role": "user", "content": "hello"}])

    await in_tasks(count, concurrency, send)
    await client.close()


async def pyreqwest_client(url: str, count: int, concurrency: int) -> None:
    from pyreqwest.client import ClientBuilder

    async with ClientBuilder().max_connections(concurrency).error_for_status(True).build() as client:

        async def send(index: int) -> None:
            await (await client.post(url).body_json(PAYLOAD).build().send()).bytes()

        await in_tasks(count, concurrency, send)


async def openai_on_pyreqwest(url: str, count: int, concurrency: int) -> None:
    import httpx
    import openai
    from pyreqwest.client import ClientBuilder
    from pyreqwest.compatibility.httpx import HttpxTransport

    transport = HttpxTransport(ClientBuilder().max_connections(concurrency).build())
    http_client = httpx.AsyncClient(transport=transport)
    client = openai.AsyncOpenAI(api_key="bench", base_url=url, max_retries=0, http_client=http_client)

    async def send(index: int) -> None:
        await client.chat.completions.create(model="bench", messages=[{"role": "user", "content": "hello"}])

    await in_tasks(count, concurrency, send)
    await client.close()


async def curl_cffi_session(url: str, count: int, concurrency: int) -> None:
    from curl_cffi.requests import AsyncSession

    async with AsyncSession(max_clients=concurrency) as session:

        async def send(index: int) -> None:
            (await session.post(url, json=PAYLOAD)).raise_for_status()

        await in_tasks(count, concurrency, send)


async def aiosonic_client(url: str, count: int, concurrency: int) -> None:
    import aiosonic
    from aiosonic.connectors import TCPConnector
    from aiosonic.pools import PoolConfig

    client = aiosonic.HTTPClient(TCPConnector(pool_configs={":default": PoolConfig(size=concurrency)}))

    async def send(index: int) -> None:
        await (await client.post(url, json=PAYLOAD)).content()

    await in_tasks(count, concurrency, send)


async def sleep_only(url: str, count: int, concurrency: int) -> None:
    await in_tasks(count, concurrency, lambda index: asyncio.sleep(0.02))


def on_uvloop(work: Awaitable[None]) -> None:
    import uvloop

    uvloop.run(work)  # type: ignore[arg-type]


CANDIDATES: dict[str, Callable[[str, int, int], object]] = {
    "httpx.Client, one thread per request in flight (the kinds before)": httpx_threads,
    "urllib3 PoolManager, threads": urllib3_threads,
    "httpx.AsyncClient (its own transport)": lambda u, n, c: asyncio.run(httpx_async(u, n, c)),
    "httpx.AsyncClient on httpx-aiohttp's transport": lambda u, n, c: asyncio.run(httpx_on_aiohttp(u, n, c)),
    "aiohttp ClientSession (the http kind now)": lambda u, n, c: asyncio.run(aiohttp_session(u, n, c)),
    "openai SDK, AsyncOpenAI on DefaultAioHttpClient (the ai kind now)": lambda u, n, c: asyncio.run(openai_sdk(u, n, c)),
    "asyncio.sleep(0.02) only: no client at all": lambda u, n, c: asyncio.run(sleep_only(u, n, c)),
    "pyreqwest Client (Rust, its own Tokio runtime)": lambda u, n, c: asyncio.run(pyreqwest_client(u, n, c)),
    "curl_cffi AsyncSession (libcurl multi)": lambda u, n, c: asyncio.run(curl_cffi_session(u, n, c)),
    "aiosonic HTTPClient": lambda u, n, c: asyncio.run(aiosonic_client(u, n, c)),
    "openai SDK on httpx with pyreqwest's transport": lambda u, n, c: asyncio.run(openai_on_pyreqwest(u, n, c)),
    "aiohttp ClientSession on uvloop": lambda u, n, c: on_uvloop(aiohttp_session(u, n, c)),
    "pyreqwest Client on uvloop": lambda u, n, c: on_uvloop(pyreqwest_client(u, n, c)),
    "openai SDK on DefaultAioHttpClient, uvloop": lambda u, n, c: on_uvloop(openai_sdk(u, n, c)),
    "openai SDK on pyreqwest's transport, uvloop": lambda u, n, c: on_uvloop(openai_on_pyreqwest(u, n, c)),
    "asyncio.sleep(0.02) only on uvloop": lambda u, n, c: on_uvloop(sleep_only(u, n, c)),
}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        name, url, count, concurrency = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        # A first round of `concurrency` requests pays the imports, so only the steady state is timed.
        CANDIDATES[name](url, concurrency, concurrency)
        started, cpu_started = time.perf_counter(), cpu_s()
        CANDIDATES[name](url, count, concurrency)
        elapsed, cpu = time.perf_counter() - started, cpu_s() - cpu_started
        print(json.dumps({"rate": count / elapsed, "cpu_ms": 1000 * cpu / count}))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    servers = {}
    for kind, body in (("plain", {"ok": True}), ("completion", COMPLETION)):
        process = subprocess.Popen(["node", "-e", STAND_IN, json.dumps(body)], stdout=subprocess.PIPE, text=True)
        servers[kind] = (process, f"http://127.0.0.1:{process.stdout.readline().strip()}")  # type: ignore[union-attr]
    try:
        print(f"{count} POSTs, {concurrency} at a time, to a stand-in answering after 20 ms (ceiling {concurrency * 50} req/s)")
        print("| client | req/s | CPU ms per request |\n|---|---|---|")
        for name in CANDIDATES:
            process, url = servers["completion" if "openai" in name else "plain"]
            target = f"{url}/v1" if "openai" in name else f"{url}/events"
            # One process per candidate: each pays its own imports, and none shares a pool or loop with another.
            out = subprocess.run(
                [sys.executable, __file__, "--one", name, target, str(count), str(concurrency)],
                capture_output=True, text=True, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"| {name} | {result['rate']:,.0f} | {result['cpu_ms']:.2f} |", flush=True)
    finally:
        for process, _ in servers.values():
            process.terminate()


if __name__ == "__main__":
    main()
