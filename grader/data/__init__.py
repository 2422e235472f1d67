"""Data sets the labs need, available without internet: the registry.

A rubric declares which data sets its lab's sandbox serves (``datasets:``, docs/rubrics.md), by
the names of :data:`DATASETS`. Generic code never names a data set: it asks this registry for
the lab's declared ones (:func:`data_sources`: where each is read from; :func:`is_standin`:
whether the report must say a stand-in was served). To add a data set, build a
:class:`~grader.data.dataset.DataSet` in a module of this package (as :mod:`grader.data.mnist`
does), add it to :data:`DATASETS`, and teach the frameworks' adapters (:mod:`grader.frameworks`)
to serve it where its ``keras_module`` is not enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .dataset import DataSet
from .mnist import MNIST

__all__ = ["DATASETS", "DataSet", "configured_files", "data_sources", "dataset", "is_standin", "standin_notes"]

DATASETS: dict[str, DataSet] = {d.name: d for d in (MNIST,)}


def dataset(name: str) -> DataSet:
    """The registered data set ``name``; a KeyError naming the known ones otherwise."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(
            f"no data set named {name!r} in grader/data (known: {', '.join(sorted(DATASETS))}); declare one of "
            "them in the rubric's `datasets:`, or register a new one in grader/data/__init__.py"
        ) from None


def data_sources(names: Iterable[str], settings: object) -> dict[str, str]:
    """Data set name -> where it is read from (a path, or its stand-in), for the data sets
    ``names`` (a rubric's ``datasets:``) under ``settings`` (each data set's own setting, a path)."""
    return {name: dataset(name).source(str(getattr(settings, dataset(name).setting, "") or "")) for name in names}


def configured_files(names: Iterable[str], settings: object) -> list[str]:
    """The files the settings name for the data sets ``names`` and that exist (the sandbox must see them)."""
    paths = [str(getattr(settings, dataset(name).setting, "") or "") for name in names]
    return [p for p in paths if p and Path(p).is_file()]


def is_standin(name: str, source: str) -> bool:
    """Whether the environment's entry ``name: source`` says a registered data set was served
    from its stand-in (False for an entry that is no data set)."""
    found = DATASETS.get(name)
    return found is not None and found.is_standin(source)


def standin_notes(environment: Iterable[tuple[str, str]], lang: str) -> list[str]:
    """The report's notes, one per data set of ``environment`` (name, source) served from its stand-in."""
    return [DATASETS[name].standin_note[lang] for name, source in environment if is_standin(name, source)]
