"""What a lab's check functions are written with (framework-neutral).

A check is a plain function ``check_<property>(student: Student) -> None`` in the lab's
checks module. Its docstring's first line is the English title; ``@title_pl`` gives the Polish
one. It gets the student's object only through ``student.probe(...)`` (plain data back from
the sandbox), computes what is expected with the reference in this trusted process, and raises
:class:`CheckFailure` with the data that explains the difference. Returning normally passes.

This module is the check author's whole API (a lab's ``public/checks.py``, ``oracles.py`` and
the analysis code they need import only it and :mod:`grader.i18n`): besides the helpers defined
here it re-exports :class:`StudentCodeError` (the student's code raised inside a probe: catch it
when a check tries an input the student may reject), :class:`~grader.cases.CaseBook` (the fixed
inputs and expected values of the lab's checks, live or recorded), the data sets of the registry
(:func:`dataset`: ``dataset(name).load(dataset(name).standin)``; MNIST's loader and its stand-in's
name also as ``load_mnist``, ``STANDIN``), and what section checks read code with (``parse``,
``parse_lock``, ``strip_magics``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .cases import CaseBook as CaseBook
from .data import dataset
from .data.mnist import STANDIN as STANDIN
from .data.mnist import load_mnist as load_mnist
from .extract import strip_magics
from .i18n import Text
from .outcomes import Table
from .parsing import parse, parse_lock
from .sandbox.errors import StudentCodeError

__all__ = [
    "CheckFailure",
    "Student",
    "Probed",
    "SectionCode",
    "title_pl",
    "check_title",
    "assert_shape",
    "assert_close",
    "assert_in_range",
    "assert_finite",
    "assert_differs",
    "matches",
    "known_fault",
    "default_tolerance",
    "fmt",
    "Text",
    "Table",
    "StudentCodeError",
    "CaseBook",
    "dataset",
    "strip_magics",
    "parse",
    "parse_lock",
]


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


@dataclass(frozen=True)
class SectionCode:
    """A section of the student's notebook as text, for checks of what a student wrote and ran
    there (``target: section`` items). Nothing here is executed: checks read the code (parse it
    with :func:`grader.parsing.parse`) and what the notebook stored when the student ran it."""

    cells: tuple[str, ...]  # source of each code cell, IPython magics included
    outputs: tuple[str, ...]  # stored text outputs of those cells (stdout, text/plain): not re-run

    @property
    def source(self) -> str:
        return "\n\n".join(self.cells)


class Student(Protocol):
    """The student's side as a check sees it (implemented by the judge)."""

    name: str
    section: SectionCode | None  # the item's section as text (None when the heading is missing)

    def probe(self, probe: str, /, *, seed: int | None = None, **inputs) -> Probed:
        """Run ``probe`` of the lab's public probes module on the graded object."""

    def helper(self, *names: str) -> Student | None:
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


# Relative tolerance by the precision the student's framework computed in: what rounding alone
# can explain when a float32 (or float16) computation is compared with a float64 oracle.
_RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-9}


def default_tolerance(dtype) -> float:
    """The relative tolerance rounding explains for values computed in ``dtype`` (TensorFlow's
    and torch's float32 by default; integers are exact)."""
    dtype = np.dtype(dtype)
    return _RTOL.get(dtype, 0.0 if dtype.kind in "biu" else 2e-5)


def assert_close(
    got: np.ndarray,
    expected: np.ndarray,
    what: Text,
    *,
    atol: float,
    rtol: float | None = None,
    hint: Text | None = None,
) -> None:
    """Fail unless ``got`` matches ``expected`` within tolerances sized to the quantity.

    ``atol`` is explicit at every call: it depends on the scale of what is compared (a KL of a
    few nats vs a reconstruction term of hundreds). ``rtol`` defaults to what the precision of
    ``got`` explains (:func:`default_tolerance`): arrays keep the dtype the framework produced.
    """
    if rtol is None:
        rtol = default_tolerance(np.asarray(got).dtype)
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise CheckFailure(what, expected=f"shape {expected.shape}", got=f"shape {got.shape}", hint=hint)
    if not np.all(np.isfinite(got)):
        raise CheckFailure(what, expected=expected, got=got, hint=hint)
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        raise CheckFailure(what, expected=expected, got=got, hint=hint)


def matches(got, expected, *, atol: float, rtol: float | None = None) -> bool:
    """Whether ``got`` equals ``expected`` (same shape) within ``atol + rtol * |expected|``, by
    the rule of :func:`assert_close` (``rtol`` by default from the dtype of ``got``)."""
    got_array = np.asarray(got)
    if rtol is None:
        rtol = default_tolerance(got_array.dtype)
    a, b = got_array.astype(np.float64), np.asarray(expected, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and bool(np.allclose(a, b, atol=atol, rtol=rtol))


def known_fault(got, variants: dict[str, object], *, atol: float, rtol: float | None = None) -> str | None:
    """The name of the first known mistake whose value (``variants``: name -> what that
    mistake computes) ``got`` matches, or None: how checks name a fault, not just see one."""
    return next((name for name, value in variants.items() if matches(got, value, atol=atol, rtol=rtol)), None)


def assert_finite(got: np.ndarray, what: Text, hint: Text | None = None) -> None:
    """Fail when any value is NaN or infinite."""
    values = np.asarray(got, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        bad = int(np.size(values) - np.count_nonzero(np.isfinite(values)))
        raise CheckFailure(
            what, expected="finite values", got=f"{bad} of {values.size} values NaN or infinite", hint=hint
        )


def assert_in_range(
    got: np.ndarray, low: float, high: float, what: Text, *, strict_low: bool = False, hint: Text | None = None
) -> None:
    """Fail unless every value lies in ``[low, high]`` (``(low, high]`` with ``strict_low``).
    The failure shows the observed range, which usually tells the fault (e.g. no sigmoid)."""
    values = np.asarray(got, dtype=np.float64)
    assert_finite(values, what, hint)
    lo, hi = float(values.min()), float(values.max())
    if lo < low or hi > high or (strict_low and lo <= low):
        bracket = "(" if strict_low else "["
        raise CheckFailure(
            what, expected=f"values in {bracket}{low:g}, {high:g}]", got=f"values in [{lo:.6g}, {hi:.6g}]", hint=hint
        )


def assert_differs(
    first: np.ndarray, second: np.ndarray, what: Text, *, atol: float = 1e-6, hint: Text | None = None
) -> None:
    """Fail when two outputs that should differ (other inputs, another random draw) are equal
    within ``atol``: the input or the randomness is ignored."""
    a, b = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    if a.shape == b.shape and np.max(np.abs(a - b), initial=0.0) <= atol:
        raise CheckFailure(
            what,
            expected=f"outputs differing by more than {atol:g}",
            got=f"largest difference {np.max(np.abs(a - b), initial=0.0):.3g}",
            hint=hint,
        )


def fmt(value: object, limit: int = 300) -> str:
    """A short rendering of a value for the report's expected/got columns."""
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            text = np.array2string(value, precision=5, suppress_small=True)
        else:
            text = (
                f"array shape {value.shape}, dtype {value.dtype}, "
                f"min {np.min(value):.5g}, max {np.max(value):.5g}, mean {np.mean(value):.5g}"
            )
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
