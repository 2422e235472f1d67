"""Mutant tests of lab vae-pyro: each check passes the reference and right answers written in
other styles, and fails each deliberately wrong student with the message that names the fault.
Task 2's checks read code only: they get a :class:`SectionCode` of the section."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytest.importorskip("pyro")

from grader.checks import CheckFailure, SectionCode  # noqa: E402
from grader.sandbox.errors import StudentCodeError  # noqa: E402
from grader.testing import assert_check_fails, student_from_source  # noqa: E402
from reference.vae_pyro.judge import checks as hidden_checks  # noqa: E402
from reference.vae_pyro.judge import solution  # noqa: E402
from reference.vae_pyro.public import checks  # noqa: E402
from tests.case_sources import both_case_sources  # noqa: E402

# every test twice: on the live cases (the instructor's grader) and on their recording (the bundle)
case_source = both_case_sources("reference.vae_pyro")

LAB = "vae_pyro"
_SOLUTION_FILE = Path(solution.__file__).read_text(encoding="utf-8")
_CLASSES = {
    n.name: ast.get_source_segment(_SOLUTION_FILE, n)
    for n in ast.parse(_SOLUTION_FILE).body
    if isinstance(n, ast.ClassDef)
}
ORDER = ("VEncoder", "VDecoder", "VariationalAutoencoder", "BetaVariationalAutoencoder")


def program(**replace: str) -> str:
    """The reference classes, some replaced by (or edited into) a mutant's source."""
    parts = [replace.get(name, _CLASSES[name]) for name in ORDER]
    return "from pyro import poutine\n\n" + "\n\n\n".join(parts)


def edited(name: str, old: str, new: str) -> str:
    source = _CLASSES[name]
    assert old in source, old
    return source.replace(old, new)


def _fails(check, source: str, name: str, *fragments: str) -> CheckFailure:
    return assert_check_fails(check, student_from_source(LAB, source, name), *fragments)


def _passes(check, source: str, name: str) -> None:
    check(student_from_source(LAB, source, name))


# --------------------------------------------------------------------------- 1a.encoder

ENCODER_CHECKS = (
    checks.check_encoder_returns_loc_and_scale,
    checks.check_encoder_scale_positive_by_construction,
    checks.check_encoder_loc_unbounded,
)

LOGVAR_ENCODER = """class VEncoder(nn.Module):
    def __init__(self, n_input_features, n_hidden_neurons, n_latent_features):
        super().__init__()
        self.hidden = nn.Linear(n_input_features, n_hidden_neurons)
        self.fc_mu = nn.Linear(n_hidden_neurons, n_latent_features)
        self.fc_logvar = nn.Linear(n_hidden_neurons, n_latent_features)

    def forward(self, x):
        h = torch.tanh(self.hidden(x))
        logvar = self.fc_logvar(h)
        return self.fc_mu(h), torch.exp(0.5 * logvar)  # odchylenie = exp(logvar / 2)
"""

CHUNK_ENCODER = """class VEncoder(nn.Module):
    def __init__(self, n_input_features, n_hidden_neurons, n_latent_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_input_features, n_hidden_neurons), nn.ReLU(),
                                 nn.Linear(n_hidden_neurons, 2 * n_latent_features))

    def forward(self, x):
        loc, raw = torch.chunk(self.net(x), 2, dim=1)
        return loc, nn.functional.softplus(raw) + 1e-4
"""


@pytest.mark.parametrize(
    "source",
    [program(), program(VEncoder=LOGVAR_ENCODER), program(VEncoder=CHUNK_ENCODER)],
    ids=["reference", "exp_logvar", "sequential_chunk"],
)
@pytest.mark.parametrize("check", ENCODER_CHECKS, ids=lambda c: c.__name__)
def test_encoder_checks_pass_right_answers(check, source):
    _passes(check, source, "VEncoder")


def test_encoder_returning_one_tensor_is_the_students_error():
    source = program(VEncoder=edited("VEncoder", "return z_loc, z_scale", "return z_loc"))
    with pytest.raises(StudentCodeError, match="pair"):
        checks.check_encoder_returns_loc_and_scale(student_from_source(LAB, source, "VEncoder"))


