"""The fixed inputs and expected values of a lab's public checks, from one of two sources:
computed live from the lab's oracles (the instructor's grader), or read from a recorded file
(the student's self-check bundle, which ships no oracle).

A check asks for a case by name and parameters::

    CASES = CaseBook(__package__)        # reference.generative_tf.public -> its pack
    case = CASES["vae_loss", {"seed": 25}]
    case.x, case.variants["correct"]

* **Live**: the lab's ``judge/cases.py`` (never shipped to students) declares ``PUBLIC`` and
  ``HIDDEN``: ``{name: (list of parameter sets, recipe)}``; a recipe returns a mapping of values.
  Only declared (name, parameters) pairs are served, and a public book serves no hidden one, so
  the instructor's own tests fail at once on a case the recorded file would lack. A hidden book
  serves both, **merged** when they declare the same name: the union of the parameter sets, each
  computed by the recipe of the book that declares it (a public set by the public recipe, also
  when HIDDEN lists it again; a hidden set by the hidden recipe). So HIDDEN lists only the fresh
  sets of a name, a hidden check gets exactly the public cases the recording holds, and a hidden
  recipe, even another function, never changes what a public case is.
* **Recorded**: ``cases.npz`` + ``cases.json`` beside the lab's public checks, written by
  :func:`record` from the live recipes.

Both go through one encoding (:func:`encode` / :func:`decode`): arrays keep dtype and shape,
numpy scalars become Python numbers, tuples become lists; live values are encoded and decoded
before use, so a check sees identical values from either source and the same check functions
give the same verdicts. :class:`Case` hands out deep copies, so a check may change what it got.

A case the recorded file lacks raises :class:`MissingCase`, which the judge reports as a
``grader_error`` naming the case and the fix, never as a wrong verdict.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ARRAY = "__array__"
RECORDED_ARRAYS = "cases.npz"
RECORDED_VALUES = "cases.json"
FORMAT = 1

Params = Mapping[str, Any]
Recipe = Callable[..., Mapping[str, Any]]
Recipes = Mapping[str, tuple[Sequence[Params], Recipe]]


class MissingCase(LookupError):
    """A check asked for a case its source does not hold (or a public check for a hidden one)."""

    def __init__(self, key: str, where: str):
        super().__init__(f"case {key} is not in {where}")
        self.key, self.where = key, where


def case_key(name: str, params: Params) -> str:
    """The canonical name of a case: ``vae_loss(seed=25)``, parameters sorted, values as JSON."""
    inner = ",".join(f"{k}={json.dumps(v, sort_keys=True)}" for k, v in sorted(params.items()))
    return f"{name}({inner})"


class Case:
    """One case's values by attribute (``case.x``) or key (``case["x"]``), each a fresh deep copy."""

    def __init__(self, key: str, values: Mapping[str, Any]):
        self._key, self._values = key, dict(values)

    def __getattr__(self, field: str) -> Any:
        try:
            return copy.deepcopy(self.__dict__["_values"][field])
        except KeyError:
            raise AttributeError(f"case {self.__dict__.get('_key')} has no field {field!r}") from None

    def __getitem__(self, field: str) -> Any:
        return self.__getattr__(field)

    def fields(self) -> list[str]:
        return sorted(self._values)


# --- the one encoding ----------------------------------------------------------------------------


