"""The notebooks of lab ``vae-pyro`` (template, solution, sample submissions) are up to date,
follow the conventions the grader relies on, and the samples' answer cells do what
``samples.FAULTS`` says (the class cells are executed with torch and pyro, in this process)."""

from __future__ import annotations

import ast
import subprocess
import sys

import nbformat
import pytest

from reference.vae_pyro.build import notebooks as build
from reference.vae_pyro.build import samples
from reference.vae_pyro.build import sources as module_texts

PUBLIC = build.REPO_ROOT / build.LAB_DIR / "public"

SAMPLE_NAMES = {
    "solution",
    "blank",
    "styl_logvar",
    "styl_sekwencyjny",
    "skala_relu",
    "bez_probkowania",
    "dekoder_bez_sigmoidy",
    "skala_jako_wariancja",
    "srednia_relu",
    "beta_na_rekonstrukcji",
    "beta_calosc",
    "brak_beta",
    "downstream_nietkniety",
    "downstream_tylko_piksele",
}


def _read(relative) -> nbformat.NotebookNode:
    return nbformat.read(build.REPO_ROOT / relative, as_version=4)


def _sample(name: str) -> nbformat.NotebookNode:
    return _read(build.SUBMISSIONS_DIR / f"{name}.ipynb")


def _first_line(cell) -> str:
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _heading_index(nb, item: str) -> int:
    found = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and _first_line(c) == build.HEADINGS[item]]
    assert len(found) == 1, item
    return found[0]


def _slots(nb) -> dict[str, int]:
    """Answer slot -> index of its cell, found from the task headings."""
    cells = nb.cells
    h1b, h2, h3 = (_heading_index(nb, item) for item in ("1b", "2", "3"))

    def first(kind, start, end):
        return next(i for i in range(start + 1, end) if cells[i].cell_type == kind)

    return {
        "1a": first("code", h1b, h2),
        "1b": max(i for i in range(h1b, h2) if cells[i].cell_type == "markdown"),
        "2": first("code", h2, h3),
        "2.answer": first("markdown", h2, h3),
        "3": first("code", h3, len(cells)),
    }


def _parsable(source: str) -> str:
    """The cell's source with IPython magic lines (``%%time``, ``%time``...) blanked."""
    return "\n".join("" if line.lstrip().startswith("%") else line for line in source.splitlines())


@pytest.fixture(scope="module")
def template():
    return _read(build.LAB_DIR / "public" / "template.ipynb")


