"""Write the notebooks of lab ``autoencoders-keras``: the student template, the solution and the
sample submissions.

    python -m reference.autoencoders_keras.build.notebooks [--root DIR]

writes, under ``DIR`` (default: the repository root):

- ``reference/autoencoders_keras/public/template.ipynb``: the notebook students get, made from the Greek
  notebook of seed 004 ("Άσκηση 12 - Αυτοκωδικοποιητές"; its text is embedded below,
  verbatim): for each exercise the seed's question, a code cell holding the lab's BASE network
  (the network "shown in the lab" that the exercise modifies) with a ``# ΣΥΜΠΛΗΡΩΣΤΕ`` comment
  saying what to change, the seed's compile/fit call, the seed's encoder/decoder split and
  ``compare_digits`` cell, and an answer cell ``ΓΡΑΨΤΕ ΤΗΝ ΑΠΑΝΤΗΣΗ ΣΑΣ ΕΔΩ``;
- ``reference/autoencoders_keras/judge/solution.ipynb``: the template with the seed's own answers
  (``solution.py``: its code cells and its observations);
- ``submissions/autoencoders-keras/*.ipynb``: sample students (file name = student id): the
  solution, the blank template and the students of ``samples.py`` (:data:`samples.SAMPLES`),
  each the solution with the listed answer slots replaced.

Answer slots (:data:`TEMPLATE_SLOTS`): ``"2.1"``, ``"2.2"``, ``"3.1"``, ``"4.1"``, ``"5.1"``
(the exercise's code cell) and ``"<id>.answer"`` (its prose cell, after the split cell).
The helpers ``compare_digits``/``display_digits`` come from ``public/scaffold.py`` and the
answers from ``solution.py``, read as source text (``ast``, never imported): building needs
no TensorFlow, and the notebooks cannot drift from the modules. The base cells are the seed's
answer cells edited back to the lab's configuration (:func:`edit`, each edit checked to match
once). Every notebook has the same cells (ids ``cell-001``...); only the answer slots differ.
The output is deterministic: running the script twice gives identical bytes.

Deviations from the seed: its imports cell also has ``import pandas as pd`` (unused; pandas is
not installed in the grader's sandbox, and the failing import would stop the cell before
``np.random.seed``): left out. Each group heading's cell gets one added sentence saying that the
base network is given in the code cell (the seed's section 4 calls its base "the sparse
autoencoder", a slip of the seed kept verbatim; the given cell is the denoising one).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ...build.common import REPO_ROOT, assemble, build_cli, lab_notebooks, notebook_metadata, write_notebooks
from . import samples
from .sources import edit, insert_before, scaffold_source, solution_source

LAB = "autoencoders-keras"
LAB_DIR = Path("reference") / "autoencoders_keras"
SUBMISSIONS_DIR = Path("submissions") / LAB

PLACEHOLDER = "ΓΡΑΨΤΕ ΤΗΝ ΑΠΑΝΤΗΣΗ ΣΑΣ ΕΔΩ"
TODO_MARK = "# ΣΥΜΠΛΗΡΩΣΤΕ"

METADATA = notebook_metadata(LAB)

# ---------------------------------------------------------------------------------------------
# The text of seed 004, verbatim (its trailing spaces written ``\x20``), cut into cells.
# ---------------------------------------------------------------------------------------------

TITLE = """# Άσκηση 12 - Αυτοκωδικοποιητές"""

INTRO_H = """## 1. Εισαγωγή"""

LIBS_H = """### 1.α. Βιβλιοθήκες"""

HELPERS_H = """### 1.β. Βοηθητικές συναρτήσεις"""

DATA_H = """### 1.γ. Δεδομένα"""

IMPORTS = """from tensorflow.keras import regularizers
from tensorflow.keras.datasets import mnist
from tensorflow.keras.layers import Input, Dense
from tensorflow.keras.models import Sequential
from sklearn.preprocessing import MinMaxScaler
from sklearn.metrics.pairwise import cosine_similarity

import matplotlib.pyplot as plt
import numpy as np

# Θέτουμε σπορά (seed) στη γεννήτρια ψευδο-τυχαίων αριθμών για να λάβουμε
# ίδια αποτελέσματα

np.random.seed(2022)"""

DATA = """(x_train, _), (x_test, _) = mnist.load_data()

x_train = x_train.reshape((len(x_train), np.prod(x_train.shape[1:])))
x_test = x_test.reshape((len(x_test), np.prod(x_test.shape[1:])))

scaler = MinMaxScaler()
x_train = scaler.fit_transform(x_train)
x_test = scaler.fit_transform(x_test)

print(x_train.shape)
print(x_test.shape)"""

