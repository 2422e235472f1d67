"""The case recipes of the lab autoencoders-keras (judge side only, never shipped to students).

Every fixed input a check sends to the sandbox, by name and parameters (``grader.cases``):
``PUBLIC`` feeds the public checks (``public/checks.py``) and is what the self-check bundle
records; ``HIDDEN`` adds the fresh inputs of the hidden twins (``judge/checks.py``) and is never
recorded. The lab's checks have no expected numbers: they identify what the student's layers
compute on these inputs (``public/analysis.py``), so the cases are the inputs alone, drawn by
the oracles (``judge/oracles.py``): the probe rows byte for byte what the checks drew before the
cases existed; the pixel positions of 4.1, which the probe drew in the sandbox before, as
fractions of each array's size (the judge cannot know the sizes). A hidden book serves a name's public and hidden parameter sets
together (``grader.cases.LiveSource``), so HIDDEN lists the fresh sets only.
"""

from __future__ import annotations

from typing import Any

from grader.cases import Params, Recipe

from . import oracles

NOISE_PAIRS = 2  # (x_train, x_train_noisy) and (x_test, x_test_noisy)
PIXELS = 5000  # pixel pairs read per (clean, noisy) pair


def _probe_inputs(seed: int, digits: int) -> dict[str, Any]:
    """2.1, 2.2, 3.1, 5.1: the rows ``model_layers`` runs a model on, the wide-range rows each
    Dense block also gets and the arrays its regularizers are evaluated on."""
    x, wide, reg_inputs = oracles.probe_inputs(seed, digits)
    return {"x": x, "wide": wide, "reg_inputs": reg_inputs}


def _pixel_draws(seed: int) -> dict[str, Any]:
    """4.1: where ``noise_setup`` reads each (clean, noisy) pair, as fractions of its size."""
    return {"fractions": oracles.pixel_draws(seed, NOISE_PAIRS, PIXELS)}


PUBLIC: dict[str, tuple[list[Params], Recipe]] = {
    "probe_inputs": ([{"seed": 2022, "digits": 0}], _probe_inputs),
    "pixel_draws": ([{"seed": 2022}], _pixel_draws),
}

# The inputs of the hidden twins of the checks that decide from what the student's code computes
# on the public inputs (2.1, 2.2, 3.1 and 5.1 from the probe rows, 4.1's consistency from the
# pixels read): other digits, other normal rows and arrays, other pixels. An answer special-cased
# to the recorded public inputs passes the public check and fails its twin.
FRESH: dict[str, Params] = {
    "probe_inputs": {"seed": 2023, "digits": 8},
    "pixel_draws": {"seed": 2023},
}

HIDDEN: dict[str, tuple[list[Params], Recipe]] = {name: ([params], PUBLIC[name][1]) for name, params in FRESH.items()}