def test_encoder_wrong_latent_size():
    source = program(
        VEncoder=edited(
            "VEncoder",
            "self.hidden_to_loc = nn.Linear(n_hidden_neurons, n_latent_features)",
            "self.hidden_to_loc = nn.Linear(n_hidden_neurons, 2 * n_latent_features)",
        )
    )
    _fails(checks.check_encoder_returns_loc_and_scale, source, "VEncoder", "z_loc has the wrong shape")


@pytest.mark.parametrize(
    "scale, fragment",
    [
        ("nn.functional.relu(self.hidden_to_scale(h))", "ordinary images"),  # about half the units are 0
        ("self.hidden_to_scale(h)", "ordinary images"),  # no activation: negative values
    ],
)
def test_scale_not_positive_on_ordinary_images(scale, fragment):
    source = program(VEncoder=edited("VEncoder", "nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6", scale))
    _fails(checks.check_encoder_scale_positive_by_construction, source, "VEncoder", fragment, "softplus")


def test_relu_scale_kept_positive_by_its_bias_is_caught():
    """Seed-style trick: a ReLU whose bias is initialised high, positive on typical inputs only."""
    source = program(
        VEncoder=edited(
            "VEncoder",
            "nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6",
            "nn.functional.relu(self.hidden_to_scale(h))",
        ).replace(
            "self.hidden_to_scale = nn.Linear(n_hidden_neurons, n_latent_features)",
            "self.hidden_to_scale = nn.Linear(n_hidden_neurons, n_latent_features)\n"
            "        nn.init.constant_(self.hidden_to_scale.bias, 3.0)",
        )
    )
    student = student_from_source(LAB, source, "VEncoder")
    assert (
        student.probe(
            "encoder_outputs",
            x=checks.CASES["images", {"count": 6, "seed": 3}].x.reshape(6, -1),
            n_hidden=16,
            n_latent=3,
            shifts=[-50.0],
        )["scale"]
        > 0
    ).all()  # positive on typical inputs...
    _fails(
        checks.check_encoder_scale_positive_by_construction, source, "VEncoder", "drops to 0"
    )  # ...not by construction


def test_relu_plus_epsilon_scale_sticks_at_a_constant():
    source = program(
        VEncoder=edited(
            "VEncoder",
            "nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6",
            "nn.functional.relu(self.hidden_to_scale(h)) + 1e-3",
        )
    )
    _fails(checks.check_encoder_scale_positive_by_construction, source, "VEncoder", "sticks at a constant")


@pytest.mark.parametrize(
    "loc, fragment",
    [
        ("nn.functional.relu(self.hidden_to_loc(h))", "never negative"),
        ("torch.tanh(self.hidden_to_loc(h))", "squashed"),
    ],
)
def test_bounded_mean(loc, fragment):
    source = program(VEncoder=edited("VEncoder", "z_loc = self.hidden_to_loc(h)", f"z_loc = {loc}"))
    _fails(checks.check_encoder_loc_unbounded, source, "VEncoder", fragment)


# --------------------------------------------------------------------------- 1a.decoder

DECODER_CHECKS = (
    checks.check_decoder_shape,
    checks.check_decoder_output_in_unit_interval,
    checks.check_decoder_uses_latent,
)

SEQUENTIAL_DECODER = """class VDecoder(nn.Module):
    def __init__(self, n_latent_features, n_hidden_neurons, n_output_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_latent_features, n_hidden_neurons), nn.ReLU(),
                                 nn.Linear(n_hidden_neurons, n_output_features), nn.Sigmoid())

    def forward(self, z):
        return self.net(z)
"""


@pytest.mark.parametrize("source", [program(), program(VDecoder=SEQUENTIAL_DECODER)], ids=["reference", "sequential"])
@pytest.mark.parametrize("check", DECODER_CHECKS, ids=lambda c: c.__name__)
def test_decoder_checks_pass_right_answers(check, source):
    _passes(check, source, "VDecoder")


