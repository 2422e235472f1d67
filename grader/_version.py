"""The grader's version, in a module of its own so that no module needs ``import grader`` to learn it."""

from __future__ import annotations

__version__ = "0.1.0"
