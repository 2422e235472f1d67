"""The same answers under three heading styles grade alike (generative-tf; issue 12, item 5).

The course's real notebooks do not keep the template's ``#### Zadanie 2.5 - ...`` headings. The
solution's code and prose answers are rendered here in three layouts and graded by the real
judge (sandbox and all):

- the template's (``solution.ipynb``): ``## 2. ...``, ``#### Zadanie 2.plot - ...``;
- seed 000's: ``#### Zadanie 1.2. ...``, no heading for ``plot_latent_space`` (the AE's inside
  1.3 under "Przygotowanie:", the VAE's inside 2.3), none for the code tasks of 3 and 4 except
  ``### Uzupełnij funkcję kosztu:`` and ``## Uzupełnij funkcję train_step:``;
- seed 001's, with its cell order and missing headings: ``## **Zadanie 1 - ...**``, bold
  paragraphs ``**Zadanie 2.5.** ...``, ``### Zadanie 3 - ...``, plain paragraphs before
  ``conditioned_mnist``, the generator, the discriminator and its loss, ``## Uzupełnij funkcję
  train\\_step:``.

Every code item gets full marks in each, graded from the definition meant (``object_name`` and
``object_cell``: the answer's own cell, never a later task's namesake such as task 3's
``compute_loss`` for 2.5), and every prose item has the same status. The samples laid out like
the seeds (``reference/generative_tf/build/real_layouts.py``) are checked the same way: their points
are asserted with every other sample's (``LOSES`` of the lab's ``build/samples.py``, in
``tests/test_every_lab.py``), the definitions graded here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader.discover import discover
from grader.judge import judge_submission
from grader.labs import find_lab
from grader.outcomes import Outcome
from grader.scoring import score
from grader.settings import Settings
from reference.build.common import render as render_bytes
from reference.generative_tf.build import cells as build
from reference.generative_tf.build import real_layouts as real

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).resolve().parent.parent / "submissions" / "generative-tf"
STYLES = ("template", "seed000", "seed001")


def _binds(source: str, name: str) -> bool:
    """Whether a code cell defines ``name`` at top level (def, class or assignment)."""
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


def _intended(cells: list[tuple[str, str]], slot_cells: list[int], item) -> tuple[str, int]:
    """The definition an item must be graded from: the last cell of its answer that defines its
    object (or, failing that, an alias); for 1.2, whose answer only compiles ``autoencoder``,
    the cell before the answer that creates it."""
    for name in (item.object, *item.aliases):
        hits = [i for i in slot_cells if cells[i][0] == "code" and _binds(cells[i][1], name)]
        if hits:
            return name, hits[-1]
    before = [i for i in range(slot_cells[0]) if cells[i][0] == "code" and _binds(cells[i][1], item.object)]
    assert before, item.id
    return item.object, before[-1]


def _template_where(cells: list[tuple[str, str]]) -> dict[str, list[int]]:
    """Each code item's answer cell in the template layout (its source is the solution's slot)."""
    where = {}
    for item in build.CODE_ITEMS:
        found = [i for i, (kind, source) in enumerate(cells) if kind == "code" and source == build.SOLUTION_SLOTS[item]]
        assert len(found) == 1, item
        where[item] = found
    return where


def _layouts() -> dict[str, tuple[list[tuple[str, str]], dict[str, list[int]]]]:
    """style -> (cells, each slot's cells) of the solution's answers in that layout."""
    template = build._cells({**build.TEMPLATE_SLOTS, **build.SOLUTION_SLOTS})
    return {
        "template": (template, _template_where(template)),
        "seed000": real.render(real.SEED000_LAYOUT, real.BASE_ANSWERS),
        "seed001": real.render(real.SEED001_LAYOUT, real.BASE_ANSWERS),
    }


def _judge(path: Path):
    lab = find_lab("generative-tf", Settings())
    result = judge_submission(discover([path])[0], lab, Settings())
    grade = score(result, lab.rubric)
    return lab, {g.id: g for g in grade.items}


@pytest.fixture(scope="module")
def styles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("styles")
    notebooks = {
        "template": build.solution_notebook(),
        "seed000": real.layout_notebook(real.SEED000_LAYOUT, real.BASE_ANSWERS),
        "seed001": real.layout_notebook(real.SEED001_LAYOUT, real.BASE_ANSWERS),
    }
    graded = {}
    for style, nb in notebooks.items():
        path = folder / f"{style}.ipynb"
        path.write_bytes(render_bytes(nb))
        graded[style] = _judge(path)
    return graded


def test_the_layouts_hold_the_same_answers():
    layouts = _layouts()
    for style, (cells, where) in layouts.items():
        sources = [source for _, source in cells]
        for item in build.CODE_ITEMS:
            assert [sources[i] for i in where[item]] == [build.SOLUTION_SLOTS[item]], (style, item)
        for item in build.PROSE_ITEMS:
            assert sources.count(build.SOLUTION_SLOTS[item]) == 1, (style, item)
    # seed 001's layout has no heading for these: the answer follows a plain paragraph
    seed001, where = layouts["seed001"]
    for item in ("3.data", "4.gen", "4.disc", "4.loss"):
        kind, text = seed001[where[item][0] - 1]
        assert kind == "markdown" and not text.startswith(("#", "*", "_", "Zadanie")), item


def test_correct_answers_get_the_same_points_under_every_heading_style(styles):
    lab = styles["template"][0]
    for item in lab.rubric.items:
        grades = {style: styles[style][1][item.id] for style in STYLES}
        if item.kind == "code":
            for style, g in grades.items():
                assert (g.status, g.points) == (Outcome.PASSED, g.max_points), (style, item.id, g.result)
        else:
            assert len({(g.status, g.points) for g in grades.values()}) == 1, (item.id, grades)
            assert grades["template"].status is Outcome.MANUAL, item.id


def test_every_style_grades_the_intended_definition(styles):
    lab = styles["template"][0]
    layouts = _layouts()
    for style in STYLES:
        cells, where = layouts[style]
        for item in lab.rubric.items:
            if item.kind != "code":
                continue
            result = styles[style][1][item.id].result
            assert (result.object_name, result.object_cell) == _intended(cells, where[item.id], item), (style, item.id)


@pytest.mark.parametrize("student", sorted(real.REAL_SAMPLES))
def test_real_layout_samples_grade_the_intended_definitions(student):
    layout, answers = real.sample_answers(student)
    cells, where = real.render(layout, answers)
    lab, grades = _judge(SAMPLES / f"{student}.ipynb")
    for item in lab.rubric.items:
        if item.kind == "code":
            result = grades[item.id].result
            assert (result.object_name, result.object_cell) == _intended(cells, where[item.id], item), item.id
    if "seed001_uklad_kl_seed000" == student:  # seed 000's 2.5 in seed 001's layout: its own loss, not task 3's
        assert grades["2.5"].result.object_name == "compute_loss_gauss_kl"
        assert grades["2.5"].status is Outcome.PASSED
