"""Watching a sandbox worker from the grader: a reply read under a deadline, and its memory.

The supervisor reads each reply through a :class:`DeadlineReader`, which gives up at the call's
deadline and between reads polls the worker's resident memory (:func:`resident_mb` of the
worker's :func:`process_tree`): the watchdog that holds memory where no cgroup does.
"""

from __future__ import annotations

import os
import select
import time

import psutil

POLL_S = 0.2


class DeadlineReader:
    """A file-like ``read`` on a pipe that gives up at a deadline (and polls memory)."""

    def __init__(self, fd: int, deadline: float, poll):
        self.fd, self.deadline, self.poll = fd, deadline, poll

    def read(self, n: int) -> bytes:
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], min(left, POLL_S))
            if ready:
                return os.read(self.fd, min(n, 1 << 20))
            self.poll()


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (empty if it is gone)."""
    try:
        return [pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))]
    except psutil.Error:
        return []


def resident_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MiB (the ones that are gone count 0)."""
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:  # it may vanish between calls
            pass
    return total / (1 << 20)
