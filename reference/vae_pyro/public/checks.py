"""Public checks of the lab vae-pyro: run by the judge, readable by students and the sandbox
(the rubric's ``public: true`` checks; hidden checks: ``judge/checks.py``).

Each check takes its fixed inputs (small seeded images and latents and, where an item must be
graded independently of another, the weights of stand-in networks) and expected values from the
lab's cases (``CASES``: computed live by the judge-side recipes and float64 oracles,
``judge/cases.py``, or read from the recording in the self-check bundle; ``grader.cases``), sends
the inputs to a probe in ``public/probes.py``, compares, and raises ``CheckFailure`` naming the
fault when it recognises a known mistake. The β-VAE checks score the latent the student's guide
sampled with the analysis code of ``analysis.py``. The numeric checks of 1a.vae and 3 take ``seed``
and ``cases``: their hidden twins in ``judge/checks.py`` run them on a fresh seed from the hidden book. Property checks are the
framework-neutral helpers of :mod:`grader.checks` (shape, range, finiteness, closeness with
dtype-aware tolerances, "differs"), the same ones the TensorFlow lab uses.
"""

from __future__ import annotations

import numpy as np

from grader.checks import (
    CaseBook,
    CheckFailure,
    Student,
    Table,
    Text,
    assert_close,
    assert_differs,
    assert_finite,
    assert_in_range,
    assert_shape,
    known_fault,
    matches,
    title_pl,
)

from . import analysis
from .downstream import read_downstream

# the public cases: live in the checkout, recorded in the bundle (which may rename the pack: its own package)
CASES = CaseBook(__package__)
# the report's data: hidden cases, served live only (a self-check runs no report)
REPORT_CASES = CaseBook(__package__, hidden=True)

# far below anything typical inputs produce: a ReLU there is exactly 0, softplus/exp stay > 0
SHIFTS = (-50.0, -5.0, -10.0, 50.0)

# ---------------------------------------------------------------------------------------------
# 1a.encoder
# ---------------------------------------------------------------------------------------------

ENCODER_CONFIGS = ((16, 3), (32, 10))  # (n_hidden_neurons, n_latent_features)


def _encoder(student: Student, n_hidden: int, n_latent: int, batch: int = 6):
    x = CASES["images", {"count": batch, "seed": n_latent}].x.reshape(batch, -1)
    return student.probe(
        "encoder_outputs", x=x, n_hidden=n_hidden, n_latent=n_latent, shifts=np.asarray(SHIFTS), seed=1
    )


@title_pl("VEncoder zwraca (z_loc, z_scale), oba o kształcie (B, L)")
def check_encoder_returns_loc_and_scale(student: Student) -> None:
    """VEncoder returns (z_loc, z_scale), both of shape (B, L)"""
    hint = Text(
        "forward(x) zwraca krotkę dwóch tensorów (batch, n_latent_features): średnią i skalę.",
        "forward(x) returns a tuple of two tensors (batch, n_latent_features): the mean and the scale.",
    )
    for n_hidden, n_latent in ENCODER_CONFIGS:
        reply = _encoder(student, n_hidden, n_latent)
        for key, what in (("loc", "z_loc"), ("scale", "z_scale")):
            assert_shape(
                reply[key],
                (6, n_latent),
                Text(
                    f"{what} ma zły kształt dla VEncoder(784, {n_hidden}, {n_latent})",
                    f"{what} has the wrong shape for VEncoder(784, {n_hidden}, {n_latent})",
                ),
                hint=hint,
            )
            assert_finite(
                reply[key], Text(f"{what} zawiera NaN lub nieskończoność", f"{what} contains NaN or infinity")
            )


