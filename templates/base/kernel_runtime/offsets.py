"""Per-partition offset tracking: the committable offset is the end of the prefix in which every message is finished."""

from collections import deque


class PartitionOffsets:
    """Offsets taken from one partition, in the order Kafka delivered them (increasing, possibly with gaps)."""

    __slots__ = ("_done", "_pending", "active", "safe", "waiting")

    def __init__(self) -> None:
        self._pending: deque[int] = deque()
        self._done: set[int] = set()
        # Messages taken and not yet settled (running or waiting behind their key); revoke waits for zero.
        self.active = 0
        # Of those, the ones not started yet (behind their key, or waiting for a free slot); bounded by pausing.
        self.waiting = 0
        # The next offset to consume: everything below it is finished. None until the first message finishes.
        self.safe: int | None = None

    def take(self, offset: int) -> None:
        self._pending.append(offset)
        self.active += 1

    def finish(self, offset: int) -> bool:
        """Marks `offset` finished; True when the committable offset moved forward."""
        self._done.add(offset)
        moved = False
        while self._pending and self._pending[0] in self._done:
            first = self._pending.popleft()
            self._done.discard(first)
            self.safe = first + 1
            moved = True
        return moved

    @property
    def gap(self) -> int:
        """Finished messages that cannot be committed yet because an earlier one is still unfinished."""
        return len(self._done)
