"""Hidden checks of the lab vae-pyro: the ones the rubric marks ``public: false``.

Judge side only: this folder is never visible to the sandbox and never handed to students.
The probe they call lives in ``public/probes.py``; the oracles in ``public/oracles.py``.
"""

from __future__ import annotations

import numpy as np

from grader.checks import CheckFailure, Student, Text, assert_finite, title_pl

from ..public import oracles


@title_pl("Strata Trace_ELBO jest skończona i spada po kilku krokach optymalizacji")
def check_vae_elbo_trains(student: Student) -> None:
    """The Trace_ELBO loss is finite and a few optimisation steps lower it"""
    x = oracles.images(16, seed=5)
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
