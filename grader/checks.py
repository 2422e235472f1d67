"""What a lab's check functions are written with (framework-neutral).

A check is a plain function ``check_<property>(student: Student) -> None`` in the lab's
checks module. Its docstring's first line is the English title; ``@title_pl`` gives the Polish
one. It gets the student's object only through ``student.probe(...)`` (plain data back from
the sandbox), computes what is expected with the reference in this trusted process, and raises
:class:`CheckFailure` with the data that explains the difference. Returning normally passes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from .i18n import Text

__all__ = ["CheckFailure", "Student", "Probed", "title_pl", "check_title",
           "assert_shape", "assert_close", "fmt", "Text"]


class CheckFailure(Exception):
    """A wrong answer: what is wrong (``message``), the data, and how to fix it (``hint``)."""

    def __init__(self, message: Text, expected: object = None, got: object = None, hint: Text | None = None):
        super().__init__(message.en)
        self.message = message
        self.expected = None if expected is None else fmt(expected)
        self.got = None if got is None else fmt(got)
        self.hint = hint


@dataclass(frozen=True)
class Probed:
    """A probe's reply: JSON values and numpy arrays, by name."""

    values: dict
    arrays: dict[str, np.ndarray]

    def __getitem__(self, key: str):
        return self.arrays[key] if key in self.arrays else self.values[key]

    def __contains__(self, key: str) -> bool:
        return key in self.arrays or key in self.values

    def get(self, key: str, default=None):
        return self[key] if key in self else default


class Student(Protocol):
    """The student's side as a check sees it (implemented by the judge)."""

    name: str

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        """Run ``probe`` of the lab's public probes module on the graded object."""

    def helper(self, *names: str) -> "Student | None":
        """The same snapshot, graded object replaced by the first of ``names`` the student
        defined (e.g. a ``kl_div`` helper); None if none is defined."""


def title_pl(text: str) -> Callable:
    """Decorator giving a check its Polish title (the English one is the docstring's first line)."""
    def decorate(fn):
        fn.title_pl = text
        return fn
    return decorate


def check_title(fn) -> Text:
    base = getattr(fn, "func", fn)  # functools.partial variants keep the check's title
    en = (base.__doc__ or base.__name__).strip().splitlines()[0]
    return Text(getattr(base, "title_pl", en), en)


def assert_shape(array: np.ndarray, expected: tuple, what: Text, hint: Text | None = None) -> None:
    """Fail unless ``array.shape == expected`` (``None`` in ``expected`` matches any size)."""
    shape = tuple(np.shape(array))
    ok = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not ok:
        raise CheckFailure(what, expected=expected, got=shape, hint=hint)


def assert_close(got: np.ndarray, expected: np.ndarray, what: Text, *, atol: float, rtol: float = 0.0,
                 hint: Text | None = None) -> None:
    """Fail unless ``got`` matches ``expected`` within tolerances sized to the quantity.

    Tolerances are explicit at every call: the right ``atol`` depends on the scale of what is
    compared (a KL of a few nats vs a reconstruction term of hundreds).
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise CheckFailure(what, expected=f"shape {expected.shape}", got=f"shape {got.shape}", hint=hint)
    if not np.all(np.isfinite(got)):
        raise CheckFailure(what, expected=expected, got=got, hint=hint)
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        raise CheckFailure(what, expected=expected, got=got, hint=hint)


def fmt(value: object, limit: int = 300) -> str:
    """A short rendering of a value for the report's expected/got columns."""
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            text = np.array2string(value, precision=5, suppress_small=True)
        else:
            text = (f"array shape {value.shape}, dtype {value.dtype}, "
                    f"min {np.min(value):.5g}, max {np.max(value):.5g}, mean {np.mean(value):.5g}")
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
