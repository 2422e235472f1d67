"""Student-facing text in Polish and English.

Every message a student or instructor reads is a :class:`Text` holding both languages; the
language is chosen only when a report or a terminal table is rendered (``--lang``).
Generic messages of the machinery live in :data:`MESSAGES`; lab checks write their own
``Text`` next to the check that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

LANGUAGES = ("pl", "en")


@dataclass(frozen=True)
class Text:
    """One message in both languages; ``format`` fills ``{placeholders}`` in both."""

    pl: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.pl

    def format(self, **values: object) -> Text:
        """A value that is itself a :class:`Text` fills each language with its own wording."""

        def filled(lang: str) -> dict[str, object]:
            return {k: v(lang) if isinstance(v, Text) else v for k, v in values.items()}

        return Text(self.pl.format(**filled("pl")), self.en.format(**filled("en")))

    def to_json(self) -> dict[str, str]:
        return {"pl": self.pl, "en": self.en}

    # a stored text comes back as a Text, a stored None (no message, no hint) as None
    @overload
    @classmethod
    def from_json(cls, data: dict[str, str]) -> Text: ...
    @overload
    @classmethod
    def from_json(cls, data: None) -> None: ...
    @overload
    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> Text | None: ...
    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> Text | None:
        """The inverse of :meth:`to_json`; None stays None."""
        return None if data is None else cls(pl=data["pl"], en=data["en"])

    @classmethod
    def same(cls, text: str) -> Text:
        """A text that reads the same in every language (numbers, code, file names)."""
        return cls(text, text)


MESSAGES: dict[str, Text] = {
    "missing_name": Text(
        pl="Nie znaleziono definicji `{name}` w sekcji {section}.",
        en="No definition of `{name}` found in section {section}.",
    ),
    "did_you_mean": Text(
        pl="Czy chodziło o: {names}? Jeśli tak, zmień nazwę na `{name}`.",
        en="Did you mean: {names}? If so, rename it to `{name}`.",
    ),
    "untouched": Text(
        pl="`{name}` jest taka jak w szablonie: zadanie nie zostało rozwiązane.",
        en="`{name}` is left as the template defined it: the task is not answered.",
    ),
    "not_implemented": Text(
        pl="`{name}` zgłasza NotImplementedError: zadanie nie zostało rozwiązane.",
        en="`{name}` raises NotImplementedError: the task is not answered yet.",
    ),
    "syntax_error": Text(
        pl="Komórka {cell} ma błąd składni (linia {line}): {error}. Definicje z tej komórki nie zostały wczytane.",
        en="Cell {cell} has a syntax error (line {line}): {error}. Its definitions could not be loaded.",
    ),
    "definition_failed": Text(
        pl="Wykonanie definicji `{name}` (komórka {cell}) zgłosiło błąd: {error}",
        en="Running the definition of `{name}` (cell {cell}) raised: {error}",
    ),
    "student_error": Text(
        pl="Twój kod zgłosił wyjątek: {error}",
        en="Your code raised an exception: {error}",
    ),
    "probe_timeout": Text(
        pl="Przekroczono limit czasu ({seconds} s) podczas wywoływania Twojego kodu.",
        en="Your code did not finish within the time limit ({seconds} s).",
    ),
    "worker_died": Text(
        pl="Proces z Twoim kodem zakończył się nieoczekiwanie ({reason}).",
        en="The process running your code ended unexpectedly ({reason}).",
    ),
    "submission_timeout": Text(
        pl="Przekroczono łączny limit czasu oceniania zgłoszenia ({seconds} s).",
        en="The submission's total grading time limit ({seconds} s) was exceeded.",
    ),
    "grader_error": Text(
        pl="Błąd oceniarki (nie Twój): {error}. Prowadzący został powiadomiony.",
        en="Grader error (not yours): {error}. The instructor is notified.",
    ),
    "missing_case": Text(
        pl="Błąd oceniarki (nie Twój): brak przypadku testowego {case} w {where}. "
        "Pobierz aktualny pakiet samosprawdzenia od prowadzącego.",
        en="Grader error (not yours): the test case {case} is not in {where}. "
        "Get the current self-check bundle from your instructor.",
    ),
    "prose_empty": Text(
        pl="Brak odpowiedzi (pusta lub pozostawiona jako „TU WPISZ ODPOWIEDŹ”).",
        en="No answer (empty, or the placeholder left as it was).",
    ),
    "prose_manual": Text(
        pl="Odpowiedź czeka na ocenę prowadzącego.",
        en="The answer awaits scoring by the instructor.",
    ),
    "section_untouched": Text(
        pl="Kod sekcji {section} jest taki jak w szablonie: zadanie nie zostało rozwiązane.",
        en="The code of section {section} is the template's: the task is not answered.",
    ),
    "section_not_found_task": Text(
        pl="Nie znaleziono nagłówka zadania {section}; definicję szukano po nazwie w części zadania {task} "
        "(komórki {first}–{last}), nigdy w późniejszym zadaniu.",
        en="The heading of task {section} was not found; the definition was looked up by name in task {task}'s "
        "part of the notebook (cells {first}–{last}), never in a later task.",
    ),
    "section_not_found": Text(
        pl="Nie znaleziono nagłówka zadania {section} ani nagłówka jego grupy; definicję szukano przed komórką {last} "
        "(początkiem następnego znalezionego zadania).",
        en="Neither the heading of task {section} nor its group's heading was found; the definition was looked up "
        "before cell {last} (where the next task found begins).",
    ),
    "section_cut_by_definition": Text(
        pl="Brak nagłówka późniejszego zadania: sekcję {section} zakończono na komórce {cell}, w której zdefiniowano "
        "`{name}` (obiekt późniejszego zadania).",
        en="A later task's heading is missing: section {section} was ended at cell {cell}, which defines `{name}` "
        "(a later task's object).",
    ),
    "section_by_title": Text(
        pl="Zadanie {section} rozpoznano po tytule nagłówka bez numeru (komórka {cell}).",
        en="Task {section} was recognised by the title of a heading without a number (cell {cell}).",
    ),
    "section_missing": Text(
        pl="Nie znaleziono sekcji {section} w notatniku (usunięty nagłówek?).",
        en="Section {section} was not found in the notebook (deleted heading?).",
    ),
    "part_manual": Text(
        pl="Testy automatyczne oceniają {auto} pkt; pozostałe {manual} pkt (wnioski) ocenia prowadzący.",
        en="Automatic checks decide {auto} pts; the remaining {manual} pts (the conclusions) are scored by the instructor.",
    ),
    # grader.independence: other items' objects this item's code uses, replaced by the reference's
    "stand_ins_used": Text(
        pl="Oceniono z wzorcowymi wersjami: {names} — błąd w nich liczy się tylko w ich własnym punkcie.",
        en="Graded with the reference versions of: {names}, so a fault there costs only that item.",
    ),
    "report_failed": Text(
        pl="Nie udało się obliczyć: {error}",
        en="Could not be computed: {error}",
    ),
    "code_manual": Text(
        pl="Kod jest oceniany przez prowadzącego (brak testu automatycznego dla tego zadania).",
        en="The code is scored by the instructor (no automatic check for this item).",
    ),
    "prose_missing_question": Text(
        pl="Nie znaleziono pytania {section} w notatniku (usunięta komórka?).",
        en="Question {section} was not found in the notebook (deleted cell?).",
    ),
    "load_empty": Text(
        pl="Plik {file} jest pusty. Wyślij notatnik ponownie (Plik > Pobierz > .ipynb).",
        en="File {file} is empty. Submit the notebook again (File > Download > .ipynb).",
    ),
    # a notebook with bytes that are not UTF-8 is read anyway (grader.notebook.decode_lenient) and graded;
    # the notice says where ({where}: repair_cell(s) / repair_outside) and how ({how}: repair_cp1250 / _replacement)
    "load_repaired": Text(
        pl="Plik {file} zawiera bajty, które nie są poprawnym UTF-8 (np. tekst zapisany w edytorze Windows); "
        "miejsca: {where}. Odczytano je {how}; resztę notatnika odczytano bez zmian i oceniono całość. "
        "Sprawdź ten tekst i zapisz notatnik jako UTF-8 (Jupyter i Colab zapisują tak same).",
        en="File {file} holds bytes that are not valid UTF-8 (e.g. text saved by a Windows editor) in: {where}. "
        "They were read {how}; the rest of the notebook was read as it is and everything was graded. "
        "Check that text and save the notebook as UTF-8 (Jupyter and Colab do so).",
    ),
    "repair_cell": Text(pl="komórka {cells}", en="cell {cells}"),
    "repair_cells": Text(pl="komórki {cells}", en="cells {cells}"),
    "repair_outside": Text(
        pl="wyniki lub metadane (poza treścią komórek)", en="outputs or metadata (outside the cells' source)"
    ),
    "repair_cp1250": Text(
        pl="jako cp1250 (kodowanie polskich liter w Windows)", en="as cp1250 (the Windows encoding of Polish letters)"
    ),
    "repair_replacement": Text(
        pl="jako znaki zastępcze � (te bajty nie są literami w cp1250)",
        en="as replacement characters � (those bytes are no letters in cp1250)",
    ),
    "load_bad_json": Text(
        pl="Plik {file} nie jest poprawnym JSON-em ({error}); plik jest uszkodzony lub ucięty. Pobierz notatnik ponownie.",
        en="File {file} is not valid JSON ({error}); it is damaged or truncated. Download the notebook again.",
    ),
    "load_bad_notebook": Text(
        pl="Plik {file} nie jest poprawnym notatnikiem Jupytera: {error}",
        en="File {file} is not a valid Jupyter notebook: {error}",
    ),
    "load_bad_py": Text(
        pl="Plik {file} nie jest poprawnym eksportem jupytext: {error}",
        en="File {file} is not a valid jupytext export: {error}",
    ),
    # LMS exports: what a student reads in the LMS's comment field
    "lms_not_submitted": Text(pl="Nie oddano pracy.", en="Not submitted."),
    "lms_no_notebook": Text(
        pl="Oddano pliki, ale żaden nie jest notatnikiem (.ipynb).",
        en="Files submitted, but none is a notebook (.ipynb).",
    ),
    "lms_awaiting": Text(pl="czeka na ocenę prowadzącego", en="awaiting manual grading"),
    "lms_late": Text(
        pl="Oddano {late} po terminie: -{points} pkt ({percent}% maksimum).",
        en="Submitted {late} late: -{points} points ({percent}% of the maximum).",
    ),
}


def message(key: str, **values: object) -> Text:
    """The generic message ``key`` with its placeholders filled."""
    return MESSAGES[key].format(**values)


# The UI's own words in reports (headings, column names, captions); messages about the student's work
# come as Text from the judge. {placeholders} are filled by the report.
UI_LABELS: dict[str, Text] = {
    "report": Text("Raport", "Report"),
    "dashboard": Text("Podsumowanie grupy", "Class dashboard"),
    "student": Text("Student", "Student"),
    "file": Text("Plik", "File"),
    "late": Text("Spóźnienie", "Late"),
    "sha256": Text("SHA-256", "SHA-256"),
    "total": Text("Suma", "Total"),
    "status": Text("Status", "Status"),
    "error": Text("Błąd", "Error"),
    "points": Text("Punkty", "Points"),
    "object_name": Text("Oceniany obiekt", "Graded object"),
    "object_cell": Text("komórka", "cell"),
    "notice": Text("Uwaga", "Note"),
    "bonus": Text("dodatkowe", "bonus"),
    "hint": Text("Wskazówka", "Hint"),
    "expected": Text("Oczekiwano", "Expected"),
    "got": Text("Otrzymano", "Got"),
    "traceback": Text("Ślad wywołań", "Traceback"),
    "answer": Text("Odpowiedź", "Answer"),
    "feedback": Text("Ocena prowadzącego", "The grader's feedback"),
    "adjustment": Text("Korekta punktów", "Point adjustment"),
    "not_scored": Text("nie wpływa na ocenę", "not scored"),
    "hidden_check": Text("test ukryty", "hidden check"),
    "pending": Text("czeka na ocenę", "awaiting scoring"),
    "figure_stored": Text(
        "zapisany wynik, komórka {cell} (nie uruchamiany ponownie)", "stored output, cell {cell} (not re-run)"
    ),
    "figure_cell": Text("komórka {cell}", "cell {cell}"),
    "figure_executed": Text(
        "narysowany, gdy grader uruchomił notatnik, komórka {cell}",
        "drawn when the grader ran the notebook, cell {cell}",
    ),
    "figure_reference": Text(
        "rozwiązanie wzorcowe, ta sama sekcja, komórka {cell}", "reference solution, same section, cell {cell}"
    ),
    "run": Text("Uruchomienie notatnika przez grader", "The grader's run of the notebook"),
    "run_note": Text(
        "Trening ograniczony (epoki, podzbiór danych); komórka dłuższa niż limit jest przerywana, a kolejne "
        "wykonują się dalej.",
        "Training capped (epochs, a subsample of the data); a cell running past the limit is cut and the next ones "
        "run.",
    ),
    "cell": Text("komórka", "cell"),
    "cell_status": Text("stan", "status"),
    "seconds": Text("czas [s]", "time [s]"),
    "cell_error": Text("błąd", "error"),
    "environment": Text("Środowisko oceniania", "Grading environment"),
    "run_info": Text("Informacje o przebiegu", "Run information"),
    "submissions": Text("Zgłoszenia", "Submissions"),
    "count": Text("Liczba zgłoszeń", "Submissions"),
    "mean": Text("Średnia", "Mean"),
    "median": Text("Mediana", "Median"),
    "max": Text("Maksimum", "Maximum"),
    "histogram": Text("Rozkład wyników", "Score histogram"),
    "item_rates": Text("Zaliczenia zadań", "Item pass rates"),
    "item": Text("Zadanie", "Item"),
    "rate": Text("Zaliczone / odpowiedziane", "Passed / answered"),
    "attention": Text("Wymaga uwagi", "Needs attention"),
    "reason": Text("Powód", "Reason"),
    "slowest": Text("Najwolniejsze zgłoszenia", "Slowest submissions"),
    "item_time": Text("średni czas testów [s]", "mean check time [s]"),
    "duration": Text("Czas", "Duration"),
    "none": Text("brak", "none"),
    "grader_error_in": Text("błąd oceniarki w {item}", "grader error in {item}"),
    "suspicious": Text(
        "kod sięga do wnętrza oceniarki (do sprawdzenia): {where}",
        "code reaches into the grader's internals (review it): {where}",
    ),
}

# how the grader's run of one cell ended -> its label
CELL_STATUS_LABELS: dict[str, Text] = {
    "ok": Text("wykonana", "ran"),
    "error": Text("błąd", "error"),
    "timed_out": Text("przerwana (limit czasu)", "cut (time limit)"),
    "not_run": Text("nie uruchomiona", "not run"),
}

# an Outcome value -> its label
OUTCOME_LABELS: dict[str, Text] = {
    "passed": Text("zaliczone", "passed"),
    "failed": Text("niezaliczone", "failed"),
    "errored": Text("błąd w kodzie", "errored"),
    "timed_out": Text("przekroczony czas", "timed out"),
    "missing": Text("brak", "missing"),
    "manual": Text("ocena ręczna", "manual"),
    "grader_error": Text("błąd oceniarki", "grader error"),
}

# a submission's status -> its label
SUBMISSION_STATUS_LABELS: dict[str, Text] = {
    "graded": Text("ocenione", "graded"),
    "awaiting": Text("czeka na ocenę prowadzącego", "awaiting manual grading"),
    "error": Text("błąd", "error"),
    "not submitted": Text("nie oddano", "not submitted"),
    "no notebook": Text("brak notatnika", "no notebook"),
}


def awaiting_text(items: int, points: float) -> Text:
    """What a grade still waiting for a person says: how many items and how many points."""
    number = f"{points:g}"
    return Text(
        f"czeka na ocenę prowadzącego ({items} poz., {number.replace('.', ',')} pkt)",
        f"awaiting manual grading ({items} {'item' if items == 1 else 'items'}, {number} points)",
    )


def ui_labels(lang: str) -> dict:
    """The report UI's words in ``lang`` ("en", else Polish, as :class:`Text` chooses), with the
    labels of cell runs, outcomes and submission statuses as mappings."""
    labels: dict = {key: text(lang) for key, text in UI_LABELS.items()}
    labels["cell_statuses"] = {key: text(lang) for key, text in CELL_STATUS_LABELS.items()}
    labels["lang"] = "en" if lang == "en" else "pl"
    labels["statuses"] = {key: text(lang) for key, text in OUTCOME_LABELS.items()}
    labels["submission_statuses"] = {key: text(lang) for key, text in SUBMISSION_STATUS_LABELS.items()}
    return labels
