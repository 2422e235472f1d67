"""Public checks of the lab autoencoders-keras: run by the judge, readable by students and the sandbox
(the rubric's ``public: true`` checks; hidden checks: ``judge/checks.py``).

Every exercise of seed 004 modifies a base network of the course's lab; a check reads the
network the notebook built (in execute mode: after its capped training) through
``public/probes.py`` and decides from its configuration, confirmed by what it computes:

- a model is read as blocks, a ``Dense`` layer and the weightless layers after it
  (``Activation``, ``ReLU``...). Each Dense block is run on the judge's rows plus wide-range
  rows cut to its fan-in, and its activation is *identified* from the pairs (pre-activation,
  output): the output must equal ``f(u @ kernel + bias)`` for a known ``f`` (relu, sigmoid,
  tanh, linear, elu, selu, softplus, softsign, swish, gelu, leaky relu...) within float32
  rounding. So ``activation='sigmoid'``, ``activation=tf.nn.sigmoid``, a separate
  ``Activation('sigmoid')`` layer or a lambda computing the same function read the same;
  the configured name is shown next to it;
- a regularizer is read by its values on three judge arrays, fitted as ``l1·Σ|a| + l2·Σa²``
  (``regularizers.l1(0.01)``, ``L1``, ``l1_l2`` or a lambda alike);
- the noise of 4.1 is estimated from the notebook's own clean and noisy arrays (a censored
  normal maximum-likelihood estimate: clipping to [0, 1] censors pixels at 0 and 1, so the
  plain standard deviation of the difference would be biased) and compared with ``noise_factor``.

The inputs (the probe rows, the regularizer arrays, the pixel positions of 4.1) come from the
lab's cases (``CASES``: drawn live by the judge-side recipes, ``judge/cases.py``, or read from the
recording in the self-check bundle; ``grader.cases``); how the replies are read is
``analysis.py``. The checks that decide from what the student's code computes on those inputs
take ``inputs`` (or ``seed``) and ``cases``: their hidden twins in ``judge/checks.py`` run them on
fresh inputs from the hidden book.

Weights (each item: 1.0 point, 0.5 scored by these checks, 0.5 by a person for the
observation): 2.1 sizes 1 + swapped 1 + its twin 1; 2.2 sizes 1 + same activation 1 + its twin 1;
3.1 sizes 1 + penalty 1 + its twin 1; 4.1 changed 2 + consistent 1 + its twin 1 + clipped 1; 5.1
sizes 1 + decoder activations 1 + its twin 1. A check and its twin share the weight the check had
alone, so an answer that is right or wrong on every input scores as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from grader.checks import CaseBook, CheckFailure, Student, Text, assert_in_range, title_pl

from . import analysis
from .analysis import DIM_X

# the public cases: live in the checkout, recorded in the bundle (which may rename the pack: its own package)
CASES = CaseBook(__package__)
PROBE_INPUTS: Mapping[str, int] = {"seed": 2022, "digits": 0}  # the case model_layers runs a model on
PIXEL_SEED = 2022  # the case of the pixel positions noise_setup reads

DIM_H, LAYER1, LAYER2 = 32, 128, 64
BASE_L1 = 1e-4  # the lab's sparsity penalty (the seed's 10e-5)
BASE_NOISE = 0.3  # the lab's noise factor
NOISE_RTOL = 0.15  # the noise estimated from the arrays vs noise_factor (estimate's error ~2%)

# ---------------------------------------------------------------------------------------------
# Reading a model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A Dense layer (``kind == 'dense'``) and the weightless layers after it, as read."""

    kind: str  # dense | weighted (another layer with weights) | pre (weightless, first)
    units: int
    fan_in: int
    classes: str  # "Dense" or "Dense+Activation"
    configured: str  # the activations the layers' configuration names ("relu", "linear+sigmoid")
    function: str  # the activation identified from what the block computes ('' unknown)
    activity: np.ndarray | None = None  # the activity regularizers' values on reg_inputs
    kernel_reg: np.ndarray | None = None  # the kernel regularizer's values on reg_inputs

    @property
    def label(self) -> str:
        """How messages name the block's activation."""
        if self.function:
            return self.function
        return f"{self.configured} (?)"

    def uses(self, name: str) -> bool:
        return self.function == name or (not self.function and self.configured == name)


