"""Hidden checks of the lab generative-tf: the ones the rubric marks ``public: false``.

Judge side only: this folder is never visible to the sandbox and never handed to students,
so a student's self-check cannot run these and the report shows only their outcome. They
reuse the public checks' probes and analysis code (``public/checks.py``, ``public/analysis.py``)
and take their cases from the hidden book (``judge/cases.py``: the public cases and fresh ones).

The ``*_on_fresh_inputs`` checks are the hidden twins of the public checks whose expected value
comes from fixed inputs (2.5, 3.loss, 4.loss, 1.2): the same check on a seed the self-check
bundle never records, so an answer special-cased to the recorded inputs fails its twin. A twin
has its own name because a hidden check may not resolve in the public module (load_rubric).
"""

from __future__ import annotations

from grader.checks import CaseBook, CheckFailure, Student, StudentCodeError, Text, assert_shape, title_pl

from ..public import analysis
from ..public import checks as public
from ..public.checks import _cond_cvae, _conditioned, _raise_layout_problems
from .cases import FRESH_SEEDS

HIDDEN_CASES = CaseBook(public.CASES.pack, hidden=True)  # the public cases and the fresh ones


@title_pl("Strata z 2.5 używa KL w postaci zamkniętej (na nowych danych)")
def check_loss_uses_closed_form_kl_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["vae_loss"]) -> None:
    """The 2.5 loss uses the closed-form KL (on fresh inputs)"""
    public.check_loss_uses_closed_form_kl(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("compute_loss (3) równa się ELBO modelu warunkowego (na nowych danych)")
def check_cond_loss_matches_elbo_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["cond_vae_loss"]) -> None:
    """compute_loss (task 3) equals the conditioned model's ELBO (on fresh inputs)"""
    public.check_cond_loss_matches_elbo(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("discriminator_loss = BCE(1, real) + BCE(0, fake) na logitach (na nowych danych)")
def check_discriminator_loss_matches_bce_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["logits"]) -> None:
    """discriminator_loss = BCE(1, real) + BCE(0, fake) on logits (on fresh inputs)"""
    public.check_discriminator_loss_matches_bce(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("autoencoder jest skompilowany ze stratą odpowiednią dla danych z [0, 1] (na nowych danych)")
def check_autoencoder_loss_suits_unit_data_on_fresh_inputs(
    student: Student, seed: int = FRESH_SEEDS["reconstruction"]
) -> None:
    """autoencoder is compiled with a loss suited to data in [0, 1] (on fresh inputs)"""
    public.check_autoencoder_loss_suits_unit_data(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("Działa dla cyfr 28x28 i dla N = 1")
def check_conditioned_any_size(student: Student) -> None:
    """Works for 28x28 digits and for N = 1"""
    hint = Text("Nie wpisuj 14 ani 42 na sztywno: użyj x.shape.", "Do not hard-code 14 or 42: use x.shape.")
    for n, size in ((2, 28), (1, 14)):
        try:
            x, y, reply = _conditioned(student, n, size, 2, seed=40 + n, cases=HIDDEN_CASES)
        except StudentCodeError as exc:
            raise CheckFailure(
                Text(
                    f"conditioned_mnist nie działa dla cyfr {size}x{size} i N={n}",
                    f"conditioned_mnist fails for {size}x{size} digits and N={n}",
                ),
                got=exc.error,
                hint=hint,
            ) from None
        assert_shape(
            reply["x_res"],
            (n * 2, 3 * size, 3 * size, 1),
            Text(
                f"dla cyfr {size}x{size} i N={n} x_res ma zły kształt",
                f"for {size}x{size} digits and N={n}, x_res has the wrong shape",
            ),
            hint=hint,
        )
        _raise_layout_problems(analysis.conditioned_layout_problems(x, y, 2, reply["x_res"], reply["y_res"]))


@title_pl("Cond_CVAE uczy się end to end (gradienty dochodzą do wag enkodera i dekodera)")
def check_cond_cvae_trainable(student: Student) -> None:
    """Cond_CVAE trains end to end (gradients reach the encoder's and the decoder's weights)"""
    reply = _cond_cvae(student, 2)
    for part, pl in (("encoder", "enkodera"), ("decoder", "dekodera")):
        total, moved = reply[f"{part}_variables"], reply[f"{part}_with_gradient"]
        if total == 0 or moved == 0:
            raise CheckFailure(
                Text(f"żadna waga {pl} nie dostaje gradientu", f"no weight of the {part} gets a gradient"),
                expected=f"> 0 of {total}",
                got=moved,
                hint=Text(
                    "Model nie może być zamrożony (trainable=False) ani odcięty od straty.",
                    "The model must not be frozen (trainable=False) nor cut off from the loss.",
                ),
            )
