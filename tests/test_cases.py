"""grader.cases: one set of check functions, two sources of truth. A fake lab pack in a temp
folder (public checks, judge-side recipes) is read live and from its recording: the values are
identical in both, a case the recording lacks is a MissingCase, and the judge reports that as a
grader_error naming the case and the fix."""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import textwrap

import numpy as np
import pytest

from grader.cases import CaseBook, LiveSource, MissingCase, RecordedSource, case_key, record, roundtrip
from grader.judge_items import CHECK_ENDINGS

RECIPES = """
import numpy as np

def _loss(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    return {"x": x, "labels": np.arange(4, dtype=np.int64), "expected": np.float64(x.sum()),
            "variants": {"correct": float(x.sum()), "sign": -float(x.sum())}, "shape": (4, 3), "note": "fixed"}

def _secret(seed):
    return {"y": np.full(2, seed, dtype=np.float64)}

def _fresh_loss(seed):  # another function than the public recipe of the same name
    return {"x": np.full((4, 3), seed, dtype=np.float32), "origin": "hidden"}

PUBLIC = {"loss": ([{"seed": 1}, {"seed": 2}], _loss)}
# "loss": a fresh set (3) and a public one listed again (1)
HIDDEN = {"twin": ([{"seed": 26}], _secret), "loss": ([{"seed": 3}, {"seed": 1}], _fresh_loss)}
"""