@dataclass(frozen=True)
class Network:
    blocks: tuple[Block, ...]
    output_shape: tuple[int, ...]
    reg_inputs: np.ndarray  # the arrays the regularizers' values were computed on

    @property
    def dense(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "dense"]

    def sizes(self) -> str:
        dense = self.dense
        if not dense:
            return "no Dense layers"
        return " → ".join([str(dense[0].fan_in)] + [str(b.units) for b in dense])


def read_network(student: Student, inputs: Mapping[str, int] = PROBE_INPUTS, cases: CaseBook = CASES) -> Network:
    """The student's model as blocks (see :class:`Block`), activations identified, read on the
    case ``probe_inputs`` of parameters ``inputs``."""
    case = cases["probe_inputs", inputs]
    reply = student.probe("model_layers", x=case.x, wide=case.wide, reg_inputs=case.reg_inputs, seed=0)
    if not reply["chain_matches"]:
        raise CheckFailure(
            Text(
                "nie da się odczytać modelu jako ciągu warstw: wywołanie warstw po kolei nie daje wyjścia modelu "
                "(rozgałęzienia? własna metoda call?)",
                "the model cannot be read as a chain of layers: calling its layers in order does not give the "
                "model's output (branches? a custom call method?)",
            ),
            hint=Text(
                "Zbuduj sieć jako Sequential([...]) albo łańcuch warstw API funkcyjnego: Model(wejście, wyjście).",
                "Build the network as Sequential([...]) or a chain of functional layers: Model(inputs, outputs).",
            ),
        )
    blocks = []
    for i, kind in enumerate(reply["kinds"]):
        function = analysis.identify_activation(reply[f"z_{i}"], reply[f"y_{i}"]) if kind == "dense" else ""
        blocks.append(
            Block(
                kind=kind,
                units=int(reply["units"][i]),
                fan_in=int(reply["fan_ins"][i]),
                classes=reply["classes"][i],
                configured=reply["activations"][i],
                function=function,
                activity=reply.get(f"activity_{i}"),
                kernel_reg=reply.get(f"kernel_reg_{i}"),
            )
        )
    return Network(tuple(blocks), tuple(int(s) for s in reply["output_shape"]), case.reg_inputs)


def _fmt(value: float) -> str:
    return f"{value:.3g}"


# ---------------------------------------------------------------------------------------------
# 2.1, 2.2, 3.1: sizes of the undercomplete autoencoder
# ---------------------------------------------------------------------------------------------

SIZES_HINT = Text(
    "Jak w sieci bazowej: Dense(dim_h, ..., input_shape=(dim_x,)), potem Dense(dim_x, ...), "
    "dim_x = 784, dim_h = 32; zmieniają się tylko aktywacje lub regularyzacja.",
    "As in the base network: Dense(dim_h, ..., input_shape=(dim_x,)), then Dense(dim_x, ...), "
    "dim_x = 784, dim_h = 32; only the activations or the regularization change.",
)


