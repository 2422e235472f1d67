"""Hidden checks of the lab autoencoders-keras: the ones the rubric marks ``public: false``.

Judge side only: this folder is never visible to the sandbox and never handed to students, so a
student's self-check cannot run these and the report shows only their outcome. They take their
cases from the hidden book (``judge/cases.py``: the public cases and fresh ones).

The ``*_on_fresh_inputs`` checks are the hidden twins of the public checks that decide from what
the student's code computes on the judge's inputs (2.1, 2.2, 3.1, 5.1 on the probe rows and
regularizer arrays; 4.1's consistency on the pixels read): the same check on inputs the
self-check bundle never records, so an answer special-cased to the recorded inputs fails its
twin. A twin has its own name because a hidden check may not resolve in the public module
(load_rubric).
"""

from __future__ import annotations

from grader.cases import Params
from grader.checks import CaseBook, Student, title_pl

from ..public import checks as public
from .cases import FRESH

HIDDEN_CASES = CaseBook(public.CASES.pack, hidden=True)  # the public cases and the fresh ones
FRESH_INPUTS = FRESH["probe_inputs"]


@title_pl("Aktywacje zamienione: kodowanie sigmoid, dekodowanie relu (na nowych danych)")
def check_activations_swapped_on_fresh_inputs(student: Student, inputs: Params = FRESH_INPUTS) -> None:
    """Activations swapped: sigmoid encoder, relu decoder (on fresh inputs)"""
    public.check_activations_swapped(student, inputs=inputs, cases=HIDDEN_CASES)


@title_pl("Ta sama aktywacja w kodowaniu i dekodowaniu (na nowych danych)")
def check_same_activation_both_layers_on_fresh_inputs(student: Student, inputs: Params = FRESH_INPUTS) -> None:
    """The same activation in the encoder and the decoder (on fresh inputs)"""
    public.check_same_activation_both_layers(student, inputs=inputs, cases=HIDDEN_CASES)


@title_pl("Kara L1 na aktywacjach kodu większa niż w sieci bazowej (1e-4) (na nowych danych)")
def check_sparsity_penalty_increased_on_fresh_inputs(student: Student, inputs: Params = FRESH_INPUTS) -> None:
    """An L1 activity penalty on the code larger than the base network's (1e-4) (on fresh inputs)"""
    public.check_sparsity_penalty_increased(student, inputs=inputs, cases=HIDDEN_CASES)


@title_pl("Szum w x_train_noisy/x_test_noisy odpowiada noise_factor (na nowych danych)")
def check_noise_matches_factor_on_fresh_inputs(student: Student, seed: int = FRESH["pixel_draws"]["seed"]) -> None:
    """The noise in x_train_noisy/x_test_noisy matches noise_factor (on fresh inputs)"""
    public.check_noise_matches_factor(student, seed=seed, cases=HIDDEN_CASES)


@title_pl("Warstwy dekodowania używają innej aktywacji niż bazowe relu (na nowych danych)")
def check_deep_decoder_activations_changed_on_fresh_inputs(student: Student, inputs: Params = FRESH_INPUTS) -> None:
    """The decoder's layers use an activation other than the base relu (on fresh inputs)"""
    public.check_deep_decoder_activations_changed(student, inputs=inputs, cases=HIDDEN_CASES)