GROUP_2 = """## 2. Υποπλήρης Αυτοκωδικοποιητής

Βάση εργασίας αποτελεί ο υποπλήρης αυτοκωδικοποιητής που δείξαμε στο εργαστήριο"""

Q_2_1 = """### 2.1.  Αντιστρέψετε τις συναρτήσεις (απο)κωδικοποίησης. Τι παρατηρείτε;"""

SPLIT_2 = """encoder = Sequential([
    autoencoder.layers[-2]
])

decoder = Sequential([
    autoencoder.layers[-1]
])

h = encoder.predict(x_test)
x_test_out = decoder.predict(h)

compare_digits(x_test, x_test_out)"""

Q_2_2 = (
    """### 2.2. Χρησιμοποιείστε την ίδια συνάρτηση κωδικοποίησης και αποκωδικοποίησης (λχ τη relu). Τι παρατηρείτε;"""
)

GROUP_3 = """## 3. Αραιός Αυτοκωδικοποιητής

Βάση εργασίας αποτελεί ο αραιός αυτοκωδικοποιητής που δείξαμε στο εργαστήριο"""

Q_3_1 = """### 3.1. Δοκιμάστε να αυξήσετε το βάρος της ποινής αραιότητας. Τι παρατηρείτε;"""

SPLIT_3 = """sparse_encoder = Sequential([
    sparse_autoencoder.layers[-2]
])

sparse_decoder = Sequential([
    sparse_autoencoder.layers[-1]
])

h_sparse = sparse_encoder.predict(x_test)
x_test_out_sparse = sparse_decoder.predict(h_sparse)

compare_digits(x_test, x_test_out_sparse)"""

GROUP_4 = """## 4. Αυτοκωδικοποιητής απαλοιφής θορύβου

Βάση εργασίας αποτελεί ο αραιός αυτοκωδικοποιητής που δείξαμε στο εργαστήριο."""

Q_4_1 = """### 4.1. Δοκιμάστε να μεταβάλλετε (αυξήσετε/μειώσετε) το συντελεστή θορύβου. Τι παρατηρείτε;"""

SPLIT_4 = """noisy_encoder = Sequential([
    noisy_autoencoder.layers[-2]
])

noisy_decoder = Sequential([
    noisy_autoencoder.layers[-1]
])

h_noisy = noisy_encoder.predict(x_test_noisy)
x_test_out_noisy = noisy_decoder.predict(h_noisy)
compare_digits(x_test_noisy, x_test_out_noisy)"""

GROUP_5 = """## 5. Βαθύς αυτοκωδικοποιητής

Βάση εργασίας αποτελεί ο βαθύς αυτοκωδικοποιητής που δείξαμε στο εργαστήριο."""

Q_5_1 = (
    """### 5.1. Δοκιμάστε να χρησιμοποιήσετε διαφορετικές συναρτήσεις στο επίπεδο αποκωδικοποίησης. Τι παρατηρείτε;"""
)

SPLIT_5 = """deep_encoder = Sequential([
    deep_autoencoder.layers[0],
    deep_autoencoder.layers[1],
    deep_autoencoder.layers[2]
])

deep_decoder = Sequential([
    deep_autoencoder.layers[-3],
    deep_autoencoder.layers[-2],
    deep_autoencoder.layers[-1]
])

h_deep = deep_encoder.predict(x_test)
x_test_out_deep = deep_decoder.predict(h_deep)
compare_digits(x_test, x_test_out_deep)"""


#: Added to the seed's text (see the module's docstring).
INSTRUCTIONS = (
    "Σε κάθε άσκηση το κελί κώδικα περιέχει το δίκτυο βάσης που δείξαμε στο εργαστήριο. "
    "Τροποποιήστε το όπως ζητά η ερώτηση (οδηγία `# ΣΥΜΠΛΗΡΩΣΤΕ`), εκτελέστε τα κελιά και γράψτε "
    "τις παρατηρήσεις σας στο κελί «ΓΡΑΨΤΕ ΤΗΝ ΑΠΑΝΤΗΣΗ ΣΑΣ ΕΔΩ» στο τέλος κάθε άσκησης. "
    "Μην αλλάξετε τα ονόματα `autoencoder`, `sparse_autoencoder`, `noise_factor`, `x_train_noisy`, "
    "`x_test_noisy` και `deep_autoencoder`: με αυτά βαθμολογείται η εργασία."
)
BASE_GIVEN = "Το δίκτυο βάσης δίνεται στο κελί κώδικα κάτω από την ερώτηση."