def test_decoder_without_sigmoid():
    source = program(
        VDecoder=edited("VDecoder", "r = torch.sigmoid(self.hidden_to_output(r))", "r = self.hidden_to_output(r)")
    )
    _fails(checks.check_decoder_output_in_unit_interval, source, "VDecoder", "final sigmoid is missing")


def test_decoder_wrong_output_size():
    source = program(
        VDecoder=edited("VDecoder", "nn.Linear(n_hidden_neurons, n_output_features)", "nn.Linear(n_hidden_neurons, 28)")
    )
    _fails(checks.check_decoder_shape, source, "VDecoder", "wrong shape")


def test_decoder_ignoring_z():
    source = program(
        VDecoder=edited(
            "VDecoder",
            "nn.functional.relu(self.latent_to_hidden(z))",
            "nn.functional.relu(self.latent_to_hidden(torch.zeros_like(z)))",
        )
    )
    _fails(checks.check_decoder_uses_latent, source, "VDecoder", "same for different z")


# ------------------------------------------------------------------------------ 1a.vae

VAE_CHECKS = (
    checks.check_vae_encoder_forward_samples,
    checks.check_vae_decoder_forward_images,
    hidden_checks.check_vae_encoder_forward_samples_on_fresh_inputs,
    hidden_checks.check_vae_decoder_forward_images_on_fresh_inputs,
    hidden_checks.check_vae_elbo_trains,
)
SAMPLE = "z = dist.Normal(z_loc, z_scale).rsample()"


def vae_sampling(line: str) -> str:
    return program(VariationalAutoencoder=edited("VariationalAutoencoder", SAMPLE, line))


@pytest.mark.parametrize(
    "source",
    [
        program(),
        vae_sampling("z = z_loc + z_scale * torch.randn_like(z_scale)"),
        vae_sampling("z = pyro.sample('z', dist.Normal(z_loc, z_scale).to_event(1))"),
        vae_sampling("z = torch.normal(z_loc, z_scale)"),
    ],
    ids=["rsample", "reparameterised", "pyro_sample", "torch_normal"],
)
@pytest.mark.parametrize("check", VAE_CHECKS, ids=lambda c: c.__name__)
def test_vae_checks_pass_right_answers(check, source):
    _passes(check, source, "VariationalAutoencoder")


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("z = z_loc", "no sampling"),
        ("z = z_loc + torch.sqrt(z_scale) * torch.randn_like(z_loc)", "treated as a variance"),
        ("z = z_loc + z_scale ** 2 * torch.randn_like(z_loc)", "multiplied by the variance"),
        ("z = z_loc + torch.randn_like(z_loc)", "not multiplied by z_scale"),
        ("z = z_loc + torch.exp(z_scale / 2) * torch.randn_like(z_loc)", "log-variance"),
        ("z = z_scale * torch.randn_like(z_loc)", "does not approach z_loc"),
    ],
)
@pytest.mark.parametrize(
    "check",
    [checks.check_vae_encoder_forward_samples, hidden_checks.check_vae_encoder_forward_samples_on_fresh_inputs],
    ids=["public", "fresh_inputs"],
)
def test_vae_sampling_mutants(check, line, fragment):
    """Each mistake is named on the recorded case and on the hidden twin's fresh one."""
    _fails(check, vae_sampling(line), "VariationalAutoencoder", fragment)


def test_vae_sampling_check_does_not_depend_on_the_students_encoder():
    """A broken VEncoder costs 1a.encoder only: the VAE is built with stand-in networks."""
    broken = edited("VEncoder", "super().__init__()", "super().__init__()\n        raise RuntimeError('zepsuty koder')")
    _passes(checks.check_vae_encoder_forward_samples, program(VEncoder=broken), "VariationalAutoencoder")


@pytest.mark.parametrize(
    "check",
    [checks.check_vae_decoder_forward_images, hidden_checks.check_vae_decoder_forward_images_on_fresh_inputs],
    ids=["public", "fresh_inputs"],
)
def test_decoder_forward_double_sigmoid(check):
    source = program(
        VariationalAutoencoder=edited(
            "VariationalAutoencoder", "r = self.decoder(z)", "r = torch.sigmoid(self.decoder(z))"
        )
    )
    _fails(check, source, "VariationalAutoencoder", "second time")


