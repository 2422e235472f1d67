"""The cases of every lab pack (``reference/<lab>/judge/cases.py``, grader.cases): the recording
the self-check bundle ships holds every public case and no hidden one and equals what the
instructor's grader computes live, value for value; the public book refuses every hidden case,
the hidden book serves it and every public one; and the lab's public side, which the bundle ships
under another package name, imports nothing of its judge side and nothing of its own pack by
absolute name. What is particular to a lab (its hidden twins, its special-cased answers) is in
``tests/test_cases_<lab>.py``."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.cases import CaseBook, LiveSource, MissingCase, RecordedSource, case_key, record
from tests.case_sources import declared, hidden_only, recording, same

ROOT = Path(__file__).resolve().parents[1]
PACKS = ("reference.autoencoders_keras", "reference.generative_tf", "reference.vae_pyro")


def _recipes(pack: str):
    return importlib.import_module(f"{pack}.judge.cases")


def _short(pack: str) -> str:
    return pack.rpartition(".")[2]


def _each(book: str) -> list:
    """One pytest param per (pack, name, parameters) of ``book`` (PUBLIC or hidden-only)."""
    params = []
    for pack in PACKS:
        recipes = _recipes(pack)
        cases = declared(recipes.PUBLIC) if book == "PUBLIC" else hidden_only(recipes)
        params += [pytest.param(pack, n, p, id=f"{_short(pack)}-{case_key(n, p)}") for n, p in cases]
    return params


@pytest.fixture
def recorded(tmp_path_factory):
    """The recording of the test's pack (its ``pack`` parameter), written once per session."""
    return lambda pack: recording(pack, tmp_path_factory)


@pytest.mark.parametrize("pack", PACKS, ids=_short)
def test_the_recording_holds_every_public_case_and_no_hidden_one(pack, tmp_path):
    recipes = _recipes(pack)
    keys = record(pack, tmp_path)
    assert keys == sorted(case_key(name, params) for name, params in declared(recipes.PUBLIC))
    secret = {case_key(n, p) for n, p in hidden_only(recipes)}
    assert secret and not secret & set(keys)  # every lab has hidden twins: their cases stay out


@pytest.mark.parametrize("pack,name,params", _each("PUBLIC"))
def test_every_public_case_recorded_equals_live(recorded, pack, name, params):
    live = LiveSource(f"{pack}.judge.cases", hidden=False).get(name, params)
    same(live, RecordedSource(recorded(pack)).get(name, params), case_key(name, params))


@pytest.mark.parametrize("pack,name,params", _each("HIDDEN"))
def test_the_public_book_refuses_every_hidden_case(recorded, pack, name, params):
    with pytest.raises(MissingCase, match="PUBLIC"):
        _ = CaseBook(pack)[name, params]
    CaseBook.override(pack, RecordedSource(recorded(pack)))
    try:
        with pytest.raises(MissingCase, match="recorded cases"):
            _ = CaseBook(pack)[name, params]
    finally:
        CaseBook.override(pack, None)
    assert CaseBook(pack, hidden=True)[name, params].fields()  # the hidden checks' book serves it


@pytest.mark.parametrize("pack", PACKS, ids=_short)
def test_the_hidden_book_serves_every_public_case_as_the_public_book_does(pack):
    hidden, public = CaseBook(pack, hidden=True), CaseBook(pack)
    for name, params in declared(_recipes(pack).PUBLIC):
        key = case_key(name, params)
        same(hidden.source().get(name, params), public.source().get(name, params), key)


# --- the comparison itself ------------------------------------------------------------------------


def test_the_comparison_tells_a_changed_value_apart():
    live = {"x": np.arange(4, dtype=np.float32), "variants": {"correct": 1.5}, "shape": [4]}
    same(live, {"x": np.arange(4, dtype=np.float32), "variants": {"correct": 1.5}, "shape": [4]}, "c")
    for changed, where in (
        (dict(live, x=live["x"].astype(np.float64)), "c"),  # same numbers, another dtype
        (dict(live, x=live["x"] + np.float32(1e-6)), "c"),  # another last bit
        (dict(live, variants={"correct": 1.25}), r"c\.variants\.correct"),
        (dict(live, shape=(4,)), r"c\.shape"),  # a tuple is not what a recording gives back
    ):
        with pytest.raises(AssertionError, match=where):
            same(changed, live, "c")