@title_pl("z_scale > 0 z konstrukcji (softplus/exp), nie dzięki typowym wejściom")
def check_encoder_scale_positive_by_construction(student: Student) -> None:
    """z_scale > 0 by construction (softplus/exp), not thanks to typical inputs"""
    reply = _encoder(student, 16, 3)
    hint = Text(
        "Skala musi być dodatnia dla każdego wejścia: z_scale = softplus(liniowa(h)) (ew. + 1e-6) albo exp(0.5 * logvar).",
        "The scale must be positive for every input: z_scale = softplus(linear(h)) (maybe + 1e-6) or exp(0.5 * logvar).",
    )
    assert_in_range(
        reply["scale"],
        0.0,
        np.inf,
        Text(
            "z_scale bywa ≤ 0 już dla zwykłych obrazów (ReLU albo brak aktywacji?)",
            "z_scale is ≤ 0 already for ordinary images (ReLU, or no activation?)",
        ),
        strict_low=True,
        hint=hint,
    )
    if reply["n_biases"] == 0:
        return  # nothing to shift: positivity on ordinary inputs is all that can be seen
    far, mid, further = (reply["shifted_scale"][SHIFTS.index(s)] for s in (-50.0, -5.0, -10.0))
    assert_in_range(
        far,
        0.0,
        np.inf,
        Text(
            "z_scale spada do 0 (lub poniżej), gdy aktywacje warstw są ujemne: dodatniość zależy od biasu i typowych wejść "
            "(ReLU?), a nie od funkcji, która ją tworzy",
            "z_scale drops to 0 (or below) when the layers' pre-activations are negative: it is positive thanks to a bias and "
            "typical inputs (ReLU?), not because of the function that produces it",
        ),
        strict_low=True,
        hint=hint,
    )
    assert_differs(
        mid,
        further,
        Text(
            "z_scale utyka na stałej wartości dla ujemnych aktywacji (ReLU + ε: zerowy gradient, skala nie może się uczyć)",
            "z_scale sticks at a constant for negative pre-activations (ReLU + ε: zero gradient, the scale cannot learn)",
        ),
        atol=0.0,
        hint=hint,
    )