@title_pl("Dwie warstwy Dense 784 → 32 → 784, jak w sieci bazowej")
def check_autoencoder_layer_sizes(student: Student) -> None:
    """Two Dense layers 784 → 32 → 784, as in the base network"""
    net = read_network(student)
    dense = net.dense
    got = net.sizes()
    if len(dense) != 2:
        raise CheckFailure(
            Text(
                f"sieć ma {len(dense)} warstw(y) Dense zamiast 2 (kodująca i dekodująca)",
                f"the network has {len(dense)} Dense layer(s) instead of 2 (the encoder and the decoder)",
            ),
            expected="784 → 32 → 784",
            got=got,
            hint=SIZES_HINT,
        )
    if (dense[0].fan_in, dense[0].units, dense[1].units) != (DIM_X, DIM_H, DIM_X):
        raise CheckFailure(
            Text(
                "warstwy mają złe rozmiary: wejście 784, kod 32 (dim_h), wyjście 784",
                "the layers have the wrong sizes: input 784, code 32 (dim_h), output 784",
            ),
            expected="784 → 32 → 784",
            got=got,
            hint=SIZES_HINT,
        )


def _encoder_decoder(student: Student, inputs: Mapping[str, int], cases: CaseBook) -> tuple[Block, Block]:
    dense = read_network(student, inputs, cases).dense
    if len(dense) < 2:
        raise CheckFailure(
            Text(
                "brak warstwy kodującej i dekodującej: sieć ma mniej niż dwie warstwy Dense",
                "no encoder and decoder layer: the network has fewer than two Dense layers",
            ),
            hint=SIZES_HINT,
        )
    return dense[0], dense[-1]


# ---------------------------------------------------------------------------------------------
# 2.1 activations swapped
# ---------------------------------------------------------------------------------------------

SWAP_HINT = Text(
    "Sieć bazowa: kodowanie relu, dekodowanie sigmoid. Po zamianie: "
    "Dense(dim_h, activation='sigmoid', ...), Dense(dim_x, activation='relu').",
    "The base network: relu encoder, sigmoid decoder. Swapped: "
    "Dense(dim_h, activation='sigmoid', ...), Dense(dim_x, activation='relu').",
)


@title_pl("Aktywacje zamienione: kodowanie sigmoid, dekodowanie relu")
def check_activations_swapped(
    student: Student, inputs: Mapping[str, int] = PROBE_INPUTS, cases: CaseBook = CASES
) -> None:
    """Activations swapped: sigmoid encoder, relu decoder"""
    encoder, decoder = _encoder_decoder(student, inputs, cases)
    pair = (encoder.label, decoder.label)
    if encoder.uses("sigmoid") and decoder.uses("relu"):
        return
    if encoder.uses("relu") and decoder.uses("sigmoid"):
        what = Text(
            "aktywacje nie zostały zamienione: kodowanie nadal relu, a dekodowanie sigmoid, jak w sieci bazowej",
            "the activations are not swapped: the encoder still uses relu and the decoder sigmoid, as in the base network",
        )
    elif encoder.uses("sigmoid") and decoder.uses("sigmoid"):
        what = Text(
            "zmieniona została tylko aktywacja kodowania (sigmoid); dekodowanie nadal sigmoid zamiast relu",
            "only the encoder's activation was changed (sigmoid); the decoder still uses sigmoid instead of relu",
        )
    elif encoder.uses("relu") and decoder.uses("relu"):
        what = Text(
            "zmieniona została tylko aktywacja dekodowania (relu); kodowanie nadal relu zamiast sigmoid",
            "only the decoder's activation was changed (relu); the encoder still uses relu instead of sigmoid",
        )
    else:
        what = Text(
            f"kodowanie {encoder.label}, dekodowanie {decoder.label}: zamiana aktywacji sieci bazowej daje "
            "kodowanie sigmoid i dekodowanie relu",
            f"encoder {encoder.label}, decoder {decoder.label}: swapping the base network's activations gives "
            "a sigmoid encoder and a relu decoder",
        )
    raise CheckFailure(what, expected="(sigmoid, relu)", got=f"({pair[0]}, {pair[1]})", hint=SWAP_HINT)


# ---------------------------------------------------------------------------------------------
# 2.2 the same activation in both layers
# ---------------------------------------------------------------------------------------------


