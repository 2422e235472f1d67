"""The reference of lab ``generative-tf`` behaves as LABS.md says, and its notebooks are up to
date and follow the conventions the grader relies on."""

from __future__ import annotations

import ast
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from reference.build.common import REPO_ROOT  # noqa: E402
from reference.generative_tf.build import cells as lab_cells  # noqa: E402
from reference.generative_tf.build import notebooks as lab_notebooks  # noqa: E402
from reference.generative_tf.build import samples as lab_samples  # noqa: E402
from reference.generative_tf.judge import solution as S  # noqa: E402
from reference.generative_tf.public import scaffold  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded():
    np.random.seed(0)
    tf.random.set_seed(0)
    yield
    plt.close("all")


@pytest.fixture
def no_show(monkeypatch):
    """Keep figures open after ``plt.show()`` so the test can read what was drawn."""
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)


def _softplus(x):
    return np.logaddexp(0.0, x)


# ---------------------------------------------------------------------------------------------
# 1. Autoencoder
# ---------------------------------------------------------------------------------------------


def test_compile_autoencoder_uses_binary_crossentropy():
    ae = S.compile_autoencoder(scaffold.Autoencoder(scaffold.latent_dim))
    assert ae.loss == "binary_crossentropy"
    x = np.random.rand(4, 28, 28, 1).astype("float32")
    assert np.isfinite(ae.evaluate(x, x, verbose=0))


def test_plot_latent_space_ae_draws_one_point_per_input(no_show):
    ae = scaffold.Autoencoder(2)
    x = np.random.rand(7, 28, 28, 1).astype("float32")
    S.plot_latent_space_ae(ae, x)
    points = plt.gcf().axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(points, ae.encoder(x).numpy(), rtol=1e-5, atol=1e-6)


