"""Per-partition offset tracking: the committable offset is the end of the prefix in which every message is finished."""

from collections import deque


class PartitionOffsets:
    """Offsets taken from one partition, in the order Kafka delivered them (increasing, possibly with gaps).

    It also counts the partition's messages by state, changed only through its methods: `active` (taken and not yet
    settled: running or waiting), and of those `waiting` (not started yet) with their `waiting_bytes`.
    """

    __slots__ = ("_active", "_done", "_pending", "_waiting", "_waiting_bytes", "safe")

    def __init__(self) -> None:
        self._pending: deque[int] = deque()
        self._done: set[int] = set()
        self._active = 0
        self._waiting = 0
        self._waiting_bytes = 0
        # The next offset to consume: everything below it is finished. None until the first message finishes.
        self.safe: int | None = None

    @property
    def active(self) -> int:
        """Messages taken and not yet settled (running or waiting behind their key); revoke waits for zero."""
        return self._active

    @property
    def waiting(self) -> int:
        """Of the active ones, those not started yet (behind their key, or without a free slot); bounded by pausing."""
        return self._waiting

    @property
    def waiting_bytes(self) -> int:
        """The waiting messages' key and value sizes: what bounds memory when messages are large."""
        return self._waiting_bytes

    @property
    def gap(self) -> int:
        """Finished messages that cannot be committed yet because an earlier one is still unfinished."""
        return len(self._done)

    def take(self, offset: int, *, waiting: bool, size: int = 0) -> None:
        """A message of `size` bytes was taken: it starts now, or (`waiting`) later."""
        self._pending.append(offset)
        self._active += 1
        if waiting:
            self._waiting += 1
            self._waiting_bytes += size

    def start(self, size: int = 0) -> None:
        """A waiting message of `size` bytes started running."""
        self._waiting -= 1
        self._waiting_bytes -= size

    def settle(self, offset: int, *, finished: bool) -> bool:
        """A running message ended, `finished` or not; True when the committable offset moved forward."""
        self._active -= 1
        return self._finish(offset) if finished else False

    def drop_waiting(self, size: int = 0) -> None:
        """A waiting message of `size` bytes will not run: it stays uncommitted and is redelivered."""
        self._active -= 1
        self._waiting -= 1
        self._waiting_bytes -= size

    def highest_started(self, waiting: set[int]) -> int:
        """The highest uncommitted offset that started (running or finished), given the waiting ones; -1 if none."""
        for offset in reversed(self._pending):
            if offset not in waiting:
                return offset
        return -1

    def _finish(self, offset: int) -> bool:
        self._done.add(offset)
        moved = False
        while self._pending and self._pending[0] in self._done:
            first = self._pending.popleft()
            self._done.discard(first)
            self.safe = first + 1
            moved = True
        return moved