@title_pl("Ta sama aktywacja w kodowaniu i dekodowaniu")
def check_same_activation_both_layers(
    student: Student, inputs: Mapping[str, int] = PROBE_INPUTS, cases: CaseBook = CASES
) -> None:
    """The same activation in the encoder and the decoder"""
    encoder, decoder = _encoder_decoder(student, inputs, cases)
    if encoder.function and encoder.function == decoder.function:
        return
    if not (encoder.function or decoder.function) and encoder.configured == decoder.configured:
        return  # neither is a known function; configured the same
    if encoder.uses("relu") and decoder.uses("sigmoid"):
        what = Text(
            "aktywacje są nadal te z sieci bazowej (kodowanie relu, dekodowanie sigmoid): różne",
            "the activations are still the base network's (relu encoder, sigmoid decoder): different",
        )
    else:
        what = Text(
            f"różne aktywacje: kodowanie {encoder.label}, dekodowanie {decoder.label}",
            f"different activations: encoder {encoder.label}, decoder {decoder.label}",
        )
    raise CheckFailure(
        what,
        expected="the same function in both layers",
        got=f"({encoder.label}, {decoder.label})",
        hint=Text(
            "Np. Dense(dim_h, activation='relu', ...) i Dense(dim_x, activation='relu').",
            "E.g. Dense(dim_h, activation='relu', ...) and Dense(dim_x, activation='relu').",
        ),
    )


# ---------------------------------------------------------------------------------------------
# 3.1 a larger L1 activity penalty
# ---------------------------------------------------------------------------------------------

PENALTY_HINT = Text(
    "Kara rzadkości to regularyzacja aktywności warstwy kodującej: "
    "Dense(dim_h, activation='relu', activity_regularizer=regularizers.l1(λ), ...) z λ > 1e-4 (np. 0.01).",
    "The sparsity penalty is an activity regularizer on the code layer: "
    "Dense(dim_h, activation='relu', activity_regularizer=regularizers.l1(λ), ...) with λ > 1e-4 (e.g. 0.01).",
)


@title_pl("Kara L1 na aktywacjach kodu większa niż w sieci bazowej (1e-4)")
def check_sparsity_penalty_increased(
    student: Student, inputs: Mapping[str, int] = PROBE_INPUTS, cases: CaseBook = CASES
) -> None:
    """An L1 activity penalty on the code larger than the base network's (1e-4)"""
    net = read_network(student, inputs, cases)
    dense = net.dense
    if not dense:
        raise CheckFailure(Text("sieć nie ma warstw Dense", "the network has no Dense layers"), hint=PENALTY_HINT)
    code = dense[0]
    if code.activity is None:
        if code.kernel_reg is not None:
            what = Text(
                "kara działa na wagi warstwy kodującej (kernel_regularizer), a nie na jej aktywacje "
                "(activity_regularizer): to nie jest kara rzadkości kodu",
                "the penalty acts on the code layer's weights (kernel_regularizer), not on its activations "
                "(activity_regularizer): that is not a sparsity penalty on the code",
            )
        elif any(b.activity is not None for b in dense[1:]):
            what = Text(
                "kara aktywności jest na warstwie wyjściowej, a nie na warstwie kodującej (dim_h)",
                "the activity penalty is on the output layer, not on the code layer (dim_h)",
            )
        else:
            what = Text(
                "brak kary rzadkości: warstwa kodująca nie ma activity_regularizer",
                "no sparsity penalty: the code layer has no activity_regularizer",
            )
        raise CheckFailure(what, expected="activity_regularizer = l1(λ > 1e-4)", got="none", hint=PENALTY_HINT)
    l1, l2, fits = analysis.penalty_coefficients(code.activity, net.reg_inputs)
    got = f"l1 = {_fmt(l1)}, l2 = {_fmt(l2)}"
    if not fits:
        raise CheckFailure(
            Text(
                "kara aktywności nie ma postaci λ·Σ|h| (ani λ·Σh²): nie jest to kara L1",
                "the activity penalty is not of the form λ·Σ|h| (nor λ·Σh²): not an L1 penalty",
            ),
            expected="l1(λ), λ > 1e-4",
            got=f"values {np.round(code.activity, 6).tolist()}",
            hint=PENALTY_HINT,
        )
    if l1 > BASE_L1 * (1 + 1e-3):
        return
    if l1 == 0 and l2 > 0:
        what = Text(
            f"kara L2 (λ·Σh², λ = {_fmt(l2)}) zamiast L1 (λ·Σ|h|): L1 zeruje aktywacje, czyli daje rzadki kod",
            f"an L2 penalty (λ·Σh², λ = {_fmt(l2)}) instead of L1 (λ·Σ|h|): L1 drives activations to zero, "
            "which makes the code sparse",
        )
    elif abs(l1 - BASE_L1) <= BASE_L1 * 1e-3:
        what = Text(
            "waga kary L1 nie jest większa niż w sieci bazowej: λ = 1e-4, bez zmian",
            "the L1 penalty's weight is not larger than the base network's: λ = 1e-4, unchanged",
        )
    else:
        what = Text(
            f"waga kary L1 została zmniejszona (λ = {_fmt(l1)} < 1e-4), a ćwiczenie każe ją zwiększyć",
            f"the L1 penalty's weight was decreased (λ = {_fmt(l1)} < 1e-4); the exercise asks to increase it",
        )
    raise CheckFailure(what, expected="l1 > 1e-4", got=got, hint=PENALTY_HINT)


