"""Keras 2 (tf-keras, Colab 2023) and Keras 3: the lab's `keras:` chooses; both paths tested.

The whole sample table runs under the lab's choice (Keras 2 for generative-tf) in
tests/test_every_lab.py; the in-process mutant tests run under Keras 3. Here: the solution
and the Keras-2-style sample get full marks under both, and code that only Keras 2 accepts
(`Adam(lr=...)`, removed in Keras 3) inside a graded class is graded as the lab's setting says.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from grader.discover import discover
from grader.judge import judge_submission
from grader.labs import find_lab
from grader.outcomes import Outcome
from grader.settings import Settings

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parent.parent / "submissions" / "generative-tf"


def _judge(path: Path, keras: str, items=None):
    lab = find_lab("generative-tf", Settings())
    result = judge_submission(discover([path])[0], lab, replace(Settings(), keras=keras), only_items=items)
    return result, {r.item_id: r for r in result.items}


def test_the_lab_chooses_keras_2():
    assert find_lab("generative-tf", Settings()).rubric.keras == "2"


@pytest.mark.parametrize("keras", ["2", "3"])
@pytest.mark.parametrize("sample", ["solution", "styl_keras2"])
def test_solution_and_keras2_style_get_full_code_marks_under_both(sample, keras):
    result, items = _judge(SAMPLES / f"{sample}.ipynb", keras)
    assert f"Keras {keras}" in result.environment["tf.keras"]
    code = [r for r in items.values() if r.checks]
    assert code and all(r.status is Outcome.PASSED for r in code), [(r.item_id, r.status) for r in code]


@pytest.fixture(scope="module")
def adam_lr_notebook(tmp_path_factory) -> Path:
    nb = nbformat.read(SAMPLES / "solution.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "class Cond_CVAE" in c.source)
    cell.source = cell.source.replace(
        "        self.latent_dim = latent_dim\n",
        "        self.latent_dim = latent_dim\n"
        "        self.optimizer_ = tf.keras.optimizers.Adam(lr=1e-4)  # Keras 2 spelling\n",
        1,
    )
    assert "Adam(lr=1e-4)" in cell.source
    path = tmp_path_factory.mktemp("keras") / "adam_lr.ipynb"
    nbformat.write(nb, path)
    return path


def test_keras_2_code_runs_as_written_under_the_labs_keras_2(adam_lr_notebook):
    _, items = _judge(adam_lr_notebook, "2", {"3.model"})
    assert items["3.model"].status is Outcome.PASSED


def test_the_same_code_under_keras_3_is_the_students_error_naming_the_argument(adam_lr_notebook):
    _, items = _judge(adam_lr_notebook, "3", {"3.model"})
    assert items["3.model"].status is Outcome.ERRORED
    assert "lr" in items["3.model"].checks[0].message.en
