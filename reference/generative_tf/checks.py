"""Checks of the lab generative-tf (judge side: trusted, never visible to the sandbox).

Each check builds small seeded inputs, asks the sandbox for what the student's object computes
(``student.probe``), computes the expected value here with float64 numpy oracles, and raises
``CheckFailure`` with a message that names the fault when it recognises a known mistake.
"""
from __future__ import annotations

import numpy as np

from grader.checks import CheckFailure, Student, Text, assert_shape, title_pl
from grader.sandbox.supervisor import StudentCodeError

from . import oracles

# ---------------------------------------------------------------------------------------------
# 2.5: the loss with the closed-form KL
# ---------------------------------------------------------------------------------------------

KL_HELPERS = ("kl_div", "kl_divergence", "kl", "compute_kl", "kl_loss", "kl_term", "gauss_kl")

LOSS_FAULTS = {
    "mc": Text("strata to wciąż estymator Monte-Carlo (log q(z|x) - log p(z)), nie KL w postaci zamkniętej",
               "the loss is still the Monte-Carlo estimate (log q(z|x) - log p(z)), not the closed-form KL"),
    "mc_plus_kl_plus_logvar": Text(
        "KL ma zły znak przy logvar (+logvar zamiast -logvar) i jest dodana do estymatora Monte-Carlo (KL liczona dwa razy)",
        "the KL has the wrong sign of logvar (+logvar instead of -logvar) and is added on top of the Monte-Carlo estimate (KL counted twice)"),
    "mc_plus_kl": Text("KL w postaci zamkniętej jest dodana do estymatora Monte-Carlo (KL liczona dwa razy)",
                       "the closed-form KL is added on top of the Monte-Carlo estimate (KL counted twice)"),
    "plus_logvar": Text("KL ma zły znak przy logvar: powinno być -logvar", "the KL has the wrong sign of logvar: it should be -logvar"),
    "kl_sign": Text("KL jest odejmowana od straty zamiast dodawana", "the KL is subtracted from the loss instead of added"),
    "no_half": Text("brakuje czynnika 0.5 przed sumą w KL", "the factor 0.5 in front of the KL sum is missing"),
    "logvar_squared": Text("wariancja liczona jako logvar**2 zamiast exp(logvar)", "the variance is computed as logvar**2 instead of exp(logvar)"),
    "sum_over_batch": Text("strata jest sumą po batchu zamiast średnią", "the loss is summed over the batch instead of averaged"),
    "kl_mean_over_latent": Text("KL jest uśredniana po wymiarach ukrytych zamiast sumowana",
                                "the KL is averaged over latent dimensions instead of summed"),
}

KL_HINT = Text("KL(N(μ, σ²) || N(0, I)) = 0.5 · Σ_j (exp(logvar_j) + μ_j² − 1 − logvar_j), strata = −mean(log p(x|z) − KL).",
               "KL(N(mu, sigma^2) || N(0, I)) = 0.5 * sum_j (exp(logvar_j) + mu_j^2 - 1 - logvar_j); loss = -mean(log p(x|z) - KL).")


@title_pl("Strata z 2.5 używa KL w postaci zamkniętej")
def check_loss_uses_closed_form_kl(student: Student) -> None:
    """The 2.5 loss uses the closed-form KL"""
    case = oracles.vae_case(seed=25)
    reply = student.probe("loss_on_fixed_model", x=case.x, w_enc=case.w_enc, b_enc=case.b_enc,
                          w_dec=case.w_dec, b_dec=case.b_dec, eps=case.eps)
    got = reply["loss"]
    if got.size != 1:
        raise CheckFailure(Text(f"`{student.name}` powinna zwracać jedną liczbę (średnią po batchu)",
                                f"`{student.name}` should return one number (the batch mean)"),
                           expected="shape ()", got=f"shape {got.shape}")
    got = float(got.reshape(()))
    variants = oracles.vae_loss_variants(case)
    expected = variants.pop("correct")
    if abs(got - expected) <= oracles.LOSS_ATOL:
        return
    fault = next((k for k, v in variants.items() if abs(got - v) <= oracles.LOSS_ATOL), None)
    what = LOSS_FAULTS[fault] if fault else Text(
        "strata nie równa się −mean(log p(x|z) − KL) z KL w postaci zamkniętej",
        "the loss does not equal -mean(log p(x|z) - KL) with the closed-form KL")
    raise CheckFailure(Text(f"`{student.name}`: {what.pl}", f"`{student.name}`: {what.en}"),
                       expected=expected, got=got, hint=_kl_helper_hint(student, case) or KL_HINT)


