"""Labs in plain Python and numpy (``framework: none``): the adapter's defaults, nothing to add."""

from __future__ import annotations

from .base import Framework


class Plain(Framework):
    """numpy only: arrays cross the wire as they are; random and numpy are seeded by
    :func:`grader.seeding.seed_everything` for every lab."""

    name = "none"
    label = "plain Python"