HELPERS = scaffold_source("compare_digits") + "\n\x20\x20\n\x20\x20\n" + scaffold_source("display_digits")

# ---------------------------------------------------------------------------------------------
# The lab's base networks: the seed's answers edited back (the template's code cells)
# ---------------------------------------------------------------------------------------------

_SWAP_COMMENT = (
    "# ΣΥΜΠΛΗΡΩΣΤΕ: παρακάτω είναι το δίκτυο βάσης του εργαστηρίου (κωδικοποίηση relu,\n"
    "# αποκωδικοποίηση sigmoid). Αντιστρέψτε τις συναρτήσεις ενεργοποίησης των δύο επιπέδων."
)
_SAME_COMMENT = (
    "# ΣΥΜΠΛΗΡΩΣΤΕ: παρακάτω είναι το δίκτυο βάσης του εργαστηρίου (κωδικοποίηση relu,\n"
    "# αποκωδικοποίηση sigmoid). Χρησιμοποιήστε την ίδια συνάρτηση ενεργοποίησης και στα δύο επίπεδα."
)
_SPARSE_COMMENT = (
    "# ΣΥΜΠΛΗΡΩΣΤΕ: παρακάτω είναι ο αραιός αυτοκωδικοποιητής του εργαστηρίου\n"
    "# (βάρος ποινής αραιότητας 1e-4). Αυξήστε το βάρος της ποινής αραιότητας."
)
_NOISE_COMMENT = (
    "# ΣΥΜΠΛΗΡΩΣΤΕ: ο συντελεστής θορύβου του εργαστηρίου είναι 0.3.\n"
    "# Μεταβάλετε τον (αυξήστε ή μειώστε τον) και ξαναδημιουργήστε τα δεδομένα με θόρυβο."
)
_DEEP_COMMENT = (
    "# ΣΥΜΠΛΗΡΩΣΤΕ: παρακάτω είναι ο βαθύς αυτοκωδικοποιητής του εργαστηρίου (όλα τα επίπεδα relu,\n"
    "# έξοδος sigmoid). Χρησιμοποιήστε διαφορετικές συναρτήσεις στα επίπεδα αποκωδικοποίησης."
)

BASE_2_1 = insert_before(
    edit(
        solution_source("SOLUTION_2_1"),
        (
            "Dense(dim_h, activation='sigmoid', input_shape=(dim_x,))",
            "Dense(dim_h, activation='relu', input_shape=(dim_x,))",
        ),
        ("Dense(dim_x, activation='relu')", "Dense(dim_x, activation='sigmoid')"),
    ),
    "autoencoder = Sequential([",
    _SWAP_COMMENT,
)

BASE_2_2 = insert_before(
    edit(solution_source("SOLUTION_2_2"), ("Dense(dim_x, activation='relu')", "Dense(dim_x, activation='sigmoid')")),
    "autoencoder = Sequential([",
    _SAME_COMMENT,
)

BASE_3_1 = insert_before(
    edit(solution_source("SOLUTION_3_1"), ("regularizers.l1(0.01)", "regularizers.l1(1e-4)")),
    "sparse_autoencoder = Sequential([",
    _SPARSE_COMMENT,
)

BASE_4_1 = insert_before(
    edit(solution_source("SOLUTION_4_1"), ("noise_factor = 0.6", "noise_factor = 0.3")),
    "noise_factor = ",
    _NOISE_COMMENT,
)

BASE_5_1 = insert_before(
    edit(
        solution_source("SOLUTION_5_1"),
        ("Dense(layer2_dim, activation='sigmoid'),", "Dense(layer2_dim, activation='relu'),"),
        ("Dense(layer1_dim, activation='sigmoid'),", "Dense(layer1_dim, activation='relu'),"),
    ),
    "deep_autoencoder = Sequential([",
    _DEEP_COMMENT,
)

# ---------------------------------------------------------------------------------------------
# Headings (first lines are what the rubric matches) and answer slots
# ---------------------------------------------------------------------------------------------

HEADINGS = {
    "2": GROUP_2.splitlines()[0],
    "2.1": Q_2_1,
    "2.2": Q_2_2,
    "3": GROUP_3.splitlines()[0],
    "3.1": Q_3_1,
    "4": GROUP_4.splitlines()[0],
    "4.1": Q_4_1,
    "5": GROUP_5.splitlines()[0],
    "5.1": Q_5_1,
}

