"""Public checks of the lab generative-tf: run by the judge, readable by students and the sandbox
(the rubric's ``public: true`` checks; hidden checks: ``judge/checks.py``).

Each check takes its fixed inputs and expected values from the lab's cases (``CASES``: computed
live by the judge-side recipes and float64 oracles, ``judge/cases.py``, or read from the recording
in the self-check bundle; ``grader.cases``), asks the sandbox for what the student's object
computes (``student.probe``), compares, and raises ``CheckFailure`` with a message that names the
fault when it recognises a known mistake. The numeric checks take ``seed`` and ``cases``: their
hidden twins in ``judge/checks.py`` run them on fresh seeds from the hidden book.
"""

from __future__ import annotations

import copy
import re
import threading
import weakref

import numpy as np

from grader.checks import (
    CaseBook,
    CheckFailure,
    Probed,
    Student,
    StudentCodeError,
    Text,
    assert_differs,
    assert_in_range,
    assert_shape,
    known_fault,
    matches,
    title_pl,
)

from . import analysis

# the public cases: live in the checkout, recorded in the bundle (which may rename the pack: its own package)
CASES = CaseBook(__package__)

# ---------------------------------------------------------------------------------------------
# Probes shared by the checks of one item
# ---------------------------------------------------------------------------------------------

_REPLIES: weakref.WeakKeyDictionary[Student, dict] = weakref.WeakKeyDictionary()
_REPLIES_LOCK = threading.Lock()  # the judge grades submissions in threads; each item's student is its own key


def _shared_probe(student: Student, probe: str, /, **inputs) -> Probed:
    """``student.probe(probe, **inputs)``, run in the sandbox once per student object (the judge
    makes one per item) and inputs: 3.model's five checks need two builds of ``Cond_CVAE``
    (latent_dim 2 and 25) instead of six, 4.gen's and 4.disc's two checks one build each, 2.plot's
    two one plot. A probe is a function of its inputs and the seed (the worker seeds every
    framework before each probe), so a check sees what its own call would have returned,
    whichever check of the item asked first: each gets its own copy of the reply. The student's
    error is shared the same way; a timeout or a dead worker is not (the next check asks again)."""
    key = (probe, tuple(sorted((k, _input_key(v)) for k, v in inputs.items())))
    try:
        with _REPLIES_LOCK:
            replies = _REPLIES.setdefault(student, {})
    except TypeError:  # not weak-referenceable: no sharing
        replies = {}
    if key not in replies:
        try:
            replies[key] = student.probe(probe, **inputs)
        except StudentCodeError as exc:
            replies[key] = exc
    reply = replies[key]
    if isinstance(reply, StudentCodeError):
        raise copy.copy(reply)
    return Probed(copy.deepcopy(reply.values), {k: np.array(v, copy=True) for k, v in reply.arrays.items()})


def _input_key(value):
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    return ("value", repr(value))


# ---------------------------------------------------------------------------------------------
# 2.5: the loss with the closed-form KL
# ---------------------------------------------------------------------------------------------

KL_HELPERS = ("kl_div", "kl_divergence", "kl", "compute_kl", "kl_loss", "kl_term", "gauss_kl")

LOSS_FAULTS = {
    "mc": Text(
        "strata to wciąż estymator Monte-Carlo (log q(z|x) - log p(z)), nie KL w postaci zamkniętej",
        "the loss is still the Monte-Carlo estimate (log q(z|x) - log p(z)), not the closed-form KL",
    ),
    "mc_plus_kl_plus_logvar": Text(
        "KL ma zły znak przy logvar (+logvar zamiast -logvar) i jest dodana do estymatora Monte-Carlo (KL liczona dwa razy)",
        "the KL has the wrong sign of logvar (+logvar instead of -logvar) and is added on top of the Monte-Carlo estimate (KL counted twice)",
    ),
    "mc_plus_kl": Text(
        "KL w postaci zamkniętej jest dodana do estymatora Monte-Carlo (KL liczona dwa razy)",
        "the closed-form KL is added on top of the Monte-Carlo estimate (KL counted twice)",
    ),
    "plus_logvar": Text(
        "KL ma zły znak przy logvar: powinno być -logvar", "the KL has the wrong sign of logvar: it should be -logvar"
    ),
    "kl_sign": Text(
        "KL jest odejmowana od straty zamiast dodawana", "the KL is subtracted from the loss instead of added"
    ),
    "no_half": Text("brakuje czynnika 0.5 przed sumą w KL", "the factor 0.5 in front of the KL sum is missing"),
    "logvar_squared": Text(
        "wariancja liczona jako logvar**2 zamiast exp(logvar)",
        "the variance is computed as logvar**2 instead of exp(logvar)",
    ),
    "sum_over_batch": Text(
        "strata jest sumą po batchu zamiast średnią", "the loss is summed over the batch instead of averaged"
    ),
    "kl_mean_over_latent": Text(
        "KL jest uśredniana po wymiarach ukrytych zamiast sumowana",
        "the KL is averaged over latent dimensions instead of summed",
    ),
}