# ---------------------------------------------------------------------------------------------
# 4.1 the noise factor
# ---------------------------------------------------------------------------------------------

NOISE_HINT = Text(
    "noise_factor = 0.6 (lub np. 0.1); x_train_noisy = x_train + noise_factor * np.random.normal(...), "
    "to samo dla x_test, potem np.clip(..., 0., 1.); uruchom komórkę w całości.",
    "noise_factor = 0.6 (or e.g. 0.1); x_train_noisy = x_train + noise_factor * np.random.normal(...), "
    "the same for x_test, then np.clip(..., 0., 1.); run the whole cell.",
)


def _noise(student: Student, seed: int = PIXEL_SEED, cases: CaseBook = CASES):
    return student.probe("noise_setup", fractions=cases["pixel_draws", {"seed": seed}].fractions, seed=0)


@title_pl("noise_factor różny od wartości bazowej 0.3")
def check_noise_factor_changed(student: Student) -> None:
    """noise_factor differs from the base value 0.3"""
    factor = float(_noise(student)["noise_factor"])
    if not np.isfinite(factor) or factor <= 0:
        raise CheckFailure(
            Text(
                "noise_factor musi być dodatni: to odchylenie standardowe dodawanego szumu",
                "noise_factor must be positive: it is the standard deviation of the added noise",
            ),
            expected="> 0, ≠ 0.3",
            got=factor,
            hint=NOISE_HINT,
        )
    if abs(factor - BASE_NOISE) <= 1e-6:
        raise CheckFailure(
            Text(
                "noise_factor nie został zmieniony: 0.3, jak w sieci bazowej",
                "noise_factor was not changed: 0.3, as in the base network",
            ),
            expected="≠ 0.3",
            got=factor,
            hint=NOISE_HINT,
        )


def _noisy_arrays_present(reply) -> None:
    for clean, noisy in (("x_train", "x_train_noisy"), ("x_test", "x_test_noisy")):
        if f"{noisy}_type" in reply:
            raise CheckFailure(
                Text(
                    f"{noisy} nie jest tablicą liczb ({reply[f'{noisy}_type']})",
                    f"{noisy} is not a numeric array ({reply[f'{noisy}_type']})",
                ),
                hint=NOISE_HINT,
            )
        if f"{noisy}_shape" not in reply:
            raise CheckFailure(
                Text(
                    f"brak zaszumionych danych: {noisy} nie jest zdefiniowana",
                    f"the noisy data are missing: {noisy} is not defined",
                ),
                hint=NOISE_HINT,
            )
        if f"{clean}_shape" in reply and reply[f"{noisy}_shape"] != reply[f"{clean}_shape"]:
            raise CheckFailure(
                Text(f"{noisy} ma inny kształt niż {clean}", f"{noisy} has another shape than {clean}"),
                expected=tuple(reply[f"{clean}_shape"]),
                got=tuple(reply[f"{noisy}_shape"]),
                hint=NOISE_HINT,
            )