def _kl_helper_hint(student: Student, case) -> Text | None:
    """If the student wrote a KL helper and it is wrong, say so (it is the likely culprit)."""
    helper = student.helper(*KL_HELPERS)
    if helper is None:
        return None
    try:
        value = helper.probe("call_on_latents", mean=case.mean, logvar=case.logvar)["value"]
    except StudentCodeError as exc:
        return Text(f"Twoja funkcja `{helper.name}` zgłasza błąd: {exc.error}", f"Your `{helper.name}` raises: {exc.error}")
    expected = oracles.kl_closed_form(case.mean, case.logvar)
    ok = value.shape in ((len(expected),), (len(expected), 1)) and np.allclose(value.reshape(-1), expected, atol=1e-3)
    if ok:
        return Text(f"Twoja `{helper.name}` jest poprawna; błąd jest w tym, jak strata ją wykorzystuje.",
                    f"Your `{helper.name}` is right; the fault is in how the loss uses it.")
    return Text(f"Twoja `{helper.name}(mean, logvar)` zwraca {np.round(value.reshape(-1)[:4], 4)}, oczekiwano KL na próbkę {np.round(expected[:4], 4)}.",
                f"Your `{helper.name}(mean, logvar)` returns {np.round(value.reshape(-1)[:4], 4)}; expected the per-sample KL {np.round(expected[:4], 4)}.")


# ---------------------------------------------------------------------------------------------
# 3.data: conditioned_mnist
# ---------------------------------------------------------------------------------------------

def _conditioned(student: Student, n: int, size: int, k: int, seed: int):
    """Call the student's conditioned_mnist; if it fails for n > 1 but works for n = 1,
    name that fault (seed 001: sampling and reshape inside the loop over images)."""
    x, y = oracles.digits_case(n, size, seed)
    try:
        reply = student.probe("call_conditioned_mnist", x=x, y=y, num_imgs=k)
    except StudentCodeError as exc:
        if n > 1 and _works_for_one(student, size, k, seed):
            raise CheckFailure(
                Text("conditioned_mnist działa dla jednego obrazu, ale nie dla kilku: losowanie pozycji lub "
                     "reshape x_res jest w złej pętli (wykonuje się dla każdego obrazu, a nie raz)",
                     "conditioned_mnist works for one image but fails for several: the sampling of positions or "
                     "the reshape of x_res sits in the wrong loop (it runs per image instead of once)"),
                expected=f"{n * k} outputs", got=exc.error,
                hint=Text("Przenieś `x_res = x_res.reshape(...)` za pętlę po obrazach, a losowanie `np.random.choice` "
                          "za pętle po pozycjach.",
                          "Move `x_res = x_res.reshape(...)` after the loop over images and the `np.random.choice` "
                          "sampling after the loops over positions.")) from None
        raise
    return x, y, reply


def _works_for_one(student: Student, size: int, k: int, seed: int) -> bool:
    x, y = oracles.digits_case(1, size, seed)
    try:
        student.probe("call_conditioned_mnist", x=x, y=y, num_imgs=k)
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
        raise CheckFailure(Text(first.pl + suffix.pl, first.en + suffix.en),
                           hint=Text("Każdy obraz wynikowy: cyfra bez zmian w komórce siatki 3x3 wskazanej przez "
                                     "[pos_x, pos_y] ∈ {0, 0.5, 1}, zera gdzie indziej; etykieta = one-hot cyfry.",
                                     "Each output: the digit unchanged in the 3x3 grid cell named by [pos_x, pos_y] "
                                     "in {0, 0.5, 1}, zeros elsewhere; label = the digit's one-hot."))


@title_pl("conditioned_mnist zwraca tablice o właściwych kształtach i typach")
def check_conditioned_shapes(student: Student) -> None:
    """conditioned_mnist returns arrays of the right shapes and dtypes"""
    n, size, k = 4, 14, 2
    _, _, reply = _conditioned(student, n, size, k, seed=31)
    assert_shape(reply["x_res"], (n * k, 3 * size, 3 * size, 1),
                 Text("x_res ma zły kształt", "x_res has the wrong shape"),
                 hint=Text("x_res: (N*num_imgs, 3h, 3w, 1)", "x_res: (N*num_imgs, 3h, 3w, 1)"))
    assert_shape(reply["y_res"], (n * k, 12), Text("y_res ma zły kształt", "y_res has the wrong shape"),
                 hint=Text("y_res: (N*num_imgs, 12) = [one-hot (10), pos_x, pos_y]",
                           "y_res: (N*num_imgs, 12) = [one-hot (10), pos_x, pos_y]"))
    for key in ("x_dtype", "y_dtype"):
        if reply[key] not in ("float32", "<dtype: 'float32'>"):
            raise CheckFailure(Text(f"{key[0]}_res powinno mieć typ float32", f"{key[0]}_res should be float32"),
                               expected="float32", got=reply[key])


@title_pl("Każdy wynik zawiera cyfrę bez zmian w komórce wskazanej przez etykietę")
def check_conditioned_placement(student: Student) -> None:
    """Each output holds its digit, unchanged, in the grid cell its label names"""
    x, y, reply = _conditioned(student, 5, 14, 2, seed=32)
    _raise_layout_problems(oracles.conditioned_layout_problems(x, y, 2, reply["x_res"], reply["y_res"]))


