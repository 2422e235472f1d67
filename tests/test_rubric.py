"""Rubric validation: every mistake names the file, the item and the fix."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest
import yaml

from grader.errors import LabNotFound, RubricError
from grader.labs import ENTRY_POINT_GROUP, find_lab, list_labs, registered_packs
from grader.rubric_file import load_rubric
from grader.settings import Settings

GOOD = {
    "schema_version": 1,
    "lab": "t",
    "title": {"pl": "t", "en": "t"},
    "framework": "none",
    "template": "t.ipynb",
    "checks": "tests.test_scoring",
    "public_dir": ".",
    "total": 1.0,
    "sections": {"s": "^#### Zadanie 1"},
    "items": [
        {
            "id": "1",
            "title": {"pl": "t", "en": "t"},
            "kind": "code",
            "points": 1.0,
            "section": "s",
            "object": "f",
            "checks": [{"id": "check_a"}],
        }
    ],
}


def _write(tmp_path, data):
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(data) if isinstance(data, dict) else data)
    return path


def _broken(**changes):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    for key, value in changes.items():
        if key.startswith("item_"):
            data["items"][0][key[5:]] = value
        else:
            data[key] = value
    return data


def test_valid_rubric_loads_with_a_hash(tmp_path):
    rubric, digest = load_rubric(_write(tmp_path, GOOD))
    assert rubric.items[0].id == "1" and len(digest) == 16


@pytest.mark.parametrize(
    "changes,fragments",
    [
        ({"total": 2.0}, ["add up to 1", "`total:` says 2"]),
        ({"item_checks": [{"id": "check_nope"}]}, ["item '1'", "check_nope", "check_a"]),
        ({"item_section": "zz"}, ["item '1'", "section 'zz'", "add it under `sections:`"]),
        ({"item_pionts": 1}, ["item '1'", "pionts", "remove it"]),
        ({"item_points": -1}, ["item '1'", "points"]),
        ({"sections": {"s": "([unclosed"}}, ["section 's'", "not a valid regex"]),
        ({"checks": "no.such.module"}, ["checks module 'no.such.module'"]),
        ({"schema_version": 9}, ["schema_version"]),
        ({"framework": "jax"}, ["framework", "no framework adapter named 'jax'", "tensorflow", "grader/frameworks/"]),
        ({"item_object": None}, ["item '1'", "needs `object:`", "target: section"]),
        ({"item_manual_points": 1.0}, ["item '1'", "`manual_points` (1) must be less than `points` (1)"]),
        ({"item_reports": ["report_nope"]}, ["item '1'", "report 'report_nope'", "none"]),
        ({"item_kind": "prose", "item_checks": [], "item_manual_points": 0.5}, ["a prose item is scored by a person"]),
    ],
)
def test_invalid_rubrics_name_file_item_and_fix(tmp_path, changes, fragments):
    with pytest.raises(RubricError) as err:
        load_rubric(_write(tmp_path, _broken(**changes)))
    message = str(err.value)
    assert str(tmp_path / "lab.yaml") in message
    for fragment in fragments:
        assert fragment in message


def test_yaml_syntax_error_is_reported(tmp_path):
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(_write(tmp_path, "items: [unclosed"))


def test_shipped_rubrics_are_valid():
    labs = list_labs(Settings())
    assert "generative-tf" in {lab.name for lab in labs}
    gen = next(lab for lab in labs if lab.name == "generative-tf")
    assert gen.rubric.max_points == 5.5 and len(gen.rubric.items) == 19
    vae = next(lab for lab in labs if lab.name == "vae-pyro")
    assert vae.rubric.max_points == 5.0 and [i.id for i in vae.rubric.items if i.bonus] == ["3"]


def test_a_section_item_needs_no_object(tmp_path):
    data = _broken(item_object=None, item_target="section", item_manual_points=0.5)
    rubric, _ = load_rubric(_write(tmp_path, data))
    assert rubric.items[0].target == "section" and rubric.items[0].manual_points == 0.5


# ----------------------------------------------------------------------------- public and hidden checks

PUBLIC_CHECKS = "def check_a(student):\n    pass\n"
HIDDEN_CHECKS = "def check_secret(student):\n    pass\n"


def _check_modules(tmp_path, monkeypatch, public: str = PUBLIC_CHECKS, hidden: str = HIDDEN_CHECKS) -> None:
    """Modules ``lab_public_checks`` and ``lab_hidden_checks`` importable from ``tmp_path``."""
    (tmp_path / "lab_public_checks.py").write_text(public)
    (tmp_path / "lab_hidden_checks.py").write_text(hidden)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("lab_public_checks", "lab_hidden_checks"):  # another test's versions: import these afresh
        monkeypatch.delitem(sys.modules, name, raising=False)


def _split(**item_changes) -> dict:
    data = _broken(checks="lab_public_checks", hidden_checks="lab_hidden_checks")
    data["items"][0]["checks"] = [{"id": "check_a"}, {"id": "check_secret", "public": False}]
    data["items"][0].update(item_changes)
    return data


def test_hidden_checks_resolve_in_their_own_module(tmp_path, monkeypatch):
    _check_modules(tmp_path, monkeypatch)
    rubric, _ = load_rubric(_write(tmp_path, _split()))
    assert rubric.hidden_checks == "lab_hidden_checks"


def test_a_public_check_defined_only_in_the_hidden_module_is_refused(tmp_path, monkeypatch):
    _check_modules(tmp_path, monkeypatch, hidden=HIDDEN_CHECKS + "def check_b(student):\n    pass\n")
    with pytest.raises(RubricError) as err:
        load_rubric(_write(tmp_path, _split(checks=[{"id": "check_b"}, {"id": "check_secret", "public": False}])))
    message = str(err.value)
    assert str(tmp_path / "lab.yaml") in message and "item '1'" in message
    assert "'check_b' is public but defined only in the hidden module lab_hidden_checks" in message
    assert "Fix: move it to lab_public_checks, or mark it `public: false`" in message


def test_a_hidden_check_defined_in_the_public_module_is_refused(tmp_path, monkeypatch):
    _check_modules(tmp_path, monkeypatch, public=PUBLIC_CHECKS + HIDDEN_CHECKS)
    with pytest.raises(RubricError) as err:
        load_rubric(_write(tmp_path, _split()))
    message = str(err.value)
    assert str(tmp_path / "lab.yaml") in message and "item '1'" in message
    assert "'check_secret' is marked `public: false` but defined in the public module lab_public_checks" in message
    assert "Fix: move it to the `hidden_checks:` module (lab_hidden_checks)" in message


def test_a_hidden_check_needs_a_hidden_checks_module(tmp_path, monkeypatch):
    _check_modules(tmp_path, monkeypatch)
    data = _split()
    del data["hidden_checks"]
    with pytest.raises(RubricError, match="no `hidden_checks:` module. Fix: add `hidden_checks:`"):
        load_rubric(_write(tmp_path, data))


def test_the_shipped_labs_keep_hidden_checks_out_of_their_public_modules():
    for lab in list_labs(Settings()):
        for item in lab.rubric.items:
            for spec in item.checks:
                name = spec.id.split("(")[0]
                assert hasattr(lab.checks_module, name) == spec.public, (lab.name, spec.id)
                assert lab.check_function(spec.id).__name__ == name


# ----------------------------------------------------------------------------- finding labs


def _lab_folder(tmp_path, monkeypatch, rubric_name: str = "lab.yaml"):
    """A course's own lab outside the grader: its rubric, public folder and check modules."""
    folder = tmp_path / "course_lab"
    (folder / "public").mkdir(parents=True)
    (folder / "public" / "probes.py").write_text("")
    _check_modules(folder, monkeypatch)
    path = folder / rubric_name
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(_split() | {"public_dir": "public"}))
    return folder