@title_pl("Zaszumione dane (x_train_noisy, x_test_noisy) przycięte do [0, 1]")
def check_noisy_inputs_clipped(student: Student) -> None:
    """The noisy inputs (x_train_noisy, x_test_noisy) are clipped to [0, 1]"""
    reply = _noise(student)
    _noisy_arrays_present(reply)
    for name in ("x_train_noisy", "x_test_noisy"):
        values = np.array([reply[f"{name}_min"], reply[f"{name}_max"]])
        if not reply[f"{name}_finite"]:
            values = np.array([np.nan])
        assert_in_range(
            values,
            -1e-6,
            1 + 1e-6,
            Text(
                f"wartości {name} wychodzą poza [0, 1]: brakuje przycięcia np.clip(..., 0., 1.) (piksele to jasności z [0, 1])",
                f"the values of {name} leave [0, 1]: the clipping np.clip(..., 0., 1.) is missing (pixels are intensities in [0, 1])",
            ),
            hint=NOISE_HINT,
        )


@title_pl("Szum w x_train_noisy/x_test_noisy odpowiada noise_factor")
def check_noise_matches_factor(student: Student, seed: int = PIXEL_SEED, cases: CaseBook = CASES) -> None:
    """The noise in x_train_noisy/x_test_noisy matches noise_factor"""
    reply = _noise(student, seed, cases)
    _noisy_arrays_present(reply)
    factor = float(reply["noise_factor"])
    for name in ("x_train_noisy", "x_test_noisy"):
        if f"clean_{name}" not in reply:
            continue  # no clean counterpart to compare with (x_train deleted?): nothing to estimate
        clipped = reply[f"{name}_min"] >= 0.0 and reply[f"{name}_max"] <= 1.0
        estimate = analysis.estimate_noise_std(reply[f"clean_{name}"], reply[f"noisy_{name}"], clipped)
        if factor > 0 and abs(estimate - factor) <= NOISE_RTOL * factor:
            continue
        base = abs(estimate - BASE_NOISE) <= NOISE_RTOL * BASE_NOISE and abs(factor - BASE_NOISE) > 1e-6
        extra = (
            Text(
                " (to wartość bazowa 0.3: dane zrobiono stałą zamiast noise_factor?)",
                " (the base value 0.3: were the data made with a literal instead of noise_factor?)",
            )
            if base
            else Text("", "")
        )
        raise CheckFailure(
            Text(
                f"szum w {name} ma odchylenie ≈ {_fmt(estimate)}, a noise_factor = {_fmt(factor)}{extra.pl}: dane nie zostały "
                "zaszumione współczynnikiem noise_factor",
                f"the noise in {name} has a standard deviation ≈ {_fmt(estimate)}, but noise_factor = {_fmt(factor)}{extra.en}: "
                "the data were not made noisy with noise_factor",
            ),
            expected=f"≈ {_fmt(factor)} (±{NOISE_RTOL:.0%})",
            got=f"≈ {_fmt(estimate)}",
            hint=NOISE_HINT,
        )


# ---------------------------------------------------------------------------------------------
# 5.1 the deep autoencoder's decoder activations
# ---------------------------------------------------------------------------------------------

