"""Where process_message runs when several messages are in flight: daemon threads, or one asyncio loop."""

import asyncio
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar

from .event_loop import new_event_loop
from .message import Message

log = logging.getLogger(__name__)

Done = Callable[[BaseException | None], None]
T = TypeVar("T")
# A callback that blocks the loop can delay its stop; past this the process exits anyway (daemon thread).
LOOP_STOP_TIMEOUT_S = 2.0


class Workers(Protocol):
    def start(self, message: Message, done: Done) -> None:
        """Processes `message` in the background, then calls `done` with the exception it raised, if any."""

    def close(self) -> None: ...


class ThreadWorkers:
    """Daemon threads, so work abandoned after SHUTDOWN_TIMEOUT_S never keeps the process alive."""

    def __init__(self, handle: Callable[[Message], object], count: int) -> None:
        self._handle = handle
        self._tasks: queue.SimpleQueue[tuple[Message, Done] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"worker-{index}", daemon=True) for index in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def start(self, message: Message, done: Done) -> None:
        self._tasks.put((message, done))

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            message, done = task
            try:
                self._handle(message)
            except BaseException as error:
                done(error)
            else:
                done(None)

    def close(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)


class AsyncLoop:
    """One event loop in a daemon thread, for an `async def process_message`."""

    def __init__(self) -> None:
        self._loop = new_event_loop()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="asyncio-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Runs `coroutine` on the loop and waits for its result (the one-at-a-time path)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Starts `coroutine` as a task on the loop; its caller learns the outcome through the coroutine itself.

        run_coroutine_threadsafe would also make a concurrent Future per message, with a lock, a condition and two
        chained callbacks, that nobody waits on: at 256 in flight that was ~10 % of the kernel's CPU.
        """
        self._loop.call_soon_threadsafe(self._start_task, coroutine)

    def _start_task(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = self._loop.create_task(coroutine)
        # The loop keeps only weak references to tasks: hold each until it is done.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        """Stops the loop and waits for its thread, so services can close their clients on it afterwards."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(LOOP_STOP_TIMEOUT_S)


class AsyncWorkers:
    """Tasks on an AsyncLoop; MAX_IN_FLIGHT bounds how many exist, so no semaphore is needed."""

    def __init__(self, handle: Callable[[Message], Awaitable[object]], loop: AsyncLoop) -> None:
        self._handle = handle
        self._loop = loop

    def start(self, message: Message, done: Done) -> None:
        self._loop.spawn(self._run(message, done))

    async def _run(self, message: Message, done: Done) -> None:
        try:
            await self._handle(message)
        except BaseException as error:
            done(error)
        else:
            done(None)

    def close(self) -> None:
        self._loop.close()