@pytest.mark.parametrize("rubric_name", ["lab.yaml", "rubrics/course.yaml", "course.yaml"])
def test_a_lab_folder_is_found_by_its_rubric(tmp_path, monkeypatch, rubric_name):
    folder = _lab_folder(tmp_path, monkeypatch, rubric_name)
    lab = find_lab(str(folder), Settings())
    assert lab.root == folder.resolve() and lab.public_dir == (folder / "public").resolve()
    assert lab.check_function("check_secret").__module__ == "lab_hidden_checks"
    assert lab.private_dirs == (folder.resolve(),)


def test_a_folder_without_a_rubric_is_not_a_lab(tmp_path):
    with pytest.raises(LabNotFound, match="no lab.yaml, rubrics/\\*.yaml or \\*.yaml"):
        find_lab(str(tmp_path), Settings())


def test_an_unknown_lab_names_the_registered_ones():
    with pytest.raises(LabNotFound) as err:
        find_lab("no-such-lab", Settings())
    assert "generative-tf" in str(err.value) and "grader labs" in str(err.value)


def test_a_pack_without_rubric_names_its_entry_point(tmp_path, monkeypatch):
    (tmp_path / "broken_pack.py").write_text('LAB_ID = "broken"\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    entry_point = importlib.metadata.EntryPoint("broken", "broken_pack", ENTRY_POINT_GROUP)
    monkeypatch.setattr("grader.labs.registered_packs", lambda: {"broken": entry_point})
    with pytest.raises(RubricError) as err:
        find_lab("broken", Settings())
    assert "entry point 'broken' = 'broken_pack'" in str(err.value) and "no RUBRIC. Fix:" in str(err.value)


def test_a_pack_that_fails_to_import_names_its_entry_point(monkeypatch):
    entry_point = importlib.metadata.EntryPoint("gone", "no_such_pack_module", ENTRY_POINT_GROUP)
    monkeypatch.setattr("grader.labs.registered_packs", lambda: {"gone": entry_point})
    with pytest.raises(RubricError, match="entry point 'gone'.*cannot be imported.*Fix: install"):
        find_lab("gone", Settings())


def test_the_shipped_labs_are_registered_packs():
    packs = registered_packs()
    assert {"generative-tf", "vae-pyro", "autoencoders-keras"} <= set(packs)
    for name in ("generative-tf", "vae-pyro", "autoencoders-keras"):
        lab = find_lab(name, Settings())
        assert lab.pack_dir is not None and lab.rubric_path == lab.pack_dir.parents[1] / "rubrics" / f"{name}.yaml"


def test_a_rubric_declares_its_data_sets_with_execute_sizes(tmp_path):
    rubric, _ = load_rubric(_write(tmp_path, _broken(datasets={"mnist": {"execute_train": 300}})))
    assert rubric.datasets["mnist"].execute_train == 300 and rubric.datasets["mnist"].execute_test == 500
    bare, _ = load_rubric(_write(tmp_path, _broken(datasets={"mnist": None})))  # `mnist:` alone: the defaults
    assert (bare.datasets["mnist"].execute_train, bare.datasets["mnist"].execute_test) == (2000, 500)
    none, _ = load_rubric(_write(tmp_path, GOOD))
    assert none.datasets == {}  # no `datasets:`: the sandbox serves none


@pytest.mark.parametrize(
    "changes,fragments",
    [
        (
            {"datasets": {"cifar10": {}}},
            [
                "datasets",
                "unknown data set 'cifar10' (known: mnist)",
                "register the new one in grader/data/__init__.py",
            ],
        ),
        (
            {"datasets": {"mnist": {"execute_train": 5}}},
            ["datasets.mnist.execute_train", "greater than or equal to 10"],
        ),
        ({"datasets": {"mnist": {"train": 100}}}, ["datasets.mnist.train", "remove it"]),
        (
            {"execute": {"mnist_train": 100, "mnist_test": 50}},
            [
                "execute.mnist_train and execute.mnist_test moved to the data set's declaration",
                "`datasets: {mnist: {execute_train: 100, execute_test: 50}}`",
            ],
        ),
    ],
)
def test_a_wrong_data_set_declaration_names_the_fix(tmp_path, changes, fragments):
    with pytest.raises(RubricError) as err:
        load_rubric(_write(tmp_path, _broken(**changes)))
    message = str(err.value)
    assert str(tmp_path / "lab.yaml") in message
    for fragment in fragments:
        assert fragment in message, message


def test_the_shipped_labs_declare_mnist_and_their_sandbox_serves_it(monkeypatch, tmp_path):
    from grader.data.mnist import STANDIN
    from grader.runtime import kernel_config, sandbox_spec

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.delenv("GRADER_MNIST", raising=False)
    local = tmp_path / "mnist.npz"
    local.write_bytes(b"")
    for lab in list_labs(Settings()):
        if lab.name not in ("generative-tf", "vae-pyro", "autoencoders-keras"):
            continue
        assert set(lab.rubric.datasets) == {"mnist"}, lab.name
        assert sandbox_spec(lab, Settings()).data == {"mnist": STANDIN}
        given = sandbox_spec(lab, Settings(mnist=str(local)))
        assert given.data == {"mnist": str(local)} and local in given.visible
        assert kernel_config(lab, Settings())["datasets"] == {"mnist": {"train": 2000, "test": 500}}