def test_decoder_forward_wrong_shape():
    source = program(
        VariationalAutoencoder=edited(
            "VariationalAutoencoder", "return r.view(-1, *self.input_shape)", "return r.view(-1, 28, 28)"
        )
    )
    _fails(checks.check_vae_decoder_forward_images, source, "VariationalAutoencoder", "wrong shape")


def test_elbo_not_finite_with_a_decoder_giving_nan():
    source = program(
        VDecoder=edited(
            "VDecoder",
            "r = torch.sigmoid(self.hidden_to_output(r))",
            "r = torch.sqrt(self.hidden_to_output(r))  # pierwiastek z ujemnych: NaN",
        )
    )
    _fails(hidden_checks.check_vae_elbo_trains, source, "VariationalAutoencoder", "not finite")


def test_elbo_with_a_scale_that_goes_negative_is_the_students_error():
    source = program(
        VEncoder=edited("VEncoder", "nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6", "self.hidden_to_scale(h)")
    )
    with pytest.raises(StudentCodeError, match="scale"):
        hidden_checks.check_vae_elbo_trains(student_from_source(LAB, source, "VariationalAutoencoder"))


def test_elbo_check_is_not_charged_for_a_decoder_without_sigmoid():
    """Pyro clamps Bernoulli probabilities (validation off): the VAE still trains, and the
    missing sigmoid costs 1a.decoder only."""
    source = program(
        VDecoder=edited("VDecoder", "r = torch.sigmoid(self.hidden_to_output(r))", "r = self.hidden_to_output(r)")
    )
    _passes(hidden_checks.check_vae_elbo_trains, source, "VariationalAutoencoder")


def test_elbo_that_cannot_learn():
    """Networks whose outputs are cut from their parameters: the loss cannot go down."""
    source = program(
        VEncoder=edited("VEncoder", "return z_loc, z_scale", "return z_loc.detach() * 0, z_scale.detach() * 0 + 1"),
        VDecoder=edited(
            "VDecoder", "return r", "return r.detach() * 0 + 0.5 + 0 * sum(p.sum() for p in self.parameters())"
        ),
    )
    _fails(hidden_checks.check_vae_elbo_trains, source, "VariationalAutoencoder", "do not lower")


# ------------------------------------------------------------------------------- 3 bonus

BETA_CHECKS = (checks.check_beta_weights_kl_term, checks.check_beta_one_is_plain_vae)

BETA_WRAPPED_GUIDE = """class BetaVariationalAutoencoder(VariationalAutoencoder):
    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x):
        pyro.module("decoder", self.decoder)
        with pyro.plate("data", x.shape[0]):
            z_loc = torch.zeros((x.shape[0], self.n_latent_features))
            z_scale = torch.ones((x.shape[0], self.n_latent_features))
            with poutine.scale(scale=self.beta):
                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))
            output = self.decoder.forward(z).view(-1, *self.input_shape)
            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)

    def guide(self, x):
        # cała guide ma tylko próbkowanie 'latent', więc skalowanie jej całej = skalowanie log q
        return poutine.scale(super().guide, scale=self.beta)(x)
"""

BETA_EVERYTHING = """class BetaVariationalAutoencoder(VariationalAutoencoder):
    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x):
        with poutine.scale(scale=self.beta):
            super().model(x)

    def guide(self, x):
        with poutine.scale(scale=self.beta):
            super().guide(x)
"""

BETA_IGNORED = """class BetaVariationalAutoencoder(VariationalAutoencoder):
    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta
"""


def beta_edit(old: str, new: str) -> str:
    return program(BetaVariationalAutoencoder=edited("BetaVariationalAutoencoder", old, new))


@pytest.mark.parametrize(
    "source", [program(), program(BetaVariationalAutoencoder=BETA_WRAPPED_GUIDE)], ids=["reference", "wrapped_guide"]
)
@pytest.mark.parametrize("check", BETA_CHECKS, ids=lambda c: c.__name__)
def test_beta_checks_pass_right_answers(check, source):
    _passes(check, source, "BetaVariationalAutoencoder")


