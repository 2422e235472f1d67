"""Run a lab's check tests on both sources of its cases (grader.cases): live, from the lab's
judge-side recipes, as the instructor's grader reads them; and recorded, from the file the
self-check bundle ships, as a student's self-check reads them. A mutant test that passes on one
and fails on the other is a case the recording gets wrong.

In a test module: ``case_source = both_case_sources("reference.generative_tf")`` (an autouse
fixture: every test of the module runs once per source, its id ending in ``-live`` or
``-recorded``). Hidden checks always read live cases: the bundle never holds them.

Also the helpers the case tests share (tests/test_cases_labs.py for every lab pack,
tests/test_cases_<lab>.py for what is particular to one): :func:`declared`, :func:`hidden_only`,
:func:`same` (value for value), :func:`recorded_case`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, RecordedSource, case_key, record

SOURCES = ("live", "recorded")
_RECORDINGS: dict[str, Path] = {}  # pack -> its recording, written once per test session


def recording(pack: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding ``pack``'s recorded public cases (cases.npz, cases.json)."""
    if pack not in _RECORDINGS:
        folder = tmp_path_factory.mktemp(f"cases-{pack.rpartition('.')[2]}")
        record(pack, folder)
        _RECORDINGS[pack] = folder
    return _RECORDINGS[pack]


def both_case_sources(pack: str):
    """An autouse fixture running each test of a module on the live and on the recorded cases."""

    @pytest.fixture(autouse=True, params=SOURCES)
    def case_source(request, tmp_path_factory):
        if request.param == "recorded":
            CaseBook.override(pack, RecordedSource(recording(pack, tmp_path_factory)))
            assert isinstance(CaseBook(pack).source(), RecordedSource)
        try:
            yield request.param
        finally:
            CaseBook.override(pack, None)

    return case_source


# --- what the case tests of every lab share (tests/test_cases_labs.py, tests/test_cases_<lab>.py)


def declared(book: dict) -> list[tuple[str, dict]]:
    """Every (name, parameters) a book (``PUBLIC`` or ``HIDDEN``) declares, sorted by name."""
    return [(name, params) for name, (param_sets, _) in sorted(book.items()) for params in param_sets]


def hidden_only(recipes) -> list[tuple[str, dict]]:
    """The cases ``HIDDEN`` declares that ``PUBLIC`` does not: what the bundle must never hold."""
    public = {case_key(n, p) for n, p in declared(recipes.PUBLIC)}
    return [(name, params) for name, params in declared(recipes.HIDDEN) if case_key(name, params) not in public]


def same(live, recorded, where: str) -> None:
    """``live`` and ``recorded`` are the same values: types, dtypes, shapes and bytes."""
    assert type(live) is type(recorded), f"{where}: {type(live).__name__} live, {type(recorded).__name__} recorded"
    if isinstance(live, np.ndarray):
        assert (live.dtype, live.shape) == (recorded.dtype, recorded.shape), where
        assert live.tobytes() == recorded.tobytes(), where
    elif isinstance(live, dict):
        assert live.keys() == recorded.keys(), where
        for key in live:
            same(live[key], recorded[key], f"{where}.{key}")
    elif isinstance(live, list):
        assert len(live) == len(recorded), where
        for i, (a, b) in enumerate(zip(live, recorded, strict=True)):
            same(a, b, f"{where}[{i}]")
    else:
        assert live == recorded, where


def recorded_case(pack: str, folder: Path, name: str, params: dict):
    """The case ``name``/``params`` as a self-check reads it: from the recording in ``folder``."""
    CaseBook.override(pack, RecordedSource(folder))
    try:
        return CaseBook(pack)[name, params]
    finally:
        CaseBook.override(pack, None)


def assert_only_the_twin_catches(pack: str, recorded: Path, check, twin, student, fragment: str) -> None:
    """An answer special-cased to the recorded inputs: ``check`` (the public check) passes on the
    student's self-check (recorded cases only) and on the judge (live cases), while ``twin``, the
    same check on fresh inputs, fails it with ``fragment``. ``student()`` makes a fresh student."""
    from grader.testing import assert_check_fails

    CaseBook.override(pack, RecordedSource(recorded))  # the student's self-check: recorded cases only
    try:
        check(student())
    finally:
        CaseBook.override(pack, None)
    check(student())  # the judge's public check too
    assert_check_fails(twin, student(), fragment)
