"""Grouping speed of similar prose answers (``grader.answer_groups``) on a class-sized item.

    .venv/bin/python benchmarks/answer_groups.py [--answers 800] [--words 60] [--repeat 3]

Generates ``--answers`` Polish-like answers of about ``--words`` words: a third are paraphrases of
a few model answers (words dropped, swapped, diacritics removed, case changed), the rest random
answers of random made-up words (unrelated to each other), every answer prefixed with the copied question. Prints the
best wall time of ``--repeat`` runs of ``group_answers`` and the groups found.
Target (manual-grading page): 800 answers of about 60 words in well under 2 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.answer_groups import group_answers

QUESTION = "Wyjaśnij, dlaczego w autoenkoderze wariacyjnym stosuje się sztuczkę reparametryzacji."
VOCABULARY = (
    "koder dekoder wektor ukryty rozkład normalny gradient losowanie strata rekonstrukcji "
    "dywergencja średnia wariancja próbka sieć warstwa obraz wymiar uczenie optymalizacja "
    "parametr szum epsilon mnożymy dodajemy przez ponieważ dlatego że się jest nie można "
    "różniczkowalny operacja wagi propagacja wsteczna funkcja celu model generatywny"
).split()
SYLLABLES = ("ka", "to", "prze", "ni", "wa", "sz", "ło", "mi", "ęd", "ro", "zu", "py", "ść", "le", "bo", "gra")
DEACCENT = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def paraphrase(text: str, rng: random.Random) -> str:
    words = text.split()
    words = [word for word in words if rng.random() > 0.08]
    for _ in range(2):
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    if rng.random() < 0.5:
        out = out.translate(DEACCENT)
    return out.upper() if rng.random() < 0.1 else out


def cohort(size: int, words: int, seed: int = 0) -> dict[str, str]:
    rng = random.Random(seed)
    models = [" ".join(rng.choices(VOCABULARY, k=words)) for _ in range(5)]
    answers = {}
    for i in range(size):
        body = paraphrase(rng.choice(models), rng) if i % 3 == 0 else " ".join(made_up_word(rng) for _ in range(words))
        answers[f"s{i:04d}"] = f"{QUESTION}\n\n{body}"
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=800)
    parser.add_argument("--words", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    answers = cohort(args.answers, args.words)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        groups = group_answers(answers, template=QUESTION)
        timings.append(time.perf_counter() - start)
    grouped = sum(group.size for group in groups)
    print(f"{args.answers} answers of ~{args.words} words: best {min(timings):.3f} s of {args.repeat}")
    print(f"{len(groups)} groups, {grouped} answers grouped; sizes {[group.size for group in groups[:10]]}")


if __name__ == "__main__":
    main()