def test_beta_on_the_reconstruction():
    source = program(
        BetaVariationalAutoencoder=_CLASSES["BetaVariationalAutoencoder"]
        .replace(
            '            with poutine.scale(scale=self.beta):\n                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))',
            '            z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))',
        )
        .replace(
            '            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)',
            '            with poutine.scale(scale=self.beta):\n                pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)',
        )
        .replace(
            '            with poutine.scale(scale=self.beta):\n                pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))',
            '            pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))',
        )
    )
    assert source.count("poutine.scale") == 1
    _fails(
        checks.check_beta_weights_kl_term, source, "BetaVariationalAutoencoder", "reconstruction term instead of the KL"
    )


@pytest.mark.parametrize(
    "source, fragment",
    [
        (program(BetaVariationalAutoencoder=BETA_EVERYTHING), "whole loss"),
        (program(BetaVariationalAutoencoder=BETA_IGNORED), "ignore β"),
        (beta_edit("self.beta = beta", "self.beta = 1.0 / beta"), "divided by β"),
        (beta_edit("self.beta = beta", "self.beta = beta + 1"), "not linear in β with a slope equal to the KL"),
    ],
    ids=["everything", "ignored", "divides", "shifted"],
)
def test_beta_mutants(source, fragment):
    _fails(checks.check_beta_weights_kl_term, source, "BetaVariationalAutoencoder", fragment)


def test_beta_one_differs_from_the_plain_vae():
    _fails(
        checks.check_beta_one_is_plain_vae,
        beta_edit("self.beta = beta", "self.beta = 2 * beta"),
        "BetaVariationalAutoencoder",
        "plain VAE loss",
    )


# ------------------------------------------------------------------------------------- 2


class SectionStudent:
    """What a ``target: section`` check receives: the section's code, no object."""

    name = None

    def __init__(self, *cells: str, outputs: tuple[str, ...] = ()):
        self.section = SectionCode(tuple(cells), outputs)


TEMPLATE_LINES = "X_train, y_train = zip(*train_dataset)\nX_train = torch.stack(X_train)\nX_val, y_val = zip(*val_dataset)\nX_val = torch.stack(X_val)\n"
DOWNSTREAM_CHECKS = (
    checks.check_downstream_three_inputs,
    checks.check_downstream_metrics,
    checks.check_downstream_times,
)

DICT_LOOP = (
    TEMPLATE_LINES
    + """
import time
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report

zestawy = {
    "piksele": (X_train.view(len(X_train), -1).numpy(), X_val.view(len(X_val), -1).numpy()),
    "AE": (ae_model.encoder_forward(X_train).detach().numpy(), ae_model.encoder_forward(X_val).detach().numpy()),
    "VAE": (vae_model.encoder_forward(X_train).detach().numpy(), vae_model.encoder_forward(X_val).detach().numpy()),
}
for nazwa, (Xtr, Xva) in zestawy.items():
    clf = LogisticRegression(max_iter=50)
    t0 = time.time()
    clf.fit(Xtr, y_train)
    print(nazwa, time.time() - t0)
    print(classification_report(y_val, clf.predict(Xva)))
"""
)

TIME_MAGIC_CELLS = (
    TEMPLATE_LINES + "from sklearn.neighbors import KNeighborsClassifier\nfrom sklearn.metrics import accuracy_score\n",
    "%%time\nknn = KNeighborsClassifier(3).fit(X_train.reshape(len(X_train), -1), y_train)\n"
    "print(accuracy_score(y_val, knn.predict(X_val.reshape(len(X_val), -1))))",
    "%%time\nkody_ae = ae_model.encoder_forward(X_train).detach()\nknn_ae = KNeighborsClassifier(3).fit(kody_ae, y_train)\n"
    "accuracy_score(y_val, knn_ae.predict(ae_model.encoder_forward(X_val).detach()))",
    "%%time\nkody_vae = vae_model.encoder_forward(X_train).detach()\nknn_vae = KNeighborsClassifier(3).fit(kody_vae, y_train)\n"
    "accuracy_score(y_val, knn_vae.predict(vae_model.encoder_forward(X_val).detach()))",
)