@title_pl("Pozycje wylosowane dla jednej cyfry są różne (num_imgs do 9)")
def check_conditioned_distinct_positions(student: Student) -> None:
    """The num_imgs positions drawn for one digit are distinct (num_imgs up to 9)"""
    for k in (9, 3):
        x, y, reply = _conditioned(student, 3, 14, k, seed=33 + k)
        problems = oracles.conditioned_layout_problems(x, y, k, reply["x_res"], reply["y_res"])
        _raise_layout_problems(problems, first_kinds=("distinct", "count"))


@title_pl("Działa dla cyfr 28x28 i dla N = 1")
def check_conditioned_any_size(student: Student) -> None:
    """Works for 28x28 digits and for N = 1"""
    hint = Text("Nie wpisuj 14 ani 42 na sztywno: użyj x.shape.", "Do not hard-code 14 or 42: use x.shape.")
    for n, size in ((2, 28), (1, 14)):
        try:
            x, y, reply = _conditioned(student, n, size, 2, seed=40 + n)
        except StudentCodeError as exc:
            raise CheckFailure(Text(f"conditioned_mnist nie działa dla cyfr {size}x{size} i N={n}",
                                    f"conditioned_mnist fails for {size}x{size} digits and N={n}"),
                               got=exc.error, hint=hint) from None
        assert_shape(reply["x_res"], (n * 2, 3 * size, 3 * size, 1),
                     Text(f"dla cyfr {size}x{size} i N={n} x_res ma zły kształt",
                          f"for {size}x{size} digits and N={n}, x_res has the wrong shape"), hint=hint)
        _raise_layout_problems(oracles.conditioned_layout_problems(x, y, 2, reply["x_res"], reply["y_res"]))


# ---------------------------------------------------------------------------------------------
# 4.loss: discriminator_loss
# ---------------------------------------------------------------------------------------------

DISC_FAULTS = {
    "swapped": Text("etykiety są zamienione: prawdziwe obrazy powinny mieć etykietę 1, wygenerowane 0",
                    "the labels are swapped: real images should be labelled 1, generated ones 0"),
    "real_only": Text("brakuje składnika dla obrazów wygenerowanych (fake_output)", "the term for generated images (fake_output) is missing"),
    "fake_only": Text("brakuje składnika dla prawdziwych obrazów (real_output)", "the term for real images (real_output) is missing"),
    "all_ones": Text("obrazy wygenerowane mają etykietę 1 zamiast 0", "generated images are labelled 1 instead of 0"),
    "halved": Text("składniki są uśrednione zamiast zsumowane", "the two terms are averaged instead of added"),
    "sigmoid_first": Text("na wyjściu dyskryminatora zastosowano sigmoid przed stratą liczoną z logitów (from_logits=True)",
                          "a sigmoid is applied to the discriminator's output before a loss that expects logits (from_logits=True)"),
    "probabilities": Text("strata traktuje logity jak prawdopodobieństwa (brak from_logits=True)",
                          "the loss treats logits as probabilities (from_logits=True missing)"),
}


@title_pl("discriminator_loss = BCE(1, real) + BCE(0, fake) na logitach")
def check_discriminator_loss_matches_bce(student: Student) -> None:
    """discriminator_loss = BCE(1, real) + BCE(0, fake) on logits"""
    real, fake = oracles.logits_case(seed=44)
    got = student.probe("call_discriminator_loss", real=real, fake=fake)["loss"]
    if got.size != 1:
        raise CheckFailure(Text("discriminator_loss powinna zwracać jedną liczbę", "discriminator_loss should return one number"),
                           expected="shape ()", got=f"shape {got.shape}")
    got = float(got.reshape(()))
    variants = oracles.discriminator_loss_variants(real, fake)
    expected = variants.pop("correct")
    if abs(got - expected) <= 1e-4 + 1e-5 * abs(expected):
        return
    fault = next((k for k, v in variants.items() if abs(got - v) <= 1e-4 + 1e-5 * abs(v)), None)
    raise CheckFailure(DISC_FAULTS[fault] if fault else Text(
        "discriminator_loss nie równa się cross_entropy(1, real_output) + cross_entropy(0, fake_output)",
        "discriminator_loss does not equal cross_entropy(1, real_output) + cross_entropy(0, fake_output)"),
        expected=expected, got=got,
        hint=Text("real_loss = cross_entropy(tf.ones_like(real_output), real_output); fake_loss = "
                  "cross_entropy(tf.zeros_like(fake_output), fake_output); zwróć ich sumę.",
                  "real_loss = cross_entropy(tf.ones_like(real_output), real_output); fake_loss = "
                  "cross_entropy(tf.zeros_like(fake_output), fake_output); return their sum."))
