"""Hidden checks of the lab generative-tf: the ones the rubric marks ``public: false``.

Judge side only: this folder is never visible to the sandbox and never handed to students,
so a student's self-check cannot run these and the report shows only their outcome. They
reuse the public checks' probes and oracles (``public/checks.py``, ``public/oracles.py``).
"""

from __future__ import annotations

from grader.checks import CheckFailure, Student, StudentCodeError, Text, assert_shape, title_pl

from ..public import oracles
from ..public.checks import _cond_cvae, _conditioned, _raise_layout_problems


@title_pl("Działa dla cyfr 28x28 i dla N = 1")
def check_conditioned_any_size(student: Student) -> None:
    """Works for 28x28 digits and for N = 1"""
    hint = Text("Nie wpisuj 14 ani 42 na sztywno: użyj x.shape.", "Do not hard-code 14 or 42: use x.shape.")
    for n, size in ((2, 28), (1, 14)):
        try:
            x, y, reply = _conditioned(student, n, size, 2, seed=40 + n)
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
        _raise_layout_problems(oracles.conditioned_layout_problems(x, y, 2, reply["x_res"], reply["y_res"]))


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
