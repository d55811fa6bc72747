"""PartitionOffsets: the committable offset and the counts of a partition's messages by state."""

from kernel_runtime.offsets import PartitionOffsets


def test_commits_only_the_finished_prefix() -> None:
    offsets = PartitionOffsets()
    for offset in (10, 11, 13):
        offsets.take(offset, waiting=False)
    assert offsets.settle(11, finished=True) is False
    assert (offsets.safe, offsets.gap) == (None, 1)
    assert offsets.settle(10, finished=True) is True
    assert (offsets.safe, offsets.gap, offsets.active) == (12, 0, 1)


def test_an_unfinished_message_holds_back_the_offsets_after_it() -> None:
    offsets = PartitionOffsets()
    offsets.take(1, waiting=False)
    offsets.take(2, waiting=False)
    offsets.settle(1, finished=False)
    offsets.settle(2, finished=True)
    assert (offsets.safe, offsets.active, offsets.gap) == (None, 0, 1)


def test_counts_waiting_messages_until_they_start_or_are_dropped() -> None:
    offsets = PartitionOffsets()
    offsets.take(1, waiting=True)
    offsets.take(2, waiting=True)
    assert (offsets.active, offsets.waiting) == (2, 2)
    offsets.start()
    assert (offsets.active, offsets.waiting) == (2, 1)
    offsets.drop_waiting()
    assert (offsets.active, offsets.waiting) == (1, 0)
