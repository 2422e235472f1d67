"""The notebooks of lab ``autoencoders-keras`` (template, solution, sample submissions) are up to
date, follow seed 004 and the conventions the grader relies on: headings, answer slots, the
given code, the seed's answers in the solution, samples that differ from the solution only in
their slots, and which items the grader sends to ``missing`` (a definition left as the
template's) without running a check."""

from __future__ import annotations

import ast
import subprocess
import sys

import nbformat
import pytest

from reference.autoencoders_keras.build import notebooks as build
from reference.autoencoders_keras.build import samples
from reference.autoencoders_keras.build import sources as module_texts

SAMPLE_NAMES = {
    "solution",
    "blank",
    "styl_funkcyjny",
    "baza_2_1",
    "baza_3_1",
    "baza_4_1",
    "baza_5_1",
    "zle_2_1_tylko_koder",
    "zle_2_2_rozne",
    "zle_3_1_l2",
    "zle_4_1_bez_clip",
    "zle_4_1_niespojny",
    "zle_5_1_koder",
}

SEED_HEADINGS = [
    "# Άσκηση 12 - Αυτοκωδικοποιητές",
    "## 1. Εισαγωγή",
    "### 1.α. Βιβλιοθήκες",
    "### 1.β. Βοηθητικές συναρτήσεις",
    "### 1.γ. Δεδομένα",
    "## 2. Υποπλήρης Αυτοκωδικοποιητής",
    "### 2.1.  Αντιστρέψετε τις συναρτήσεις (απο)κωδικοποίησης. Τι παρατηρείτε;",
    "### 2.2. Χρησιμοποιείστε την ίδια συνάρτηση κωδικοποίησης και αποκωδικοποίησης (λχ τη relu). Τι παρατηρείτε;",
    "## 3. Αραιός Αυτοκωδικοποιητής",
    "### 3.1. Δοκιμάστε να αυξήσετε το βάρος της ποινής αραιότητας. Τι παρατηρείτε;",
    "## 4. Αυτοκωδικοποιητής απαλοιφής θορύβου",
    "### 4.1. Δοκιμάστε να μεταβάλλετε (αυξήσετε/μειώσετε) το συντελεστή θορύβου. Τι παρατηρείτε;",
    "## 5. Βαθύς αυτοκωδικοποιητής",
    "### 5.1. Δοκιμάστε να χρησιμοποιήσετε διαφορετικές συναρτήσεις στο επίπεδο αποκωδικοποίησης. Τι παρατηρείτε;",
]


def _read(relative) -> nbformat.NotebookNode:
    return nbformat.read(build.REPO_ROOT / relative, as_version=4)


def _sample(name: str) -> nbformat.NotebookNode:
    return _read(build.SUBMISSIONS_DIR / f"{name}.ipynb")


def _first_line(cell) -> str:
    return next((line.strip() for line in cell.source.splitlines() if line.strip()), "")


def _slots(nb) -> dict[str, int]:
    """Answer slot -> index of its cell: after each exercise's heading, its code cell, the
    given split cell, then the prose cell."""
    found = {}
    for item in build.ITEMS:
        heading = [
            i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and _first_line(c) == build.HEADINGS[item]
        ]
        assert len(heading) == 1, item
        found[item] = heading[0] + 1
        found[f"{item}.answer"] = heading[0] + 3
    return found


@pytest.fixture(scope="module")
def template():
    return _read(build.LAB_DIR / "public" / "template.ipynb")


