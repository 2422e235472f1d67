"""Groups of similar prose answers (grader/answer_groups.py): near-duplicates together, unrelated
answers and answers that only share the copied question apart, no chaining, deterministic.

Each property has its mutant: the same assertion run with a setting that breaks the property
(threshold 0, no template, single linkage) is shown to fail, so the test can fail."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from grader.answer_groups import AnswerGroup, group_answers, normalise, similarity_matrix

KL_ANSWER = "Dywergencja KL przybliża rozkład ukryty do rozkładu normalnego, więc z przestrzeni ukrytej można losować."
# the same answer as other students typed it: no Polish letters, other case, stray whitespace, markdown
KL_RETYPED = (
    "dywergencja kl  przybliza rozklad ukryty\n do rozkladu normalnego wiec z przestrzeni ukrytej mozna losowac",
    "**DYWERGENCJA KL** przybliża rozkład ukryty do rozkładu normalnego - więc z przestrzeni ukrytej można losować!",
    "> Dywergencja KL przybliża rozkład ukryty do rozkładu  normalnego, więc z przestrzeni ukrytej można losować",
)
UNRELATED = (
    "Dekoder odtwarza obraz wejściowy z wektora o małym wymiarze.",
    "Warstwa splotowa z krokiem 2 zmniejsza mapę cech dwukrotnie.",
    "Dyskryminator uczy się odróżniać obrazy prawdziwe od wygenerowanych przez generator.",
    "Za duży współczynnik uczenia sprawia, że strata skacze i nie maleje.",
)
QUESTION = (
    "Wyjaśnij, dlaczego w autoenkoderze wariacyjnym do funkcji straty dodaje się dywergencję "
    "Kullbacka-Leiblera między rozkładem ukrytym a rozkładem normalnym."
)


def _partition(groups: list[AnswerGroup]) -> set[frozenset[str]]:
    return {frozenset(group.members) for group in groups}


def test_normalise_folds_case_diacritics_markdown_and_whitespace():
    assert normalise("  **Zażółć** GĘŚLĄ\n> - jaźń.  Łódź `x` ﬁ ") == "zazolc gesla jazn lodz x fi"


def test_near_duplicate_polish_answers_group_together():
    answers = {"s1": KL_ANSWER, **{f"s{i}": text for i, text in enumerate(KL_RETYPED, start=2)}}
    answers.update({f"u{i}": text for i, text in enumerate(UNRELATED)})

    groups = group_answers(answers)

    assert _partition(groups) == {frozenset({"s1", "s2", "s3", "s4"})}
    (group,) = groups
    assert group.members == ("s1", "s2", "s3", "s4")
    assert group.representative in group.members
    assert group.similarity > 0.9


def _unrelated_apart(threshold: float) -> None:
    answers = {f"u{i}": text for i, text in enumerate(UNRELATED)}
    groups = group_answers(answers, threshold=threshold)
    assert groups == [], f"unrelated answers grouped: {[group.members for group in groups]}"


def test_unrelated_answers_do_not_group():
    _unrelated_apart(threshold=0.6)


def test_threshold_zero_is_a_mutant_that_groups_unrelated_answers():
    # the test above can fail: with the threshold gone everything is one group
    with pytest.raises(AssertionError, match="unrelated answers grouped"):
        _unrelated_apart(threshold=0.0)


def _copied_question_answers() -> dict[str, str]:
    # every student pasted the question, then wrote an answer of their own
    return {f"s{i}": f"{QUESTION}\n\n{answer}" for i, answer in enumerate(UNRELATED)}


def _copied_question_apart(template: str) -> None:
    # a low threshold, so that what the answers share beyond their own words would show
    groups = group_answers(_copied_question_answers(), template=template, threshold=0.4)
    assert groups == [], f"answers grouped by the copied question: {[group.members for group in groups]}"


def test_the_copied_question_does_not_make_answers_similar():
    _copied_question_apart(template=QUESTION)
    similarity = similarity_matrix(list(_copied_question_answers().values()), template=QUESTION)
    assert similarity[~np.eye(len(UNRELATED), dtype=bool)].max() < 0.2


def test_without_the_template_subtracted_the_copied_question_groups_them():
    # the mutant of the test above: IDF alone does not discount the shared question enough
    with pytest.raises(AssertionError, match="answers grouped by the copied question"):
        _copied_question_apart(template="")


def test_an_answer_that_is_only_the_question_is_never_grouped():
    answers = {"q1": QUESTION, "q2": QUESTION.upper(), "q3": f"  {QUESTION}  ", "s1": KL_ANSWER, "s2": KL_RETYPED[0]}
    assert _partition(group_answers(answers, template=QUESTION)) == {frozenset({"s1", "s2"})}
    similarity = similarity_matrix([QUESTION, KL_ANSWER], template=QUESTION)
    assert similarity[0].tolist() == [0.0, 0.0]


def test_empty_and_whitespace_answers_are_never_grouped():
    answers = {"e1": "", "e2": "   \n\t", "e3": "**  **", "s1": KL_ANSWER, "s2": KL_RETYPED[1]}
    assert _partition(group_answers(answers, min_size=1)) == {frozenset({"s1", "s2"})}


# A ~ B and B ~ C, but A shares little with C: a chain
_SENTENCES = (
    "Koder zamienia obraz na wektor ukryty o małym wymiarze.",
    "Dekoder odtwarza obraz z tego wektora.",
    "Strata KL przybliża rozkład ukryty do rozkładu normalnego.",
)
CHAIN = {
    "a": f"{_SENTENCES[0]} {_SENTENCES[1]}",
    "b": " ".join(_SENTENCES),
    "c": f"{_SENTENCES[1]} {_SENTENCES[2]}",
}


def test_a_chain_of_similar_answers_is_not_one_group():
    threshold = 0.6
    similarity = similarity_matrix(list(CHAIN.values()))
    # the premise: neighbours above the threshold, the ends below it
    assert similarity[0, 1] >= threshold and similarity[1, 2] >= threshold
    assert similarity[0, 2] < threshold

    groups = group_answers(CHAIN, threshold=threshold)

    assert frozenset("abc") not in _partition(groups)
    for group in groups:  # every two members of a group are alike, not just neighbours
        indices = ["abc".index(key) for key in group.members]
        assert all(similarity[i, j] >= threshold for i, j in itertools.combinations(indices, 2))
    # the mutant: single linkage on the same similarities chains all three into one cluster
    distance = squareform(1.0 - similarity, checks=False)
    single = fcluster(linkage(distance, method="single"), t=1.0 - threshold, criterion="distance")
    assert len(set(single)) == 1


def _class_of(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    texts = [KL_ANSWER, *KL_RETYPED, *UNRELATED, *CHAIN.values()]
    return {f"student{rng.randrange(10**6):06d}": text for text in texts}


def test_same_answers_in_any_order_give_the_same_groups():
    answers = _class_of(seed=3)
    expected = group_answers(answers)
    assert expected, "the fixture must produce groups for the comparison to mean anything"
    items = list(answers.items())
    for seed in range(5):
        random.Random(seed).shuffle(items)
        assert group_answers(dict(items)) == expected


def test_groups_are_ordered_by_size_then_first_member_and_ids_are_stable():
    answers = {
        "z1": KL_ANSWER,
        **{f"z{i}": text for i, text in enumerate(KL_RETYPED, start=2)},
        "a1": CHAIN["b"],
        "a2": CHAIN["c"],
        "m1": UNRELATED[0],
        "m2": UNRELATED[0] + " ",
    }
    groups = group_answers(answers)
    assert [group.members for group in groups] == [("z1", "z2", "z3", "z4"), ("a1", "a2"), ("m1", "m2")]
    # the id depends only on the members
    alone = group_answers({"a1": CHAIN["b"], "a2": CHAIN["c"]})
    assert alone[0].id == groups[1].id
    assert len({group.id for group in groups}) == 3


def test_representative_is_the_member_closest_to_the_others():
    # b is the middle of the chain; with a low threshold all three group and b is closest to both
    groups = group_answers(CHAIN, threshold=0.4)
    assert [group.members for group in groups] == [("a", "b", "c")]
    assert groups[0].representative == "b"
    similarity = similarity_matrix(list(CHAIN.values()))
    pairs = [similarity[0, 1], similarity[0, 2], similarity[1, 2]]
    assert groups[0].similarity == pytest.approx(np.mean(pairs), abs=1e-6)


def test_min_size_and_threshold_are_validated():
    assert group_answers({"s1": KL_ANSWER}, min_size=1)[0].members == ("s1",)
    assert group_answers({"s1": KL_ANSWER}) == []
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        group_answers({"s1": KL_ANSWER}, threshold=1.5)
    with pytest.raises(ValueError, match="min_size must be at least 1"):
        group_answers({"s1": KL_ANSWER}, min_size=0)
