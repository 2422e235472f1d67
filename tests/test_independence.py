"""Independence across graded items (grader.independence): which names an item's code reads
through the snapshot, which of them are other items' objects replaced by stand-ins, the rubric's
`graded_with` opt-out, STAND_INS read without importing probes.py, and the worker binding the
stand-ins at load time and for calls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from grader.errors import RubricError
from grader.extract import Program, Resolution, Snapshot, Statement, _statement, build_snapshot
from grader.independence import apply_stand_ins, names_read, stand_in_items, stand_ins_for
from grader.labs import find_lab
from grader.parsing import parse
from grader.rubric import Extraction, Rubric
from grader.rubric_file import load_rubric
from grader.sandbox.errors import ProbeBug
from grader.sandbox.supervisor import Sandbox, SandboxSpec
from grader.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"


def _statements(*cells: str) -> tuple[Statement, ...]:
    out = []
    for index, source in enumerate(cells):
        lines = source.splitlines()
        out += [s for node in parse(source).body if (s := _statement(index, node, lines)) is not None]
    return tuple(out)


def _item(id_, obj=None, aliases=(), graded_with=(), kind="code", target="object"):
    return {
        "id": id_,
        "title": {"pl": id_, "en": id_},
        "kind": kind,
        "points": 1.0,
        "section": "s",
        **({"object": obj} if obj else {}),
        "aliases": list(aliases),
        "graded_with": list(graded_with),
        **({"checks": [{"id": "check_a"}]} if kind == "code" else {}),
        **({"target": target} if kind == "code" else {}),
    }


def _rubric(*items) -> Rubric:
    return Rubric.model_validate(
        {
            "schema_version": 1,
            "lab": "t",
            "title": {"pl": "t", "en": "t"},
            "framework": "none",
            "template": "t.ipynb",
            "checks": "tests.test_scoring",
            "public_dir": ".",
            "total": float(len(items)),
            "sections": {"s": "^#### Zadanie 1"},
            "items": list(items),
        }
    )


GAN = (
    "def prepare_generator(n):\n    return layers(n)\n",
    "generator = prepare_generator(noise_dim)\n",
    "def disc_loss(real, fake):\n    return helper_of_loss(real) + cross_entropy(fake)\n",
    "def train_step(data):\n    fake = generator(data)\n    d_loss = disc_loss(data, fake)\n    return d_loss\n",
)
RUBRIC = _rubric(
    _item("gen", "prepare_generator"),
    _item("loss", "discriminator_loss", aliases=["disc_loss"]),
    _item("helper", "helper_of_loss"),
    _item("step", "train_step"),
)


# ----------------------------------------------------------------------------- names read


def test_names_read_follow_assignments_transitively():
    reads = names_read("train_step", _statements(*GAN))
    # train_step -> generator -> `generator = prepare_generator(noise_dim)` -> prepare_generator -> layers
    assert {"generator", "prepare_generator", "noise_dim", "layers", "disc_loss", "cross_entropy"} <= reads
    assert "d_loss" not in reads and "fake" not in reads  # locals are not globals (symtable)


def test_only_the_binding_in_force_counts():
    statements = _statements(
        "def train_step(model, x):\n    return compute_loss(model, x)\n",
        "def train_step(data):\n    return generator(data)\n",
    )
    assert names_read("train_step", statements) == {"generator"}
    # an assignment that builds on the name's earlier value follows that one too
    statements = _statements("f = make()\n", "f = wrap(f)\n")
    assert names_read("f", statements) == {"make", "wrap", "f"} - {"f"}


def test_a_configuring_call_is_read_too():
    statements = _statements("autoencoder = build()\n", "autoencoder.compile(loss=my_loss)\n")
    assert names_read("autoencoder", statements, ("compile",)) == {"build", "my_loss"}


# ----------------------------------------------------------------------------- the choice


def test_other_items_objects_and_aliases_get_stand_ins_and_are_not_followed():
    chosen = stand_ins_for(RUBRIC.item("step"), "train_step", _statements(*GAN), RUBRIC, {"gen", "loss", "helper"})
    # disc_loss is 4.loss's alias; helper_of_loss is only read by the replaced disc_loss: not asked for
    assert chosen == {"prepare_generator": "gen", "disc_loss": "loss"}


def test_no_stand_in_available_keeps_the_students():
    assert stand_ins_for(RUBRIC.item("step"), "train_step", _statements(*GAN), RUBRIC, {"loss"}) == {
        "disc_loss": "loss"
    }
    assert stand_ins_for(RUBRIC.item("step"), "train_step", _statements(*GAN), RUBRIC, set()) == {}


def test_graded_with_keeps_the_students_and_follows_it():
    rubric = _rubric(
        _item("gen", "prepare_generator"),
        _item("loss", "discriminator_loss", aliases=["disc_loss"]),
        _item("helper", "helper_of_loss"),
        _item("step", "train_step", graded_with=["loss"]),
    )
    chosen = stand_ins_for(rubric.item("step"), "train_step", _statements(*GAN), rubric, {"gen", "loss", "helper"})
    # the student's disc_loss is used as written, so what it reads is followed: helper_of_loss is replaced
    assert chosen == {"prepare_generator": "gen", "helper_of_loss": "helper"}


def test_an_items_own_names_are_never_replaced():
    # 2.5 and 3.loss both grade compute_loss; 3.loss's alias calls compute_loss
    rubric = _rubric(_item("2.5", "compute_loss"), _item("3.loss", "compute_loss", aliases=["compute_loss_cond"]))
    statements = _statements(
        "def compute_loss(m, x):\n    return kl(m, x)\n",
        "def compute_loss_cond(m, x):\n    return compute_loss(m, x[0])\n",
    )
    assert stand_ins_for(rubric.item("3.loss"), "compute_loss_cond", statements, rubric, {"2.5", "3.loss"}) == {}
    # and an item never replaces what it grades itself
    assert stand_ins_for(rubric.item("2.5"), "compute_loss", statements, rubric, {"2.5", "3.loss"}) == {}


def test_a_name_two_items_grade_takes_the_stand_in_of_the_last_before():
    rubric = _rubric(_item("a", "f"), _item("b", "f"), _item("x", "g"), _item("c", "f"))
    statements = _statements("def f():\n    pass\n", "def g():\n    return f()\n")
    assert stand_ins_for(rubric.item("x"), "g", statements, rubric, {"a", "b", "c"}) == {"f": "b"}
    assert stand_ins_for(rubric.item("x"), "g", statements, rubric, {"c"}) == {"f": "c"}
    graded = _rubric(_item("a", "f"), _item("b", "f"), _item("x", "g", graded_with=["a"]))
    assert stand_ins_for(graded.item("x"), "g", statements, graded, {"a", "b"}) == {}


def test_apply_stand_ins_gives_a_snapshot_of_its_own_and_a_bilingual_note():
    statements = _statements(*GAN)
    snapshot = build_snapshot(Program(statements, ()), 10, {"train_step"}, Extraction())
    resolution = Resolution("step", "train_step", snapshot)
    applied = apply_stand_ins(RUBRIC.item("step"), resolution, RUBRIC, {"gen", "loss"})
    assert applied.snapshot.stand_ins == (("disc_loss", "loss"), ("prepare_generator", "gen"))
    assert applied.snapshot.id != snapshot.id and applied.snapshot.id.startswith(snapshot.id)
    assert applied.snapshot.statements == snapshot.statements
    note = applied.notes[-1]
    assert (
        "`disc_loss` (loss)" in note.en and "`prepare_generator` (gen)" in note.en and "costs only that item" in note.en
    )
    assert "`disc_loss` (loss)" in note.pl and "wzorcowymi" in note.pl
    # nothing to replace, or no object (a section item): unchanged
    assert (
        apply_stand_ins(RUBRIC.item("gen"), Resolution("gen", "prepare_generator", snapshot), RUBRIC, {"loss"}).snapshot
        is snapshot
    )
    assert apply_stand_ins(RUBRIC.item("step"), Resolution("step", None, snapshot), RUBRIC, {"loss"}).notes == ()


def test_snapshot_ids_differ_by_stand_ins_only():
    base = Snapshot("cells<5", 5, ())
    one = base.with_stand_ins({"f": "a"})
    assert one.id != base.id and one.with_stand_ins({}).id == one.id
    assert one.with_stand_ins({"g": "b"}).id == base.with_stand_ins({"g": "b", "f": "a"}).id
    assert base.with_stand_ins({}).id == base.id


# ----------------------------------------------------------------------------- STAND_INS, statically


def test_stand_in_keys_are_read_without_importing_probes(tmp_path):
    probes = tmp_path / "probes.py"
    probes.write_text("import no_such_framework\nSTAND_INS = {'4.loss': lambda: f, \"4.gen\": make}\n")
    assert stand_in_items(probes) == {"4.loss", "4.gen"}
    assert stand_in_items(tmp_path / "absent.py") == frozenset()
    probes.write_text("def call(ns):\n    pass\n")
    assert stand_in_items(probes) == frozenset()
    probes.write_text("STAND_INS = dict(a=f)\n")
    with pytest.raises(ValueError, match="dict literal"):
        stand_in_items(probes)
    probes.write_text("STAND_INS = {}\nSTAND_INS = {'a': f}\n")
    with pytest.raises(ValueError, match="more than once"):
        stand_in_items(probes)
    assert stand_in_items(PUBLIC / "probes.py") == {"toy.scale", "toy.const", "toy.broken"}


def _lab_copy(tmp_path, lab: str, probes_text: str | None = None, **item_changes) -> Path:
    """A copy of ``rubrics/<lab>.yaml`` under ``tmp_path/rubrics`` with absolute paths; items changed
    by ``item_changes`` (id -> fields); its public folder replaced by one holding ``probes_text``."""
    data = yaml.safe_load((ROOT / "rubrics" / f"{lab}.yaml").read_text(encoding="utf-8"))
    data["template"] = str(ROOT / data["template"])
    data["public_dir"] = str(ROOT / data["public_dir"])
    data["handout"] = [str(ROOT / h) for h in data.get("handout", [])]
    if data.get("reference_notebook"):
        data["reference_notebook"] = str(ROOT / data["reference_notebook"])
    if probes_text is not None:
        public = tmp_path / "public"
        public.mkdir()
        (public / "probes.py").write_text(probes_text)
        data["public_dir"] = str(public)
    for item in data["items"]:
        item.update(item_changes.get(item["id"], {}))
    path = tmp_path / "rubrics" / f"{lab}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_stand_in_for_no_code_item_is_refused_at_lab_load(tmp_path):
    path = _lab_copy(tmp_path, "generative-tf", "STAND_INS = {'4.loss': lambda: f, '4.lossy': lambda: f, '4.1': g}\n")
    with pytest.raises(RubricError) as err:
        find_lab(str(path), Settings())
    text = str(err.value)
    assert "probes.py" in text and "'4.lossy'" in text and "'4.1'" in text and "Fix:" in text and "'4.loss'" not in text


def test_the_shipped_labs_declare_their_stand_ins():
    assert find_lab("generative-tf", Settings()).stand_ins == {"4.gen", "4.disc", "4.loss"}
    assert find_lab("vae-pyro", Settings()).stand_ins == {"1a.encoder", "1a.decoder"}
    assert find_lab("autoencoders-keras", Settings()).stand_ins == frozenset()  # execute mode: none apply
    assert find_lab("vae-pyro", Settings()).rubric.item("3").graded_with == ("1a.vae",)


# ----------------------------------------------------------------------------- graded_with in the rubric


@pytest.mark.parametrize(
    "graded_with, fragment",
    [
        (["nope"], "'nope', which is not another code item"),
        (["1"], "'1', which is not another code item"),  # itself
        (["q"], "'q', which is not another code item"),  # a prose item
    ],
)
def test_graded_with_must_name_another_code_item(tmp_path, graded_with, fragment):
    data = {
        "schema_version": 1,
        "lab": "t",
        "title": {"pl": "t", "en": "t"},
        "framework": "none",
        "template": "t.ipynb",
        "checks": "tests.test_scoring",
        "public_dir": ".",
        "total": 3.0,
        "sections": {"s": "^#### Zadanie 1"},
        "items": [_item("1", "f", graded_with=graded_with), _item("2", "g"), _item("q", kind="prose")],
    }
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    assert str(path) in str(err.value) and "item '1'" in str(err.value) and fragment in str(err.value)
    assert "Fix: use ids of this rubric's code items (2)" in str(err.value)
    data["items"][0]["graded_with"] = ["2"]
    path.write_text(yaml.safe_dump(data))
    assert load_rubric(path)[0].item("1").graded_with == ("2",)


# ----------------------------------------------------------------------------- the worker binds them


@pytest.fixture
def sandbox():
    with Sandbox(SandboxSpec(public_dir=PUBLIC, framework="none", start_timeout_s=30, memory_mb=1024)) as sb:
        yield sb


def _stmt(cell, source, binds):
    return {"cell": cell, "line": 1, "source": source, "binds": binds}


STUDENT = [
    _stmt(0, "def scale(x):\n    return x  # the student's wrong scale\n", ["scale"]),
    _stmt(1, "offset = scale(1.0)\n", ["offset"]),  # used at load time
    _stmt(2, "def f(x):\n    return scale(x) + offset\n", ["f"]),  # and at call time
    _stmt(3, "scale = lambda x: -x  # rebound after f\n", ["scale"]),
]


def test_stand_ins_are_bound_at_load_time_and_for_calls(sandbox):
    sandbox.load("own", STUDENT, {}, 20)
    assert sandbox.probe("own", "call", "f", {}, {"x": np.array([1.0, 2.0])}, 20)[1]["y"].tolist() == [0.0, -1.0]
    failures = sandbox.load("with", STUDENT, {}, 20, {"scale": "toy.scale"})
    assert failures == []
    # offset = stand-in(1) = 10 at load; scale(x) = 10x at call time, even though a later statement rebound it
    assert sandbox.probe("with", "call", "f", {}, {"x": np.array([1.0, 2.0])}, 20)[1]["y"].tolist() == [20.0, 30.0]
    # a name the student never defined is bound too (the template's code may call it)
    sandbox.load("undefined", [_stmt(0, "def f(x):\n    return x + const\n", ["f"])], {}, 20, {"const": "toy.const"})
    assert sandbox.probe("undefined", "call", "f", {}, {"x": np.array([1.0])}, 20)[1]["y"].tolist() == [8.0]


def test_a_failing_or_missing_stand_in_is_a_grader_error(sandbox):
    with pytest.raises(ProbeBug, match="broken on purpose"):
        sandbox.load("broken", STUDENT, {}, 20, {"scale": "toy.broken"})
    with pytest.raises(ProbeBug, match="broken on purpose"):  # remembered: not run again
        sandbox.load("broken", STUDENT, {}, 20, {"scale": "toy.broken"})
    with pytest.raises(ProbeBug, match=r"no STAND_INS\['toy.absent'\]"):
        sandbox.load("absent", STUDENT, {}, 20, {"scale": "toy.absent"})
    sandbox.load("fine", STUDENT, {}, 20)  # the worker serves on
    assert sandbox.probe("fine", "read_global", "f", {"name": "offset"}, {}, 20)[0]["value"] == 1.0
