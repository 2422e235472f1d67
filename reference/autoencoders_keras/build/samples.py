"""Sample students of lab ``autoencoders-keras``, written the way students write.

``build/notebooks.py`` turns each entry of :data:`SAMPLES` into
``submissions/autoencoders-keras/<name>.ipynb``: the solution notebook with the listed answer
slots replaced (slot ids as in ``notebooks.TEMPLATE_SLOTS``: ``"2.1"`` ... ``"5.1"`` for the
code cells, ``"<id>.answer"`` for the prose). ``solution`` and ``blank`` (the template) are
written by ``build/notebooks.py`` itself.

- ``styl_funkcyjny`` is correct, in other styles and with other right choices: the functional
  API ``Model(inputs, outputs)`` (2.1-3.1), ``activation=tf.nn.sigmoid`` (2.2: sigmoid in both
  layers), ``regularizers.l1(1e-3)`` (3.1), noise 0.1 clipped in one expression (4.1), a
  ``Sequential`` starting with ``Input(shape=...)`` and a tanh decoder (5.1); its observations
  are in Polish.
- ``baza_<item>`` leaves one exercise at the lab's base configuration but edits the graded
  definition so that it is not the template's code (the grader sends a definition identical
  to the template's to ``missing`` without running a check): literal sizes ``Dense(32, ...)``
  (2.1, 5.1), ``regularizers.L1(1e-4)`` (3.1), ``noise_factor: float = 0.3`` (4.1). Changing
  only the ``fit`` call (epochs) would not do: ``fit`` does not configure the model.
- ``zle_<item>_<fault>`` has exactly the fault its name says.

Every sample other than ``styl_funkcyjny`` is the solution with exact edits of one answer cell
(:func:`sources.edit`: an edit that no longer matches the solution raises, so the
samples cannot drift). :data:`FAULTS` says what each one gets wrong and :data:`LOSES` what it
loses of the automatic points of each item (0.5 of each item's 1.0; the other 0.5 is a
person's): the tests assert it by running the checks on the samples' cells and by grading them.
"""

from __future__ import annotations

from ...build.common import Loss
from .sources import edit, solution_source

FIT = """

{model}.compile(optimizer='adam', loss='binary_crossentropy')

{model}.fit({inputs}, x_train,
                epochs={epochs},
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""


def _fit(model: str, epochs: int, inputs: str = "x_train") -> str:
    return FIT.format(model=model, epochs=epochs, inputs=inputs)


# =============================================================================================
# styl_funkcyjny: functional API, other right choices, Polish observations
# =============================================================================================

FUNKCYJNY_2_1 = """import tensorflow as tf
from tensorflow.keras.models import Model

dim_x = 28*28
dim_h = 32

# API funkcyjne; odwrotnie niż w sieci bazowej: sigmoid w koderze, relu w dekoderze
wejscie = Input(shape=(dim_x,))
kod = Dense(dim_h, activation='sigmoid')(wejscie)
wyjscie = Dense(dim_x, activation='relu')(kod)
autoencoder = Model(wejscie, wyjscie)""" + _fit("autoencoder", 20)

FUNKCYJNY_2_2 = """# ta sama funkcja (sigmoida) w koderze i w dekoderze
wejscie = Input(shape=(dim_x,))
kod = Dense(dim_h, activation=tf.nn.sigmoid)(wejscie)
wyjscie = Dense(dim_x, activation=tf.nn.sigmoid)(kod)
autoencoder = Model(wejscie, wyjscie)""" + _fit("autoencoder", 20)

FUNKCYJNY_3_1 = """# kara L1 na aktywacjach kodu 10 razy większa niż w sieci bazowej (1e-4 -> 1e-3)
wejscie = Input(shape=(dim_x,))
kod = Dense(dim_h, activation='relu',
            activity_regularizer=regularizers.l1(1e-3))(wejscie)
wyjscie = Dense(dim_x, activation='sigmoid')(kod)
sparse_autoencoder = Model(wejscie, wyjscie)""" + _fit("sparse_autoencoder", 30)

FUNKCYJNY_4_1 = """# mniej szumu niż w sieci bazowej (0.3)
noise_factor = 0.1
x_train_noisy = np.clip(x_train + noise_factor * np.random.normal(size=x_train.shape), 0., 1.)
x_test_noisy = np.clip(x_test + noise_factor * np.random.normal(size=x_test.shape), 0., 1.)

noisy_autoencoder = Sequential([
    Dense(dim_h, activation='relu', input_shape=(dim_x,)),
    Dense(dim_x, activation='sigmoid')
])""" + _fit("noisy_autoencoder", 30, "x_train_noisy")

FUNKCYJNY_5_1 = """layer1_dim = 128
layer2_dim = 64