ITEMS = ("2.1", "2.2", "3.1", "4.1", "5.1")
CODE_SLOTS = ITEMS
PROSE_SLOTS = tuple(f"{item}.answer" for item in ITEMS)

TEMPLATE_SLOTS = {
    "2.1": BASE_2_1,
    "2.2": BASE_2_2,
    "3.1": BASE_3_1,
    "4.1": BASE_4_1,
    "5.1": BASE_5_1,
    **{slot: PLACEHOLDER for slot in PROSE_SLOTS},
}

SOLUTION_SLOTS = {
    **{item: solution_source(f"SOLUTION_{item.replace('.', '_')}") for item in ITEMS},
    **{f"{item}.answer": solution_source(f"ANSWER_{item.replace('.', '_')}") for item in ITEMS},
}

#: The seed's encoder/decoder split and compare_digits cell of each exercise (given).
SPLITS = {"2.1": SPLIT_2, "2.2": SPLIT_2, "3.1": SPLIT_3, "4.1": SPLIT_4, "5.1": SPLIT_5}

# ---------------------------------------------------------------------------------------------
# The notebook's cells
# ---------------------------------------------------------------------------------------------


def _cells(slots: dict[str, str]) -> list[tuple[str, str]]:
    """The notebook as (kind, source) pairs; ``slots`` holds the answers (template or not)."""
    missing = set(CODE_SLOTS + PROSE_SLOTS) - set(slots)
    if missing:
        raise ValueError(f"no source for slots {sorted(missing)}")
    unknown = set(slots) - set(CODE_SLOTS + PROSE_SLOTS)
    if unknown:
        raise ValueError(f"unknown slots {sorted(unknown)}")
    cells: list[tuple[str, str]] = [
        ("markdown", TITLE + "\n\n" + INSTRUCTIONS),
        ("markdown", INTRO_H),
        ("markdown", LIBS_H),
        ("code", IMPORTS),
        ("markdown", HELPERS_H),
        ("code", HELPERS),
        ("markdown", DATA_H),
        ("code", DATA),
    ]
    groups = {
        "2": (GROUP_2, ("2.1", "2.2")),
        "3": (GROUP_3, ("3.1",)),
        "4": (GROUP_4, ("4.1",)),
        "5": (GROUP_5, ("5.1",)),
    }
    for text, items in groups.values():
        cells.append(("markdown", text + "\n\n" + BASE_GIVEN))
        for item in items:
            cells.append(("markdown", HEADINGS[item]))
            cells.append(("code", slots[item]))
            cells.append(("code", SPLITS[item]))
            cells.append(("markdown", slots[f"{item}.answer"]))
    return cells


def notebook(slots: dict[str, str]) -> nbformat.NotebookNode:
    """A notebook with deterministic cell ids ``cell-001``... and no outputs."""
    return assemble(_cells(slots), LAB)


def template_notebook() -> nbformat.NotebookNode:
    return notebook(TEMPLATE_SLOTS)


def solution_notebook() -> nbformat.NotebookNode:
    return notebook({**TEMPLATE_SLOTS, **SOLUTION_SLOTS})


def sample_slots(student: str) -> dict[str, str]:
    """The answer slots of sample ``student`` of ``samples.py``: the solution's, with the
    sample's overrides."""
    slots = {**TEMPLATE_SLOTS, **SOLUTION_SLOTS}
    for slot, source in samples.SAMPLES[student].items():
        if slot not in slots:
            raise ValueError(f"sample {student}: unknown slot {slot}")
        slots[slot] = source
    return slots


def all_notebooks() -> dict[Path, nbformat.NotebookNode]:
    """Every notebook this script writes, by path relative to the repository root."""
    students = ((student, notebook(sample_slots(student))) for student in samples.SAMPLES)
    return lab_notebooks(LAB_DIR, SUBMISSIONS_DIR, template_notebook(), solution_notebook(), students)


def build(root: Path = REPO_ROOT) -> list[Path]:
    """Write every notebook under ``root``; return the paths written."""
    return write_notebooks(all_notebooks(), root)


def main(argv: list[str] | None = None) -> int:
    return build_cli(__doc__.splitlines()[0], build, "reference/ and submissions/", argv)


if __name__ == "__main__":
    raise SystemExit(main())