KL_HINT = Text(
    "KL(N(μ, σ²) || N(0, I)) = 0.5 · Σ_j (exp(logvar_j) + μ_j² − 1 − logvar_j), strata = −mean(log p(x|z) − KL).",
    "KL(N(mu, sigma^2) || N(0, I)) = 0.5 * sum_j (exp(logvar_j) + mu_j^2 - 1 - logvar_j); loss = -mean(log p(x|z) - KL).",
)


@title_pl("Strata z 2.5 używa KL w postaci zamkniętej")
def check_loss_uses_closed_form_kl(student: Student, seed: int = 25, cases: CaseBook = CASES) -> None:
    """The 2.5 loss uses the closed-form KL"""
    case = cases["vae_loss", {"seed": seed}]
    reply = student.probe(
        "loss_on_fixed_model",
        x=case.x,
        w_enc=case.w_enc,
        b_enc=case.b_enc,
        w_dec=case.w_dec,
        b_dec=case.b_dec,
        eps=case.eps,
    )
    got = reply["loss"]
    if got.size != 1:
        raise CheckFailure(
            Text(
                f"`{student.name}` powinna zwracać jedną liczbę (średnią po batchu)",
                f"`{student.name}` should return one number (the batch mean)",
            ),
            expected="shape ()",
            got=f"shape {got.shape}",
        )
    got = float(got.reshape(()))
    variants = case.variants
    expected = variants.pop("correct")
    if matches(got, expected, atol=analysis.LOSS_ATOL, rtol=0):
        return
    fault = known_fault(got, variants, atol=analysis.LOSS_ATOL, rtol=0)
    what = (
        LOSS_FAULTS[fault]
        if fault
        else Text(
            "strata nie równa się −mean(log p(x|z) − KL) z KL w postaci zamkniętej",
            "the loss does not equal -mean(log p(x|z) - KL) with the closed-form KL",
        )
    )
    raise CheckFailure(
        Text(f"`{student.name}`: {what.pl}", f"`{student.name}`: {what.en}"),
        expected=expected,
        got=got,
        hint=_kl_helper_hint(student, case) or KL_HINT,
    )


def _kl_helper_hint(student: Student, case) -> Text | None:
    """If the student wrote a KL helper and it is wrong, say so (it is the likely culprit)."""
    helper = student.helper(*KL_HELPERS)
    if helper is None:
        return None
    try:
        value = helper.probe("call_on_latents", mean=case.mean, logvar=case.logvar)["value"]
    except StudentCodeError as exc:
        return Text(
            f"Twoja funkcja `{helper.name}` zgłasza błąd: {exc.error}", f"Your `{helper.name}` raises: {exc.error}"
        )
    expected = case.kl
    ok = value.shape in ((len(expected),), (len(expected), 1)) and np.allclose(value.reshape(-1), expected, atol=1e-3)
    if ok:
        return Text(
            f"Twoja `{helper.name}` jest poprawna; błąd jest w tym, jak strata ją wykorzystuje.",
            f"Your `{helper.name}` is right; the fault is in how the loss uses it.",
        )
    return Text(
        f"Twoja `{helper.name}(mean, logvar)` zwraca {np.round(value.reshape(-1)[:4], 4)}, oczekiwano KL na próbkę {np.round(expected[:4], 4)}.",
        f"Your `{helper.name}(mean, logvar)` returns {np.round(value.reshape(-1)[:4], 4)}; expected the per-sample KL {np.round(expected[:4], 4)}.",
    )


# ---------------------------------------------------------------------------------------------
# 3.data: conditioned_mnist
# ---------------------------------------------------------------------------------------------


def _conditioned(student: Student, n: int, size: int, k: int, seed: int, cases: CaseBook = CASES):
    """Call the student's conditioned_mnist; if it fails for n > 1 but works for n = 1,
    name that fault (seed 001: sampling and reshape inside the loop over images)."""
    digits = cases["digits", {"n": n, "size": size, "seed": seed}]
    x, y = digits.x, digits.y
    try:
        reply = student.probe("call_conditioned_mnist", x=x, y=y, num_imgs=k)
    except StudentCodeError as exc:
        if n > 1 and _works_for_one(student, size, k, seed, cases):
            raise CheckFailure(
                Text(
                    "conditioned_mnist działa dla jednego obrazu, ale nie dla kilku: losowanie pozycji lub "
                    "reshape x_res jest w złej pętli (wykonuje się dla każdego obrazu, a nie raz)",
                    "conditioned_mnist works for one image but fails for several: the sampling of positions or "
                    "the reshape of x_res sits in the wrong loop (it runs per image instead of once)",
                ),
                expected=f"{n * k} outputs",
                got=exc.error,
                hint=Text(
                    "Przenieś `x_res = x_res.reshape(...)` za pętlę po obrazach, a losowanie `np.random.choice` "
                    "za pętle po pozycjach.",
                    "Move `x_res = x_res.reshape(...)` after the loop over images and the `np.random.choice` "
                    "sampling after the loops over positions.",
                ),
            ) from None
        raise
    return x, y, reply