deep_autoencoder = Sequential([
    Input(shape=(dim_x,)),
    Dense(layer1_dim, activation='relu'),
    Dense(layer2_dim, activation='relu'),
    Dense(dim_h, activation='relu'),
    # dekoder: tanh zamiast relu
    Dense(layer2_dim, activation='tanh'),
    Dense(layer1_dim, activation='tanh'),
    Dense(dim_x, activation='sigmoid')
])""" + _fit("deep_autoencoder", 30)

FUNKCYJNY_ANSWERS = {
    "2.1.answer": "Po zamianie (sigmoida w koderze, relu w dekoderze) strata treningowa i walidacyjna jest "
    "wyraźnie większa niż w sieci z laboratorium, a rekonstrukcje mają artefakty: relu na "
    "wyjściu nie ogranicza pikseli do [0, 1], a część wyjść utyka na zerze.",
    "2.2.answer": "Z sigmoidą w obu warstwach sieć uczy się wolniej niż wersja bazowa (kod jest ściśnięty do "
    "(0, 1)), strata jest nieco większa, a cyfry są bardziej rozmyte.",
    "3.1.answer": "Przy λ = 1e-3 kod jest rzadszy (większość neuronów warstwy ukrytej ma aktywację bliską 0), "
    "strata rośnie, a rekonstrukcje są bardziej rozmyte niż przy λ = 1e-4.",
    "4.1.answer": "Przy mniejszym szumie (0.1) cyfry z szumem są dobrze czytelne, a autokoder odszumiający "
    "odtwarza je prawie tak dobrze jak zwykły autokoder; strata jest mniejsza niż przy 0.3.",
    "5.1.answer": "Z tanh w dekoderze strata jest podobna do sieci bazowej, a rekonstrukcje minimalnie bardziej "
    "rozmyte; różnice są małe.",
}

# =============================================================================================
# One exercise left at the base (its definition edited, its configuration the lab's)
# =============================================================================================

BAZA_2_1 = edit(
    solution_source("SOLUTION_2_1"),
    ("Dense(dim_h, activation='sigmoid', input_shape=(dim_x,))", "Dense(32, activation='relu', input_shape=(784,))"),
    ("Dense(dim_x, activation='relu')", "Dense(784, activation='sigmoid')"),
)

BAZA_3_1 = edit(solution_source("SOLUTION_3_1"), ("regularizers.l1(0.01)", "regularizers.L1(1e-4)"))

BAZA_4_1 = edit(solution_source("SOLUTION_4_1"), ("noise_factor = 0.6", "noise_factor: float = 0.3"))

BAZA_5_1 = edit(
    solution_source("SOLUTION_5_1"),
    ("Dense(layer1_dim, activation='relu', input_shape=(dim_x,))", "Dense(128, activation='relu', input_shape=(784,))"),
    ("Dense(layer2_dim, activation='sigmoid'),", "Dense(64, activation='relu'),"),
    ("Dense(layer1_dim, activation='sigmoid'),", "Dense(128, activation='relu'),"),
)

# =============================================================================================
# One fault each
# =============================================================================================

# only the encoder changed (sigmoid); the decoder kept the base's sigmoid
ZLE_2_1_TYLKO_KODER = edit(
    solution_source("SOLUTION_2_1"), ("Dense(dim_x, activation='relu')", "Dense(dim_x, activation='sigmoid')")
)

# tanh in the encoder, relu in the decoder: different functions
ZLE_2_2_ROZNE = edit(
    solution_source("SOLUTION_2_2"),
    ("Dense(dim_h, activation='relu', input_shape=(dim_x,))", "Dense(dim_h, activation='tanh', input_shape=(dim_x,))"),
)

ZLE_3_1_L2 = edit(solution_source("SOLUTION_3_1"), ("regularizers.l1(0.01)", "regularizers.l2(0.01)"))

ZLE_4_1_BEZ_CLIP = edit(
    solution_source("SOLUTION_4_1"),
    ("\n\nx_train_noisy = np.clip(x_train_noisy, 0., 1.)\nx_test_noisy = np.clip(x_test_noisy, 0., 1.)", ""),
)

ZLE_4_1_NIESPOJNY = edit(
    solution_source("SOLUTION_4_1"),
    ("x_train + noise_factor * np.random", "x_train + 0.3 * np.random"),
    ("x_test + noise_factor * np.random", "x_test + 0.3 * np.random"),
)

# the encoder's layers sigmoid, the decoder's back to relu
ZLE_5_1_KODER = edit(
    solution_source("SOLUTION_5_1"),
    (
        "Dense(layer1_dim, activation='relu', input_shape=(dim_x,))",
        "Dense(layer1_dim, activation='sigmoid', input_shape=(dim_x,))",
    ),
    ("Dense(layer2_dim, activation='relu'),", "Dense(layer2_dim, activation='sigmoid'),"),
    ("Dense(dim_h, activation='relu'),", "Dense(dim_h, activation='sigmoid'),"),
    (
        "Dense(layer2_dim, activation='sigmoid'),\n    Dense(layer1_dim, activation='sigmoid'),",
        "Dense(layer2_dim, activation='relu'),\n    Dense(layer1_dim, activation='relu'),",
    ),
)

# =============================================================================================
# The samples
# =============================================================================================

#: sample name -> answer slots replaced (source text).
SAMPLES: dict[str, dict[str, str]] = {
    "styl_funkcyjny": {
        "2.1": FUNKCYJNY_2_1,
        "2.2": FUNKCYJNY_2_2,
        "3.1": FUNKCYJNY_3_1,
        "4.1": FUNKCYJNY_4_1,
        "5.1": FUNKCYJNY_5_1,
        **FUNKCYJNY_ANSWERS,
    },
    "baza_2_1": {"2.1": BAZA_2_1},
    "baza_3_1": {"3.1": BAZA_3_1},
    "baza_4_1": {"4.1": BAZA_4_1},
    "baza_5_1": {"5.1": BAZA_5_1},
    "zle_2_1_tylko_koder": {"2.1": ZLE_2_1_TYLKO_KODER},
    "zle_2_2_rozne": {"2.2": ZLE_2_2_ROZNE},
    "zle_3_1_l2": {"3.1": ZLE_3_1_L2},
    "zle_4_1_bez_clip": {"4.1": ZLE_4_1_BEZ_CLIP},
    "zle_4_1_niespojny": {"4.1": ZLE_4_1_NIESPOJNY},
    "zle_5_1_koder": {"5.1": ZLE_5_1_KODER},
}

#: sample name -> what it gets wrong (``None``: correct; the solution and blank are not listed).
FAULTS: dict[str, str | None] = {
    "styl_funkcyjny": None,
    "baza_2_1": "2.1 left at the base relu/sigmoid (sizes written as literals 32, 784)",
    "baza_3_1": "3.1 left at the base penalty l1 = 1e-4 (written regularizers.L1(1e-4))",
    "baza_4_1": "4.1 left at the base noise factor 0.3 (written with a type annotation)",
    "baza_5_1": "5.1 left at the base: every hidden layer relu (sizes written as literals)",
    "zle_2_1_tylko_koder": "2.1 changes only the encoder: sigmoid/sigmoid",
    "zle_2_2_rozne": "2.2 uses different activations: tanh encoder, relu decoder",
    "zle_3_1_l2": "3.1 uses an L2 activity penalty (0.01) instead of L1",
    "zle_4_1_bez_clip": "4.1 does not clip the noisy inputs to [0, 1]",
    "zle_4_1_niespojny": "4.1 sets noise_factor = 0.6 but makes the noisy arrays with a literal 0.3",
    "zle_5_1_koder": "5.1 changes the encoder's activations (sigmoid), the decoder stays relu",
}

ITEMS = ("2.1", "2.2", "3.1", "4.1", "5.1")
if set(FAULTS) != set(SAMPLES):
    raise ValueError("FAULTS and SAMPLES list different students")

_UNTOUCHED = "left as the template defined it"

#: sample -> item -> what it loses when graded: automatic points, status, a fragment of the
#: message naming the fault. An item not listed gets its full automatic points (0.5), passed.
#: The tests grade every sample through the sandbox against this table (tests/test_every_lab.py),
#: and docs/labs/autoencoders-keras.md's table of the samples shows the same.
LOSES: dict[str, dict[str, Loss]] = {
    "solution": {},
    "styl_funkcyjny": {},
    "blank": {item: Loss(0, "missing", _UNTOUCHED) for item in ITEMS},
    "baza_2_1": {"2.1": Loss(0.166667, "failed", "the activations are not swapped")},
    "baza_3_1": {"3.1": Loss(0.166667, "failed", "not larger than the base network's")},
    "baza_4_1": {"4.1": Loss(0.3, "failed", "noise_factor was not changed")},
    "baza_5_1": {"5.1": Loss(0.166667, "failed", "the decoder layers still use relu, as in the base network")},
    "zle_2_1_tylko_koder": {"2.1": Loss(0.166667, "failed", "only the encoder's activation was changed")},
    "zle_2_2_rozne": {"2.2": Loss(0.166667, "failed", "different activations: encoder tanh, decoder relu")},
    "zle_3_1_l2": {"3.1": Loss(0.166667, "failed", "an L2 penalty")},
    "zle_4_1_bez_clip": {"4.1": Loss(0.4, "failed", "the clipping np.clip(..., 0., 1.) is missing")},
    "zle_4_1_niespojny": {"4.1": Loss(0.3, "failed", "not made noisy with noise_factor")},
    "zle_5_1_koder": {"5.1": Loss(0.166667, "failed", "the encoder's activations were changed, not the decoder's")},
}
if set(LOSES) != set(SAMPLES) | {"solution", "blank"}:
    raise ValueError("LOSES lists other students than SAMPLES, solution and blank")