@pytest.fixture
def pack(tmp_path, monkeypatch):
    """A lab pack ``fakelab`` with ``public/`` and ``judge/cases.py``, importable."""
    root = tmp_path / "fakelab"
    for sub in ("public", "judge"):
        (root / sub).mkdir(parents=True)
        (root / sub / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "judge" / "cases.py").write_text(textwrap.dedent(RECIPES))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "fakelab" or m.startswith("fakelab.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    yield root
    for hidden in (False, True):
        CaseBook.override("fakelab", None, hidden=hidden)


def test_keys_are_canonical():
    assert (
        case_key("loss", {"seed": 1, "a": [1, 2]})
        == case_key("loss", {"a": [1, 2], "seed": 1})
        == "loss(a=[1, 2],seed=1)"
    )


def test_recorded_equals_live_value_for_value(pack):
    written = record("fakelab", pack / "public")
    assert written == ["loss(seed=1)", "loss(seed=2)"]  # hidden cases are never recorded
    live, recorded = LiveSource("fakelab.judge.cases", hidden=False), RecordedSource(pack / "public")
    for seed in (1, 2):
        a, b = live.get("loss", {"seed": seed}), recorded.get("loss", {"seed": seed})
        assert a.keys() == b.keys()
        for field in a:
            left, right = a[field], b[field]
            assert type(left) is type(right), field
            if isinstance(left, np.ndarray):
                assert left.dtype == right.dtype and left.shape == right.shape and np.array_equal(left, right)
            else:
                assert left == right, field
    # numpy scalars and tuples come back as Python values in both modes: f-strings print alike
    assert type(live.get("loss", {"seed": 1})["expected"]) is float
    assert live.get("loss", {"seed": 1})["shape"] == [4, 3]


def test_the_book_is_live_in_the_checkout_and_recorded_without_judge(pack):
    record("fakelab", pack / "public")
    live = CaseBook("fakelab")["loss", {"seed": 1}]
    (pack / "judge" / "cases.py").unlink()
    (pack / "judge" / "__init__.py").unlink()
    (pack / "judge").rmdir()
    for name in [m for m in sys.modules if m.startswith("fakelab.judge")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    book = CaseBook("fakelab")
    assert isinstance(book.source(), RecordedSource)
    assert np.array_equal(book["loss", {"seed": 1}].x, live.x)


def test_undeclared_and_hidden_cases_are_refused_by_a_public_book(pack):
    record("fakelab", pack / "public")
    public = CaseBook("fakelab")
    with pytest.raises(MissingCase, match=r"loss\(seed=3\)"):
        _ = public["loss", {"seed": 3}]
    with pytest.raises(MissingCase, match=r"twin\(seed=26\)"):
        _ = public["twin", {"seed": 26}]
    assert CaseBook("fakelab", hidden=True)["twin", {"seed": 26}].y.tolist() == [26.0, 26.0]
    CaseBook.override("fakelab", RecordedSource(pack / "public"))
    with pytest.raises(MissingCase, match="recorded cases"):
        _ = CaseBook("fakelab")["twin", {"seed": 26}]


def test_a_hidden_book_merges_a_names_public_and_hidden_parameter_sets(pack):
    """HIDDEN declares ``loss`` too: the hidden book serves the union of the sets, each by the
    recipe of the book declaring it, a public set by the public recipe even when HIDDEN lists
    it again (a hidden check reads the public cases the recording holds)."""
    public, hidden = CaseBook("fakelab"), CaseBook("fakelab", hidden=True)
    for seed in (1, 2):  # replacing the public sets by the hidden ones would lose seed 2
        left, right = hidden["loss", {"seed": seed}], public["loss", {"seed": seed}]
        assert left.fields() == right.fields() and np.array_equal(left.x, right.x)
        assert left.variants == right.variants and "origin" not in left.fields()
    fresh = hidden["loss", {"seed": 3}]  # the fresh set: the hidden recipe
    assert fresh.origin == "hidden" and fresh.x.tolist() == [[3.0] * 3] * 4
    with pytest.raises(MissingCase, match=r"loss\(seed=4\)"):  # the union, nothing more
        _ = hidden["loss", {"seed": 4}]
    with pytest.raises(MissingCase, match=r"loss\(seed=3\)"):  # and the public book still only PUBLIC
        _ = public["loss", {"seed": 3}]


def test_a_check_module_may_name_its_own_package(pack):
    record("fakelab", pack / "public")
    assert CaseBook("fakelab.public").pack == "fakelab"
    assert np.array_equal(CaseBook("fakelab.public")["loss", {"seed": 1}].x, CaseBook("fakelab")["loss", {"seed": 1}].x)


def test_a_case_hands_out_copies(pack):
    case = CaseBook("fakelab")["loss", {"seed": 1}]
    variants = case.variants
    variants.pop("correct")
    case.x[0, 0] = 1e9
    assert "correct" in case.variants and case.x[0, 0] != 1e9
    with pytest.raises(AttributeError, match="no field 'nope'"):
        _ = case.nope


def test_the_recording_is_byte_for_byte_repeatable(pack, tmp_path):
    record("fakelab", tmp_path / "one")
    record("fakelab", tmp_path / "two")
    for name in ("cases.npz", "cases.json"):
        one, two = (tmp_path / d / name for d in ("one", "two"))
        assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()
    assert json.loads((tmp_path / "one" / "cases.json").read_text())["format"] == 1
    with np.load(tmp_path / "one" / "cases.npz", allow_pickle=False) as npz:  # no pickles inside
        assert sorted(npz.files) == ["loss(seed=1)/labels", "loss(seed=1)/x", "loss(seed=2)/labels", "loss(seed=2)/x"]


def test_what_cannot_be_recorded_is_refused():
    with pytest.raises(TypeError, match="object array"):
        roundtrip("k", {"a": np.array([object()], dtype=object)})
    with pytest.raises(TypeError, match="set"):
        roundtrip("k", {"a": {1, 2}})


def test_the_judge_reports_a_missing_case_as_a_grader_error_naming_it():
    ending = next(how for kind, how in CHECK_ENDINGS if kind is MissingCase)
    result = ending(MissingCase("loss(seed=3)", "the recorded cases in /x"), None, None)
    assert result["status"].value == "grader_error"
    assert "loss(seed=3)" in result["message"].en and "self-check bundle" in result["message"].en
    assert "loss(seed=3)" in result["message"].pl and "pakiet samosprawdzenia" in result["message"].pl