@pytest.fixture(scope="module")
def solved():
    return _read(build.LAB_DIR / "judge" / "solution.ipynb")


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def test_building_imports_no_tensorflow():
    code = (
        "import sys\n"
        "from reference.autoencoders_keras.build import notebooks\n"
        "notebooks.all_notebooks()\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'tf_keras') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=build.REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sample_names():
    written = {p.stem for p in build.all_notebooks() if p.parent == build.SUBMISSIONS_DIR}
    assert written == SAMPLE_NAMES
    on_disk = {p.stem for p in (build.REPO_ROOT / build.SUBMISSIONS_DIR).glob("*.ipynb")}
    assert on_disk == SAMPLE_NAMES
    assert set(samples.SAMPLES) == SAMPLE_NAMES - {"solution", "blank"}
    assert set(samples.FAULTS) == set(samples.SAMPLES)
    assert set(samples.LOSES) == SAMPLE_NAMES


def test_every_notebook_is_valid_clean_and_parses():
    for relative in build.all_notebooks():
        nb = _read(relative)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert nb.metadata["grader"] == {"lab": "autoencoders-keras"}
        ids = [c.id for c in nb.cells]
        assert ids == [f"cell-{i:03d}" for i in range(1, len(ids) + 1)]
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
                ast.parse(cell.source, f"{relative}:{cell.id}")


# ---------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------


def test_template_headings_are_the_seeds_in_order(template):
    headings = [_first_line(c) for c in template.cells if c.cell_type == "markdown" and _first_line(c).startswith("#")]
    assert headings == SEED_HEADINGS
    for item in build.ITEMS:
        assert build.HEADINGS[item] in SEED_HEADINGS


def test_rubric_sections_find_every_heading(template):
    import re

    from grader.labs import find_lab
    from grader.sections import find_sections
    from grader.settings import Settings

    lab = find_lab("autoencoders-keras", Settings())
    spans = find_sections(lab.template, lab.rubric.sections, lab.rubric.task_words)
    assert set(spans) == set(lab.rubric.sections)
    for section, span in spans.items():  # each section opens at its own numbered heading
        assert re.match(rf"^#+\s+{re.escape(section)}\.\s", _first_line(template.cells[span.start])), section
    assert build.PLACEHOLDER in lab.rubric.placeholders


def test_template_answer_slots(template):
    slots = _slots(template)
    cells = template.cells
    for slot, source in build.TEMPLATE_SLOTS.items():
        assert cells[slots[slot]].source == source, slot
    for item in build.ITEMS:
        code = cells[slots[item]]
        assert code.cell_type == "code" and build.TODO_MARK in code.source, item
        assert cells[slots[item] + 1].source == build.SPLITS[item]
        answer = cells[slots[f"{item}.answer"]]
        assert answer.cell_type == "markdown" and answer.source == build.PLACEHOLDER
    # every exercise keeps the seed's compile/fit call
    for item, epochs in (("2.1", 20), ("2.2", 20), ("3.1", 30), ("4.1", 30), ("5.1", 30)):
        source = cells[slots[item]].source
        assert f"epochs={epochs}," in source and "batch_size=64," in source
        assert "validation_data=(x_test, x_test))" in source
        assert ".compile(optimizer='adam', loss='binary_crossentropy')" in source


def test_template_cells_hold_the_labs_base_networks(template):
    slots = _slots(template)
    cell = {item: template.cells[slots[item]].source for item in build.ITEMS}
    for item in ("2.1", "2.2"):
        assert (
            "Dense(dim_h, activation='relu', input_shape=(dim_x,)),\n    Dense(dim_x, activation='sigmoid')"
            in cell[item]
        )
    assert "activity_regularizer=regularizers.l1(1e-4), \n" in cell["3.1"]
    assert "noise_factor = 0.3\n" in cell["4.1"]
    assert "np.clip(x_train_noisy, 0., 1.)" in cell["4.1"]
    assert cell["5.1"].count("activation='relu'") == 5 and cell["5.1"].count("activation='sigmoid'") == 1
    # 2.1 and 2.2 give the same network (the same code, as the grader compares it)
    first, second = (ast.dump(ast.parse(cell[item]).body[-3]) for item in ("2.1", "2.2"))
    assert first == second


def test_template_gives_the_seed_code(template):
    sources = [c.source for c in template.cells if c.cell_type == "code"]
    imports, helpers, data = sources[:3]
    for line in (
        "from tensorflow.keras import regularizers",
        "from tensorflow.keras.datasets import mnist",
        "from tensorflow.keras.layers import Input, Dense",
        "from tensorflow.keras.models import Sequential",
        "from sklearn.preprocessing import MinMaxScaler",
        "np.random.seed(2022)",
    ):
        assert line in imports.splitlines(), line
    assert "pandas" not in imports  # not installed in the sandbox (see build/notebooks.py's docstring)
    assert helpers == (
        module_texts.scaffold_source("compare_digits") + "\n  \n  \n" + module_texts.scaffold_source("display_digits")
    )
    assert helpers.startswith("def compare_digits(test, decoded, n=10):\n  plt.figure(figsize=(20, 4))\n")
    assert data.startswith("(x_train, _), (x_test, _) = mnist.load_data()\n")
    assert "x_test = scaler.fit_transform(x_test)" in data
    markdown = "\n".join(c.source for c in template.cells if c.cell_type == "markdown")
    assert "Βάση εργασίας αποτελεί ο υποπλήρης αυτοκωδικοποιητής που δείξαμε στο εργαστήριο" in markdown
    assert "ΣΥΜΠΛΗΡΩΣΤΕ" in markdown  # the instructions name the marker


def test_scaffold_defines_the_given_names():
    tree = ast.parse((module_texts.SCAFFOLD_PATH).read_text(encoding="utf-8"))
    names = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"dim_x", "dim_h", "layer1_dim", "layer2_dim", "compare_digits", "display_digits"} <= names