def test_plot_latent_space_vae_draws_means_and_std(no_show):
    vae = scaffold.CVAE(2)
    x = np.random.rand(6, 28, 28, 1).astype("float32")
    mean, logvar = (t.numpy() for t in vae.encode(x))
    S.plot_latent_space_vae(vae, x)
    ax = plt.gcf().axes[0]
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_allclose(np.c_[xs, ys], mean, rtol=1e-5, atol=1e-6)
    # The horizontal bars span mean_x +- std_x.
    xbars = ax.collections[0].get_segments()
    widths = np.array([abs(seg[1][0] - seg[0][0]) / 2 for seg in xbars])
    np.testing.assert_allclose(widths, np.exp(logvar[:, 0] / 2), rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# 2.5 KL
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kl_divergence_matches_closed_form(dtype):
    rng = np.random.default_rng(1)
    mean = rng.normal(0, 2, (16, 5)).astype(dtype)
    logvar = rng.normal(0, 1.5, (16, 5)).astype(dtype)
    expected = 0.5 * np.sum(np.exp(logvar) + mean**2 - 1 - logvar, axis=1)
    got = S.kl_divergence(mean, logvar).numpy()
    assert got.shape == (16,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert np.all(got >= 0)
    np.testing.assert_allclose(S.kl_divergence(np.zeros((3, 2)), np.zeros((3, 2))).numpy(), 0.0)


class _StubVAE:
    """A deterministic VAE: fixed posterior, z = mean, fixed logits."""

    def __init__(self, batch=4, latent=2, seed=2):
        rng = np.random.default_rng(seed)
        self.mean = rng.normal(0, 1, (batch, latent)).astype("float32")
        self.logvar = rng.normal(0, 1, (batch, latent)).astype("float32")
        self.logits = rng.normal(0, 2, (batch, 28, 28, 1)).astype("float32")

    def encode(self, x):
        return tf.constant(self.mean), tf.constant(self.logvar)

    def reparameterize(self, mean, logvar):
        return mean

    def decode(self, z, apply_sigmoid=False):
        return tf.constant(self.logits)


def test_compute_loss_gauss_kl_is_reconstruction_plus_closed_form_kl():
    stub = _StubVAE()
    x = (np.random.rand(4, 28, 28, 1) > 0.5).astype("float32")
    logits = stub.logits
    bce = np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))
    logpx_z = -bce.sum(axis=(1, 2, 3))
    kl = 0.5 * np.sum(np.exp(stub.logvar) + stub.mean**2 - 1 - stub.logvar, axis=1)
    expected = -np.mean(logpx_z - kl)
    np.testing.assert_allclose(S.compute_loss_gauss_kl(stub, x).numpy(), expected, rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# 3.data conditioned_mnist
# ---------------------------------------------------------------------------------------------


def _check_conditioned(x, y, num_imgs, x_res, y_res):
    x3 = x[..., 0] if x.ndim == 4 else x
    n, h, w = x3.shape
    assert x_res.shape == (n * num_imgs, 3 * h, 3 * w, 1) and x_res.dtype == np.float32
    assert y_res.shape == (n * num_imgs, y.shape[1] + 2) and y_res.dtype == np.float32
    for i in range(n):
        cells = set()
        for j in range(i * num_imgs, (i + 1) * num_imgs):
            np.testing.assert_array_equal(y_res[j, :-2], y[i])
            pos_x, pos_y = y_res[j, -2], y_res[j, -1]
            assert pos_x in (0.0, 0.5, 1.0) and pos_y in (0.0, 0.5, 1.0)
            col, row = int(pos_x * 2), int(pos_y * 2)
            cells.add((row, col))
            block = x_res[j, row * h : (row + 1) * h, col * w : (col + 1) * w, 0]
            np.testing.assert_array_equal(block, x3[i].astype("float32"))
            rest = x_res[j, :, :, 0].copy()
            rest[row * h : (row + 1) * h, col * w : (col + 1) * w] = 0
            assert not rest.any()
        assert len(cells) == num_imgs  # distinct positions for one digit


@pytest.mark.parametrize(
    "n, size, num_imgs, channel",
    [
        (5, 14, 2, True),
        (5, 14, 2, False),
        (3, 28, 2, True),
        (1, 14, 2, True),
        (1, 28, 9, False),
        (4, 14, 9, True),
        (2, 14, 1, True),
    ],
)
def test_conditioned_mnist_places_digits(n, size, num_imgs, channel):
    rng = np.random.default_rng(n * 100 + size + num_imgs)
    x = rng.uniform(0.01, 1.0, (n, size, size, 1) if channel else (n, size, size)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    x_res, y_res = S.conditioned_mnist(x, y, num_imgs=num_imgs)
    _check_conditioned(x, y, num_imgs, x_res, y_res)


def test_conditioned_mnist_nine_images_cover_the_grid():
    x = np.random.rand(2, 14, 14).astype("float32")
    y = np.eye(10, dtype="float32")[[3, 8]]
    _, y_res = S.conditioned_mnist(x, y, num_imgs=9)
    for i in range(2):
        cells = {(float(a), float(b)) for a, b in y_res[i * 9 : (i + 1) * 9, -2:]}
        assert len(cells) == 9


def test_conditioned_mnist_accepts_tensors_and_default_num_imgs():
    x = tf.image.resize(np.random.rand(3, 28, 28, 1).astype("float32"), (14, 14))
    y = tf.one_hot([1, 2, 3], 10)
    x_res, y_res = S.conditioned_mnist(x, y)
    assert x_res.shape == (6, 42, 42, 1) and y_res.shape == (6, 12)
    _check_conditioned(x.numpy(), y.numpy(), 2, x_res, y_res)


# ---------------------------------------------------------------------------------------------
# 3.model and 3.loss
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("latent", [2, 25])
def test_cond_cvae_solution_shapes_and_condition(latent):
    model = S.Cond_CVAE_Solution(latent)
    assert model.latent_dim == latent
    assert tuple(model.encoder.output.shape) == (None, 2 * latent)
    assert tuple(model.decoder.output.shape) == (None, 42, 42, 1)
    img = np.random.rand(5, 42, 42, 1).astype("float32")
    cond = np.concatenate([np.eye(10)[[0, 1, 2, 3, 4]], np.random.choice([0, 0.5, 1], (5, 2))], axis=1).astype(
        "float32"
    )
    mean, logvar = model.encode([img, cond])
    assert mean.shape == (5, latent) and logvar.shape == (5, latent)
    assert (mean.numpy() < 0).any()  # linear last layer
    logits = model.decode([mean, cond])
    assert logits.shape == (5, 42, 42, 1)
    assert (logits.numpy() < 0).any()  # logits, not probabilities
    probs = model.sample(cond).numpy()
    assert probs.shape == (5, 42, 42, 1) and probs.min() >= 0 and probs.max() <= 1
    other = cond.copy()
    other[:, :10] = np.roll(other[:, :10], 1, axis=1)
    assert not np.allclose(model.decode([mean, other]).numpy(), logits.numpy())
    assert not np.allclose(model.encoder([img, other]).numpy(), model.encoder([img, cond]).numpy())


def test_prepare_functions_read_global_latent_dim_without_attribute():
    class Bare:
        pass

    enc = S.prepare_encoder(Bare())
    dec = S.prepare_decoder(Bare())
    assert tuple(enc.output.shape) == (None, 2 * S.latent_dim)
    assert tuple(dec.inputs[0].shape) == (None, S.latent_dim)


class _FixedNoiseCondCVAE(S.Cond_CVAE_Solution):
    def reparameterize(self, mean, logvar):
        return mean + 0.5 * tf.exp(logvar * 0.5)


def test_compute_loss_cond_matches_manual_elbo_and_uses_condition():
    model = _FixedNoiseCondCVAE(3)
    data = (np.random.rand(4, 42, 42, 1) > 0.7).astype("float32")
    cond = np.concatenate([np.eye(10)[[1, 5, 7, 9]], np.full((4, 2), 0.5)], axis=1).astype("float32")
    mean, logvar = (t.numpy() for t in model.encode([data, cond]))
    z = mean + 0.5 * np.exp(logvar / 2)
    logits = model.decode([z, cond]).numpy()
    bce = np.maximum(logits, 0) - logits * data + np.log1p(np.exp(-np.abs(logits)))
    logpx_z = -bce.sum(axis=(1, 2, 3))
    log2pi = np.log(2 * np.pi)
    logpz = np.sum(-0.5 * (z**2 + log2pi), axis=1)
    logqz_x = np.sum(-0.5 * ((z - mean) ** 2 * np.exp(-logvar) + logvar + log2pi), axis=1)
    expected = -np.mean(logpx_z + logpz - logqz_x)
    got = S.compute_loss_cond(model, (data, cond)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    other = cond.copy()
    other[:, -2:] = 0.0
    assert abs(S.compute_loss_cond(model, (data, other)).numpy() - got) > 1e-3


def test_scaffold_cond_cvae_is_unanswered():
    with pytest.raises(NotImplementedError):
        scaffold.Cond_CVAE(2)


# ---------------------------------------------------------------------------------------------
# 4. GAN
# ---------------------------------------------------------------------------------------------


def _conds(labels, cond_dim=10):
    return np.eye(cond_dim, dtype="float32")[labels]


def test_prepare_generator_shape_range_and_condition():
    gen = S.prepare_generator(100, 10)
    assert tuple(gen.output.shape) == (None, 28, 28, 1)
    noise = np.random.normal(0, 5, (8, 100)).astype("float32")
    out = gen([noise, _conds(np.arange(8))], training=False).numpy()
    assert out.shape == (8, 28, 28, 1)
    assert out.min() >= -1 and out.max() <= 1 and out.min() < 0
    other = gen([noise, _conds((np.arange(8) + 1) % 10)], training=False).numpy()
    assert not np.allclose(out, other)


def test_prepare_generator_other_sizes():
    gen = S.prepare_generator(7, 4)
    out = gen([np.zeros((2, 7), "float32"), _conds([0, 3], 4)], training=False)
    assert out.shape == (2, 28, 28, 1)


def test_prepare_discriminator_outputs_a_logit_that_depends_on_condition():
    disc = S.prepare_discriminator((28, 28, 1), 10)
    assert tuple(disc.output.shape) == (None, 1)
    imgs = np.random.uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    out = disc([imgs, _conds(np.arange(8))], training=False).numpy()
    assert out.shape == (8, 1)
    other = disc([imgs, _conds((np.arange(8) + 3) % 10)], training=False).numpy()
    assert not np.allclose(out, other)
    # Nothing squashes the last layer: shifting its bias shifts the output, below zero too.
    last = disc.layers[-1]
    kernel, bias = last.get_weights()
    last.set_weights([kernel, bias - 10.0])
    shifted = disc([imgs, _conds(np.arange(8))], training=False).numpy()
    np.testing.assert_allclose(shifted, out - 10.0, rtol=1e-4, atol=1e-4)
    assert (shifted < 0).all()


def test_discriminator_loss_equals_bce_with_logits():
    rng = np.random.default_rng(3)
    real = rng.normal(0, 3, (16, 1)).astype("float32")
    fake = rng.normal(0, 3, (16, 1)).astype("float32")
    expected = np.mean(_softplus(-real)) + np.mean(_softplus(fake))
    got = S.discriminator_loss(tf.constant(real), tf.constant(fake)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_train_step_updates_both_networks():
    gen = S.prepare_generator(16, 10)
    disc = S.prepare_discriminator((28, 28, 1), 10)
    g_opt, d_opt = tf.keras.optimizers.Adam(1e-3), tf.keras.optimizers.Adam(1e-3)
    step = S.make_train_step(gen, disc, g_opt, d_opt, 16)
    before_g = [v.numpy().copy() for v in gen.trainable_variables]
    before_d = [v.numpy().copy() for v in disc.trainable_variables]
    images = np.random.uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    cond = _conds(np.arange(8))
    gen_loss, disc_loss = step((images, cond, _conds(np.arange(8)[::-1])))
    assert np.isfinite(gen_loss.numpy()) and np.isfinite(disc_loss.numpy())
    assert any(not np.allclose(a, v.numpy()) for a, v in zip(before_g, gen.trainable_variables))
    assert any(not np.allclose(a, v.numpy()) for a, v in zip(before_d, disc.trainable_variables))


# ---------------------------------------------------------------------------------------------
# Notebooks
# ---------------------------------------------------------------------------------------------

GROUP_RE = re.compile(r"^## \d")


def _first_line(cell) -> str:
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()
    return ""


@pytest.fixture(scope="module")
def template():
    return nbformat.read(REPO_ROOT / lab_cells.LAB_DIR / "public" / "template.ipynb", as_version=4)


@pytest.fixture(scope="module")
def solved():
    return nbformat.read(REPO_ROOT / lab_cells.LAB_DIR / "judge" / "solution.ipynb", as_version=4)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def test_every_notebook_is_valid_and_clean():
    for relative in lab_notebooks.all_notebooks():
        nb = nbformat.read(REPO_ROOT / relative, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        ids = [c.id for c in nb.cells]
        assert ids == [f"cell-{i:03d}" for i in range(1, len(ids) + 1)]
        broken_slot = (
            lab_samples.SYNTAX_ERROR_SAMPLES.get(relative.stem)
            if relative.parent == lab_cells.SUBMISSIONS_DIR
            else None
        )
        broken = {lab_samples.STUDENT_SAMPLES[relative.stem][broken_slot]} if broken_slot else set()
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
                # Only the cell a sample breaks on purpose fails to parse.
                assert _parses(cell.source) == (cell.source not in broken), (relative, cell.id)
        assert broken <= {c.source for c in nb.cells}, relative


def test_template_headings(template):
    lines = [_first_line(c) for c in template.cells if c.cell_type == "markdown"]
    for item, heading in lab_cells.HEADINGS.items():
        assert heading.startswith(f"#### Zadanie {item} ")
        assert lines.count(heading) == 1, item
    for heading in lab_cells.GROUP_HEADINGS.values():
        assert lines.count(heading) == 1
    known = set(lab_cells.HEADINGS.values()) | set(lab_cells.GROUP_HEADINGS.values())
    for line in lines:
        if line.startswith("#### Zadanie") or GROUP_RE.match(line):
            assert line in known, line
    assert set(lab_cells.HEADINGS) == set(lab_cells.PROSE_ITEMS) | set(lab_cells.CODE_ITEMS)
    order = [line for line in lines if line in known]
    expected = [
        "1",
        "1.1",
        "1.2",
        "1.plot",
        "1.3",
        "2",
        "2.1",
        "2.plot",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "3",
        "3.data",
        "3.model",
        "3.loss",
        "3.1",
        "3.2",
        "3.3",
        "4",
        "4.gen",
        "4.disc",
        "4.loss",
        "4.step",
        "4.1",
    ]
    assert order == [lab_cells.GROUP_HEADINGS.get(k) or lab_cells.HEADINGS[k] for k in expected]


def _sections(nb):
    """item -> the cells after its heading up to the next heading."""
    starts = {}
    heads = {v: k for k, v in {**lab_cells.HEADINGS, **lab_cells.GROUP_HEADINGS}.items()}
    marks = [
        (i, heads[_first_line(c)])
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and _first_line(c) in heads
    ]
    for k, (i, item) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(nb.cells)
        starts[item] = nb.cells[i + 1 : end]
    return starts


def test_template_answer_slots(template):
    sections = _sections(template)
    for item in lab_cells.PROSE_ITEMS:
        cells = sections[item]
        assert cells[0].cell_type == "markdown" and cells[0].source == lab_cells.PLACEHOLDER, item
    for item in lab_cells.CODE_ITEMS:
        todo = [
            c
            for c in sections[item]
            if c.cell_type == "code" and "# TU WPISZ KOD" in c.source and "raise NotImplementedError()" in c.source
        ]
        assert len(todo) == 1, item
    stubs = {
        "1.plot": "def plot_latent_space(model, data):",
        "2.plot": "def plot_latent_space(model, data):",
        "3.data": "def conditioned_mnist(x, y, num_imgs=2):",
        "3.loss": "def compute_loss(model, x):",
        "4.gen": "def prepare_generator(latent_dim, cond_dim):",
        "4.disc": "def prepare_discriminator(img_shape, cond_dim):",
        "4.loss": "def discriminator_loss(real_output, fake_output):",
        "4.step": "@tf.function\ndef train_step(data):",
        "3.model": "class Cond_CVAE(tf.keras.Model):",
        "1.2": "# TU WPISZ KOD\nraise NotImplementedError()",
        "2.5": "# TU WPISZ KOD\nraise NotImplementedError()",
    }
    for item, start in stubs.items():
        assert any(c.source.startswith(start) for c in sections[item] if c.cell_type == "code"), item
    assert any(c.source == "autoencoder = Autoencoder(latent_dim)" for c in sections["1.2"])
    cvae = [c.source for c in sections["3.model"] if c.cell_type == "code"][0]
    assert cvae.count("raise NotImplementedError()") == 2


def test_template_gives_the_scaffold_code(template):
    sources = "\n".join(c.source for c in template.cells if c.cell_type == "code")
    for obj in (
        scaffold.Autoencoder,
        scaffold.CVAE,
        scaffold.log_normal_pdf,
        scaffold.compute_loss,
        scaffold.train_step,
        scaffold.generator_loss,
        scaffold.Cond_CVAE,
        scaffold.preprocess,
        scaffold.preprocess_gan,
        scaffold.plot_latent_images,
    ):
        assert lab_cells._src(obj) in sources
    for line in (
        "latent_dim = 2",
        "noise_dim = 100",
        "cond_dim = 10",
        "epochs = 10",
        "EPOCHS = 50",
        "cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)",
        "generator = prepare_generator(noise_dim, cond_dim)",
        "discriminator = prepare_discriminator((28, 28, 1), cond_dim)",
        "(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()",
        "for epoch in range(1, epochs + 1):",
    ):
        assert line in sources, line


def test_solution_answers_every_slot(template, solved):
    assert len(template.cells) == len(solved.cells)
    sections = _sections(solved)
    for item in lab_cells.PROSE_ITEMS:
        answer = sections[item][0]
        assert answer.cell_type == "markdown" and lab_cells.PLACEHOLDER not in answer.source
        assert len(answer.source) > 100
    for cell in solved.cells[1:]:  # the first cell explains the markers
        assert "raise NotImplementedError()" not in cell.source, cell.id
        assert "TU WPISZ" not in cell.source, cell.id
    code = "\n".join(c.source for c in solved.cells if c.cell_type == "code")
    assert 'autoencoder.compile(optimizer="adam", loss="binary_crossentropy")' in code
    assert "def kl_divergence(mean, logvar):" in code


def test_solution_notebook_definitions_run():
    """The graded definitions of the solution notebook, executed on the scaffold's globals,
    behave like the reference functions."""
    ns = {k: v for k, v in vars(scaffold).items() if not k.startswith("__")}
    slots = lab_cells.SOLUTION_SLOTS
    for item in ("2.5", "3.data", "3.model", "4.gen", "4.disc", "4.loss"):
        exec(compile(slots[item], f"<solution {item}>", "exec"), ns)  # noqa: S102
    real, fake = np.array([[2.0], [-1.0]], "float32"), np.array([[0.5], [-3.0]], "float32")
    np.testing.assert_allclose(ns["discriminator_loss"](real, fake).numpy(), S.discriminator_loss(real, fake).numpy())
    mean, logvar = np.random.randn(3, 2), np.random.randn(3, 2)
    np.testing.assert_allclose(ns["kl_divergence"](mean, logvar).numpy(), S.kl_divergence(mean, logvar).numpy())
    model = ns["Cond_CVAE"](4)
    assert tuple(model.encoder.output.shape) == (None, 8)
    assert ns["prepare_generator"](100, 10).output.shape[1:] == (28, 28, 1)
    x_res, _ = ns["conditioned_mnist"](np.random.rand(2, 14, 14), np.eye(10)[[0, 1]])
    assert x_res.shape == (4, 42, 42, 1)
    # 4.step reads the notebook's globals.
    ns.update(generator=S.prepare_generator(100, 10), discriminator=S.prepare_discriminator((28, 28, 1), 10))
    exec(compile(slots["4.step"], "<solution 4.step>", "exec"), ns)  # noqa: S102
    losses = ns["train_step"]((np.zeros((2, 28, 28, 1), "float32"), _conds([1, 2]), _conds([3, 4])))
    assert all(np.isfinite(t.numpy()) for t in losses)


def _slot_namespace(source):
    ns = {k: v for k, v in vars(scaffold).items() if not k.startswith("__")}
    exec(compile(source, "<sample>", "exec"), ns)  # noqa: S102
    return ns


def test_each_buggy_sample_differs_from_the_solution_in_one_cell(solved):
    for student, overrides in lab_cells.BUGGY_SAMPLES.items():
        nb = nbformat.read(REPO_ROOT / lab_cells.SUBMISSIONS_DIR / f"{student}.ipynb", as_version=4)
        changed = [a.id for a, b in zip(nb.cells, solved.cells) if a.source != b.source]
        assert len(changed) == 1, student
        assert len(overrides) == 1


def test_student_samples_differ_from_the_solution_only_in_their_slots(solved):
    """A sample of ``samples.py``: the solution's cells, its slots replaced, its extra cells
    inserted; nothing else changes (prose answers are the solution's)."""
    assert not set(lab_samples.STUDENT_SAMPLES) & set(lab_cells.BUGGY_SAMPLES)
    assert set(lab_samples.STUDENT_EXTRA_CELLS) <= set(lab_samples.STUDENT_SAMPLES)
    for student, overrides in lab_samples.STUDENT_SAMPLES.items():
        assert set(overrides) <= set(lab_cells.SOLUTION_SLOTS), student
        extra = [s for cells in lab_samples.STUDENT_EXTRA_CELLS.get(student, {}).values() for s in cells]
        nb = nbformat.read(REPO_ROOT / lab_cells.SUBMISSIONS_DIR / f"{student}.ipynb", as_version=4)
        cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source in extra)]
        assert len(nb.cells) - len(cells) == len(extra), student
        assert len(cells) == len(solved.cells), student
        changed = {b.source for a, b in zip(cells, solved.cells) if a.source != b.source}
        replaced = {
            lab_cells.SOLUTION_SLOTS[slot]
            for slot, source in overrides.items()
            if source != lab_cells.SOLUTION_SLOTS[slot]
        }
        assert changed == replaced, student
        mine = {a.source for a, b in zip(cells, solved.cells) if a.source != b.source}
        assert mine == {overrides[slot] for slot in overrides if overrides[slot] != lab_cells.SOLUTION_SLOTS[slot]}, (
            student
        )
    assert lab_samples.SYNTAX_ERROR_SAMPLES and all(
        slot in lab_samples.STUDENT_SAMPLES[s] for s, slot in lab_samples.SYNTAX_ERROR_SAMPLES.items()
    )


def test_buggy_samples_have_the_documented_faults():
    stub = _StubVAE()
    x = (np.random.rand(4, 28, 28, 1) > 0.5).astype("float32")
    reference = S.compute_loss_gauss_kl(stub, x).numpy()
    ns = _slot_namespace(lab_cells.SEED_001_COMPUTE_LOSS)
    assert abs(ns["compute_loss"](stub, x).numpy() - reference) > 1e-2
    ns = _slot_namespace(lab_cells.SEED_000_KL_HELPER)  # correct, helper style
    np.testing.assert_allclose(ns["compute_loss_gauss_kl"](stub, x).numpy(), reference, rtol=1e-5)
    np.testing.assert_allclose(
        ns["kl_div"](stub.mean, stub.logvar).numpy(), S.kl_divergence(stub.mean, stub.logvar).numpy(), rtol=1e-5
    )
    ns = _slot_namespace(lab_cells.SEED_001_CONDITIONED_MNIST)
    with pytest.raises(ValueError):
        ns["conditioned_mnist"](np.random.rand(2, 14, 14, 1), np.eye(10)[[0, 1]])
    real, fake = tf.constant([[2.0], [1.0]]), tf.constant([[-2.0], [0.5]])
    good = S.discriminator_loss(real, fake).numpy()
    for source in (lab_cells.DISCRIMINATOR_SWAPPED_LABELS, lab_cells.DISCRIMINATOR_NO_FAKE):
        assert abs(_slot_namespace(source)["discriminator_loss"](real, fake).numpy() - good) > 1e-2


def test_blank_and_solution_samples_are_copies():
    sub = REPO_ROOT / lab_cells.SUBMISSIONS_DIR
    lab = REPO_ROOT / lab_cells.LAB_DIR
    assert (sub / "blank.ipynb").read_bytes() == (lab / "public" / "template.ipynb").read_bytes()
    assert (sub / "solution.ipynb").read_bytes() == (lab / "judge" / "solution.ipynb").read_bytes()
