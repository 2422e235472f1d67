"""Hidden checks of the lab vae-pyro: the ones the rubric marks ``public: false``.

Judge side only: this folder is never visible to the sandbox and never handed to students, so a
student's self-check cannot run these and the report shows only their outcome. The probes they
call live in ``public/probes.py``; they take their cases from the hidden book (``judge/cases.py``:
the public cases and fresh ones).

The ``*_on_fresh_inputs`` checks are the hidden twins of the public checks whose expected value
comes from fixed inputs (1a.vae's sampling and decoding, 3's β-VAE loss): the same check on a
seed the self-check bundle never records, so an answer special-cased to the recorded inputs fails its
twin. A twin has its own name because a hidden check may not resolve in the public module
(load_rubric).
"""

from __future__ import annotations

import numpy as np

from grader.checks import CaseBook, CheckFailure, Student, Text, assert_finite, title_pl

from ..public import checks as public
from .cases import FRESH_SEEDS

HIDDEN_CASES = CaseBook(public.CASES.pack, hidden=True)  # the public cases and the fresh ones


@title_pl("encoder_forward losuje z ~ N(z_loc, z_scale): średnia i rozrzut próbek (na nowych danych)")
def check_vae_encoder_forward_samples_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["standin"]) -> None:
    """encoder_forward samples z ~ N(z_loc, z_scale): the draws' mean and spread (on fresh inputs)"""
    public.check_vae_encoder_forward_samples(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("decoder_forward(z) zwraca obrazy (B, 1, 28, 28) z dekodera (na nowych danych)")
def check_vae_decoder_forward_images_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["standin"]) -> None:
    """decoder_forward(z) returns the decoder's images, shape (B, 1, 28, 28) (on fresh inputs)"""
    public.check_vae_decoder_forward_images(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("Strata β-VAE = rekonstrukcja + β·KL (dla tego samego z) (na nowych danych)")
def check_beta_weights_kl_term_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["standin"]) -> None:
    """β-VAE loss = reconstruction + β·KL (for the same z) (on fresh inputs)"""
    public.check_beta_weights_kl_term(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("β = 1 daje stratę zwykłego VAE (na nowych danych)")
def check_beta_one_is_plain_vae_on_fresh_inputs(student: Student, seed: int = FRESH_SEEDS["standin"]) -> None:
    """β = 1 gives the plain VAE loss (on fresh inputs)"""
    public.check_beta_one_is_plain_vae(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("Strata Trace_ELBO jest skończona i spada po kilku krokach optymalizacji")
def check_vae_elbo_trains(student: Student) -> None:
    """The Trace_ELBO loss is finite and a few optimisation steps lower it"""
    x = HIDDEN_CASES["images", {"count": 16, "seed": 5}].x
    reply = student.probe("vae_elbo_training", x=x, n_latent=4, n_hidden=32, steps=30, lr=5e-3, repeats=8, seed=4)
    before, after = float(reply["before"]), float(reply["after"])
    hint = Text(
        "Koder zwraca (z_loc, z_scale > 0), dekoder wartości w [0, 1]; model i guide z szablonu działają wtedy bez zmian.",
        "The encoder returns (z_loc, z_scale > 0), the decoder values in [0, 1]; the template's model and guide then work as given.",
    )
    assert_finite(
        np.asarray([before, after]),
        Text("strata ELBO nie jest skończona (NaN/inf)", "the ELBO loss is not finite (NaN/inf)"),
        hint,
    )
    # 30 Adam steps on one batch of 16: the reference lowers it by ~15%; 2% is far above the noise
    if after < before * 0.98:
        return
    raise CheckFailure(
        Text(
            "30 kroków Adama (lr 5e-3) na jednym batchu nie obniża straty ELBO",
            "30 Adam steps (lr 5e-3) on one batch do not lower the ELBO loss",
        ),
        expected=f"< {before * 0.98:.6g}",
        got=after,
        hint=hint,
    )