# ---------------------------------------------------------------------------------------------
# Solution and samples
# ---------------------------------------------------------------------------------------------


def test_solution_cells_are_the_seeds_answers(template, solved):
    assert len(template.cells) == len(solved.cells)
    slots = _slots(solved)
    cell = {slot: solved.cells[index].source for slot, index in slots.items()}
    assert (
        "Dense(dim_h, activation='sigmoid', input_shape=(dim_x,)),\n    Dense(dim_x, activation='relu')" in cell["2.1"]
    )
    assert "Dense(dim_h, activation='relu', input_shape=(dim_x,)),\n    Dense(dim_x, activation='relu')" in cell["2.2"]
    assert "activity_regularizer=regularizers.l1(0.01), \n" in cell["3.1"]
    assert cell["4.1"].startswith("noise_factor = 0.6\n")
    assert "x_train_noisy = np.clip(x_train_noisy, 0., 1.)" in cell["4.1"]
    assert (
        "    Dense(layer2_dim, activation='sigmoid'),\n    Dense(layer1_dim, activation='sigmoid'),\n"
        "    Dense(dim_x, activation='sigmoid')"
    ) in cell["5.1"]
    assert "(γύρω στο $0.40$ αντί του $0.09$)" in cell["2.1.answer"]
    assert "επιλέγοντας $\\lambda=0.01$" in cell["3.1.answer"]
    assert cell["4.1.answer"].startswith("Ας διπλασιάσουμε τον συντελεστή θορύβου στο $0.6$")
    for item in build.ITEMS:
        assert build.TODO_MARK not in cell[item]
        assert len(cell[f"{item}.answer"]) > 150
    for c in solved.cells:
        assert build.PLACEHOLDER not in c.source or c.id == "cell-001", c.id  # the instructions name it


def test_blank_and_solution_samples_are_copies():
    sub = build.REPO_ROOT / build.SUBMISSIONS_DIR
    lab = build.REPO_ROOT / build.LAB_DIR
    assert (sub / "blank.ipynb").read_bytes() == (lab / "public" / "template.ipynb").read_bytes()
    assert (sub / "solution.ipynb").read_bytes() == (lab / "judge" / "solution.ipynb").read_bytes()


def test_samples_differ_from_the_solution_only_in_their_slots(solved):
    slots = _slots(solved)
    for student, overrides in samples.SAMPLES.items():
        nb = _sample(student)
        assert len(nb.cells) == len(solved.cells), student
        changed = {i for i, (a, b) in enumerate(zip(nb.cells, solved.cells)) if a.source != b.source}
        assert changed == {slots[slot] for slot in overrides}, student
        for slot, source in overrides.items():
            assert nb.cells[slots[slot]].source == source, (student, slot)


def test_one_fault_samples_change_one_code_cell():
    for student, overrides in samples.SAMPLES.items():
        if student.startswith(("baza_", "zle_")):
            assert list(overrides) in [[item] for item in build.ITEMS], student