DEEP_SIZES = (DIM_X, LAYER1, LAYER2, DIM_H, LAYER2, LAYER1, DIM_X)
DEEP_HINT = Text(
    "Sieć bazowa: sześć warstw Dense 784 → 128 → 64 → 32 → 64 → 128 → 784, wszystkie relu poza wyjściową "
    "(sigmoid); w dekodowaniu (warstwy 64 i 128 po kodzie) użyj innej funkcji, np. sigmoid lub tanh.",
    "The base network: six Dense layers 784 → 128 → 64 → 32 → 64 → 128 → 784, all relu but the output "
    "(sigmoid); in the decoder (the 64 and 128 layers after the code) use another function, e.g. sigmoid or tanh.",
)


@title_pl("Sześć warstw Dense 784 → 128 → 64 → 32 → 64 → 128 → 784, jak w sieci bazowej")
def check_deep_layer_sizes(student: Student) -> None:
    """Six Dense layers 784 → 128 → 64 → 32 → 64 → 128 → 784, as in the base network"""
    net = read_network(student)
    dense = net.dense
    sizes = tuple([dense[0].fan_in] + [b.units for b in dense]) if dense else ()
    if sizes != DEEP_SIZES:
        raise CheckFailure(
            Text(
                "warstwy Dense mają inne rozmiary niż w sieci bazowej (layer1_dim, layer2_dim, dim_h)",
                "the Dense layers' sizes differ from the base network's (layer1_dim, layer2_dim, dim_h)",
            ),
            expected=" → ".join(map(str, DEEP_SIZES)),
            got=net.sizes(),
            hint=DEEP_HINT,
        )


@title_pl("Warstwy dekodowania używają innej aktywacji niż bazowe relu")
def check_deep_decoder_activations_changed(
    student: Student, inputs: Mapping[str, int] = PROBE_INPUTS, cases: CaseBook = CASES
) -> None:
    """The decoder's layers use an activation other than the base relu"""
    dense = read_network(student, inputs, cases).dense
    if len(dense) < 3:
        raise CheckFailure(
            Text(
                "sieć ma mniej niż trzy warstwy Dense: brak warstw dekodowania przed wyjściem",
                "the network has fewer than three Dense layers: no decoder layers before the output",
            ),
            hint=DEEP_HINT,
        )
    code = min(range(len(dense)), key=lambda i: dense[i].units)
    encoder, hidden, output = dense[: code + 1], dense[code + 1 : -1], dense[-1]
    if not hidden:
        raise CheckFailure(
            Text(
                "po warstwie kodu nie ma ukrytych warstw dekodowania", "no hidden decoder layers after the code layer"
            ),
            got=" → ".join(str(b.units) for b in dense),
            hint=DEEP_HINT,
        )
    still = [b for b in hidden if b.uses("relu")]
    if not still:
        return
    labels = ", ".join(f"{b.units}: {b.label}" for b in dense)
    if len(still) < len(hidden):
        units = ", ".join(str(b.units) for b in still)
        what = Text(
            f"nie wszystkie warstwy dekodowania zmieniono: warstwa(y) {units} nadal relu",
            f"not every decoder layer was changed: the layer(s) of {units} units still use relu",
        )
    elif any(not b.uses("relu") for b in encoder):
        what = Text(
            "zmieniono aktywacje kodowania, a nie dekodowania: warstwy dekodowania nadal relu",
            "the encoder's activations were changed, not the decoder's: the decoder layers still use relu",
        )
    elif not output.uses("sigmoid"):
        what = Text(
            f"zmieniono tylko warstwę wyjściową ({output.label}); ukryte warstwy dekodowania nadal relu",
            f"only the output layer was changed ({output.label}); the decoder's hidden layers still use relu",
        )
    else:
        what = Text(
            "warstwy dekodowania nadal używają relu, jak w sieci bazowej",
            "the decoder layers still use relu, as in the base network",
        )
    raise CheckFailure(what, expected="decoder layers (after the code) not relu", got=labels, hint=DEEP_HINT)