def _works_for_one(student: Student, size: int, k: int, seed: int, cases: CaseBook) -> bool:
    digits = cases["digits", {"n": 1, "size": size, "seed": seed}]
    try:
        student.probe("call_conditioned_mnist", x=digits.x, y=digits.y, num_imgs=k)
        return True
    except StudentCodeError:
        return False


def _raise_layout_problems(problems: list[tuple[str, Text]], first_kinds: tuple[str, ...] = ()) -> None:
    """Fail with the first problem (of ``first_kinds`` if any), counting the others."""
    if problems:
        problems = sorted(problems, key=lambda p: p[0] not in first_kinds)
        first = problems[0][1]
        more = len(problems) - 1
        suffix = Text(f" (i {more} inne problemy)", f" (and {more} more problems)") if more else Text("", "")
        raise CheckFailure(
            Text(first.pl + suffix.pl, first.en + suffix.en),
            hint=Text(
                "Każdy obraz wynikowy: cyfra bez zmian w komórce siatki 3x3 wskazanej przez "
                "[pos_x, pos_y] ∈ {0, 0.5, 1}, zera gdzie indziej; etykieta = one-hot cyfry.",
                "Each output: the digit unchanged in the 3x3 grid cell named by [pos_x, pos_y] "
                "in {0, 0.5, 1}, zeros elsewhere; label = the digit's one-hot.",
            ),
        )


@title_pl("conditioned_mnist zwraca tablice o właściwych kształtach i typach")
def check_conditioned_shapes(student: Student) -> None:
    """conditioned_mnist returns arrays of the right shapes and dtypes"""
    n, size, k = 4, 14, 2
    _, _, reply = _conditioned(student, n, size, k, seed=31)
    assert_shape(
        reply["x_res"],
        (n * k, 3 * size, 3 * size, 1),
        Text("x_res ma zły kształt", "x_res has the wrong shape"),
        hint=Text("x_res: (N*num_imgs, 3h, 3w, 1)", "x_res: (N*num_imgs, 3h, 3w, 1)"),
    )
    assert_shape(
        reply["y_res"],
        (n * k, 12),
        Text("y_res ma zły kształt", "y_res has the wrong shape"),
        hint=Text(
            "y_res: (N*num_imgs, 12) = [one-hot (10), pos_x, pos_y]",
            "y_res: (N*num_imgs, 12) = [one-hot (10), pos_x, pos_y]",
        ),
    )
    for key in ("x_dtype", "y_dtype"):
        if reply[key] not in ("float32", "<dtype: 'float32'>"):
            raise CheckFailure(
                Text(f"{key[0]}_res powinno mieć typ float32", f"{key[0]}_res should be float32"),
                expected="float32",
                got=reply[key],
            )


@title_pl("Każdy wynik zawiera cyfrę bez zmian w komórce wskazanej przez etykietę")
def check_conditioned_placement(student: Student) -> None:
    """Each output holds its digit, unchanged, in the grid cell its label names"""
    x, y, reply = _conditioned(student, 5, 14, 2, seed=32)
    _raise_layout_problems(analysis.conditioned_layout_problems(x, y, 2, reply["x_res"], reply["y_res"]))


@title_pl("Pozycje wylosowane dla jednej cyfry są różne (num_imgs do 9)")
def check_conditioned_distinct_positions(student: Student) -> None:
    """The num_imgs positions drawn for one digit are distinct (num_imgs up to 9)"""
    for k in (9, 3):
        x, y, reply = _conditioned(student, 3, 14, k, seed=33 + k)
        problems = analysis.conditioned_layout_problems(x, y, k, reply["x_res"], reply["y_res"])
        _raise_layout_problems(problems, first_kinds=("distinct", "count"))


# ---------------------------------------------------------------------------------------------
# 4.loss: discriminator_loss
# ---------------------------------------------------------------------------------------------

DISC_FAULTS = {
    "swapped": Text(
        "etykiety są zamienione: prawdziwe obrazy powinny mieć etykietę 1, wygenerowane 0",
        "the labels are swapped: real images should be labelled 1, generated ones 0",
    ),
    "real_only": Text(
        "brakuje składnika dla obrazów wygenerowanych (fake_output)",
        "the term for generated images (fake_output) is missing",
    ),
    "fake_only": Text(
        "brakuje składnika dla prawdziwych obrazów (real_output)", "the term for real images (real_output) is missing"
    ),
    "all_ones": Text("obrazy wygenerowane mają etykietę 1 zamiast 0", "generated images are labelled 1 instead of 0"),
    "halved": Text("składniki są uśrednione zamiast zsumowane", "the two terms are averaged instead of added"),
    "sigmoid_first": Text(
        "na wyjściu dyskryminatora zastosowano sigmoid przed stratą liczoną z logitów (from_logits=True)",
        "a sigmoid is applied to the discriminator's output before a loss that expects logits (from_logits=True)",
    ),
    "probabilities": Text(
        "strata traktuje logity jak prawdopodobieństwa (brak from_logits=True)",
        "the loss treats logits as probabilities (from_logits=True missing)",
    ),
}