def test_sample_sources_show_their_faults():
    def cell(name, item):
        nb = _sample(name)
        return nb.cells[_slots(nb)[item]].source

    assert "Dense(32, activation='relu', input_shape=(784,))" in cell("baza_2_1", "2.1")
    assert "regularizers.L1(1e-4)" in cell("baza_3_1", "3.1")
    assert "noise_factor: float = 0.3" in cell("baza_4_1", "4.1")
    assert "Dense(64, activation='relu'),\n    Dense(128, activation='relu')," in cell("baza_5_1", "5.1")
    assert "Dense(dim_x, activation='sigmoid')" in cell("zle_2_1_tylko_koder", "2.1")
    assert "activation='tanh'" in cell("zle_2_2_rozne", "2.2")
    assert "regularizers.l2(0.01)" in cell("zle_3_1_l2", "3.1")
    assert "np.clip" not in cell("zle_4_1_bez_clip", "4.1")
    inconsistent = cell("zle_4_1_niespojny", "4.1")
    assert inconsistent.startswith("noise_factor = 0.6\n") and inconsistent.count("+ 0.3 * np.random.normal") == 2
    assert cell("zle_5_1_koder", "5.1").count("activation='sigmoid'") == 4
    functional = cell("styl_funkcyjny", "2.1")
    assert "autoencoder = Model(wejscie, wyjscie)" in functional
    assert "activation=tf.nn.sigmoid" in cell("styl_funkcyjny", "2.2")
    assert "regularizers.l1(1e-3)" in cell("styl_funkcyjny", "3.1")
    assert "noise_factor = 0.1" in cell("styl_funkcyjny", "4.1")
    assert "Input(shape=(dim_x,))," in cell("styl_funkcyjny", "5.1")


# ---------------------------------------------------------------------------------------------
# What the grader sends to "missing": a graded definition left as the template's
# ---------------------------------------------------------------------------------------------


def _resolutions(name: str) -> dict[str, object]:
    from grader.discover import discover
    from grader.extract import extract_program, resolve_item
    from grader.labs import find_lab
    from grader.notebook import load_notebook
    from grader.sections import find_sections
    from grader.settings import Settings

    lab = find_lab("autoencoders-keras", Settings())
    notebook = load_notebook(discover([build.REPO_ROOT / build.SUBMISSIONS_DIR / f"{name}.ipynb"])[0])
    program = extract_program(notebook)
    spans = find_sections(notebook, lab.rubric.sections)
    return {item.id: resolve_item(item, program, spans, lab.rubric, lab.template_program) for item in lab.rubric.items}


def test_blank_items_are_untouched_without_running_a_check():
    for item, resolution in _resolutions("blank").items():
        assert resolution.outcome is not None and resolution.outcome.value == "missing", item
        assert resolution.name is None


@pytest.mark.parametrize("name", sorted(SAMPLE_NAMES - {"blank"}))
def test_every_answered_item_is_graded(name):
    """Even the baza_* samples, which keep the base configuration: their graded definition is
    not the template's code, so the checks run and name the fault."""
    for item, resolution in _resolutions(name).items():
        assert resolution.outcome is None, (name, item, resolution.message)
        assert (
            resolution.name
            == {
                "2.1": "autoencoder",
                "2.2": "autoencoder",
                "3.1": "sparse_autoencoder",
                "4.1": "noise_factor",
                "5.1": "deep_autoencoder",
            }[item]
        )


def test_items_2_1_and_2_2_take_the_definition_of_their_own_section():
    resolutions = _resolutions("solution")
    nb = _sample("solution")
    slots = _slots(nb)
    for item in ("2.1", "2.2"):
        # the snapshot ends where the item's section does (the next heading: code, split, answer
        # cells after the exercise's code cell), and its last definition of the name is that cell's
        snapshot = resolutions[item].snapshot
        assert snapshot.end_cell == slots[item] + 3
        last = [s for s in snapshot.statements if "autoencoder" in s.binds][-1]
        assert last.cell == slots[item]
