"""Groups of similar prose answers to one rubric item, so that a grader can score alike answers
together (the manual-grading page shows each group with its representative first).

Pure computation on this machine: no network, no model. The method is the one
``shared/research/similarity.md`` recommends for prose (section 3):

1. **Normalise** each answer: Unicode NFKC, casefold, diacritics folded (``ą`` -> ``a``, and ``ł``
   mapped by hand because it has no decomposition), markdown markup and punctuation removed,
   whitespace collapsed. Students who type without Polish letters then still match.
2. **Character n-grams** (3 to 5 characters inside word boundaries, scikit-learn's
   ``TfidfVectorizer(analyzer="char_wb")``) weighted by TF-IDF, so the phrases every student uses
   weigh less. n-grams tolerate Polish inflection without a lemmatiser.
3. **Template subtraction**: every n-gram of the question (or the template's answer cell) is
   removed, so two answers that both copy the question are not similar for that reason. An answer
   that is nothing but the question is left with no n-grams and, like an empty answer, is never
   grouped.
4. **Cosine similarity**, all pairs at once (one sparse product).
5. **Complete-linkage clustering** cut at ``threshold``: in a group *every* two answers are at
   least ``threshold`` similar. Single linkage would chain: A like B and B like C would put A and C
   together though they share nothing.

Deterministic: the answers are processed in the order of their student keys, so the same
answers give the same groups, in the same order, whatever order the mapping had.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

NGRAM_RANGE = (3, 5)
# Floating point in the linkage heights: a pair exactly at the threshold must still join.
_TOLERANCE = 1e-9

# Markdown block markers at the start of a line: quotes, bullets, numbered items, headings.
_LINE_MARKUP = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*+][ \t]+|\d+[.)][ \t]+|#+[ \t]*)?", re.MULTILINE)
# Markdown's symbols outside Unicode's punctuation classes (inline code, strikethrough, tables, math).
_MARKDOWN_SYMBOLS = frozenset("`~^|$")
# Letters NFKD does not decompose, mapped as people type them without Polish letters.
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i"})


@dataclass(frozen=True)
class AnswerGroup:
    """Answers alike enough to be graded together.

    ``id`` is a short hash of the sorted members, so it stays the same as long as the group does
    (a page can remember which groups a grader has scored). ``representative`` is the member most
    similar, on average, to the others; ``similarity`` is the mean pairwise cosine similarity
    (1.0 for a group of one, possible only with ``min_size=1``).
    """

    id: str
    members: tuple[str, ...]
    representative: str
    similarity: float

    @property
    def size(self) -> int:
        return len(self.members)


class _FoldTable(dict[int, str]):
    """``str.translate`` table built on demand: a combining mark (the diacritic NFKD split off) is
    dropped, punctuation and markdown symbols become spaces, any other character stays. Caching
    per code point keeps the Unicode lookups out of the per-character loop."""

    def __missing__(self, code_point: int) -> str:
        char = chr(code_point)
        category = unicodedata.category(char)
        if category == "Mn":
            folded = ""
        elif category.startswith("P") or char in _MARKDOWN_SYMBOLS:
            folded = " "
        else:
            folded = char
        self[code_point] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """The answer as compared: NFKC, casefolded, diacritics folded, markdown and punctuation
    removed, whitespace collapsed to single spaces."""
    text = _LINE_MARKUP.sub(" ", unicodedata.normalize("NFKC", text))
    text = text.casefold().translate(_UNDECOMPOSED)
    return " ".join(unicodedata.normalize("NFKD", text).translate(_FOLD).split())


def group_answers(
    answers: Mapping[str, str],
    *,
    template: str = "",
    threshold: float = 0.6,
    min_size: int = 2,
) -> list[AnswerGroup]:
    """Groups of alike answers; ``answers`` maps a student key to the answer text.

    Within a group every two answers have cosine similarity >= ``threshold`` (0 to 1) after the
    n-grams of ``template`` are removed. Groups smaller than ``min_size`` are left out, as are
    empty answers and answers with nothing beyond the template. Groups come largest first (then
    by first member); members are sorted by student key.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    if min_size < 1:
        raise ValueError(f"min_size must be at least 1, got {min_size}")
    normalised = {key: normalise(text) for key, text in answers.items()}
    keys = sorted(key for key, text in normalised.items() if text)
    similarity = _similarity([normalised[key] for key in keys], normalise(template))
    # an answer left with no n-grams (nothing beyond the template) has 0, not 1, with itself
    comparable = np.flatnonzero(np.diag(similarity) > 0.5)
    keys = [keys[i] for i in comparable]
    if len(keys) < min_size:
        return []
    similarity = similarity[np.ix_(comparable, comparable)]
    groups = [_group(keys, similarity, members) for members in _clusters(similarity, threshold)]
    groups = [group for group in groups if group.size >= min_size]
    return sorted(groups, key=lambda group: (-group.size, group.members[0]))


def similarity_matrix(texts: Sequence[str], *, template: str = "") -> np.ndarray:
    """Cosine similarity (0 to 1) of every two texts, as :func:`group_answers` compares them:
    normalised, the template's n-grams removed. A text with nothing left (empty, or only the
    template) has similarity 0 with every text, itself included."""
    return _similarity([normalise(text) for text in texts], normalise(template))


def _similarity(normalised: Sequence[str], template: str) -> np.ndarray:
    if not any(normalised):
        return np.zeros((len(normalised), len(normalised)))
    vectors = _vectors(normalised, template)
    similarity = np.asarray((vectors @ vectors.T).toarray(), dtype=np.float64)
    return np.clip(similarity, 0.0, 1.0)


def _vectors(texts: Sequence[str], template: str) -> sp.csr_matrix:
    """Rows of L2-normalised TF-IDF weights of each text's n-grams, the template's n-grams zeroed."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=False, norm=None, sublinear_tf=True, dtype=np.float64
    )
    weights = sp.csr_matrix(vectorizer.fit_transform(texts))
    template_ngrams = set(vectorizer.build_analyzer()(template)) if template else set()
    vocabulary = vectorizer.vocabulary_
    dropped = [vocabulary[ngram] for ngram in template_ngrams if ngram in vocabulary]
    if dropped:
        keep = np.ones(weights.shape[1])
        keep[dropped] = 0.0
        weights = sp.csr_matrix(weights @ sp.diags(keep))
        weights.eliminate_zeros()
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weights)


def _clusters(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Complete-linkage clusters (row indices, ascending) whose every pair is >= ``threshold``."""
    count = similarity.shape[0]
    if count == 1:
        return [[0]]
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="complete")
    labels = fcluster(tree, t=1.0 - threshold + _TOLERANCE, criterion="distance")
    clusters: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(index)
    return list(clusters.values())


def _group(keys: Sequence[str], similarity: np.ndarray, members: list[int]) -> AnswerGroup:
    names = tuple(keys[i] for i in members)
    digest = hashlib.blake2b("\0".join(names).encode("utf-8"), digest_size=6).hexdigest()
    if len(members) == 1:
        return AnswerGroup(digest, names, names[0], 1.0)
    block = similarity[np.ix_(members, members)]
    # the diagonal (1.0, each answer with itself) is no evidence of likeness: leave it out
    to_others = (block.sum(axis=1) - np.diag(block)) / (len(members) - 1)
    # argmax takes the first maximum, and members are in key order: ties go to the first key
    representative = names[int(np.argmax(np.round(to_others, 12)))]
    mean_pairwise = float(to_others.mean())
    return AnswerGroup(digest, names, representative, round(mean_pairwise, 6))
