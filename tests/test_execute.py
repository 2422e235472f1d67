"""Execute mode: the notebook runs in a Jupyter kernel inside the sandbox, cell by cell, with
training capped; a cut cell does not stop the run; probes see the objects as each section left
them. The kernel here runs the toy lab (no framework): seconds."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from grader.data.mnist import STANDIN
from grader.errors import SettingsError
from grader.sandbox.errors import KernelLost, StudentCodeError
from grader.sandbox.kernel_side import CapOverrides
from grader.sandbox.supervisor import Sandbox, SandboxSpec
from grader.settings import load_settings

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"
# 10 s: long enough for the matplotlib cell on a loaded machine, short enough to cut `while True` quickly
CONFIG = {
    "cell_timeout_s": 10,
    "epochs": 1,
    "overrides": {"epochs": 1, "EPOCHS": 1},
    "datasets": {"mnist": {"train": 100, "test": 50}},  # the rubric's `datasets:`, as runtime.kernel_config sends it
}
CELLS = [
    {"kind": "code", "source": "def f(x):\n    return x * 2\nepochs = 200\nprint('epochs', epochs)"},
    {"kind": "markdown", "source": "## the next section"},
    {"kind": "code", "source": "while True:\n    pass"},
    {"kind": "code", "source": "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()"},
    {"kind": "code", "source": "%%time\ndef f(x):\n    return x * 3\n"},
    {"kind": "code", "source": "1 / 0"},
    {"kind": "code", "source": "for dim, n in [(2, 10)]:\n    EPOCHS = n * 20\nprint(EPOCHS)"},
]


@pytest.fixture(scope="module")
def run():
    spec = SandboxSpec(public_dir=PUBLIC, framework="none", start_timeout_s=60, memory_mb=2048, data={"mnist": STANDIN})
    with Sandbox(spec) as sandbox:
        sandbox.kernel_start(CELLS, CONFIG, 60)
        first, _, _ = sandbox.kernel_run(2, 60)
        at_first_section = sandbox.probe("kernel", "call", "f", {}, {"x": np.arange(3.0)}, 20)
        rest, images, kernel = sandbox.kernel_run(len(CELLS), 120)
        at_end = sandbox.probe("kernel", "call", "f", {}, {"x": np.arange(3.0)}, 20)
        yield {
            "records": {r["cell"]: r for r in first + rest},
            "images": images,
            "kernel": kernel,
            "first": at_first_section,
            "end": at_end,
            "sandbox": sandbox,
        }


def test_every_code_cell_is_recorded_with_its_status(run):
    records = run["records"]
    assert sorted(records) == [0, 2, 3, 4, 5, 6]  # code cells only
    assert records[0]["status"] == "ok" and records[0]["text"] == "epochs 1\n"  # capped from 200
    assert records[2]["status"] == "timed_out" and records[2]["error"] == "cut after 10 s"  # while True: cut...
    assert records[3]["status"] == "ok"  # ...and the run went on
    assert records[4]["status"] == "ok" and "Wall time" in records[4]["text"]  # IPython magics work
    assert records[5]["status"] == "error" and records[5]["error"] == "ZeroDivisionError: division by zero"


def test_figures_become_png_images_of_their_cell(run):
    (name,) = run["records"][3]["images"]
    assert bytes(run["images"][name][:8]) == b"\x89PNG\r\n\x1a\n"


def test_declared_names_are_capped_wherever_they_are_assigned(run):
    assert run["records"][6]["text"].strip() == "1"  # EPOCHS = 200 inside a loop: capped
    assert run["kernel"]["caps"] == ["epochs: 200 -> 1", "EPOCHS: 200 -> 1"]
    assert "subsample: 100 train, 50 test" in run["kernel"]["environment"]["mnist"]


def test_probes_see_each_section_as_it_was_then(run):
    assert run["first"][1]["y"].tolist() == [0.0, 2.0, 4.0]  # f at the end of the first section
    assert run["end"][1]["y"].tolist() == [0.0, 3.0, 6.0]  # redefined later in the notebook


def test_student_errors_in_kernel_probes_are_the_students(run):
    with pytest.raises(StudentCodeError, match="not defined"):
        run["sandbox"].probe("kernel", "call", "no_such_function", {}, {"x": np.arange(3.0)}, 20)


def test_a_restarted_worker_has_no_kernel_to_probe():
    with Sandbox(SandboxSpec(public_dir=PUBLIC, framework="none", start_timeout_s=60, memory_mb=2048)) as sandbox:
        sandbox.kernel_start(CELLS[:1], CONFIG, 60)
        sandbox._kill()  # what a deadline or the memory watchdog does
        with pytest.raises(KernelLost):
            sandbox.kernel_run(1, 30)


def test_cap_transformer_covers_loops_blocks_and_functions():
    source = (
        "epochs = 20\nfor dim, n_epochs in [(2, 10)]:\n    pass\n"
        "def train(ds, EPOCHS):\n    EPOCHS += 5\n    return EPOCHS\nx = 3\n"
    )
    tree = CapOverrides({"epochs": 1, "n_epochs": 1, "EPOCHS": 1}, "cap").visit(ast.parse(source))
    text = ast.unparse(tree)
    assert "epochs = 20\nepochs = cap(epochs, 'epochs')" in text
    assert "for dim, n_epochs in [(2, 10)]:\n    n_epochs = cap(n_epochs, 'n_epochs')" in text
    assert "EPOCHS += 5\n    EPOCHS = cap(EPOCHS, 'EPOCHS')" in text
    assert "x = cap" not in text


def test_mode_setting_is_validated(monkeypatch):
    monkeypatch.setenv("GRADER_MODE", "run-everything")
    with pytest.raises(SettingsError, match="definitions, execute"):
        load_settings()