@title_pl("z_loc nie jest ograniczona (ostatnia warstwa średniej bez aktywacji)")
def check_encoder_loc_unbounded(student: Student) -> None:
    """z_loc is not bounded (no activation on the mean's last layer)"""
    reply = _encoder(student, 16, 3)
    if reply["n_biases"] == 0:
        return
    low, high = reply["shifted_loc"][SHIFTS.index(-50.0)], reply["shifted_loc"][SHIFTS.index(50.0)]
    lo, hi = float(np.min(low)), float(np.max(high))
    if lo < -1.0 and hi > 1.0:
        return
    fault = (
        Text(
            "nigdy nie jest ujemna (ReLU/softplus/exp na średniej?)",
            "is never negative (ReLU/softplus/exp on the mean?)",
        )
        if lo >= 0
        else Text(
            "jest ściśnięta do [-1, 1] (tanh/sigmoid na średniej?)",
            "is squashed into [-1, 1] (tanh/sigmoid on the mean?)",
        )
    )
    raise CheckFailure(
        Text(
            f"z_loc {fault.pl}: średnia rozkładu a posteriori przyjmuje dowolne wartości rzeczywiste",
            f"z_loc {fault.en}: the posterior mean ranges over all reals",
        ),
        expected="values below -1 and above 1 for extreme pre-activations",
        got=f"range [{lo:.3g}, {hi:.3g}]",
        hint=Text(
            "Średnia to wyjście warstwy liniowej bez aktywacji.",
            "The mean is a linear layer's output without activation.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 1a.decoder
# ---------------------------------------------------------------------------------------------


def _decoder(student: Student, n_latent: int = 3):
    z = CASES["latents", {"n_latent": n_latent}].z
    return student.probe("decoder_outputs", z=z, n_hidden=16, shifts=np.asarray((-50.0, 50.0)), seed=2)


@title_pl("VDecoder: z (B, L) -> (B, 784)")
def check_decoder_shape(student: Student) -> None:
    """VDecoder: z (B, L) -> (B, 784)"""
    for n_latent in (3, 10):
        reply = _decoder(student, n_latent)
        assert_shape(
            reply["out"],
            (5, 784),
            Text(
                f"VDecoder(L={n_latent}, 16, 784) zwraca zły kształt",
                f"VDecoder(L={n_latent}, 16, 784) returns the wrong shape",
            ),
            hint=Text(
                "Ostatnia warstwa: nn.Linear(n_hidden_neurons, n_output_features).",
                "Last layer: nn.Linear(n_hidden_neurons, n_output_features).",
            ),
        )


@title_pl("Wyjścia VDecoder leżą w [0, 1] dla każdego z (sigmoid)")
def check_decoder_output_in_unit_interval(student: Student) -> None:
    """VDecoder's outputs lie in [0, 1] for every z (sigmoid)"""
    reply = _decoder(student)
    values = np.concatenate([np.ravel(reply["out"]), np.ravel(reply["big"]), np.ravel(reply["shifted"])])
    assert_in_range(
        values,
        0.0,
        1.0,
        Text(
            "wyjścia dekodera wychodzą poza [0, 1]: to parametry rozkładu Bernoulliego, brakuje sigmoidy na końcu",
            "the decoder's outputs leave [0, 1]: they are Bernoulli means, the final sigmoid is missing",
        ),
        hint=Text("r = torch.sigmoid(self.hidden_to_output(r)).", "r = torch.sigmoid(self.hidden_to_output(r))."),
    )


@title_pl("Wyjście VDecoder zależy od z")
def check_decoder_uses_latent(student: Student) -> None:
    """VDecoder's output depends on z"""
    out = np.asarray(_decoder(student)["out"])
    assert_differs(
        out[0],
        out[1],
        Text("dekoder zwraca to samo dla różnych z", "the decoder returns the same for different z"),
        hint=Text(
            "Dekoder przetwarza wektor ukryty z: r = g(z).", "The decoder transforms the latent vector z: r = g(z)."
        ),
    )


# ---------------------------------------------------------------------------------------------
# 1a.vae
# ---------------------------------------------------------------------------------------------

DRAWS = 400
SAMPLING_CASE_SEED = 11


STANDIN_WEIGHTS = ("w_loc", "b_loc", "w_scale", "b_scale", "w_dec", "b_dec")


def _weights(case) -> dict:
    """The stand-in networks' weights of a case, as the probes take them."""
    return {name: case[name] for name in STANDIN_WEIGHTS}


def _sampling(student: Student, seed: int, cases: CaseBook):
    case = cases["standin", {"seed": seed}]
    reply = student.probe("vae_sampling", x=case.x, z=case.z, draws=DRAWS, seed=3, **_weights(case))
    return case, reply


SAMPLING_FAULTS = {
    "variance": Text(
        "rozrzut próbek to z_scale**2: szum jest mnożony przez wariancję zamiast odchylenia standardowego",
        "the samples' spread is z_scale**2: the noise is multiplied by the variance instead of the standard deviation",
    ),
    "sqrt": Text(
        "rozrzut próbek to sqrt(z_scale): z_scale potraktowana jak wariancja, a to odchylenie standardowe",
        "the samples' spread is sqrt(z_scale): z_scale is treated as a variance, but it is the standard deviation",
    ),
    "unit": Text(
        "rozrzut próbek wynosi 1: szum nie jest mnożony przez z_scale",
        "the samples' spread is 1: the noise is not multiplied by z_scale",
    ),
    "exp": Text(
        "rozrzut próbek to exp(z_scale): z_scale potraktowana jak logarytm",
        "the samples' spread is exp(z_scale): z_scale is treated as a log",
    ),
    "half_exp": Text(
        "rozrzut próbek to exp(z_scale / 2): z_scale potraktowana jak logvar",
        "the samples' spread is exp(z_scale / 2): z_scale is treated as a log-variance",
    ),
}


@title_pl("encoder_forward losuje z ~ N(z_loc, z_scale): średnia i rozrzut próbek")
def check_vae_encoder_forward_samples(
    student: Student, seed: int = SAMPLING_CASE_SEED, cases: CaseBook = CASES
) -> None:
    """encoder_forward samples z ~ N(z_loc, z_scale): the draws' mean and spread"""
    case, reply = _sampling(student, seed, cases)
    loc, scale = case.loc, case.scale
    samples = np.asarray(reply["samples"], np.float64)
    hint = Text(
        "z = z_loc + z_scale * eps, eps ~ N(0, I) (np. dist.Normal(z_loc, z_scale).rsample()).",
        "z = z_loc + z_scale * eps, eps ~ N(0, I) (e.g. dist.Normal(z_loc, z_scale).rsample()).",
    )
    assert_shape(
        samples,
        (DRAWS, *loc.shape),
        Text(
            "encoder_forward zwraca zły kształt: oczekiwano (batch, n_latent_features)",
            "encoder_forward returns the wrong shape: expected (batch, n_latent_features)",
        ),
        hint=hint,
    )
    assert_finite(
        samples, Text("encoder_forward zwraca NaN lub nieskończoność", "encoder_forward returns NaN or infinity")
    )
    assert_differs(
        samples[0],
        samples[1],
        Text(
            "dwa wywołania encoder_forward dają to samo z: brak próbkowania (zwracana jest średnia?)",
            "two calls of encoder_forward give the same z: no sampling (is the mean returned?)",
        ),
        atol=0.0,
        hint=hint,
    )
    mean, spread = samples.mean(axis=0), samples.std(axis=0)
    # 5 standard errors of the draws' own spread (a wrong spread is named below, not here);
    # with fixed seeds a right answer is far inside (typically < 3)
    z_mean = np.abs(mean - loc) / (np.maximum(spread, 1e-12) / np.sqrt(DRAWS))
    if np.max(z_mean) > 5:
        raise CheckFailure(
            Text(
                "średnia próbek z encoder_forward nie zbiega do z_loc",
                "the mean of encoder_forward's draws does not approach z_loc",
            ),
            expected=loc,
            got=mean,
            hint=hint,
        )
    if matches(spread, scale, atol=0, rtol=0.25):  # each entry's spread within 25% of its scale
        return
    candidates = {
        "variance": scale**2,
        "sqrt": np.sqrt(scale),
        "unit": np.ones_like(scale),
        "exp": np.exp(scale),
        "half_exp": np.exp(scale / 2),
    }
    fault = known_fault(spread, candidates, atol=0, rtol=0.25)
    what = (
        SAMPLING_FAULTS[fault]
        if fault
        else Text(
            "rozrzut próbek z encoder_forward nie równa się z_scale",
            "the spread of encoder_forward's draws does not equal z_scale",
        )
    )
    raise CheckFailure(what, expected=scale, got=spread, hint=hint)


@title_pl("decoder_forward(z) zwraca obrazy (B, 1, 28, 28) z dekodera")
def check_vae_decoder_forward_images(student: Student, seed: int = SAMPLING_CASE_SEED, cases: CaseBook = CASES) -> None:
    """decoder_forward(z) returns the decoder's images, shape (B, 1, 28, 28)"""
    case, reply = _sampling(student, seed, cases)
    got = np.asarray(reply["decoded"])
    expected = case.decoded
    hint = Text(
        "r = self.decoder(z), bez dodatkowych aktywacji; szablon zmienia kształt na (-1, *input_shape).",
        "r = self.decoder(z), with no extra activation; the template reshapes it to (-1, *input_shape).",
    )
    assert_shape(
        got,
        expected.shape,
        Text("decoder_forward zwraca zły kształt", "decoder_forward returns the wrong shape"),
        hint=hint,
    )
    if got.shape == expected.shape and np.allclose(got, case.decoded_twice, atol=1e-4):
        raise CheckFailure(
            Text(
                "decoder_forward stosuje sigmoid drugi raz (dekoder już kończy się sigmoidą)",
                "decoder_forward applies a sigmoid a second time (the decoder already ends with one)",
            ),
            hint=hint,
        )
    assert_close(
        got,
        expected,
        Text("decoder_forward nie zwraca wyjścia self.decoder(z)", "decoder_forward does not return self.decoder(z)"),
        atol=1e-5,
        hint=hint,
    )


# ---------------------------------------------------------------------------------------------
# 3 (bonus): beta-VAE
# ---------------------------------------------------------------------------------------------

BETAS = np.asarray([0.5, 1.0, 2.0, 4.0])
BETA_CASE_SEED = 13

BETA_FAULTS = {
    "beta_on_reconstruction": Text(
        "β mnoży człon rekonstrukcji zamiast KL", "β multiplies the reconstruction term instead of the KL"
    ),
    "beta_on_everything": Text(
        "β mnoży całą stratę (rekonstrukcję i KL), a powinno tylko KL",
        "β multiplies the whole loss (reconstruction and KL); it should weight only the KL",
    ),
    "beta_ignored": Text(
        "β nie zmienia straty: model i guide nie używają β", "β does not change the loss: model and guide ignore β"
    ),
    "beta_divides_kl": Text("KL jest dzielona przez β zamiast mnożona", "the KL is divided by β instead of multiplied"),
}


def _beta(student: Student, seed: int, cases: CaseBook):
    case = cases["standin", {"seed": seed}]
    reply = student.probe("beta_losses", x=case.x, betas=BETAS, rng_seed=17, seed=5, **_weights(case))
    latents = np.asarray(reply["latents"])
    if not np.allclose(latents, latents[:1], atol=1e-6):
        raise CheckFailure(
            Text(
                "przy tym samym ziarnie guide losuje inne z dla różnych β",
                "with the same seed, the guide samples another z for each β",
            ),
            hint=Text("β nie powinna zmieniać losowania z.", "β should not change how z is sampled."),
        )
    recon, kl = analysis.elbo_terms(case, latents[0])
    return recon, kl, np.asarray(reply["losses"], np.float64)


def _beta_atol(recon: float) -> float:
    return 1e-4 * abs(recon) + 1e-3  # float32 sums over 8 x 784 pixels


@title_pl("Strata β-VAE = rekonstrukcja + β·KL (dla tego samego z)")
def check_beta_weights_kl_term(student: Student, seed: int = BETA_CASE_SEED, cases: CaseBook = CASES) -> None:
    """β-VAE loss = reconstruction + β·KL (for the same z)"""
    recon, kl, losses = _beta(student, seed, cases)
    variants = analysis.beta_loss_variants(recon, kl, BETAS)
    expected = variants.pop("correct")
    atol = _beta_atol(recon)
    hint = Text(
        "poutine.scale(scale=self.beta) wokół próbkowania 'latent' w model ORAZ w guide (nie wokół 'obs').",
        "poutine.scale(scale=self.beta) around the 'latent' sample in model AND in guide (not around 'obs').",
    )
    assert_finite(losses, Text("strata β-VAE nie jest skończona", "the β-VAE loss is not finite"), hint)
    if matches(losses, expected, atol=atol, rtol=0):
        return
    fault = known_fault(losses, variants, atol=atol, rtol=0)
    slope = np.polyfit(BETAS, losses, 1)[0]
    what = (
        BETA_FAULTS[fault]
        if fault
        else Text(
            f"strata nie jest liniowa w β z nachyleniem równym KL (nachylenie {slope:.4g}, KL {kl:.4g})",
            f"the loss is not linear in β with a slope equal to the KL (slope {slope:.4g}, KL {kl:.4g})",
        )
    )
    raise CheckFailure(what, expected=expected, got=losses, hint=hint)


@title_pl("β = 1 daje stratę zwykłego VAE")
def check_beta_one_is_plain_vae(student: Student, seed: int = BETA_CASE_SEED, cases: CaseBook = CASES) -> None:
    """β = 1 gives the plain VAE loss"""
    recon, kl, losses = _beta(student, seed, cases)
    got = losses[list(BETAS).index(1.0)]
    assert_close(
        np.asarray(got),
        np.asarray(recon + kl),
        Text(
            "dla β = 1 strata różni się od straty zwykłego VAE", "with β = 1 the loss differs from the plain VAE loss"
        ),
        atol=_beta_atol(recon),
        hint=Text(
            "BetaVariationalAutoencoder dziedziczy po VariationalAutoencoder i zmienia tylko wagę KL.",
            "BetaVariationalAutoencoder inherits VariationalAutoencoder and changes only the KL's weight.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 2: downstream classifiers (read from the section's code)
# ---------------------------------------------------------------------------------------------

INPUT_NAMES = {
    "raw": Text("surowych pikselach", "raw pixels"),
    "ae": Text("kodach AE", "AE codes"),
    "vae": Text("kodach VAE", "VAE codes"),
}


def _section(student: Student):
    if student.section is None:
        raise CheckFailure(Text("brak sekcji zadania 2", "task 2's section is missing"))
    return read_downstream(student.section)


@title_pl("Klasyfikator trenowany na pikselach, kodach AE i kodach VAE")
def check_downstream_three_inputs(student: Student) -> None:
    """A classifier trained on raw pixels, on AE codes and on VAE codes"""
    found = _section(student).trained_on
    missing = [k for k in ("raw", "ae", "vae") if k not in found]
    if not missing:
        return
    names = Text(", ".join(INPUT_NAMES[k].pl for k in missing), ", ".join(INPUT_NAMES[k].en for k in missing))
    raise CheckFailure(
        Text(f"nie znaleziono trenowania klasyfikatora na: {names.pl}", f"no classifier is trained on: {names.en}"),
        expected="raw, ae, vae",
        got=", ".join(sorted(found)) or "none",
        hint=Text(
            "Ten sam klasyfikator (.fit) na X_train, na kodach ae_model i na kodach vae_model.",
            "The same classifier (.fit) on X_train, on ae_model's codes and on vae_model's codes.",
        ),
    )


@title_pl("Metryki klasyfikacji są liczone i wypisane")
def check_downstream_metrics(student: Student) -> None:
    """Classification metrics are computed and shown"""
    found = _section(student)
    if found.metrics and found.shown:
        return
    raise CheckFailure(
        Text(
            "brak wypisanych metryk (accuracy_score, f1_score, classification_report...)",
            "no metrics are shown (accuracy_score, f1_score, classification_report...)",
        ),
        got=", ".join(found.metrics) or "none",
        hint=Text(
            "print(accuracy_score(y_val, pred)) dla każdego wejścia.",
            "print(accuracy_score(y_val, pred)) for each input.",
        ),
    )


@title_pl("Czasy trenowania i wnioskowania są mierzone")
def check_downstream_times(student: Student) -> None:
    """Training and inference times are measured"""
    if _section(student).timed:
        return
    raise CheckFailure(
        Text("czasy trenowania i wnioskowania nie są mierzone", "training and inference times are not measured"),
        hint=Text(
            "time.perf_counter() przed i po fit/predict albo %%time.",
            "time.perf_counter() around fit/predict, or %%time.",
        ),
    )


DOWNSTREAM = dict(n_latent=10, n_hidden=128, epochs=3, batch_size=64, lr=1e-3)


@title_pl("Wynik odniesienia: ten sam klasyfikator na pikselach i na kodach Twojego VAE")
def report_downstream_reference(student: Student) -> Table:
    """Reference result: the same classifier on raw pixels and on your VAE's codes"""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.naive_bayes import GaussianNB

    vae = student.helper("VariationalAutoencoder")
    if vae is None:
        raise CheckFailure(Text("brak klasy VariationalAutoencoder", "no VariationalAutoencoder class"))
    data = REPORT_CASES["downstream"]
    x_train, x_val, y_train, y_val = data.x_train, data.x_val, data.y_train, data.y_val
    reply = vae.probe("downstream_codes", x_train=x_train, x_val=x_val, seed=0, **DOWNSTREAM)
    rows = []
    for label, (tr, va) in {
        Text("surowe piksele", "raw pixels"): (x_train.reshape(len(x_train), -1), x_val.reshape(len(x_val), -1)),
        Text("kody (średnie) Twojego VAE", "your VAE's codes (means)"): (reply["train"], reply["val"]),
    }.items():
        tr, va = np.asarray(tr, np.float64), np.asarray(va, np.float64)
        if not (np.all(np.isfinite(tr)) and np.all(np.isfinite(va))):
            rows.append((label.pl + " / " + label.en, "NaN", "NaN", str(tr.shape[1])))
            continue
        predicted = GaussianNB().fit(tr, y_train).predict(va)
        rows.append(
            (
                label.pl + " / " + label.en,
                f"{accuracy_score(y_val, predicted):.3f}",
                f"{f1_score(y_val, predicted, average='macro'):.3f}",
                str(tr.shape[1]),
            )
        )
    return Table(
        title=Text("Wynik odniesienia (nie wpływa na ocenę)", "Reference downstream result (not scored)"),
        columns=(
            Text("wejście", "input"),
            Text("dokładność", "accuracy"),
            Text("F1 (makro)", "F1 (macro)"),
            Text("wymiar", "features"),
        ),
        rows=tuple(rows),
        note=Text(
            f"GaussianNB na {len(x_train)} obrazach, test na {len(x_val)}; VAE z Twoją klasą (n_latent_features="
            f"{DOWNSTREAM['n_latent']}) trenowany przez grader {DOWNSTREAM['epochs']} epoki train_ae na tych samych danych "
            "(cyfry zastępcze scikit-learn), z ziarnem 0.",
            f"GaussianNB on {len(x_train)} images, tested on {len(x_val)}; the VAE built from your class (n_latent_features="
            f"{DOWNSTREAM['n_latent']}) trained by the grader for {DOWNSTREAM['epochs']} epochs of train_ae on the same "
            "data (scikit-learn stand-in digits), seed 0.",
        ),
    )
