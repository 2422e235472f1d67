"""Run a lab's check tests on both sources of its cases (grader.cases): live, from the lab's
judge-side recipes, as the instructor's grader reads them; and recorded, from the file the
self-check bundle ships, as a student's self-check reads them. A mutant test that passes on one
and fails on the other is a case the recording gets wrong.

In a test module: ``case_source = both_case_sources("reference.generative_tf")`` (an autouse
fixture: every test of the module runs once per source, its id ending in ``-live`` or
``-recorded``). Hidden checks always read live cases: the bundle never holds them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.cases import CaseBook, RecordedSource, record

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