# --- the public side never reaches the judge side, nor its own pack by name -----------------------

# the modules of public/ that run in the judge (the public checks and their analysis code), as
# opposed to those loaded into the sandbox beside student code (probes, scaffold, course helpers)
SANDBOX_SIDE = {"probes", "scaffold", "__init__"}
CHECK_SIDE_MAY_IMPORT = {"grader", "numpy", "scipy", *sys.stdlib_module_names}


def public_import_problems(source: str, module: str, pack: str, check_side: bool) -> list[str]:
    """What ``source`` (the module ``module`` of ``pack``'s public side) imports that a bundle
    cannot satisfy: anything of ``pack.judge`` (the bundle ships no judge side), ``pack`` by
    absolute name or a relative import out of ``pack.public`` (the bundle renames the pack and
    ships only its public side) and, for a ``check_side`` module, at module level anything but
    grader, numpy, scipy and the standard library."""
    public, problems = f"{pack}.public", []
    tree = ast.parse(source)
    top_level = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            absolute = [alias.name for alias in node.names]
            relative = []
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = module.split(".")[: len(module.split(".")) - node.level]
            stem = ".".join([*base, *([node.module] if node.module else [])])
            absolute, relative = [], [stem, *(f"{stem}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.ImportFrom):
            absolute, relative = [node.module or ""], []
        else:
            continue
        problems += [t for t in relative if t != public and not t.startswith(public + ".")]
        problems += [t for t in absolute if t == pack or t.startswith(pack + ".")]
        if check_side and id(node) in top_level:
            problems += [t for t in absolute if t.split(".")[0] not in CHECK_SIDE_MAY_IMPORT]
    return sorted(set(problems))


def _public_files() -> list:
    params = []
    for pack in PACKS:
        folder = ROOT / Path(*pack.split(".")) / "public"
        for path in sorted(folder.rglob("*.py")):
            params.append(pytest.param(pack, folder, path, id=f"{_short(pack)}-{path.relative_to(folder)}"))
    return params


@pytest.mark.parametrize("pack,folder,path", _public_files())
def test_the_public_side_imports_what_the_bundle_ships(pack, folder, path):
    parts = path.relative_to(folder).with_suffix("").parts
    # a package's __init__ keeps its name as the last part: its relative imports resolve from the package
    module = ".".join([pack, "public", *parts])
    check_side = parts[-1] not in SANDBOX_SIDE and len(parts) == 1
    assert public_import_problems(path.read_text(encoding="utf-8"), module, pack, check_side) == []


@pytest.mark.parametrize("pack", PACKS, ids=_short)
def test_no_oracle_is_left_on_the_public_side(pack):
    folder = ROOT / Path(*pack.split(".")) / "public"
    assert not (folder / "oracles.py").exists() and (folder.parent / "judge" / "cases.py").is_file()


LINTED = "lab.public.checks"


@pytest.mark.parametrize(
    "source",
    [
        "from ..judge import oracles",
        "from .. import judge",
        "from ..judge.cases import PUBLIC",
        "from ..build import samples",  # out of public/: never in the bundle
        "import lab.judge.oracles",
        "from lab.public import analysis",  # the bundle renames the pack: relatively only
        "def f():\n    from lab.judge import oracles",
        "import tensorflow",  # the judge may run a bundle without the lab's framework
        "from sklearn.metrics import accuracy_score",
    ],
)
def test_the_import_lint_catches_each_way_out(source):
    assert public_import_problems(source, LINTED, "lab", check_side=True)


def test_the_import_lint_lets_public_engine_and_local_framework_imports_through():
    source = (
        "import numpy as np\nfrom scipy.special import erf\nimport dataclasses\nfrom . import analysis\n"
        "from .analysis import LOSS_ATOL\nfrom grader.cases import CaseBook\n"
        "def report():\n    from sklearn.metrics import accuracy_score\n"
    )
    assert public_import_problems(source, LINTED, "lab", check_side=True) == []
    # the sandbox side may import its framework at module level
    assert public_import_problems("import tensorflow as tf", "lab.public.probes", "lab", check_side=False) == []
