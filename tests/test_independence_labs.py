"""One wrong dependency costs exactly its own item, per lab, end to end through the sandbox.

LABS.md: "Student code may rely on globals of the template ... The check provides them from the
reference, so one item is graded independently of the others: a broken generator must not zero
the discriminator's points." In definitions mode the judge replaces the objects of other items
that an item's code uses by the lab's stand-ins (grader.independence, the probes' STAND_INS);
each test below also grades a mutant rubric that declares the two items graded together
(`graded_with`), proving the test would catch the dependency. Besides, every stand-in passes
its own item's checks (it is a known-correct object with the item's contract).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.discover import discover
from grader.judge import judge_submission
from grader.labs import find_lab
from grader.scoring import score
from grader.settings import Settings
from tests.test_independence import _lab_copy

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "submissions"


def _grade(path: Path, lab, only: set[str]) -> dict:
    """``{item id: ItemGrade}`` of ``path`` graded on the items ``only``."""
    result = judge_submission(discover([path])[0], lab, Settings(), only_items=only)
    return {i.id: i for i in score(result, lab.rubric).items}


def _texts(item) -> str:
    result = item.result
    return " ".join(
        filter(None, [result.message.en if result.message else "", *(c.message.en for c in result.checks if c.message)])
    )


def _full(item) -> bool:
    return abs(item.points - item.max_points) < 1e-9 and item.status.value == "passed"


def _edited(tmp_path: Path, lab: str, name: str, edits: list[tuple[str, str, str]]) -> Path:
    """A copy of ``lab``'s solution notebook; each edit replaces, in the one code cell holding
    ``marker``, ``old`` by ``new`` (each must occur)."""
    nb = nbformat.read(SUBMISSIONS / lab / "solution.ipynb", as_version=4)
    for marker, old, new in edits:
        cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
        assert len(cells) == 1, marker
        assert old in cells[0].source, old
        cells[0].source = cells[0].source.replace(old, new)
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


# ----------------------------------------------------------------------------- generative-tf

# 4.loss wrong (labels swapped) under the accepted alias `disc_loss`, and train_step calls it
DISC_LOSS_ALIAS = [
    (
        "def discriminator_loss(real_output, fake_output):",
        "def discriminator_loss(real_output, fake_output):",
        "def disc_loss(real_output, fake_output):",
    ),
    (
        "def disc_loss(real_output, fake_output):",
        "cross_entropy(tf.ones_like(real_output), real_output)",
        "cross_entropy(tf.zeros_like(real_output), real_output)",
    ),
    (
        "def disc_loss(real_output, fake_output):",
        "cross_entropy(tf.zeros_like(fake_output), fake_output)",
        "cross_entropy(tf.ones_like(fake_output), fake_output)",
    ),
    ("def train_step(data):", "disc_loss", "d_loss"),  # the local variable renamed
    ("def train_step(data):", "discriminator_loss(real_output", "disc_loss(real_output"),
]
# seed 001's generator: Concatenate called with two arguments, raises when the model is built
SEED_001_GENERATOR = [
    (
        "def prepare_generator(latent_dim, cond_dim):",
        "tf.keras.layers.Concatenate()([input_noise, input_cond])",
        "tf.keras.layers.Concatenate(axis=1)(input_noise, input_cond)",
    )
]


@pytest.fixture(scope="module")
def gan_lab():
    return find_lab("generative-tf", Settings())


def test_generative_tf_a_wrong_loss_under_its_alias_costs_4_loss_only(tmp_path, gan_lab):
    path = _edited(tmp_path, "generative-tf", "disc_loss_alias", DISC_LOSS_ALIAS)
    items = _grade(path, gan_lab, {"4.loss", "4.step"})
    assert items["4.loss"].points == 0 and items["4.loss"].result.object_name == "disc_loss"
    assert "the labels are swapped" in _texts(items["4.loss"])
    assert _full(items["4.step"]), items["4.step"]
    notes = " ".join(n.en for n in items["4.step"].result.notes)
    assert "`disc_loss` (4.loss)" in notes and "`prepare_generator` (4.gen)" in notes
    assert not items["4.loss"].result.notes  # 4.loss's own name is never replaced


def test_generative_tf_mutant_graded_together_charges_4_step(tmp_path):
    """The same notebook with a rubric declaring 4.step graded together with 4.loss: the
    student's wrong disc_loss trains the discriminator the wrong way and 4.step is charged."""
    path = _edited(tmp_path, "generative-tf", "disc_loss_alias", DISC_LOSS_ALIAS)
    lab = find_lab(str(_lab_copy(tmp_path, "generative-tf", **{"4.step": {"graded_with": ["4.loss"]}})), Settings())
    item = _grade(path, lab, {"4.step"})["4.step"]
    assert item.points < item.max_points and "D(real)" in _texts(item), _texts(item)
    assert "disc_loss" not in " ".join(n.en for n in item.result.notes)


