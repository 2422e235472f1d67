"""Sections found the way a person finds them: task numbers in any heading style, group headings
that close the previous task, numberless headings named by title, and object resolution that
never crosses into a later task (issue 12, items 1 and 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.discover import Submission
from grader.extract import extract_program, resolve_item
from grader.notebook import load_notebook
from grader.outcomes import Outcome
from grader.rubric import Rubric, SectionSpec
from grader.sections import find_sections, read_heading
from tests.nbfactory import code, md, write_notebook


@pytest.mark.parametrize(
    "line, number",
    [
        ("## 1. AutoEnkoder (AE)", "1"),  # seed 000
        ("## **Zadanie 1 - AutoEnkoder (AE)**", "1"),  # seed 001
        ("#### Zadanie 1.2. Skompiluj model. W tym celu ...", "1.2"),  # seed 000
        ("#### Zadanie 1.1 - Dlaczego sigmoid ... (0.25pkt)", "1.1"),
        ("**Zadanie 1.1 - Dlaczego sigmoid jest odpowiednią funkcją?**", "1.1"),  # seed 001, bold paragraph
        ("**Zadanie 2.5.** Wróć do funkcji `compute_loss`.", "2.5"),
        ("### Zadanie 3 - Conditioned VAE", "3"),
        ("#### Zadanie 3.data - Uzupełnij funkcję", "3.data"),  # the template
        ("#### Zadanie 1.plot - Zaimplementuj", "1.plot"),
        ("# Zadanie 1a (1.5 pkt.)", "1a"),  # vae-pyro
        ("### 2.1.  Αντιστρέψετε τις συναρτήσεις", "2.1"),  # autoencoders-keras
        ("### 1.α. Βιβλιοθήκες", "1"),
        ("Zadanie 2.4. Dla tych samych par obrazów", "2.4"),  # a plain line that starts with the task word
        ("__Task 4.1:__ generate one digit per class", "4.1"),
        ("*Zadanie 3.2 -* wykonaj", "3.2"),
        (r"## Zadanie 4\.step", "4.step"),  # escaped dot
        ("## 1.AutoEnkoder", "1"),  # no space: the word is not part of the number
    ],
)
def test_a_task_number_is_read_whatever_the_heading_style(line, number):
    heading = read_heading(line)
    assert heading is not None and heading.number == number


@pytest.mark.parametrize(
    "line",
    [
        "1. Sigmoid zwraca wartości z [0, 1]",  # a numbered list in an answer: not a heading
        "Wartości wejściowe są ciągłe (0.25 pkt)",
        "**2. Wnioski**",  # bold, but no task word: not task 2
        "**Przedmiot: Uczenie Maszynowe**",
    ],
)
def test_ordinary_paragraphs_carry_no_task_number(line):
    heading = read_heading(line)
    assert heading is None or heading.number is None


def test_a_bare_number_followed_by_words_counts_only_when_the_rubric_knows_it(tmp_path):
    assert read_heading("## 2023 results").loose
    nb = _load(tmp_path, [md("## 1. AE"), code("x = 1"), md("## 2023 wyniki"), md("## 2 VAE"), code("y = 2")])
    spans = find_sections(nb, RUBRIC.sections)
    assert spans["2"].start == 3  # "2 VAE" is task 2 (known); "2023 wyniki" is nothing
    assert spans["1"] == type(spans["1"])(0, 3)


RUBRIC = Rubric.model_validate(
    {
        "schema_version": 1,
        "lab": "t",
        "title": {"pl": "t", "en": "t"},
        "framework": "none",
        "template": "t.ipynb",
        "checks": "tests.test_sections",
        "public_dir": ".",
        "total": 1.5,
        "sections": {
            "1": {"number": "1"},
            "1.plot": {"number": "1.plot"},
            "2": {"number": "2"},
            "2.plot": {"number": "2.plot"},
            "2.5": {"number": "2.5"},
            "3": {"number": "3"},
            "3.data": {"number": "3.data"},
            "3.loss": {"number": "3.loss", "titles": ["Uzupełnij funkcję kosztu"]},
            "3.results": {"number": ["3.1", "3.2", "3.3"]},
            "4": {"number": "4"},
            "4.step": {"number": "4.step", "titles": ["Uzupełnij funkcję train_step"]},
        },
        "items": [
            {
                "id": "1.plot",
                "title": {"pl": "a", "en": "a"},
                "kind": "code",
                "points": 0.25,
                "section": "1.plot",
                "object": "plot_latent_space",
            },
            {
                "id": "2.plot",
                "title": {"pl": "a", "en": "a"},
                "kind": "code",
                "points": 0.25,
                "section": "2.plot",
                "object": "plot_latent_space",
            },
            {
                "id": "2.5",
                "title": {"pl": "a", "en": "a"},
                "kind": "code",
                "points": 0.25,
                "section": "2.5",
                "object": "compute_loss",
                "aliases": ["compute_loss_gauss_kl"],
            },
            {
                "id": "3.data",
                "title": {"pl": "a", "en": "a"},
                "kind": "code",
                "points": 0.25,
                "section": "3.data",
                "object": "conditioned_mnist",
            },
            {
                "id": "3.loss",
                "title": {"pl": "b", "en": "b"},
                "kind": "code",
                "points": 0.25,
                "section": "3.loss",
                "object": "compute_loss",
            },
            {
                "id": "4.step",
                "title": {"pl": "b", "en": "b"},
                "kind": "code",
                "points": 0.25,
                "section": "4.step",
                "object": "train_step",
            },
        ],
    }
)
TEMPLATE = [code("def compute_loss(model, x):\n    return 'monte carlo'\n")]


def _load(tmp_path: Path, cells, name="nb.ipynb"):
    path = write_notebook(tmp_path / name, cells)
    return load_notebook(Submission(path.stem, path, "", 0))


def _resolve(tmp_path, cells, item_id):
    nb = _load(tmp_path, cells)
    template = extract_program(_load(tmp_path, TEMPLATE, "template.ipynb"))
    return resolve_item(RUBRIC.item(item_id), extract_program(nb), find_sections(nb, RUBRIC.sections), RUBRIC, template)


def _graded_source(resolution) -> str:
    return next(s.source for s in resolution.snapshot.statements if s.cell == resolution.cell)


# Seed 001's layout: group headings of several levels and styles, bold sub-headings, no heading at
# all for conditioned_mnist or the AE's plot, a numberless "Uzupełnij funkcję kosztu" heading,
# and seed 000's answer to 2.5 (a new name, compute_loss_gauss_kl).
SEED_001 = [
    md("**Przedmiot: Uczenie Maszynowe**"),  # 0
    md("## **Zadanie 1 - AutoEnkoder (AE)**"),  # 1
    md("**Zaimplementuj funkcję do wizualizacji reprezentacji obrazów**"),  # 2
    code("def plot_latent_space(model, data):\n    return 'ae'\n"),  # 3
    md("## Zadanie 2 - AutoEnkoder wariacyjny (VAE)"),  # 4
    code("def compute_loss(model, x):\n    return 'monte carlo'\n"),  # 5 (the template's, untouched)
    md("Zaimplementuj funkcję `plot_latent_space`, która zenkoduje zbiór danych."),  # 6 (plain text)
    code("def plot_latent_space(model, data):\n    return 'vae'\n"),  # 7
    md("**Zadanie 2.5.** Wróć do funkcji `compute_loss`."),  # 8
    code("def kl_div(mean, logvar):\n    return 0\n"),  # 9
    code("def compute_loss_gauss_kl(model, x):\n    return 'closed form'\n"),  # 10
    md("### Zadanie 3 - Conditioned VAE"),  # 11
    code("def conditioned_mnist(x, y, num_imgs=2):\n    return x, y\n"),  # 12
    md("### Uzupełnij funkcję kosztu:"),  # 13
    code("def compute_loss(model, x):\n    data, cond = x\n    return 'cond'\n"),  # 14
    md("**Zadanie 3.1.** Sprawdź jakość modelu"),  # 15
    md("1. latent_dim = 2 daje rozmyte cyfry"),  # 16 (an answer's list)
    md("### 1. Obserwacje"),  # 17 (an earlier task's number)
    md("**Zadanie 3.2. Wykonaj dla najlepszego modelu**"),  # 18
    md("## Zadanie 4 - Conditioned GAN"),  # 19
    md("## Inicjalizacje"),  # 20
    md("## Uzupełnij funkcję train\\_step:"),  # 21
    code("def train_step(data):\n    return 'step'\n"),  # 22
    md("## Czas na trening!"),  # 23
]


def test_seed_001_layout_sections(tmp_path):
    spans = find_sections(_load(tmp_path, SEED_001), RUBRIC.sections)
    assert {k: (v.start, v.end) for k, v in spans.items()} == {
        "1": (1, 4),
        "2": (4, 8),
        "2.5": (8, 11),
        "3": (11, 13),
        "3.loss": (13, 15),
        "3.results": (15, 19),
        "4": (19, 21),
        "4.step": (21, 24),
    }
    assert spans.how["3.loss"] == spans.how["4.step"] == "title"
    assert spans.group_end(2) == 11 and spans.group_end(3) == 19 and spans.limit("3.data") == 19


def test_a_correct_closed_form_answer_is_never_graded_on_a_later_tasks_compute_loss(tmp_path):
    r = _resolve(tmp_path, SEED_001, "2.5")
    assert r.name == "compute_loss_gauss_kl" and r.cell == 10
    assert "'cond'" not in "\n".join(s.source for s in r.snapshot.statements)


def test_the_same_even_when_the_group_headings_are_missing(tmp_path):
    # no task 3 heading and no 3.loss heading: task 3's compute_loss follows 2.5 directly. The 2.5
    # section ends at the next heading found (3.1), but the definition inside 2.5 wins.
    cells = [c for k, c in enumerate(SEED_001) if k not in (11, 13)]
    r = _resolve(tmp_path, cells, "2.5")
    assert r.name == "compute_loss_gauss_kl" and "'closed form'" in _graded_source(r)
    assert "'cond'" not in "\n".join(s.source for s in r.snapshot.statements)
    assert "`conditioned_mnist`" in r.notes[-1].en and "cell 12" in r.notes[-1].en  # cell 11 (0-based) of this notebook


def test_code_items_without_a_heading_are_found_by_name_within_their_task(tmp_path):
    ae, vae = _resolve(tmp_path, SEED_001, "1.plot"), _resolve(tmp_path, SEED_001, "2.plot")
    assert (ae.cell, vae.cell) == (3, 7)
    data = _resolve(tmp_path, SEED_001, "3.data")
    assert data.name == "conditioned_mnist" and data.cell == 12
    for r, task in ((ae, "1"), (vae, "2"), (data, "3")):  # the report says where it looked
        assert len(r.notes) == 1 and f"task {task}'s part" in r.notes[0].en and f"zadania {task}" in r.notes[0].pl


def test_title_headings_name_their_code_task(tmp_path):
    loss, step = _resolve(tmp_path, SEED_001, "3.loss"), _resolve(tmp_path, SEED_001, "4.step")
    assert (loss.cell, step.cell) == (14, 22)
    assert "recognised by the title" in loss.notes[0].en


def test_a_definition_in_a_later_task_is_never_taken(tmp_path):
    # 3.data's conditioned_mnist written under task 4: task 3 has none, so it is missing
    cells = [md("## 3. CVAE"), code("x = 1"), md("## 4. GAN"), code("def conditioned_mnist(x, y):\n    return x, y\n")]
    r = _resolve(tmp_path, cells, "3.data")
    assert r.outcome is Outcome.MISSING and r.snapshot is None


def test_a_definition_after_the_section_within_the_same_task_is_taken(tmp_path):
    # vae-pyro's seed: the 1a classes sit under the 1b heading (both task 1)
    rubric = Rubric.model_validate(
        {
            **RUBRIC.model_dump(),
            "sections": {"1a": {"number": "1a"}, "1b": {"number": "1b"}, "2": {"number": "2"}},
            "items": [
                {
                    "id": "1a",
                    "title": {"pl": "a", "en": "a"},
                    "kind": "code",
                    "points": 1.5,
                    "section": "1a",
                    "object": "VEncoder",
                }
            ],
        }
    )
    cells = [
        md("# Zadanie 1a"),
        md("# Zadanie 1b"),
        code("class VEncoder:\n    pass\n"),
        md("# Zadanie 2"),
        code("class VEncoder:\n    later = 1\n"),
    ]
    nb = _load(tmp_path, cells)
    template = extract_program(_load(tmp_path, TEMPLATE, "template.ipynb"))
    r = resolve_item(rubric.items[0], extract_program(nb), find_sections(nb, rubric.sections), rubric, template)
    assert r.cell == 2


def test_a_heading_of_a_later_task_the_rubric_does_not_know_ends_the_last_section(tmp_path):
    nb = _load(
        tmp_path,
        [md("## 4. GAN"), md("## Uzupełnij funkcję train_step"), code("x = 1"), md("## 5. Bonus"), code("y = 2")],
    )
    spans = find_sections(nb, RUBRIC.sections)
    assert (spans["4.step"].start, spans["4.step"].end) == (1, 3)


def test_a_title_never_opens_its_section_inside_a_later_task(tmp_path):
    nb = _load(
        tmp_path,
        [
            md("## 3. CVAE"),
            code("x = 1"),
            md("## 4. GAN"),
            md("### Uzupełnij funkcję kosztu:"),
            code("def compute_loss(m, x):\n    return 1\n"),
        ],
    )
    assert "3.loss" not in find_sections(nb, RUBRIC.sections)


def test_a_sheet_number_before_the_first_task_is_not_a_boundary(tmp_path):
    nb = _load(tmp_path, [md("# Άσκηση 12 - Αυτοκωδικοποιητές"), md("## 1. Εισαγωγή"), md("## 2. AE"), code("x=1")])
    spans = find_sections(nb, RUBRIC.sections)
    assert (spans["1"].start, spans["2"].start) == (1, 2)


def test_rubric_rejects_bad_numbers_and_shared_numbers(tmp_path):
    import yaml

    from grader.errors import RubricError
    from grader.rubric_file import load_rubric

    raw = yaml.safe_load((Path(__file__).parent.parent / "rubrics" / "generative-tf.yaml").read_text(encoding="utf-8"))
    raw["sections"]["2.5"] = {"number": "2.5"}
    raw["sections"]["3.data"] = {"number": "2.5"}
    raw["sections"]["3.loss"] = {"number": "Zadanie 3"}
    raw["sections"]["4.step"] = {"number": "4.step", "titles": [" "]}
    path = tmp_path / "rubrics" / "r.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    text = str(err.value)
    assert "number '2.5' is also section '2.5'" in text and "'Zadanie 3' is not a task number" in text
    assert "an empty title matches every heading" in text


def test_an_answer_written_below_the_question_in_its_own_cell_is_the_answer(tmp_path):
    from grader.sections import prose_answer, template_markdown

    template = _load(
        tmp_path,
        [md("#### Zadanie 1.3 - Wybierz dwa obrazy.\n- Wyświetl wybrane liczby."), md("TU WPISZ ODPOWIEDŹ")],
        "template.ipynb",
    )
    nb = _load(
        tmp_path,
        [
            md("**Zadanie 1.3.** Wybierz dwa obrazy.\n- Wyświetl wybrane liczby.\n\nŚrednia przypomina ósemkę."),
            md("## 2. VAE"),
        ],
    )
    span = find_sections(nb, RUBRIC.sections | {"1.3": SectionSpec(number="1.3")})["1.3"]
    assert prose_answer(nb, span, template_markdown(template)) == "Średnia przypomina ósemkę."
    untouched = _load(
        tmp_path,
        [
            md("#### Zadanie 1.3 - Wybierz dwa obrazy.\n- Wyświetl wybrane liczby."),
            md("TU WPISZ ODPOWIEDŹ"),
            md("## 2. VAE"),
        ],
        "untouched.ipynb",
    )
    span = find_sections(untouched, RUBRIC.sections | {"1.3": SectionSpec(number="1.3")})["1.3"]
    assert prose_answer(untouched, span, template_markdown(template)) == ""


def test_a_name_the_template_defines_in_this_task_does_not_mark_a_later_task(tmp_path):
    # the TensorFlow tutorial's VAE training defines its own train_step in task 2; 4.step grades
    # another train_step. Only the template's sections can tell the two apart.
    template_cells = [
        md("## 2. VAE"),
        code("def train_step(model, x, optimizer):\n    pass\n"),
        md("## 4. GAN"),
        code("def train_step(data):\n    pass\n"),
    ]
    cells = [
        md("## 2. VAE"),
        code("def train_step(model, x, optimizer):\n    return 1\n"),
        code("def plot_latent_space(model, data):\n    return 'vae'\n"),
    ]
    nb, template_nb = _load(tmp_path, cells), _load(tmp_path, template_cells, "template.ipynb")
    template = extract_program(template_nb)
    args = (RUBRIC.item("2.plot"), extract_program(nb), find_sections(nb, RUBRIC.sections), RUBRIC, template)
    with_template = resolve_item(*args, find_sections(template_nb, RUBRIC.sections))
    assert with_template.cell == 2 and not any("later task's heading" in n.en for n in with_template.notes)
    without = resolve_item(*args)  # a mutant: no template sections, train_step looks like task 4's
    assert without.outcome is Outcome.MISSING


def test_a_broken_answer_is_not_replaced_by_the_next_items_namesake(tmp_path):
    # autoencoders-keras: 2.1 and 2.2 both grade `autoencoder`; 2.1's cell does not parse
    rubric = Rubric.model_validate(
        {
            **RUBRIC.model_dump(),
            "sections": {"2.1": {"number": "2.1"}, "2.2": {"number": "2.2"}},
            "items": [
                {
                    "id": i,
                    "title": {"pl": "a", "en": "a"},
                    "kind": "code",
                    "points": 0.75,
                    "section": i,
                    "object": "autoencoder",
                }
                for i in ("2.1", "2.2")
            ],
        }
    )
    cells = [
        md("### 2.1. Odwróć aktywacje"),
        code("autoencoder = Sequential([Dense(32, activation='sigmoid'),\n"),
        md("### 2.2. Te same aktywacje"),
        code("autoencoder = Sequential([Dense(32, activation='relu')])\n"),
    ]
    nb = _load(tmp_path, cells)
    template = extract_program(_load(tmp_path, TEMPLATE, "template.ipynb"))
    first = resolve_item(rubric.items[0], extract_program(nb), find_sections(nb, rubric.sections), rubric, template)
    assert first.outcome is Outcome.ERRORED and "Cell 2 has a syntax error" in first.message.en
    second = resolve_item(rubric.items[1], extract_program(nb), find_sections(nb, rubric.sections), rubric, template)
    assert second.cell == 3