def encode(key: str, values: Mapping[str, Any], arrays: dict[str, np.ndarray]) -> dict:
    """``values`` as JSON-able data; each array goes into ``arrays`` under a name made from ``key``."""

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise TypeError(f"case {key}: {path} is an object array; record numbers only")
            name = f"{key}/{path}"
            arrays[name] = value
            return {ARRAY: name}
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, Mapping):
            return {str(k): walk(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if value is None or isinstance(value, bool | int | float | str):
            return value
        raise TypeError(f"case {key}: {path} is a {type(value).__name__}; record arrays, numbers and strings")

    return {str(k): walk(v, str(k)) for k, v in values.items()}


def decode(data: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """The values :func:`encode` wrote, arrays taken from ``arrays``."""
    if isinstance(data, dict):
        if set(data) == {ARRAY}:
            return np.array(arrays[data[ARRAY]])
        return {k: decode(v, arrays) for k, v in data.items()}
    if isinstance(data, list):
        return [decode(v, arrays) for v in data]
    return data


def roundtrip(key: str, values: Mapping[str, Any]) -> dict:
    """What a recorded file would give back for ``values``: what live mode serves."""
    arrays: dict[str, np.ndarray] = {}
    encoded = json.loads(json.dumps(encode(key, values, arrays)))
    return decode(encoded, {name: np.array(a, copy=True) for name, a in arrays.items()})


# --- the two sources -----------------------------------------------------------------------------


class LiveSource:
    """Cases computed by the lab's recipes (``judge/cases.py``), declared ones only. ``hidden``:
    PUBLIC and HIDDEN merged per parameter set (the module docstring): each declared key keeps
    the recipe of the first book declaring it, PUBLIC before HIDDEN."""

    def __init__(self, recipes_module: str, hidden: bool):
        module = importlib.import_module(recipes_module)
        self.where = f"{recipes_module} ({'PUBLIC and HIDDEN' if hidden else 'PUBLIC'})"
        self._declared: dict[str, Recipe] = {}  # case key -> its recipe
        for book in (module.PUBLIC, module.HIDDEN) if hidden else (module.PUBLIC,):
            for name, (param_sets, recipe) in book.items():
                for params in param_sets:
                    self._declared.setdefault(case_key(name, params), recipe)
        self._cache: dict[str, dict] = {}

    def get(self, name: str, params: Params) -> dict:
        key = case_key(name, params)
        if key not in self._cache:
            recipe = self._declared.get(key)
            if recipe is None:
                raise MissingCase(key, self.where)
            self._cache[key] = roundtrip(key, recipe(**params))
        return self._cache[key]


class RecordedSource:
    """Cases read from ``cases.npz`` + ``cases.json`` in ``folder``."""

    def __init__(self, folder: Path):
        self.where = f"the recorded cases in {folder}"
        values_file, arrays_file = folder / RECORDED_VALUES, folder / RECORDED_ARRAYS
        if not values_file.is_file():
            self._values: dict = {}
            self._arrays: dict[str, np.ndarray] = {}
            return
        data = json.loads(values_file.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise MissingCase("*", f"{values_file} (format {data.get('format')}, this grader reads {FORMAT})")
        self._values = data["cases"]
        with np.load(arrays_file, allow_pickle=False) as npz:
            self._arrays = {name: npz[name] for name in npz.files}

    def get(self, name: str, params: Params) -> dict:
        key = case_key(name, params)
        if key not in self._values:
            raise MissingCase(key, self.where)
        return decode(self._values[key], self._arrays)


class CaseBook:
    """The cases of the lab whose pack is ``pack`` (``reference.generative_tf``): live when its
    ``judge/cases.py`` is importable, else recorded beside its public checks. ``hidden``: the
    book hidden checks use (serves PUBLIC and HIDDEN cases; live only)."""

    _overrides: dict[tuple[str, bool], LiveSource | RecordedSource] = {}

    def __init__(self, pack: str, *, hidden: bool = False):
        # a check module may name its own package (``CaseBook(__package__)``, ``...public``): the
        # same line then works in the checkout and in a bundle that renamed the pack
        self.pack = pack.removesuffix(".public")
        self.hidden = hidden
        self._source: LiveSource | RecordedSource | None = None

    @property
    def recipes_module(self) -> str:
        return f"{self.pack}.judge.cases"

    def source(self) -> LiveSource | RecordedSource:
        override = CaseBook._overrides.get((self.pack, self.hidden))
        if override is not None:
            return override
        if self._source is None:
            if _importable(self.recipes_module):
                self._source = LiveSource(self.recipes_module, self.hidden)
            else:
                self._source = RecordedSource(Path(str(resources.files(f"{self.pack}.public"))))
        return self._source

    def __getitem__(self, key: tuple[str, Params] | str) -> Case:
        name, params = (key, {}) if isinstance(key, str) else key
        return Case(case_key(name, params), self.source().get(name, params))

    @classmethod
    def override(cls, pack: str, source: LiveSource | RecordedSource | None, *, hidden: bool = False) -> None:
        """Make every book of ``pack`` read ``source`` (None: back to the default); for tests and
        the bundle's build-time verification."""
        if source is None:
            cls._overrides.pop((pack, hidden), None)
        else:
            cls._overrides[(pack, hidden)] = source


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing (the bundle has no judge/)
        return False


def record(pack: str, out: Path) -> list[str]:
    """Compute every PUBLIC case of ``pack`` and write ``out/cases.npz`` and ``out/cases.json``
    (deterministic: sorted keys, no pickles); returns the keys written."""
    module = importlib.import_module(f"{pack}.judge.cases")
    arrays: dict[str, np.ndarray] = {}
    cases = {}
    for name, (param_sets, recipe) in sorted(module.PUBLIC.items()):
        for params in param_sets:
            key = case_key(name, params)
            cases[key] = encode(key, recipe(**params), arrays)
    out.mkdir(parents=True, exist_ok=True)
    document = {"format": FORMAT, "pack": pack, "cases": dict(sorted(cases.items()))}
    (out / RECORDED_VALUES).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _write_npz(out / RECORDED_ARRAYS, arrays)
    return sorted(cases)


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """What ``np.savez`` writes, made byte-for-byte repeatable: sorted members, a fixed date (the
    bundle is built deterministically), no pickles."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