@title_pl("discriminator_loss = BCE(1, real) + BCE(0, fake) na logitach")
def check_discriminator_loss_matches_bce(student: Student, seed: int = 44, cases: CaseBook = CASES) -> None:
    """discriminator_loss = BCE(1, real) + BCE(0, fake) on logits"""
    case = cases["logits", {"seed": seed}]
    got = student.probe("call_discriminator_loss", real=case.real, fake=case.fake)["loss"]
    if got.size != 1:
        raise CheckFailure(
            Text("discriminator_loss powinna zwracać jedną liczbę", "discriminator_loss should return one number"),
            expected="shape ()",
            got=f"shape {got.shape}",
        )
    got = float(got.reshape(()))
    variants = case.variants
    expected = variants.pop("correct")
    if matches(got, expected, atol=1e-4, rtol=1e-5):
        return
    fault = known_fault(got, variants, atol=1e-4, rtol=1e-5)
    raise CheckFailure(
        DISC_FAULTS[fault]
        if fault
        else Text(
            "discriminator_loss nie równa się cross_entropy(1, real_output) + cross_entropy(0, fake_output)",
            "discriminator_loss does not equal cross_entropy(1, real_output) + cross_entropy(0, fake_output)",
        ),
        expected=expected,
        got=got,
        hint=Text(
            "real_loss = cross_entropy(tf.ones_like(real_output), real_output); fake_loss = "
            "cross_entropy(tf.zeros_like(fake_output), fake_output); zwróć ich sumę.",
            "real_loss = cross_entropy(tf.ones_like(real_output), real_output); fake_loss = "
            "cross_entropy(tf.zeros_like(fake_output), fake_output); return their sum.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 1.2: autoencoder.compile(loss=...)
# ---------------------------------------------------------------------------------------------

ACCEPTED_LOSSES = ("binary_crossentropy", "mean_squared_error", "mean_absolute_error", "root_mean_squared_error")


@title_pl("autoencoder jest skompilowany ze stratą odpowiednią dla danych z [0, 1]")
def check_autoencoder_loss_suits_unit_data(student: Student, seed: int = 12, cases: CaseBook = CASES) -> None:
    """autoencoder is compiled with a loss suited to data in [0, 1]"""
    case = cases["reconstruction", {"seed": seed}]
    reply = student.probe("compiled_loss", y_true=case.y_true, y_pred=case.y_pred)
    if not reply["compiled"]:
        raise CheckFailure(
            Text("autoencoder nie został skompilowany", "autoencoder is not compiled"),
            hint=Text(
                "autoencoder.compile(optimizer='adam', loss='binary_crossentropy')",
                "autoencoder.compile(optimizer='adam', loss='binary_crossentropy')",
            ),
        )
    value = float(np.asarray(reply["value"]).reshape(-1)[0])
    reference = case.losses
    close = [k for k, v in reference.items() if abs(value - v) <= 1e-4 + 1e-4 * abs(v)]
    if any(k in ACCEPTED_LOSSES for k in close):
        return
    if "from_logits_bce" in close or reply["from_logits"]:
        raise CheckFailure(
            Text(
                "binarna entropia krzyżowa z from_logits=True, a dekoder kończy się już sigmoidem",
                "binary cross-entropy with from_logits=True, but the decoder already ends in a sigmoid",
            ),
            got=reply["name"],
            hint=Text(
                "Użyj loss='binary_crossentropy' (from_logits=False).",
                "Use loss='binary_crossentropy' (from_logits=False).",
            ),
        )
    raise CheckFailure(
        Text(
            f"strata `{reply['name']}` nie pasuje do pikseli z [0, 1]",
            f"the loss `{reply['name']}` does not suit pixels in [0, 1]",
        ),
        expected="binary_crossentropy / mse / mae",
        got=reply["name"],
        hint=Text(
            "Piksele są znormalizowane do [0, 1], a dekoder kończy się sigmoidem: binarna entropia "
            "krzyżowa albo MSE/MAE.",
            "Pixels are normalised to [0, 1] and the decoder ends in a sigmoid: binary cross-entropy, or MSE/MAE.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 1.plot, 2.plot: plot_latent_space
# ---------------------------------------------------------------------------------------------


def _point_sets(reply) -> list[np.ndarray]:
    points, lengths = reply["points"], reply["lengths"]
    return np.split(points, np.cumsum(lengths)[:-1]) if len(lengths) else []


def _require_points(reply, expected: np.ndarray, what: Text, hint: Text) -> None:
    sets = _point_sets(reply)
    if any(analysis.matches_as_set(expected, s) for s in sets) or analysis.matches_as_set(expected, reply["points"]):
        return
    if not len(reply["points"]):
        raise CheckFailure(
            Text(
                "plot_latent_space niczego nie rysuje (brak punktów na wykresie)",
                "plot_latent_space draws nothing (no points on the plot)",
            ),
            hint=hint,
        )
    raise CheckFailure(what, expected=expected[:3], got=reply["points"][:3], hint=hint)


@title_pl("plot_latent_space (AE) rysuje po jednym punkcie na wejście w miejscu kodu z enkodera")
def check_ae_latent_plot_draws_codes(student: Student) -> None:
    """plot_latent_space (AE) draws one point per input at the encoder's 2-D output"""
    case = CASES["latent", {"seed": 11, "latent_outputs": 2}]
    reply = student.probe("latent_plot", data=case.data, w=case.w, b=case.b)
    _require_points(
        reply,
        case.outputs,
        Text(
            "narysowane punkty nie są kodami enkodera dla danych",
            "the points drawn are not the encoder's codes of the data",
        ),
        Text(
            "codes = model.encoder(data); plt.scatter(codes[:, 0], codes[:, 1])",
            "codes = model.encoder(data); plt.scatter(codes[:, 0], codes[:, 1])",
        ),
    )


@title_pl("plot_latent_space (VAE) rysuje średnie z enkodera")
def check_vae_latent_plot_draws_means(student: Student) -> None:
    """plot_latent_space (VAE) draws the encoder's means"""
    case = CASES["latent", {"seed": 21, "latent_outputs": 4}]
    reply = _shared_probe(student, "latent_plot", data=case.data, w=case.w, b=case.b)
    _require_points(
        reply,
        case.outputs[:, :2],
        Text(
            "narysowane punkty nie są średnimi z model.encode (czy to próbki z albo logvar?)",
            "the points drawn are not the means from model.encode (sampled z, or logvar?)",
        ),
        Text(
            "mean, logvar = model.encode(data); punkty w mean[:, 0], mean[:, 1]",
            "mean, logvar = model.encode(data); points at mean[:, 0], mean[:, 1]",
        ),
    )


@title_pl("plot_latent_space (VAE) pokazuje odchylenia standardowe exp(logvar/2)")
def check_vae_latent_plot_shows_std(student: Student) -> None:
    """plot_latent_space (VAE) shows the standard deviations exp(logvar/2)"""
    case = CASES["latent", {"seed": 21, "latent_outputs": 4}]
    reply = _shared_probe(student, "latent_plot", data=case.data, w=case.w, b=case.b)
    logvar = case.outputs[:, 2:]
    extents = reply["extents"]
    if analysis.share_with_extent(np.exp(logvar / 2), extents) >= 0.9:
        return
    hint = Text(
        "Np. plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1], fmt='o'), std = exp(logvar/2).",
        "E.g. plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1], fmt='o'), std = exp(logvar/2).",
    )
    wrong = {"exp(logvar)": np.exp(logvar), "logvar": np.abs(logvar), "exp(logvar)/2": np.exp(logvar) / 2}
    for name, values in wrong.items():
        if analysis.share_with_extent(values, extents) >= 0.9:
            raise CheckFailure(
                Text(
                    f"rysowane odchylenia to {name}, a odchylenie standardowe to exp(logvar/2)",
                    f"the deviations drawn are {name}; the standard deviation is exp(logvar/2)",
                ),
                hint=hint,
            )
    raise CheckFailure(
        Text(
            "wykres nie pokazuje odchyleń standardowych exp(logvar/2) punktów",
            "the plot does not show the points' standard deviations exp(logvar/2)",
        ),
        hint=hint,
    )


# ---------------------------------------------------------------------------------------------
# 3.model: Cond_CVAE
# ---------------------------------------------------------------------------------------------


def _cond_cvae(student: Student, latent_dim: int):
    case = CASES["cond_cvae_inputs", {"latent_dim": latent_dim}]
    return _shared_probe(
        student,
        "cond_cvae",
        latent_dim=latent_dim,
        img=case.img,
        cond=case.cond,
        cond2=case.cond2,
        z=case.z,
        eps=case.eps,
    )


@title_pl("Cond_CVAE: enkoder [obraz, warunek] -> 2*latent_dim, dekoder [z, warunek] -> (42, 42, 1)")
def check_cond_cvae_shapes(student: Student) -> None:
    """Cond_CVAE: encoder [image, cond] -> 2*latent_dim, decoder [z, cond] -> (42, 42, 1)"""
    for latent_dim in (2, 25):
        reply = _cond_cvae(student, latent_dim)
        assert_shape(
            reply["enc1"],
            (4, 2 * latent_dim),
            Text(
                f"enkoder (latent_dim={latent_dim}) zwraca zły kształt",
                f"the encoder (latent_dim={latent_dim}) returns the wrong shape",
            ),
            hint=Text(
                "Ostatnia warstwa: Dense(latent_dim + latent_dim); latent_dim czytaj z globalnej zmiennej lub self.latent_dim.",
                "Last layer: Dense(latent_dim + latent_dim); read latent_dim from the global or self.latent_dim.",
            ),
        )
        assert_shape(
            reply["dec1"],
            (4, 42, 42, 1),
            Text(
                f"dekoder (latent_dim={latent_dim}) zwraca zły kształt",
                f"the decoder (latent_dim={latent_dim}) returns the wrong shape",
            ),
            hint=Text(
                "7x7 -> stride 2 -> 14x14 -> stride 3 -> 42x42, ostatnia warstwa z 1 filtrem.",
                "7x7 -> stride 2 -> 14x14 -> stride 3 -> 42x42, last layer with 1 filter.",
            ),
        )


@title_pl("Ostatnia warstwa enkodera jest liniowa (średnia i logvar mogą być ujemne)")
def check_cond_encoder_is_linear(student: Student) -> None:
    """The encoder's last layer is linear (mean and logvar can be negative)"""
    # latent_dim 25: 25 units per half, so a linear layer shows a negative value in each half
    # whatever the random initialisation (all 100 values >= 0 has probability ~2^-25 per half)
    enc = np.asarray(_cond_cvae(student, 25)["enc1"])
    if enc.ndim == 2 and enc.shape[1] == 50 and (enc[:, :25] < 0).any() and (enc[:, 25:] < 0).any():
        return
    activation = "ReLU" if enc.min() >= 0 else "tanh/sigmoid" if np.abs(enc).max() <= 1 else "?"
    raise CheckFailure(
        Text(
            f"wyjścia enkodera nie bywają ujemne: ostatnia warstwa ma aktywację ({activation}), a średnia i logvar "
            "przyjmują dowolne wartości rzeczywiste",
            f"the encoder's outputs are never negative: its last layer has an activation ({activation}), "
            "but mean and logvar range over all reals",
        ),
        got=enc,
        hint=Text(
            "Dense(latent_dim + latent_dim) bez aktywacji.", "Dense(latent_dim + latent_dim) without activation."
        ),
    )


@title_pl("Dekoder zwraca logity (sigmoid stosuje decode(apply_sigmoid=True))")
def check_cond_decoder_outputs_logits(student: Student) -> None:
    """The decoder returns logits (decode(apply_sigmoid=True) applies the sigmoid)"""
    dec = np.asarray(_cond_cvae(student, 2)["dec1"])
    if dec.min() < 0 or dec.max() > 1:
        return
    raise CheckFailure(
        Text(
            "wyjścia dekodera leżą w [0, 1]: dekoder stosuje sigmoid, a strata oczekuje logitów",
            "the decoder's outputs lie in [0, 1]: it applies a sigmoid, but the loss expects logits",
        ),
        got=dec,
        hint=Text("Ostatnia Conv2DTranspose bez aktywacji.", "The last Conv2DTranspose without activation."),
    )


@title_pl("Warunek wpływa na wyjście enkodera i dekodera")
def check_cond_condition_changes_output(student: Student) -> None:
    """The condition changes the encoder's and the decoder's output"""
    reply = _cond_cvae(student, 2)
    for part, a, b in (("encoder", "enc1", "enc2"), ("decoder", "dec1", "dec2")):
        if np.max(np.abs(np.asarray(reply[a]) - np.asarray(reply[b]))) <= 1e-6:
            pl = "enkodera" if part == "encoder" else "dekodera"
            raise CheckFailure(
                Text(
                    f"wyjście {pl} nie zależy od warunku (etykieta, pozycja)",
                    f"the {part}'s output does not depend on the condition (label, position)",
                ),
                hint=Text(
                    "Połącz warunek z cechami: Concatenate()([x, input_cond]).",
                    "Join the condition with the features: Concatenate()([x, input_cond]).",
                ),
            )


# ---------------------------------------------------------------------------------------------
# 3.loss: compute_loss of the conditioned VAE
# ---------------------------------------------------------------------------------------------


@title_pl("compute_loss (3) równa się ELBO modelu warunkowego (Monte-Carlo lub KL zamknięta)")
def check_cond_loss_matches_elbo(student: Student, seed: int = 34, cases: CaseBook = CASES) -> None:
    """compute_loss (task 3) equals the conditioned model's ELBO (Monte-Carlo or closed-form KL)"""
    case = cases["cond_vae_loss", {"seed": seed}]
    got = student.probe(
        "loss_on_fixed_model",
        x=case.x,
        w_enc=case.w_enc,
        b_enc=case.b_enc,
        w_dec=case.w_dec,
        b_dec=case.b_dec,
        eps=case.eps,
        cond=case.cond,
    )["loss"]
    if got.size != 1:
        raise CheckFailure(
            Text(f"`{student.name}` powinna zwracać jedną liczbę", f"`{student.name}` should return one number"),
            expected="shape ()",
            got=f"shape {got.shape}",
        )
    got = float(got.reshape(()))
    variants = case.variants
    tol = 2 * analysis.LOSS_ATOL
    if known_fault(got, {k: variants[k] for k in ("correct", "mc")}, atol=tol, rtol=0):
        return  # the Monte-Carlo and the closed-form KL are both right here
    fault = known_fault(got, {k: v for k, v in variants.items() if k not in ("correct", "mc")}, atol=tol, rtol=0)
    what = (
        LOSS_FAULTS[fault]
        if fault
        else Text(
            "strata nie równa się ujemnemu ELBO modelu warunkowego",
            "the loss does not equal the negative ELBO of the conditioned model",
        )
    )
    raise CheckFailure(
        Text(f"`{student.name}`: {what.pl}", f"`{student.name}`: {what.en}"),
        expected=variants["correct"],
        got=got,
        hint=Text(
            "data, cond = x; mean, logvar = model.encode(x); z = model.reparameterize(mean, logvar); "
            "x_logit = model.decode([z, cond]); etykiety BCE = data.",
            "data, cond = x; mean, logvar = model.encode(x); z = model.reparameterize(mean, logvar); "
            "x_logit = model.decode([z, cond]); BCE labels = data.",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 4.gen, 4.disc: the conditional generator and discriminator
# ---------------------------------------------------------------------------------------------

_CONCAT_WITHOUT_LIST = re.compile(r"Concatenate\([^()]*\)\(\s*[^\[\s]")


def _conditional(student: Student, args: list, inputs: str, scale: float):
    case = CASES[inputs]
    try:
        return _shared_probe(
            student, "conditional_model", args=args, x=case.x, cond=case.cond, cond2=case.cond2, scale=scale
        )
    except StudentCodeError as exc:
        if _CONCAT_WITHOUT_LIST.search(exc.traceback or ""):
            raise CheckFailure(
                Text(
                    "Concatenate wywołano z dwoma argumentami zamiast z listą wejść",
                    "Concatenate is called with two arguments instead of a list of inputs",
                ),
                got=exc.error,
                hint=Text(
                    "tf.keras.layers.Concatenate(axis=1)([input_img, input_cond])",
                    "tf.keras.layers.Concatenate(axis=1)([input_img, input_cond])",
                ),
            ) from None
        raise


def _generator(student: Student):
    # scale 100: a linear last layer stays within about +-0.5 on ordinary noise, like tanh;
    # on noise 100 times larger it reaches about +-9 while tanh stays within +-1.
    return _conditional(student, [100, 10], "generator_inputs", scale=100.0)


def _discriminator(student: Student):
    # scale 100: a linear last layer's logits then reach far outside [0, 1] whatever the random
    # initialisation (on ordinary images they may all fall inside by chance); a sigmoid never does.
    return _conditional(student, [[28, 28, 1], 10], "discriminator_inputs", scale=100.0)


@title_pl("Generator: [szum, warunek] -> obraz (28, 28, 1) z wartościami w [-1, 1] (tanh)")
def check_generator_output_shape_and_range(student: Student) -> None:
    """Generator: [noise, cond] -> image (28, 28, 1) with values in [-1, 1] (tanh)"""
    reply = _generator(student)
    assert_shape(
        reply["out1"],
        (8, 28, 28, 1),
        Text("generator zwraca zły kształt", "the generator returns the wrong shape"),
        hint=Text(
            "7x7 -> 14x14 -> 28x28, ostatnia warstwa z 1 filtrem.", "7x7 -> 14x14 -> 28x28, last layer with 1 filter."
        ),
    )
    values = np.concatenate([np.ravel(reply["out1"]), np.ravel(reply["out_big"])])
    hint = Text(
        "Ostatnia warstwa z activation='tanh': obrazy treningowe są w [-1, 1].",
        "The last layer with activation='tanh': the training images are in [-1, 1].",
    )
    assert_in_range(
        values,
        -1 - 1e-5,
        1 + 1e-5,
        Text(
            "wyjścia generatora wychodzą poza [-1, 1]: brakuje tanh na końcu",
            "the generator's outputs leave [-1, 1]: the final tanh is missing",
        ),
        hint=hint,
    )
    if values.min() >= 0:
        raise CheckFailure(
            Text(
                "wyjścia generatora nigdy nie są ujemne: sigmoid zamiast tanh (obrazy są w [-1, 1])",
                "the generator's outputs are never negative: sigmoid instead of tanh (images are in [-1, 1])",
            ),
            expected="[-1, 1]",
            got=f"[{values.min():.3g}, {values.max():.3g}]",
            hint=hint,
        )


@title_pl("Obraz z generatora zależy od warunku")
def check_generator_uses_condition(student: Student) -> None:
    """The generator's image depends on the condition"""
    reply = _generator(student)
    assert_differs(
        reply["out1"],
        reply["out2"],
        Text(
            "obraz z generatora nie zależy od warunku (etykiety)",
            "the generator's image does not depend on the condition (label)",
        ),
        hint=Text(
            "Połącz szum z warunkiem: Concatenate()([noise, cond]).",
            "Join noise and condition: Concatenate()([noise, cond]).",
        ),
    )


@title_pl("Dyskryminator: [obraz, warunek] -> (1,) logit, nie prawdopodobieństwo")
def check_discriminator_outputs_logit(student: Student) -> None:
    """Discriminator: [image, cond] -> (1,) logit, not a probability"""
    reply = _discriminator(student)
    assert_shape(
        reply["out1"],
        (8, 1),
        Text("dyskryminator zwraca zły kształt", "the discriminator returns the wrong shape"),
        hint=Text("Ostatnia warstwa: Dense(1).", "Last layer: Dense(1)."),
    )
    values = np.concatenate([np.ravel(reply["out1"]), np.ravel(reply["out_big"])])
    if values.min() >= 0 and values.max() <= 1:
        raise CheckFailure(
            Text(
                "wyjścia dyskryminatora leżą w [0, 1]: kończy się sigmoidem, a strata używa from_logits=True",
                "the discriminator's outputs lie in [0, 1]: it ends in a sigmoid, but the loss uses from_logits=True",
            ),
            got=f"[{values.min():.3g}, {values.max():.3g}]",
            hint=Text("Dense(1) bez aktywacji.", "Dense(1) without activation."),
        )


@title_pl("Ocena dyskryminatora zależy od warunku")
def check_discriminator_uses_condition(student: Student) -> None:
    """The discriminator's verdict depends on the condition"""
    reply = _discriminator(student)
    assert_differs(
        reply["out1"],
        reply["out2"],
        Text(
            "wyjście dyskryminatora nie zależy od warunku (etykiety)",
            "the discriminator's output does not depend on the condition (label)",
        ),
        hint=Text(
            "Połącz cechy obrazu z warunkiem: Concatenate()([x, input_cond]).",
            "Join the image features with the condition: Concatenate()([x, input_cond]).",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 4.step: train_step
# ---------------------------------------------------------------------------------------------

GAN_LR = 0.01


def _gan_step(student: Student, freeze: str):
    case = CASES["gan_step_inputs"]  # real images bright: the fakes start near 0
    reply = student.probe(
        "gan_step",
        images=case.images,
        cond=case.cond,
        noise_cond=case.noise_cond,
        noise_dim=100,
        freeze=freeze,
        learning_rate=GAN_LR,
    )
    delta = {
        k: float(np.mean(reply[f"{k}_after"]) - np.mean(reply[f"{k}_before"]))
        for k in ("d_real", "d_fake_cond", "d_fake_noise_cond")
    }
    moved = {k: float(np.max(np.abs(reply[f"{k}_after"] - reply[f"{k}_before"]))) for k in ("g_weights", "d_weights")}
    return delta, moved


@title_pl("Jeden krok train_step zmienia obie sieci")
def check_train_step_updates_both_networks(student: Student) -> None:
    """One train_step changes both networks"""
    _, moved = _gan_step(student, freeze="none")
    for key, en, pl in (("g_weights", "generator", "generatora"), ("d_weights", "discriminator", "dyskryminatora")):
        if moved[key] <= 0:
            raise CheckFailure(
                Text(f"train_step nie zmienia wag {pl}", f"train_step does not change the {en}'s weights"),
                hint=Text(
                    f"{en}_optimizer.apply_gradients(zip(gradienty, {en}.trainable_variables))",
                    f"{en}_optimizer.apply_gradients(zip(gradients, {en}.trainable_variables))",
                ),
            )


@title_pl("Krok dyskryminatora podnosi D(real) i obniża D(fake)")
def check_train_step_discriminator_learns(student: Student) -> None:
    """The discriminator's update raises D(real) and lowers D(fake) on the batch"""
    delta, _ = _gan_step(student, freeze="generator")
    if delta["d_real"] > 0 and min(delta["d_fake_cond"], delta["d_fake_noise_cond"]) < 0:
        return
    raise CheckFailure(
        Text(
            "aktualizacja dyskryminatora nie podnosi D(real) i nie obniża D(fake): jego gradienty nie pochodzą "
            "z discriminator_loss (zamienione taśmy lub straty?)",
            "the discriminator's update does not raise D(real) and lower D(fake): its gradients do not come "
            "from discriminator_loss (tapes or losses swapped?)",
        ),
        expected="ΔD(real) > 0, ΔD(fake) < 0",
        got=f"ΔD(real) = {delta['d_real']:.4g}, ΔD(fake) = {min(delta['d_fake_cond'], delta['d_fake_noise_cond']):.4g}",
        hint=Text(
            "disc_tape.gradient(disc_loss, discriminator.trainable_variables)",
            "disc_tape.gradient(disc_loss, discriminator.trainable_variables)",
        ),
    )


@title_pl("Krok generatora podnosi D(G(z))")
def check_train_step_generator_learns(student: Student) -> None:
    """The generator's update raises D(G(z))"""
    delta, _ = _gan_step(student, freeze="discriminator")
    if max(delta["d_fake_cond"], delta["d_fake_noise_cond"]) > 0:
        return
    raise CheckFailure(
        Text(
            "aktualizacja generatora nie podnosi D(G(z)): jego gradienty nie pochodzą z generator_loss",
            "the generator's update does not raise D(G(z)): its gradients do not come from generator_loss",
        ),
        expected="ΔD(G(z)) > 0",
        got=f"{max(delta['d_fake_cond'], delta['d_fake_noise_cond']):.4g}",
        hint=Text(
            "gen_tape.gradient(gen_loss, generator.trainable_variables)",
            "gen_tape.gradient(gen_loss, generator.trainable_variables)",
        ),
    )