def test_generative_tf_seed_001_generator_costs_4_gen_only(tmp_path, gan_lab):
    path = _edited(tmp_path, "generative-tf", "generator_seed001", SEED_001_GENERATOR)
    items = _grade(path, gan_lab, {"4.gen", "4.step"})
    assert items["4.gen"].points == 0 and "Concatenate is called with two arguments" in _texts(items["4.gen"])
    assert _full(items["4.step"]), items["4.step"]
    # `generator = prepare_generator(noise_dim, cond_dim)` ran the stand-in, not the broken builder
    assert "`prepare_generator` (4.gen)" in " ".join(n.en for n in items["4.step"].result.notes)


# ----------------------------------------------------------------------------- vae-pyro


def test_vae_pyro_a_relu_scale_costs_1a_encoder_only(tmp_path):
    lab = find_lab("vae-pyro", Settings())
    items = _grade(SUBMISSIONS / "vae-pyro" / "skala_relu.ipynb", lab, {"1a.encoder", "1a.vae"})
    assert items["1a.encoder"].points == 0.25 and "drops to 0" in _texts(items["1a.encoder"])
    assert _full(items["1a.vae"]), _texts(items["1a.vae"])
    assert "`VEncoder` (1a.encoder)" in " ".join(n.en for n in items["1a.vae"].result.notes)
    # the mutant: 1a.vae graded together with the student's encoder trains a VAE whose scale
    # reaches 0, and its ELBO check is charged
    mutant = find_lab(str(_lab_copy(tmp_path, "vae-pyro", **{"1a.vae": {"graded_with": ["1a.encoder"]}})), Settings())
    item = _grade(SUBMISSIONS / "vae-pyro" / "skala_relu.ipynb", mutant, {"1a.vae"})["1a.vae"]
    # every check of 1a.vae passes but the ELBO one: the item keeps its share of the other weights
    spec = next(i for i in mutant.rubric.items if i.id == "1a.vae")
    weights = {c.id: c.weight for c in spec.checks}
    kept = spec.points * (sum(weights.values()) - weights["check_vae_elbo_trains"]) / sum(weights.values())
    assert item.points == pytest.approx(kept) and "the ELBO loss is not finite" in _texts(item), _texts(item)


# ----------------------------------------------------------------------------- autoencoders-keras


def test_autoencoders_keras_items_read_no_other_items_objects():
    """Execute mode runs the notebook as written (no stand-ins), so the lab's independence rests
    on its items not using each other's objects: each exercise builds its own model (2.2
    redefines `autoencoder`, which is 2.1's own name too). No item's code reads another's."""
    from grader.extract import extract_program
    from grader.independence import names_read
    from grader.notebook import load_notebook

    lab = find_lab("autoencoders-keras", Settings())
    objects = {i.object for i in lab.rubric.items if i.object}
    for sample in sorted((SUBMISSIONS / "autoencoders-keras").glob("*.ipynb")):
        program = extract_program(load_notebook(discover([sample])[0]))
        for item in lab.rubric.items:
            if item.object:
                assert not (names_read(item.object, program.statements) & (objects - {item.object})), (
                    sample.name,
                    item.id,
                )


def test_autoencoders_keras_a_broken_2_1_cell_costs_2_1_only(tmp_path):
    """The 2.1 cell sets the sizes `dim_x`, `dim_h` that every later exercise's cell uses; here it
    fails before `dim_h` is set. The kernel starts from the template's globals (the lab's
    scaffold, as definitions mode does), so the later exercises still build their models."""
    path = _edited(
        tmp_path,
        "autoencoders-keras",
        "broken_2_1",
        [("activation='sigmoid', input_shape=(dim_x,))", "dim_h = 32", "dim_h = latent_size  # never defined here")],
    )
    lab = find_lab("autoencoders-keras", Settings())
    result = judge_submission(discover([path])[0], lab, Settings(), public_only=True)  # public_only: no reference run
    items = {i.id: i for i in score(result, lab.rubric).items}
    assert items["2.1"].auto_points == 0 and items["2.1"].status.value == "errored", _texts(items["2.1"])
    assert "latent_size" in _texts(items["2.1"])
    for item_id in ("2.2", "3.1", "4.1", "5.1"):
        assert abs(items[item_id].auto_points - items[item_id].auto_max) < 1e-9, (item_id, _texts(items[item_id]))


# ----------------------------------------------------------------------------- stand-ins keep their contract


@pytest.mark.parametrize(
    "lab_name, lab_dir, item_id",
    [
        ("generative-tf", "generative_tf", "4.gen"),
        ("generative-tf", "generative_tf", "4.disc"),
        ("generative-tf", "generative_tf", "4.loss"),
        ("vae-pyro", "vae_pyro", "1a.encoder"),
        ("vae-pyro", "vae_pyro", "1a.decoder"),
    ],
)
def test_each_stand_in_passes_its_own_items_checks(lab_name, lab_dir, item_id):
    """A stand-in is a known-correct object with the item's contract: every check of its item
    passes on it (run in process, as the mutant tests do)."""
    from grader.testing import load_module as _module
    from grader.testing import student_from_source

    lab = find_lab(lab_name, Settings())
    item = lab.rubric.item(item_id)
    student = student_from_source(lab_dir, "", item.object)
    student.namespace[item.object] = _module(student.public / "probes.py").STAND_INS[item_id]()
    for spec in item.checks:
        lab.check_function(spec.id)(student)  # raises CheckFailure on a broken stand-in