@pytest.fixture(scope="module")
def solved():
    return _read(build.LAB_DIR / "judge" / "solution.ipynb")


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def test_building_imports_neither_torch_nor_pyro():
    code = (
        "import sys\n"
        "from reference.vae_pyro.build import notebooks\n"
        "notebooks.all_notebooks()\n"
        "print(sorted(m for m in ('torch', 'pyro') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=build.REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sample_names():
    written = {p.stem for p in build.all_notebooks() if p.parent == build.SUBMISSIONS_DIR}
    assert written == SAMPLE_NAMES
    on_disk = {p.stem for p in (build.REPO_ROOT / build.SUBMISSIONS_DIR).glob("*.ipynb")}
    assert on_disk == SAMPLE_NAMES
    assert set(samples.SAMPLES) == SAMPLE_NAMES - {"solution", "blank"}
    assert set(samples.FAULTS) == set(samples.SAMPLES)


def test_every_notebook_is_valid_clean_and_parses():
    for relative in build.all_notebooks():
        nb = _read(relative)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert nb.metadata["grader"] == {"lab": "vae-pyro"}
        ids = [c.id for c in nb.cells]
        assert ids == [f"cell-{i:03d}" for i in range(1, len(ids) + 1)]
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
                ast.parse(_parsable(cell.source), f"{relative}:{cell.id}")


# ---------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------


def test_template_headings_in_order(template):
    lines = [_first_line(c) if c.cell_type == "markdown" else "" for c in template.cells]
    assert build.HEADINGS == {
        "1a": "# Zadanie 1a (1.5 pkt.)",
        "1b": "# Zadanie 1b (1.5 pkt.)",
        "2": "# Zadanie 2 (2 pkt.)",
        "3": "# Zadanie 3 (dodatkowe) (2 pkt.)",
    }
    order = [_heading_index(template, item) for item in ("1a", "1b", "2", "3")]
    assert order == sorted(order)
    assert [line for line in lines if line.startswith("# Zadanie")] == list(build.HEADINGS.values())


def test_template_answer_slots(template):
    slots = _slots(template)
    cells = template.cells
    # The VAE classes sit under the heading of 1b, as in the seed.
    assert _heading_index(template, "1b") < slots["1a"] < _heading_index(template, "2")
    assert cells[slots["1a"]].source.startswith("class VEncoder(nn.Module):")
    for item, source in build.TEMPLATE_SLOTS.items():
        assert cells[slots[item]].source == source, item
    for item in build.PROSE_SLOTS:
        assert cells[slots[item]].cell_type == "markdown"
        assert cells[slots[item]].source == build.PLACEHOLDER
    # The 1b answer comes after the VAE's analyses, right before task 2.
    assert slots["1b"] == _heading_index(template, "2") - 1
    assert cells[slots["1b"] - 1].source.startswith("analyzer.analyze_tsne()")
    assert slots["2.answer"] == slots["2"] + 1
    # Where the seed has "raise NotImplementedError()": six times in the VAE cell (the
    # encoder's, decoder's and VAE's methods), once in task 2 and once in task 3.
    raising = {
        i: c.source.count("raise NotImplementedError()")
        for i, c in enumerate(cells)
        if c.cell_type == "code" and "raise NotImplementedError()" in c.source
    }
    assert raising == {slots["1a"]: 6, slots["2"]: 1, slots["3"]: 1}
    for i in raising:
        assert cells[i].source.count("# TU WPISZ KOD") == raising[i]
    assert cells[slots["2"]].source.startswith("X_train, y_train = zip(*train_dataset)\n")
    assert cells[slots["3"]].source.startswith("class BetaVariationalAutoencoder(VariationalAutoencoder):")
    vae = cells[slots["1a"]].source
    for method in ("def model(self, x: torch.Tensor):", "def guide(self, x: torch.Tensor):"):
        assert method in vae


def test_template_gives_the_seed_code(template):
    sources = [c.source for c in template.cells if c.cell_type == "code"]
    joined = "\n".join(sources)
    assert (
        module_texts.definitions(module_texts.scaffold_source("Encoder"), module_texts.scaffold_source("Decoder"))
        in sources
    )
    assert module_texts.scaffold_source("Autoencoder") in sources
    imports = sources[1]
    for line in (
        "from torchvision.datasets import MNIST",
        "from src.ae import BaseAutoEncoder",
        "from src.utils import train_ae, AutoEncoderAnalyzer",
        'display(Code(filename="src/ae.py"))',
        "import pyro.distributions as dist",
    ):
        assert line in imports.splitlines(), line
    for line in (
        "lr = 1e-2",
        "beta=3.  # should limit the number of valuable features",
        "loss_fn = pyro.infer.Trace_ELBO().differentiable_loss",
        "analyzer = AutoEncoderAnalyzer(model=bvae_model, dataset=val_dataset, n_samplings=5)",
    ):
        assert line in joined, line
    markdown = "\n".join(c.source for c in template.cells if c.cell_type == "markdown")
    assert markdown.startswith("Przed oddaniem zadania upewnij się")
    assert "![image.png](attachment:image.png)" in markdown
    assert "![image-2.png](attachment:image-2.png)" in markdown
    # The seed's code keeps its trailing spaces.
    assert "        n_latent_features: int, \n" in template.cells[_slots(template)["1a"]].source


# ---------------------------------------------------------------------------------------------
# Solution and samples
# ---------------------------------------------------------------------------------------------


def test_solution_answers_every_slot(template, solved):
    assert len(template.cells) == len(solved.cells)
    slots = _slots(solved)
    cells = solved.cells
    vae = cells[slots["1a"]].source
    for name in ("VEncoder", "VDecoder", "VariationalAutoencoder"):
        assert module_texts.solution_source(name) in vae, name
    assert "class VariationalAutoencoder(BaseAutoEncoder):" in vae
    beta = cells[slots["3"]].source
    assert beta.startswith("from pyro import poutine\n")
    assert "class BetaVariationalAutoencoder(VariationalAutoencoder):" in beta
    assert "poutine.scale" in beta and module_texts.solution_source("BetaVariationalAutoencoder") in beta
    downstream = cells[slots["2"]].source
    assert downstream.startswith(module_texts.DOWNSTREAM_DATA)
    assert downstream.endswith(module_texts.solution_source("DOWNSTREAM_CELL"))
    for item in build.PROSE_SLOTS:
        assert cells[slots[item]].cell_type == "markdown"
        assert len(cells[slots[item]].source) > 200
    for cell in cells[1:]:  # the first cell asks to fill the markers
        assert "raise NotImplementedError()" not in cell.source, cell.id
        assert "TU WPISZ" not in cell.source, cell.id


def test_blank_and_solution_samples_are_copies():
    sub = build.REPO_ROOT / build.SUBMISSIONS_DIR
    lab = build.REPO_ROOT / build.LAB_DIR
    assert (sub / "blank.ipynb").read_bytes() == (lab / "public" / "template.ipynb").read_bytes()
    assert (sub / "solution.ipynb").read_bytes() == (lab / "judge" / "solution.ipynb").read_bytes()


def test_samples_differ_from_the_solution_only_in_their_slots(template, solved):
    template_slots, solved_slots = _slots(template), _slots(solved)
    for student, overrides in samples.SAMPLES.items():
        nb = _sample(student)
        extra = [s for cells in samples.EXTRA_CELLS.get(student, {}).values() for s in cells]
        kept = [c for c in nb.cells if not (c.cell_type == "code" and c.source in extra)]
        assert len(nb.cells) - len(kept) == len(extra), student
        assert len(kept) == len(solved.cells), student
        changed = {i for i, (a, b) in enumerate(zip(kept, solved.cells)) if a.source != b.source}
        assert changed == {solved_slots[item] for item in overrides}, student
        for item, source in overrides.items():
            expected = template.cells[template_slots[item]].source if source is samples.TEMPLATE else source
            assert kept[solved_slots[item]].source == expected, (student, item)
    # The %%time cells of styl_sekwencyjny follow task 2's code cell.
    nb = _sample("styl_sekwencyjny")
    slot = _slots(nb)["2"]
    timed = [c.source for c in nb.cells[slot + 1 : slot + 4]]
    assert timed == list(samples.EXTRA_CELLS["styl_sekwencyjny"]["2"])
    assert all(s.startswith("%%time\n") for s in timed)


def test_buggy_samples_have_exactly_one_changed_cell(solved):
    one_cell = (
        "skala_relu",
        "bez_probkowania",
        "dekoder_bez_sigmoidy",
        "skala_jako_wariancja",
        "srednia_relu",
        "beta_na_rekonstrukcji",
        "beta_calosc",
    )
    for student in one_cell:
        nb = _sample(student)
        changed = [a.id for a, b in zip(nb.cells, solved.cells) if a.source != b.source]
        assert len(nb.cells) == len(solved.cells) and len(changed) == 1, student


def test_sample_sources_show_their_faults():
    def cell(name, item):
        nb = _sample(name)
        return nb.cells[_slots(nb)[item]].source

    assert "nn.init.constant_(self.hidden_to_scale.bias, 3.0)" in cell("skala_relu", "1a")
    assert "z_scale = nn.functional.relu(self.hidden_to_scale(h))" in cell("skala_relu", "1a")
    assert "z = z_loc\n" in cell("bez_probkowania", "1a")
    assert "torch.sqrt(z_scale) * torch.randn_like(z_loc)" in cell("skala_jako_wariancja", "1a")
    assert "z_loc = nn.functional.relu(self.hidden_to_loc(h))" in cell("srednia_relu", "1a")
    assert "torch.sigmoid" not in cell("dekoder_bez_sigmoidy", "1a").split("class VariationalAutoencoder")[0]
    assert 'with poutine.scale(scale=self.beta):\n                pyro.sample("obs"' in cell(
        "beta_na_rekonstrukcji", "3"
    )
    assert "super().model(x)" in cell("beta_calosc", "3")
    logvar = cell("styl_logvar", "1a")
    for snippet in (
        "self.fc_mu",
        "self.fc_logvar",
        "torch.exp(0.5 * logvar)",
        "eps = torch.randn_like(z_scale)",
        "nn.Sigmoid()",
    ):
        assert snippet in logvar, snippet
    assert "return poutine.scale(super().guide, scale=self.beta)(x)" in cell("styl_logvar", "3")
    assert "zestawy.items()" in cell("styl_logvar", "2")
    assert "torch.chunk(out, 2, dim=1)" in cell("styl_sekwencyjny", "1a")
    downstream = cell("downstream_tylko_piksele", "2")
    assert "ae_model" not in downstream and "vae_model" not in downstream and "time" not in downstream


# ---------------------------------------------------------------------------------------------
# The class cells, executed
# ---------------------------------------------------------------------------------------------

HEADER = """\
from typing import Tuple

import pyro
import pyro.distributions as dist
import torch
import torch.nn as nn

from src.ae import BaseAutoEncoder
"""

# What a sample's task-1a cell gets wrong (the others behave like the solution).
FAULTS_1A = {
    "skala_relu": "scale",
    "bez_probkowania": "no_sampling",
    "dekoder_bez_sigmoidy": "decoder",
    "skala_jako_wariancja": "variance",
    "srednia_relu": "mean",
}

# Which terms of the ELBO a sample's beta-VAE multiplies by beta.
BETA_WEIGHTS = {
    "solution": "kl",
    "styl_logvar": "kl",
    "beta_na_rekonstrukcji": "reconstruction",
    "beta_calosc": "both",
}


@pytest.fixture(scope="module")
def given():
    """The template's globals that the answer cells use (the imports cell, without the data
    and plotting imports)."""
    pytest.importorskip("torch")
    pytest.importorskip("pyro")
    if not (PUBLIC / "src" / "ae.py").exists():
        pytest.skip("reference/vae_pyro/public/src/ae.py (BaseAutoEncoder) is not written yet")
    if str(PUBLIC) not in sys.path:
        sys.path.insert(0, str(PUBLIC))
    ns: dict = {}
    exec(compile(HEADER, "<imports>", "exec"), ns)  # noqa: S102
    return ns


def _run_cells(given, name, *items):
    nb = _sample(name)
    slots = _slots(nb)
    ns = dict(given)
    for item in items:
        exec(compile(nb.cells[slots[item]].source, f"<{name} {item}>", "exec"), ns)  # noqa: S102
    return ns


@pytest.mark.parametrize("name", sorted(SAMPLE_NAMES))
def test_vae_cell_runs(given, name):
    torch = given["torch"]
    torch.manual_seed(0)
    ns = _run_cells(given, name, "1a")
    if name == "blank":
        with pytest.raises(NotImplementedError):
            ns["VariationalAutoencoder"](784, 32, 32, 4)
        return
    model = ns["VariationalAutoencoder"](784, 32, 32, 4)
    x = torch.rand(2, 1, 28, 28)
    z = model.encoder_forward(x)
    assert z.shape == (2, 4)
    r = model.decoder_forward(z)
    assert r.shape == (2, 1, 28, 28)
    assert torch.isfinite(r).all()


def _fixed_posterior(given, loc, scale):
    """An encoder stand-in: q(z|x) = N(loc, scale^2) in each of 4 dimensions, for every x."""
    torch, nn = given["torch"], given["nn"]

    class FixedPosterior(nn.Module):
        def forward(self, x):
            shape = (x.shape[0], 4)
            return torch.full(shape, loc), torch.full(shape, scale)

    return FixedPosterior()


@pytest.mark.parametrize("name", sorted(SAMPLE_NAMES - {"blank"}))
def test_vae_cell_faults(given, name):
    torch = given["torch"]
    torch.manual_seed(0)
    fault = FAULTS_1A.get(name)
    model = _run_cells(given, name, "1a")["VariationalAutoencoder"](784, 32, 32, 4)
    model.encoder_forward(torch.rand(2, 1, 28, 28))
    with torch.no_grad():
        loc, scale = model.encoder(100 * torch.randn(256, 784))
        # The scale must be positive for every input, the mean must take any sign.
        assert bool((scale > 0).all()) == (fault != "scale"), (name, scale.min())
        assert bool((loc < 0).any()) == (fault != "mean"), name
        out = model.decoder(10 * torch.randn(256, 4))
        assert bool(((out >= 0) & (out <= 1)).all()) == (fault != "decoder"), name
        # encoder_forward samples z ~ N(loc, scale^2).
        model.encoder = _fixed_posterior(given, loc=1.0, scale=4.0)
        z = model.encoder_forward(torch.zeros(4000, 1, 28, 28))
    std = z.std(dim=0)
    assert torch.allclose(z.mean(dim=0), torch.ones(4), atol=0.3), name
    expected_std = {"no_sampling": 0.0, "variance": 2.0}.get(fault, 4.0)
    assert torch.allclose(std, torch.full((4,), expected_std), atol=0.25), (name, std)


def _elbo_terms(given, model, x, seed):
    """(reconstruction, KL) of one sample z ~ q(z|x): -log p(x|z) and log q(z|x) - log p(z),
    unscaled."""
    torch = given["torch"]
    from pyro import poutine

    torch.manual_seed(seed)
    guide = poutine.trace(model.guide).get_trace(x)
    run = poutine.trace(poutine.replay(model.model, trace=guide)).get_trace(x)
    z = guide.nodes["latent"]["value"]
    log_q = guide.nodes["latent"]["fn"].log_prob(z).sum()
    log_p = run.nodes["latent"]["fn"].log_prob(z).sum()
    log_lik = run.nodes["obs"]["fn"].log_prob(x).sum()
    return -log_lik.item(), (log_q - log_p).item()


@pytest.mark.parametrize("name", sorted(BETA_WEIGHTS))
def test_beta_cell_weights(given, name):
    torch = given["torch"]
    pyro = given["pyro"]
    pyro.clear_param_store()
    torch.manual_seed(0)
    cls = _run_cells(given, name, "1a", "3")["BetaVariationalAutoencoder"]
    model = cls(
        n_data_features=784, n_encoder_hidden_features=32, n_decoder_hidden_features=32, n_latent_features=4, beta=3.0
    )
    x = (torch.rand(5, 1, 28, 28) > 0.5).float()
    model.encoder_forward(x)
    reconstruction, kl = _elbo_terms(given, model, x, seed=1)
    torch.manual_seed(1)
    loss = pyro.infer.Trace_ELBO().differentiable_loss(model.model, model.guide, x).item()
    expected = {
        "kl": reconstruction + 3 * kl,
        "reconstruction": 3 * reconstruction + kl,
        "both": 3 * (reconstruction + kl),
    }[BETA_WEIGHTS[name]]
    pyro.clear_param_store()  # pyro.module registered this model's parameters globally
    assert loss == pytest.approx(expected, rel=1e-4), (name, loss, reconstruction, kl)


@pytest.mark.parametrize("name", ["blank", "styl_sekwencyjny", "brak_beta"])
def test_unanswered_beta_cell_raises(given, name):
    with pytest.raises(NotImplementedError):
        _run_cells(given, name, "1a", "3")
