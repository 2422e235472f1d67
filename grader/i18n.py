"""Student-facing text in Polish and English.

Every message a student or instructor reads is a :class:`Text` holding both languages; the
language is chosen only when a report or a terminal table is rendered (``--lang``).
Generic messages of the machinery live in :data:`MESSAGES`; lab checks write their own
``Text`` next to the check that raises it.
"""
from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("pl", "en")


@dataclass(frozen=True)
class Text:
    """One message in both languages; ``format`` fills ``{placeholders}`` in both."""

    pl: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.pl

    def format(self, **values: object) -> "Text":
        return Text(self.pl.format(**values), self.en.format(**values))

    def to_json(self) -> dict[str, str]:
        return {"pl": self.pl, "en": self.en}

    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> "Text | None":
        return None if data is None else cls(pl=data["pl"], en=data["en"])

    @classmethod
    def same(cls, text: str) -> "Text":
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
    "section_missing": Text(
        pl="Nie znaleziono sekcji {section} w notatniku (usunięty nagłówek?).",
        en="Section {section} was not found in the notebook (deleted heading?).",
    ),
    "part_manual": Text(
        pl="Testy automatyczne oceniają {auto} pkt; pozostałe {manual} pkt (wnioski) ocenia prowadzący.",
        en="Automatic checks decide {auto} pts; the remaining {manual} pts (the conclusions) are scored by the instructor.",
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
    "load_not_utf8": Text(
        pl="Plik {file} nie jest tekstem UTF-8 (bajt {position}). Zapisz notatnik ponownie z Jupytera/Colaba.",
        en="File {file} is not UTF-8 text (byte {position}). Save the notebook again from Jupyter/Colab.",
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
}


def message(key: str, **values: object) -> Text:
    """The generic message ``key`` with its placeholders filled."""
    return MESSAGES[key].format(**values)