@pytest.mark.parametrize(
    "cells",
    [(TEMPLATE_LINES + solution.DOWNSTREAM_CELL,), (DICT_LOOP,), TIME_MAGIC_CELLS],
    ids=["reference_helpers", "dict_loop", "time_magic_cells"],
)
@pytest.mark.parametrize("check", DOWNSTREAM_CHECKS, ids=lambda c: c.__name__)
def test_downstream_checks_pass_right_answers(check, cells):
    check(SectionStudent(*cells))


def _section_fails(check, *cells, fragment: str, outputs=()):
    with pytest.raises(CheckFailure) as err:
        check(SectionStudent(*cells, outputs=outputs))
    assert fragment in err.value.message.en, err.value.message.en
    assert err.value.message.pl != err.value.message.en


PIXELS_ONLY = (
    TEMPLATE_LINES
    + """
from sklearn.naive_bayes import GaussianNB
from sklearn.metrics import accuracy_score
clf = GaussianNB().fit(X_train.reshape(len(X_train), -1), y_train)
print(accuracy_score(y_val, clf.predict(X_val.reshape(len(X_val), -1))))
"""
)


def test_downstream_on_pixels_only_names_the_missing_inputs():
    with pytest.raises(CheckFailure) as err:
        checks.check_downstream_three_inputs(SectionStudent(PIXELS_ONLY))
    assert "AE codes, VAE codes" in err.value.message.en and "raw" not in err.value.message.en.split(":")[1]


def test_downstream_vae_only():
    vae_only = PIXELS_ONLY.replace("X_train.reshape(len(X_train), -1)", "vae_model.encoder_forward(X_train).detach()")
    vae_only = vae_only.replace("X_val.reshape(len(X_val), -1)", "vae_model.encoder_forward(X_val).detach()")
    _section_fails(checks.check_downstream_three_inputs, vae_only, fragment="raw pixels, AE codes")


def test_downstream_without_metrics():
    _section_fails(
        checks.check_downstream_metrics,
        PIXELS_ONLY.replace(
            "print(accuracy_score(y_val, clf.predict(X_val.reshape(len(X_val), -1))))", "pred = clf.predict(X_val)"
        ),
        fragment="no metrics",
    )


def test_downstream_metrics_computed_but_never_shown():
    _section_fails(
        checks.check_downstream_metrics,
        PIXELS_ONLY.replace(
            "print(accuracy_score(y_val, clf.predict(X_val.reshape(len(X_val), -1))))",
            "acc = accuracy_score(y_val, clf.predict(X_val))\nx = 1",
        ),
        fragment="no metrics",
    )


def test_downstream_stored_output_counts_as_shown():
    cell = PIXELS_ONLY.replace(
        "print(accuracy_score(y_val, clf.predict(X_val.reshape(len(X_val), -1))))",
        "acc = accuracy_score(y_val, clf.predict(X_val))\nx = 1",
    )
    checks.check_downstream_metrics(SectionStudent(cell, outputs=("0.8123\n",)))


def test_downstream_without_times():
    _section_fails(checks.check_downstream_times, PIXELS_ONLY, fragment="not measured")


def test_downstream_template_cell_is_nothing():
    _section_fails(
        checks.check_downstream_three_inputs,
        TEMPLATE_LINES + "\n\n# TU WPISZ KOD\nraise NotImplementedError()",
        fragment="no classifier is trained on",
    )


def test_downstream_reference_report_compares_pixels_and_codes():
    table = checks.report_downstream_reference(student_from_source(LAB, program(), "VariationalAutoencoder"))
    assert [c.en for c in table.columns] == ["input", "accuracy", "F1 (macro)", "features"]
    (pixels, codes) = table.rows
    assert pixels[3] == "784" and codes[3] == "10"
    for row in table.rows:
        assert 0.1 < float(row[1]) <= 1.0  # better than chance (10 classes)
