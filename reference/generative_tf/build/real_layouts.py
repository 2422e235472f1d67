"""Sample submissions of lab ``generative-tf`` laid out like the course's real notebooks.

The students' notebooks do not keep the template's ``#### Zadanie 2.5 - ...`` headings. This
module describes two real layouts, taken from the seed reports (``shared/seeds/000_*.txt`` and
``001_*.txt``), and builds notebooks from them:

- :data:`SEED000_LAYOUT`: ``## 1. AutoEnkoder (AE)``, ``#### Zadanie 1.2. Skompiluj model. ...``
  (a dot after the number), the AE's ``plot_latent_space`` inside 1.3 under "Przygotowanie:",
  the VAE's inside 2.3, no heading for either; 2.5 is ``kl_div`` + ``compute_loss_gauss_kl``.
  The seed stops after 2.5; tasks 3 and 4 continue in its style (``## 3. ...``,
  ``#### Zadanie 3.1. ...``) with the course's numberless headings (``### Uzupełnij funkcję
  kosztu:``, ``## Uzupełnij funkcję train_step:``).
- :data:`SEED001_LAYOUT`: ``## **Zadanie 1 - AutoEnkoder (AE)**``, bold paragraphs
  ``**Zadanie 1.1 - ...**`` as task headings, ``### Zadanie 3 - Conditioned VAE``, no heading
  at all for ``conditioned_mnist``, the generator, the discriminator and their loss (plain
  paragraphs "Uzupełnij definicję generatora:"), ``### Uzupełnij funkcję kosztu:`` before task
  3's loss, ``## Inicjalizacje``, ``## Uzupełnij funkcję train\\_step:`` (escaped, as the seed).

A layout is a list of cells: fixed cells (``("markdown", text)`` / ``("code", text)``: the
headings and instructions copied from the seed, the students' captions "Rysunek N ...", and the
template's given code, taken from ``template.ipynb``'s own cells so it stays identical to the
template's) and :class:`Slot` entries where answers go. An answer is a string (one cell of the
slot's kind) or a tuple of ``(kind, source)`` cells (a prose answer with the student's code in
between). Slot ids are those of ``notebooks.TEMPLATE_SLOTS`` (every layout has all of
them) plus optional ones (``"2.5.wzor"``: the formula the student pasted; absent from an answer
set, they render nothing or their default).

:func:`layout_notebook` renders a layout with any answers: the samples below use the seeds' own
code and prose (:data:`SEED000_ANSWERS`, :data:`SEED001_ANSWERS`), and
``tests/test_heading_styles.py`` renders the solution's answers (``BASE_ANSWERS``) in each
layout. :func:`real_notebooks` is what ``notebooks.all_notebooks()`` writes. The students'
names in the seeds' first cells are replaced by placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

from ...build.common import assemble
from . import cells as nbs
from .samples import (
    KERAS2_1_PLOT,
    KERAS2_4_LOSS,
    KERAS2_4_STEP,
    SEED_001_GENERATOR,
    WLASNE_1_3,
    WLASNE_2_PLOT,
    WLASNE_3_LOSS,
    WLASNE_DECODER,
    WLASNE_ENCODER,
    _cond_cvae,
)

Cell = tuple[str, str]


@dataclass(frozen=True)
class Slot:
    """Where an answer goes. ``kind``: what a string answer becomes (prose items are markdown);
    ``default``: rendered when the answers have no entry for ``id`` (``()``: nothing)."""

    id: str
    kind: str = "code"
    default: object = ()


def md(text: str) -> Cell:
    return ("markdown", text)


def code(text: str) -> Cell:
    return ("code", text)


def _slot(item: str, **kwargs) -> Slot:
    return Slot(item, "markdown" if item in nbs.PROSE_ITEMS else "code", **kwargs)


def _edited(source: str, *edits: tuple[str, str]) -> str:
    """``source`` with each ``(old, new)`` replaced: the seed's code where it differs from a copy
    kept elsewhere by a line or two. An ``old`` missing from ``source`` means the copy changed."""
    for old, new in edits:
        if old not in source:
            raise ValueError(f"{old!r} is not in the code it edits: update real_layouts")
        source = source.replace(old, new)
    return source


def _cells_of(answer) -> tuple[Cell, ...]:
    return tuple(answer) if isinstance(answer, tuple) else ()


def render(layout: list, answers: dict) -> tuple[list[Cell], dict[str, list[int]]]:
    """The cells of ``layout`` with ``answers`` in its slots, and each slot's cell indices."""
    cells: list[Cell] = []
    where: dict[str, list[int]] = {}
    for entry in layout:
        if not isinstance(entry, Slot):
            cells.append(entry)
            continue
        answer = answers.get(entry.id, entry.default)
        parts = ((entry.kind, answer),) if isinstance(answer, str) else _cells_of(answer)
        where[entry.id] = list(range(len(cells), len(cells) + len(parts)))
        cells.extend(parts)
    return cells, where


def layout_notebook(layout: list, answers: dict) -> nbformat.NotebookNode:
    """A notebook (ids ``cell-001``..., no outputs) of ``layout`` with ``answers``."""
    slots = {e.id for e in layout if isinstance(e, Slot)}
    missing = set(nbs.TEMPLATE_SLOTS) - slots
    if missing:
        raise ValueError(f"the layout has no slot for {sorted(missing)}")
    return assemble(render(layout, answers)[0], nbs.METADATA["grader"]["lab"])


# ---------------------------------------------------------------------------------------------
# The template's given code, cell by cell (read from the template itself)
# ---------------------------------------------------------------------------------------------

_TEMPLATE_CODE = [source for kind, source in nbs._cells(nbs.TEMPLATE_SLOTS) if kind == "code"]


def _given(start: str, contains: str = "") -> Cell:
    """The template's first code cell that starts with ``start`` (and contains ``contains``)."""
    for source in _TEMPLATE_CODE:
        if source.startswith(start) and contains in source:
            return code(source)
    raise KeyError(f"the template has no code cell starting with {start!r}")


IMPORTS = _given("import time")
DATA = _given("def preprocess(x):")
AUTOENCODER = _given("latent_dim = 2", "class Autoencoder")
NEW_AUTOENCODER = _given("autoencoder = Autoencoder(latent_dim)")
FIT = _given("autoencoder.fit(")
RECONSTRUCTIONS = _given("def plot_reconstructions(")
AE_LATENT_CALL = _given("plot_latent_space(autoencoder, x_test)")
LATENT_IMAGES = _given("def plot_latent_images(")
CVAE = _given("class CVAE(")
VAE_LOSS = _given("optimizer = tf.keras.optimizers.Adam(1e-4)", "def compute_loss(")
VAE_DATA = _given("train_size = 60000")
NEW_VAE = _given("model = CVAE(latent_dim)")
VAE_LOOP = _given("for epoch in range(1, epochs + 1):", "for train_x in train_dataset:")
VAE_LATENT_CALL = _given("plot_latent_space(model, x_test)")
COND_DATA = _given("x_train_small = ")
COND_PREVIEW = _given("plt.figure(figsize=(6, 6))")
NEW_COND = _given("latent_dim = 2", "Cond_CVAE(latent_dim)")
COND_LOOP = _given("for epoch in range(1, epochs + 1):", "train_dataset_with_cond")
GAN_DATA = _given("BUFFER_SIZE = ")
GENERATOR_PREVIEW = _given("generator = prepare_generator(noise_dim, cond_dim)")
DISCRIMINATOR_PREVIEW = _given("discriminator = prepare_discriminator(")
GAN_LOSSES = _given("# This method returns a helper function to compute cross entropy loss")
GAN_SETTINGS = _given("generator_optimizer = ")
GAN_TRAIN = _given("def generate_and_save_images(")
GAN_TRAIN_CALL = _given("train(train_dataset, EPOCHS)")
# Seed 001 rewrote the settings cell under "## Inicjalizacje": the optimizers stay given.
GAN_OPTIMIZERS = code(nbs._scaffold_stmt("generator_optimizer", "discriminator_optimizer"))
GAN_EPOCHS = code(GAN_SETTINGS[1][GAN_SETTINGS[1].index("EPOCHS = ") :])
if not GAN_SETTINGS[1].startswith(GAN_OPTIMIZERS[1] + "\n" + "EPOCHS = "):
    raise ValueError("the template's GAN settings cell changed: update real_layouts.GAN_OPTIMIZERS")

BASE_ANSWERS = {**nbs.TEMPLATE_SLOTS, **nbs.SOLUTION_SLOTS}

# ---------------------------------------------------------------------------------------------
# The course's instructions for the tasks without a number (seed 001 keeps them)
# ---------------------------------------------------------------------------------------------

TEXT_3_DATA = (
    "Uzupełnij funkcję, która z każdego obrazu ze zbioru danych `x` tworzy 9 obrazów z cyfrą na "
    "każdej z 9 pozycji siatki 3x3, a także tworzy etykiety `y` w postaci wektora [cyfra-one-hot, "
    "pozycja{_}x, pozycja{_}y]. Dla każdej pary z oryginalnego zbioru danych (obraz, etykieta) "
    "wylosuj `num_imgs` par, które znajdą się w docelowym zbiorze danych (nie zapisujemy "
    "wszystkich 9 możliwości ze względu na ograniczenia RAM)."
)
TEXT_3_MODEL = [
    "Uzupełnij klasę Cond{_}CVAE na podstawie klasy CVAE. W tym celu:",
    "Uzupełnij funkcję prepare{_}encoder. Będziemy mieć dwa wejścia do modelu - jedno na obraz, "
    "jedno na wektor cech [etykieta, pos{_}x, pos{_}y]. Przeprocesuj obraz z pomocą warstw "
    "konwolucyjnych (możesz wykorzystać implementację z CVAE). Możesz też przygotować kilka "
    "warstw, które zajmą się wektorem cech. Użyj warstwy konkatenującej wyniki z przetwarzania "
    "obrazu i wektora cech. Za tą warstwą znajdzie się warstwa gęsta, wyliczająca średnią i "
    "logvar.",
    "Uzupełnij funkcję prepare{_}decoder. Tu również mamy do czynienia z dwoma wejściami - jedno "
    "przyjmuje szum, drugie wektor cech. Połącz oba wejścia i przygotuj dekodery. Możesz "
    "skorzystać z implementacji CVAE, ale będą potrzebne zmiany związane z innym rozmiarem "
    "obrazów.",
    "Pozostałe funkcje są już zaimplementowane. Przyjrzyj się im. Co się zmieniło względem implementacji CVAE?",
]
TEXT_3_1 = (
    "Sprawdź jakość modelu dla 3 różnych wartości `latent_dim` (trzeba dla każdej z nich "
    "osobno wytrenować model). Niech będą od siebie znacząco różne, np. 2, 25, 100. Przy "
    "większym `latent_dim` może być potrzebnych więcej epok."
)
TEXT_3_2 = [
    "Wybierz przykład ze zbioru testowego (obraz + etykieta).",
    "Przepuść próbkę przez enkoder, uzyskaj reprezentację z.",
    "Dla każdego z 9 możliwych wektorów [poprawna{_}etykieta, pos{_}x, pos{_}y] przepuść przez "
    "dekodery reprezentację z wraz z informacją o etykiecie i położeniu. Wyświetl uzyskany obraz. "
    "Skomentuj wyniki - czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym miejscu? "
    "Jeśli nie, to co może być przyczyną?",
]
TEXT_3_3 = (
    "Powtórz zadanie 3.2, ale tym razem jako reprezentację z wykorzystaj wartości "
    "wylosowane z rozkładu normalnego oraz wybierz dowolną etykietę. Skomentuj wyniki - "
    "czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym miejscu?"
)
TEXT_4_1 = (
    "Wygeneruj po jednym obrazie z każdą liczbą z pomocą generatora. Oceń jakość "
    "wyników. Jeśli jakość modelu pozostawia wiele do życzenia, spróbuj go poprawić, np. "
    "zwiększając liczbę epok bądź zmieniając definicję generatora/dyskryminatora."
)
TEXT_GENERATOR_PREVIEW = (
    'Wyświetlmy obraz wygenerowany przez niewytrenowany generator przy podaniu na wejściu etykiety "1":'
)


def _plain(text: str) -> str:
    """Seed 000's spelling: underscores as typed."""
    return text.replace("{_}", "_")


def _escaped(text: str) -> str:
    """Seed 001's spelling: underscores escaped (``pos\\_x``), as its export has them."""
    return text.replace("{_}", "\\_")


# =============================================================================================
# Seed 000
# =============================================================================================

SEED000_LAYOUT = [
    md("Jan Kowalski  \nwtorek, 9:45"),
    md("## 1. AutoEnkoder (AE)"),
    IMPORTS,
    DATA,
    AUTOENCODER,
    md(
        "#### Zadanie 1.1 - Dlaczego sigmoid jest odpowiednią funkcją aktywacji w ostatniej "
        "warstwie dekodera w tym przypadku? (0.25pkt)"
    ),
    _slot("1.1"),
    md(
        "#### Zadanie 1.2. Skompiluj model. W tym celu najpierw zdefiniuj loss dla modelu. "
        "W przypadku autoenkodera jest to funkcja działająca na wejściach do enkodera oraz "
        "wyjściach z dekodera. Do wyboru są różne funkcje! Patrząc na reprezentację danych (wróć "
        "do funkcji definiującej preprocessing), wybierz odpowiednią. Uzasadnij swój wybór. "
        "(0.25 pkt)"
    ),
    NEW_AUTOENCODER,
    _slot("1.2"),
    Slot("1.2.uzasadnienie", "markdown"),
    FIT,
    RECONSTRUCTIONS,
    md(
        "#### Zadanie 1.3. Wybierz ze zbioru testowego dwa obrazy z różnymi liczbami. Dobierz "
        "takie liczby, dla których spodziewasz się, że odkodowanie średniej z ich zenkodowanych "
        "reprezentacji będzie miało sens. Wybierz dwie takie pary."
    ),
    md("Przygotowanie:"),
    _slot("1.plot"),
    AE_LATENT_CALL,
    LATENT_IMAGES,
    code("plot_latent_images(autoencoder, 20, x_range=(-2.0, 2.0), y_range=(-2.5, 2.5))"),
    _slot("1.3"),
    _slot("1.3.code"),
    md("Dla których powyższy kod produkuje następujący wynik:"),
    Slot("1.3.wnioski", "markdown"),
    md("## 2. AutoEnkoder wariacyjny (VAE)"),
    CVAE,
    md(
        "#### Zadanie 2.1. Dlaczego powyższa implementacje CVAE nie stosuje żadnej aktywacji "
        "w ostatniej warstwie enkodera? Czy jakaś funkcja by się tutaj nadawała? (0.25pkt)"
    ),
    _slot("2.1"),
    VAE_LOSS,
    VAE_DATA,
    NEW_VAE,
    VAE_LOOP,
    md(
        "#### Zadanie 2.2. Skomentuj wynik uzyskany przy użyciu funkcji plot_latent_images. Zwróć "
        "uwagę na jakość/sensowność rysowanych liczb. Porównaj wykres do analogicznego wykresu "
        "dla modelu AE. Zamieść w raporcie wykresy. (0.25pkt)"
    ),
    md("Najpierw powtórzę tablicę liczb dla AE:"),
    code("plot_latent_images(autoencoder, 20, x_range=(-2.0, 2.0), y_range=(-2.5, 2.5))"),
    md("A poniżej wkleję tablicę liczb dla VAE:"),
    code("plot_latent_images(model, 20, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0))"),
    _slot("2.2"),
    md(
        "#### Zadanie 2.3. Porównaj wyniki funkcji _plot_latent_space_ dla AE oraz VAE. Zwróć "
        'uwagę na "gęstość" punktów oraz zakres wartości. Zamieść w raporcie wykresy.'
    ),
    md("Z poprzedniej sekcji uzyskaliśmy następujący rozkład zmiennych latentnych w AE:"),
    md(
        "Rozmieszczenie zmiennych latentnych w przestrzeni kartezjańskiej odpowiadających za "
        "rozkład prawdopodobieństw użytych sampli w VAE:"
    ),
    md("Funkcja użyta do generacji powyższego wykresu dla VAE:"),
    _slot("2.plot"),
    VAE_LATENT_CALL,
    _slot("2.3"),
    md(
        "#### Zadanie 2.4. Dla tych samych par obrazów, na których pracowałaś/eś w ostatnim "
        "zadaniu dot. AE, przygotuj reprezentacje ukryte z pomocą wytrenowanego VAE i odkoduj "
        "średnie z reprezentacji. Skomentuj wyniki, porównaj z wynikami z AE."
    ),
    md("Funkcja generująca reprezentacje dla uśrednionych sampli:"),
    _slot("2.4.code"),
    md("wygenerowała następujący wynik:"),
    _slot("2.4"),
    md(
        "#### Zadanie 2.5. Wróć do funkcji _compute_loss_ ... wykorzystaj wzór na KL-divergence "
        "dla dwóch rozkładów gaussowskich. Zamieść w raporcie przygotowaną formułę. Wytrenuj "
        "model ponownie, porównaj wyniki z poprzednią implementacją _compute_loss_."
    ),
    Slot("2.5.wzor", "markdown"),
    _slot("2.5"),
    NEW_VAE,
    Slot("2.5.trening", default=VAE_LOOP[1]),
    Slot("2.5.wnioski", "markdown"),
    # --- the seed stops here; tasks 3 and 4 in its style ---
    md("## 3. Conditioned VAE"),
    md(_plain(TEXT_3_DATA)),
    _slot("3.data"),
    COND_DATA,
    COND_PREVIEW,
    md(_plain(TEXT_3_MODEL[0]) + "\n\n" + "\n".join(f"- {_plain(t)}" for t in TEXT_3_MODEL[1:])),
    _slot("3.model"),
    Slot("3.model.odpowiedz", "markdown"),
    md("### Uzupełnij funkcję kosztu:"),
    _slot("3.loss"),
    NEW_COND,
    COND_LOOP,
    md("#### Zadanie 3.1. " + TEXT_3_1),
    _slot("3.1.code"),
    _slot("3.1"),
    md(
        "#### Zadanie 3.2. Wykonaj dla najlepszego modelu z punktu 3.1.:\n\n"
        + "\n".join(f"- {_plain(t)}" for t in TEXT_3_2)
    ),
    _slot("3.2.code"),
    _slot("3.2"),
    md("#### Zadanie 3.3. " + TEXT_3_3),
    _slot("3.3.code"),
    _slot("3.3"),
    md("## 4. Conditioned GAN"),
    GAN_DATA,
    md("Uzupełnij definicję generatora:"),
    _slot("4.gen"),
    md(TEXT_GENERATOR_PREVIEW),
    GENERATOR_PREVIEW,
    md("Uzupełnij definicję dyskryminatora:"),
    _slot("4.disc"),
    md("Zobaczmy predykcję niewytrenowanego dyskryminatora:"),
    DISCRIMINATOR_PREVIEW,
    GAN_LOSSES,
    md("Uzupełnij funkcję kosztu:"),
    _slot("4.loss"),
    md("## Inicjalizacje"),
    GAN_SETTINGS,
    md("## Uzupełnij funkcję train_step:"),
    _slot("4.step"),
    md("## Czas na trening!"),
    GAN_TRAIN,
    GAN_TRAIN_CALL,
    md("#### Zadanie 4.1. " + TEXT_4_1),
    _slot("4.1.code"),
    _slot("4.1"),
]

# --- seed 000's own answers (verbatim; the figures are outputs and are not kept) -------------

SEED000_1_2 = "autoencoder.compile(optimizer='adam', loss=keras.losses.MeanSquaredError)"

SEED000_1_PLOT = """def plot_latent_space(model, data):
  coords = model.encoder(data).numpy()
  plt.scatter(coords[:, 0], coords[:, 1], s=1)
  plt.show()"""

# samples.styl_wlasne_nazwy took these two cells of seed 000 verbatim.
SEED000_COMBINE_PAIRS_AE = WLASNE_1_3
SEED000_2_PLOT = WLASNE_2_PLOT

# The buggy seed-000 sample: the error bars are the variance exp(logvar), not the deviation.
SEED000_2_PLOT_WARIANCJA = _edited(SEED000_2_PLOT, ("std = tf.exp(logvar / 2)", "std = tf.exp(logvar)"))

# The seed's 2.4 is its 1.3 with the VAE's encoding and decoding.
SEED000_COMBINE_PAIRS_VAE = _edited(
    SEED000_COMBINE_PAIRS_AE,
    (
        "            enc_num = model.encoder(np.array([num])).numpy()\n            enc_pair.append(enc_num)\n",
        "            mean, logvar = model.encode(np.array([num]))\n"
        "            z = model.reparameterize(mean, logvar).numpy()\n"
        "            enc_pair.append(z)\n",
    ),
    ("comb_pair = model.decoder(mean_enc_pair).numpy()", "comb_pair = model.sample(mean_enc_pair)"),
    ("combine_pairs(autoencoder, pairs)", "combine_pairs(model, pairs)"),
)

# 2.5's two code cells: the kl_helper_style sample (cells.py's BUGGY_SAMPLES) is the two of them in one cell.
# The seed lost the second cell's `def` line; the rest is verbatim.
SEED000_KL_DIV, SEED000_COMPUTE_LOSS_GAUSS_KL = nbs.SEED_000_KL_HELPER.split("\n\n\n")

SEED000_2_5 = (
    code(SEED000_KL_DIV),
    md(
        "Objaśnienie co do wartości ze wzoru:\n"
        "- na podstawie logarytmu wariancji wyciągamy wariancję\n"
        "- ślad macierzy $\\Sigma$ to suma wartości wekora wariancji\n"
        "- średnia to wektor dwuliczbowy, z którego obliczamy kwadrat normy euklidesowej\n"
        "- dla stabilności obliczen w ostatnim elemencie, zamiast obliczać logarytm pomnożonych "
        "wartości wektora wariancji, dodaję do siebie wartości `logvar`, co sprowadza się do tego "
        "samego wyniku\n"
        "- $k$ to liczba długość wektorów wejściowych, czyli 2\n\n"
        "Dodatkowo, funkcja została zapisana w taki sposób, aby operowała na minibatchach."
    ),
    md("Funkcja `compute_loss_gauss_kl` wykorzystująca `kl_div` przyjmuje następującą postać:"),
    code(SEED000_COMPUTE_LOSS_GAUSS_KL),
)

# Retraining with the new loss (the seed shows its result only).
SEED000_2_5_TRENING = """@tf.function
def train_step_gauss_kl(model, x, optimizer):
  with tf.GradientTape() as tape:
    loss = compute_loss_gauss_kl(model, x)
  gradients = tape.gradient(loss, model.trainable_variables)
  optimizer.apply_gradients(zip(gradients, model.trainable_variables))
  return loss


for epoch in range(1, epochs + 1):
  start_time = time.time()
  for train_x in train_dataset:
    train_step_gauss_kl(model, train_x, optimizer)
  end_time = time.time()

  loss = tf.keras.metrics.Mean()
  for test_x in test_dataset:
    loss(compute_loss_gauss_kl(model, test_x))
  elbo = -loss.result()
  print('Epoch: {}, Val set ELBO: {}, time elapse for current epoch: {}'
        .format(epoch, elbo, end_time - start_time))"""

SEED000_ANSWERS = {
    "1.1": (
        "Ponieważ chcemy generować przypadki wyjściowe w sposób podobny do danych wejściowych. "
        "Na wejściu autoenkodera podawaliśmy obrazki w skali szarości, gdzie intensywność bieli "
        "wyrażona jest w sposób znormalizowany w przedziale [0, 1], chcąc otrzymać taki sam "
        "przedział wartości na wyjściu aplikujemy sigmoidę jako funkcję aktywacji ostatniej "
        "warstwy, która sprowadza generowane wartości do pożądanego przedziału [0, 1]."
    ),
    "1.2": SEED000_1_2,
    "1.2.uzasadnienie": (
        "Wartości wejściowymi są wartościami ciągłymi na przedziale [0, 1], a poprzez zastosowanie "
        "sigmoidy jako funkcji aktywacji w ostatniej warstwie również wartości wyjściowe przyjmą "
        "taki sam przedział. Ponieważ nie klasyfykujemy danych do dwóch osobnych grup, 0 lub 1, "
        "lecz obliczamy funkcję kosztu dla dwóch wartości z przedziału ciągłego, dobrze nada się do "
        "tego podejście typu MSE, lub jemu podobne np.: RMSE lub MAE."
    ),
    "1.plot": SEED000_1_PLOT,
    "1.3": (
        md(
            "Do wygenerowania tablicy liczb wybrałem obszar o największej gęstości występowania "
            "zakodowanych elementów, tj. x i y pomiędzy -2.5 i 2.5."
        ),
        md("Wybrałem pary: 6 i 7 oraz 4 i 0"),
    ),
    "1.3.code": SEED000_COMBINE_PAIRS_AE,
    "1.3.wnioski": (
        md(
            "Pierwsza para wypadła całkiem nieźle, gdyż faktycznie uśrednienie liczb 6 i 7 "
            "wskazywało na powstanie czegoś na kształt 5 lub 8. Wygenerowany kształt bardzo "
            "przypomina 8, choć dość rozmazane.\n\n"
            "Druga para, 4 i 0, wygenerowała coś, co jest bardzo podobne do 3 albo 9. W tym wypadku "
            "oczekiwałem 5 lub 3, czyli właściwie udało się trafić, o ile bardzo obniżymy swoje "
            "oczekiwania co do czytelności wygenerowanego znaku.\n\n"
            "Jak widać nie zawsze udaje się wygenerować jednoznaczne liczby, natomiast obydwa "
            "rezultaty mają część wspólną: są mocno rozmazane."
        ),
    ),
    "2.1": (
        "Warstwa latentna zwaraca parametry rozkładu Gaussa, takie jak średnia i odchylenie "
        "standardowe, czy też jak w naszym przypadku logarytm z wariancji. Obydwie te wartości "
        "należą do zbioru liczb rzeczywistych i dla zapewnienia lepszych efektów uczenia się "
        "enkodera, wartości te powinny pozostać bez zmian na wyjściu z niego.\n\n"
        "Przyjrzyjmy się kilku funkcjom aktywacji:\n"
        "- ReLU - zeruje wartości ujemne\n"
        "- Sigmoida - ma dużą zmienność dla dziedziny w okolicach 0, a w pozostałych przedziałach "
        "dziedziny zmienia się znacznie wolniej\n"
        "- tanh - podobnie do sigmoidy\n\n"
        "Zastosowanie funkcji aktywacji zaburzyłoby tylko wartości rozkładu, którego specyfiki "
        "próbuje się nauczyć enkoder, uwaga ta tyczy się wszystkich funkcji nieliniowych. Funkcje "
        "liniowe natomiast tylko przeniosą przedział wartości wyjściowych, więc ma z nich w tym "
        "przypadku żadnego porzytku.\n\n"
        "Na podstawie powyższej argumentacji stwierdzam, że w tym przypadku do poprawy jakości "
        "modelu nie nada się żadna funkcja aktywacji."
    ),
    "2.2": (
        "Czego należało się spodziewać, rozmieszczenie liczb w tablicy jest różne, co wiąże się "
        "z różnicami, jakie przyjmują zmienne latentne dla obydwu modeli.\n\n"
        "W obydwu przypadkach udało się zaprezentować większość występujących cyfr i chociaż "
        "obszar dla VAE w przestrzeni kartezjańskiej jest znacznie mniejszy, ilość uwzględnionych "
        "punktów z wybranego zakresu jest dość podobna.\n\n"
        "Jakościowo wyniki nie odbiegają znacząco jedne od drugich. Zarówno wśród wyników AE, jak "
        "i VAE jasno widać przenikanie się pomiędzy cyframi i użytych modeli, których trening "
        "trwał 10 epok, nie jestem w stanie wskazać faworyta."
    ),
    "2.plot": SEED000_2_PLOT,
    "2.3": (
        "Jak już pokrótce zauważyłem w poprzednim zadaniu, punkty w wykresie dla VAE są gęściej "
        "upakowane, a ich przedział wartości jest mniejszy, niż dla AE.\n\n"
        "Uwzględniają odchylenia standardowe, wciąż widać znaczne przecięcia pomiędzy "
        "sąsiadującymi punktami, które mogą reprezentować różne liczby, czego efektem jest "
        "przenikanie się reprezentacji cyfr tworzonych przez enkoder - patrz wyniki z zadania "
        "2.2.\n\n"
        "Ciekawym elementem wykresu dla VAE jest grupa w prawej-dolnej części wykresu, która się "
        "znacznie odłączyła od reszty. Porównując wykres z tablicą liczb dla VAE można uznać, że "
        "jest grupa generująca zera."
    ),
    "2.4.code": SEED000_COMBINE_PAIRS_VAE,
    "2.4": (
        "Dla pary 6 i 7 spodziwałam się zobaczyć 5 albo 9 i faktycznie uzyskana cyfra jest "
        "dziewiątką.\n\n"
        "Druga para liczb, mianowicie 4 i 0, wygenerowały liczbę 3. Porównanie wyniku z tablicą "
        "liczb VAE jest trudniejsze, gdyż o ile 0 jest łatwe do odnalezienia, 4 właściwie nie "
        "występuje w tablicy. Natomiast wiedząc, że para 4 i 0 generuje 3, a 3 jest na lewo od 0, "
        "to 4 musi znajdować się całkiem po lewej stronie, ale zostało wycięte przy doborze "
        "obszaru do stworzenia tablicy liczb. Faktycznie kształty po lewej stronie tablicy mogą "
        "przypominać 4.\n\n"
        "Wygenerowane liczby nie są zupełnie czytelne, ale wg mnie są czytelniejsze, od tych "
        "wygenerowanych przez AE.  \n"
        "Oczywiście, skoro rozlokowanie liczb w przestrzeni 2D jest odmienne dla AE i VAE, "
        "wygenerowane liczby z uśrednienia tych samych liczb wejściowych powinny być różne dla "
        "każdego z modeli i tak też jest."
    ),
    "2.5.wzor": (
        "Formuła KL-divergence dla dwóch rozkładów gaussowskich wygląda następująco:\n\n"
        "$$ \\mathcal{D} [\\mathcal{N}(\\mu(X), \\Sigma(X)) || \\mathcal{N}(0, I)] = \n"
        "\\frac{1}{2} (tr(\\Sigma(X)) + (\\mu(X))^T (\\mu(X)) - k - log det (\\Sigma(X)))$$\n\n"
        "którą można zapisać w postaci funkcji python w następujący sposób:"
    ),
    "2.5": SEED000_2_5,
    "2.5.trening": SEED000_2_5_TRENING,
    "2.5.wnioski": (
        "Wyniki uzyskane przy użyciu `compute_loss_gauss_kl` nie różnią się niczym od tych "
        "uzyskanych stosując bazową funkcję straty `compute_loss`, a wartość `ELBO` dla obydwu "
        "podejść po ukończeniu treningu jest prawie taka sama i wynosi ok 158."
    ),
}

# =============================================================================================
# Seed 001
# =============================================================================================

SEED001_LAYOUT = [
    md(
        "**Przedmiot: Uczenie Maszynowe**  \n**Laboratorium: Modele Generatywne**  \n"
        "**Kierunek: Informatyka – Data Science**  \n**Autor: Jan Nowak**"
    ),
    md("## **Zadanie 1 - AutoEnkoder (AE)**"),
    IMPORTS,
    DATA,
    AUTOENCODER,
    md(
        "**Zadanie 1.1 - Dlaczego sigmoid jest odpowiednią funkcją aktywacji w ostatniej warstwie "
        "dekodera w tym przypadku?**"
    ),
    _slot("1.1"),
    md(
        "**Zadanie 1.2. Skompiluj model. W tym celu najpierw zdefiniuj loss dla modelu. "
        "W przypadku autoenkodera jest to funkcja działająca na wejściach do enkodera oraz "
        "wyjściach z dekodera. Do wyboru są różne funkcje! Patrząc na reprezentację danych (wróć "
        "do funkcji definiującej preprocessing), wybierz odpowiednią. Uzasadnij swój wybór.**"
    ),
    NEW_AUTOENCODER,
    _slot("1.2"),
    md("**Rysunek 1 Zdefiniowana funkcja loss dla modelu AutoEnkoder**"),
    Slot("1.2.uzasadnienie", "markdown"),
    FIT,
    md("**Wyświetlmy przykładowe obrazy oraz ich rekonstrukcje:**"),
    RECONSTRUCTIONS,
    md("Rysunek 2 Przykładowe obrazy oraz ich rekonstrukcje"),
    md(
        "**Zaimplementuj funkcję do wizualizacji reprezentacji obrazów ze zbioru testowego "
        "w ukrytej przestrzeni 2-wymiarowej. Wyświetl wizualizację.**"
    ),
    _slot("1.plot"),
    md("Rysunek 3 Zaimplementowana funkcja do wizualizacji reprezentacji obrazów"),
    AE_LATENT_CALL,
    md("Rysunek 4 Zwizualizowana dwuwymiarowa przestrzeń latentna dla AE"),
    md(
        "Teraz wyświetlmy obrazy powstałe przez dekodowanie wartości z prostokątnej siatki. Dobierz "
        "granice siatki, analizując wyniki funkcji `plot_latent_space`."
    ),
    LATENT_IMAGES,
    md("Rysunek 5 Dobrane granice siatki w funkcji `plot_latent_images`"),
    code("plot_latent_images(autoencoder, 20, x_range=(-6.0, 10.0), y_range=(-6.5, 8.0))"),
    md("Rysunek 6 Obrazy powstałe przez dekodowane wartości z prostokątnej siatki dla AE"),
    md(
        "**Zadanie 1.3.** Wybierz ze zbioru testowego dwa obrazy z różnymi liczbami. Dobierz takie "
        "liczby, dla których spodziewasz się, że odkodowanie średniej z ich zenkodowanych "
        "reprezentacji będzie miało sens. Wybierz dwie takie pary. Dla każdej z par:\n\n"
        "- Wyświetl wybrane liczby.\n"
        "- Użyj enkodera do uzyskania 2-wymiarowych reprezentacji każdej liczby.\n"
        "- Wylicz średnią z tych reprezentacji.\n"
        "- Użyj dekodera na uzyskanej średniej.\n\n"
        "- Wyświetl wynik.\n"
        "- Skomentuj wynik - czy przypomina jakąś liczbę? Czy takiego wyniku się spodziewałeś?"
    ),
    _slot("1.3.code"),
    _slot("1.3"),
    md("## Zadanie 2 - AutoEnkoder wariacyjny (VAE)"),
    CVAE,
    md(
        "**Zadanie 2.1. Dlaczego powyższa implementacja CVAE nie stosuje żadnej aktywacji "
        "w ostatniej warstwie enkodera? Czy jakaś funkcja by się tutaj nadawała?**"
    ),
    _slot("2.1"),
    VAE_LOSS,
    md("**Zainicjalizujemy model i przeprowadźmy trening:**"),
    VAE_DATA,
    NEW_VAE,
    VAE_LOOP,
    md("Rysunek 10 Wynik końcowy treningu modelu VAE"),
    md(
        "Narysujmy teraz, podobnie jak wcześniej dla AE, dwuwymiarową przestrzeń ukrytą. "
        "Zaimplementuj funkcję `plot_latent_space`, która zenkoduje zbiór danych, a następnie "
        "wyświetli każdy punkt wraz z odchyleniem standardowym."
    ),
    _slot("2.plot"),
    md("Rysunek 11 Zaimplementowana funkcja `plot_latent_space`"),
    VAE_LATENT_CALL,
    md("Rysunek 12 Zwizualizowana dwuwymiarowa przestrzeń latentna dla VAE"),
    md(
        "**Zadanie 2.2.** Skomentuj wynik uzyskany przy użyciu funkcji `plot_latent_images`. Zwróć "
        "uwagę na jakość/sensowność rysowanych liczb. Porównaj wykres do analogicznego wykresu dla "
        "modelu AE. Zamieść w raporcie wykresy."
    ),
    _slot("2.2"),
    md(
        "**Zadanie 2.3.** Porównaj wyniki funkcji `plot_latent_space` dla AE oraz VAE. Zwróć uwagę "
        'na "gęstość" punktów oraz zakres wartości. Zamieść w raporcie wykresy.'
    ),
    _slot("2.3"),
    md(
        "**Zadanie 2.4.** Dla tych samych par obrazów, na których pracowałeś/eś w ostatnim zadaniu "
        "dot. AE, przygotuj reprezentacje ukryte z pomocą wytrenowanego VAE i odkoduj średnie "
        "z reprezentacji. Skomentuj wyniki, porównaj z wynikami z AE."
    ),
    _slot("2.4.code"),
    _slot("2.4"),
    md(
        "**Zadanie 2.5.** Wróć do funkcji `compute_loss`. Człony `logpz` oraz `logqz_x` związane "
        "są z obliczaniem KL-divergence pomiędzy  $Q(z|X)$  oraz  $P(z)$ . Zakładamy, że oba te "
        "rozkłady są gaussowskie, stąd możemy wykorzystać wzór na KL-divergence dla dwóch "
        "rozkładów gaussowskich. Znajdź ten wzór oraz przepisz funkcję `compute_loss` z jego "
        "wykorzystaniem. Zamieść w raporcie przygotowaną formułę. Wytrenuj model ponownie, "
        "porównaj wyniki z poprzednią implementacją `compute_loss`."
    ),
    Slot("2.5.wzor", "markdown"),
    _slot("2.5"),
    md("Rysunek 21 Funkcja `compute_loss` z wykorzystaniem KL-divergence"),
    NEW_VAE,
    Slot("2.5.trening", default=VAE_LOOP[1]),
    Slot("2.5.wnioski", "markdown"),
    md("### Zadanie 3 - Conditioned VAE"),
    md(_escaped(TEXT_3_DATA)),
    _slot("3.data"),
    md("Rysunek 23 Uzupełniona funkcja conditioned\\_mnist"),
    COND_DATA,
    COND_PREVIEW,
    md("\n\n".join(f"**{_escaped(t)}**" for t in TEXT_3_MODEL)),
    _slot("3.model"),
    md("Rysunek 24 Uzupełnione funkcje prepare\\_encoder oraz prepare\\_decoder w klasie Cond\\_CVAE"),
    Slot("3.model.odpowiedz", "markdown"),
    md("### Uzupełnij funkcję kosztu:"),
    _slot("3.loss"),
    md("Rysunek 25 Uzupełniona funkcja kosztu"),
    md("**Zadanie 3.1.** " + TEXT_3_1),
    NEW_COND,
    COND_LOOP,
    _slot("3.1.code"),
    _slot("3.1"),
    md(
        "**Zadanie 3.2. Wykonaj dla najlepszego modelu z punktu 3.1.:**\n\n"
        + "\n\n".join(f"**{_escaped(t)}**" for t in TEXT_3_2)
    ),
    _slot("3.2.code"),
    _slot("3.2"),
    md("**Zadanie 3.3.** " + TEXT_3_3),
    _slot("3.3.code"),
    _slot("3.3"),
    md("## Zadanie 4 - Conditioned GAN"),
    GAN_DATA,
    md("Uzupełnij definicję generatora:"),
    _slot("4.gen"),
    md("Rysunek 33 Uzupełniona definicja generatora"),
    md(TEXT_GENERATOR_PREVIEW),
    GENERATOR_PREVIEW,
    md("Rysunek 34 Obraz wygenerowany przez niewytrenowany generator"),
    md("Uzupełnij definicję dyskryminatora:"),
    _slot("4.disc"),
    md("Rysunek 35 Uzupełniona definicja dyskryminatora"),
    md("Zobaczmy predykcję niewytrenowanego dyskryminatora:"),
    DISCRIMINATOR_PREVIEW,
    md("Rysunek 36 Predykcja niewytrenowanego dyskryminatora"),
    GAN_LOSSES,
    md("Uzupełnij funkcję kosztu:"),
    _slot("4.loss"),
    md("Rysunek 37 Uzupełniona funkcja kosztu"),
    GAN_OPTIMIZERS,
    md("## Inicjalizacje"),
    Slot("4.init", default=GAN_EPOCHS[1]),
    md("## Uzupełnij funkcję train\\_step:"),
    _slot("4.step"),
    md("Rysunek 39 Uzupełniona funkcja train\\_step"),
    md("## Czas na trening!"),
    GAN_TRAIN,
    GAN_TRAIN_CALL,
    md("Rysunek 40 Końcowy wynik treningu modelu GAN dla 200 epok"),
    md("**Zadanie 4.1.** " + TEXT_4_1),
    _slot("4.1.code"),
    _slot("4.1"),
]

# --- seed 001's own answers (verbatim, without Colab's "[27]" / "✓ 0s" prompts) --------------

# samples.styl_keras2's plot_latent_space is seed 001's with Keras 2's predict.
SEED001_1_PLOT = _edited(KERAS2_1_PLOT, ("model.encoder.predict(data)", "model.encoder(data).numpy()"))

SEED001_VISUALIZE_AE = """def visualize_results_ae(first_number, second_number):
    fig, ax = plt.subplots(1, 3, figsize = (10, 6))
    ax[0].imshow(first_number, cmap = 'gray')
    ax[0].set_title('First number')
    ax[0].axis('off')
    ax[1].imshow(second_number, cmap = 'gray')
    ax[1].set_title('Second number')
    ax[1].axis('off')

    latent_2d_first_number = autoencoder.encoder(tf.expand_dims(first_number, axis = 0)).numpy()
    latent_2d_second_number = autoencoder.encoder(tf.expand_dims(second_number, axis = 0)).numpy()
    latent_2d_mean = (latent_2d_first_number + latent_2d_second_number) / 2
    decoded_mean = autoencoder.decoder(latent_2d_mean).numpy().squeeze()

    ax[2].imshow(decoded_mean, cmap = 'gray')
    ax[2].set_title('Decoded mean')
    ax[2].axis('off')
    plt.show()"""

SEED001_2_PLOT = """def plot_latent_space(model, data):
    mean, logvar = model.encode(data)
    stddev = tf.exp(0.5 * logvar)
    mean = mean.numpy()
    stddev = stddev.numpy()

    plt.figure(figsize = (10, 8))
    plt.scatter(mean[:, 0], mean[:, 1], c = 'b', alpha = 0.7, marker = 'x')

    for i in range(len(mean)):
        plt.plot([mean[i, 0], mean[i, 0] + stddev[i, 0]], [mean[i, 1], mean[i, 1]], 'g-', alpha = 0.7)
        plt.plot([mean[i, 0], mean[i, 0] - stddev[i, 0]], [mean[i, 1], mean[i, 1]], 'g-', alpha = 0.7)
        plt.plot([mean[i, 0], mean[i, 0]], [mean[i, 1], mean[i, 1] + stddev[i, 1]], 'r-', alpha = 0.7)
        plt.plot([mean[i, 0], mean[i, 0]], [mean[i, 1], mean[i, 1] - stddev[i, 1]], 'r-', alpha = 0.7)

    plt.xlabel('Latent Dimension 1')
    plt.ylabel('Latent Dimension 2')
    plt.title('2D Latent Space Representation with Standard Deviations of MNIST Test Data (VAE)')
    plt.show()"""

# The seed's 2.4 is its 1.3 with the VAE's encoding and decoding.
SEED001_VISUALIZE_VAE = _edited(
    SEED001_VISUALIZE_AE,
    ("def visualize_results_ae(", "def visualize_results_vae("),
    (
        "    latent_2d_first_number = autoencoder.encoder(tf.expand_dims(first_number, axis = 0)).numpy()\n"
        "    latent_2d_second_number = autoencoder.encoder(tf.expand_dims(second_number, axis = 0)).numpy()\n"
        "    latent_2d_mean = (latent_2d_first_number + latent_2d_second_number) / 2\n"
        "    decoded_mean = autoencoder.decoder(latent_2d_mean).numpy().squeeze()\n",
        "    mean_first_number, logvar_first_number = model.encode(tf.expand_dims(first_number, axis = 0))\n"
        "    mean_second_number, logvar_second_number = model.encode(tf.expand_dims(second_number, axis = 0))\n"
        "    mean_of_mean = (mean_first_number.numpy() + mean_second_number.numpy()) / 2\n"
        "    mean_of_logvar = (logvar_first_number.numpy() + logvar_second_number.numpy()) / 2\n"
        "    z = model.reparameterize(mean_of_mean, mean_of_logvar)\n"
        "    decoded_mean = model.decode(z).numpy().squeeze()\n",
    ),
)

# samples.styl_wlasne_nazwy's encoder and decoder are seed 001's with self.latent_dim.
SEED001_ENCODER = _edited(
    WLASNE_ENCODER, ("Dense(self.latent_dim + self.latent_dim)", "Dense(latent_dim + latent_dim)")
)

SEED001_DECODER = _edited(WLASNE_DECODER, ("Input(shape=(self.latent_dim,))", "Input(shape=(latent_dim,))"))

SEED001_3_LOSS = WLASNE_3_LOSS  # samples.styl_wlasne_nazwy took it verbatim


def _cond_training(dim: int, n_epochs: int) -> str:
    return f"latent_dim = {dim}\nepochs = {n_epochs}\n" + nbs._new_model("Cond_CVAE(latent_dim)")


SEED001_3_2_SAMPLE = """assert batch_size >= 1
for test_batch in test_dataset_with_cond.take(1):
    test_sample_data = test_batch[0][0:1, :, :, :]
    test_sample_cond = test_batch[1][0:1, :]
    test_sample = [test_sample_data, test_sample_cond]"""

SEED001_3_2 = """data, cond = test_sample
mean, logvar = model.encode(test_sample)
z = model.reparameterize(mean, logvar)

vectors = []

for x_pos in [0, 0.5, 1]:
    for y_pos in [0, 0.5, 1]:
        label = cond[0, :10]
        new_cond = tf.concat([label, [x_pos, y_pos]], axis=0)
        vectors.append(new_cond.numpy())

generated_images = []

for vector in vectors:
    cond_tensor = tf.convert_to_tensor(vector.reshape(1, -1), dtype=tf.float32)
    generated_image = model.sample(cond_tensor, z)
    generated_images.append(generated_image.numpy().squeeze())

fig, axes = plt.subplots(3, 3, figsize=(6, 6))

for i, ax in enumerate(axes.flat):
    ax.imshow(generated_images[i], cmap='gray')
    ax.axis('off')
    ax.set_title(f'Pos: ({vectors[i][10]}, {vectors[i][11]})')

plt.tight_layout()
plt.show()"""

SEED001_3_3 = """data, cond = next(iter(test_dataset_with_cond))
chosen_label = cond[0, :10]
vectors = []

for x_pos in [0, 0.5, 1]:
    for y_pos in [0, 0.5, 1]:
        new_cond = tf.concat([chosen_label, [x_pos, y_pos]], axis = 0)
        vectors.append(new_cond.numpy())

generated_images = []

for vector in vectors:
    z = tf.random.normal(shape=(1, model.latent_dim))
    cond_tensor = tf.convert_to_tensor(vector.reshape(1, -1), dtype = tf.float32)
    generated_image = model.sample(cond_tensor, z)
    generated_images.append(generated_image.numpy().squeeze())

fig, axes = plt.subplots(3, 3, figsize=(6, 6))

for i, ax in enumerate(axes.flat):
    ax.imshow(generated_images[i], cmap = 'gray')
    ax.axis('off')
    ax.set_title(f'Pos: ({vectors[i][10]}, {vectors[i][11]})')

plt.tight_layout()
plt.show()"""

SEED001_4_DISC = """def prepare_discriminator(img_shape, cond_dim):
    input_img = tf.keras.layers.Input(shape=img_shape)
    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same')(input_img)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Flatten()(x)

    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Concatenate(axis=1)([x, input_cond])

    x = tf.keras.layers.Dense(256)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Dense(1)(x)

    return tf.keras.Model([input_img, input_cond], x, name='discriminator')"""

SEED001_4_LOSS = KERAS2_4_LOSS  # samples.styl_keras2 took it verbatim

SEED001_4_INIT = """EPOCHS = 200
noise_dim = 100
num_examples_to_generate = 16

seed = tf.random.normal([num_examples_to_generate, noise_dim])
seed_cond = tf.one_hot(tf.random.uniform([num_examples_to_generate], minval=0, maxval=10, dtype=tf.int32), depth=10)"""

# samples.styl_keras2's train_step is seed 001's with noise_cond for the generated images; the
# seed generates and judges them with the real images' cond.
SEED001_4_STEP = _edited(
    KERAS2_4_STEP,
    ("generator([noise, noise_cond]", "generator([noise, cond]"),
    ("discriminator([generated_images, noise_cond]", "discriminator([generated_images, cond]"),
)

SEED001_ANSWERS = {
    "1.1": (
        "Sigmoid jest odpowiednią funkcją aktywacji w ostatniej warstwie dekodera w przypadku "
        "użycia zbioru MNIST, ponieważ zwraca wyniki w przedziale  $[0, 1]$ . Przedział ten "
        "pozwala modelować prawdopodobieństwo przynależności danego piksela do jasnego lub "
        "ciemnego koloru. Zapewnia to zgodność pomiędzy zakresem wartości wygenerowanego "
        "obrazu a znormalizowanymi danymi wejściowymi. Dodatkowo sigmoid stabilizuje "
        "gradienty podczas propagacji wstecznej, co ułatwia proces uczenia głębokiego modelu, "
        "minimalizując problemy eksplodujących lub zanikających gradientów."
    ),
    "1.2": "autoencoder.compile(optimizer='adam', loss= 'binary_crossentropy')",
    "1.2.uzasadnienie": (
        "Na podstawie obserwacji funkcji definiującej preprocessing, jako funkcję straty dla "
        "autoenkodera wybrałem Binary Cross Entropy (BCE). Moja decyzja umotywowana jest "
        "normalizacją wartości pikseli do przedziału  $[0, 1]$ , co czyni je podobnymi do wartości "
        "prawdopodobieństw. Na mój wybór miał również wpływ fakt, że w ostatniej warstwie "
        "autoenkodera jest używana funkcja sigmoid. Zastosowanie BCE (konkretnie jego logarytmu) "
        "odwraca działanie eksponenty w sigmoidzie. W ten sposób BCE poprawia propagację "
        "gradientów, ponieważ logarytm niweluje efekt nasycania sigmoidy. Dzięki temu gradienty "
        "są bardziej stabilne i umożliwiają skuteczniejsze uczenie."
    ),
    "1.plot": SEED001_1_PLOT,
    "1.3.code": (
        code(SEED001_VISUALIZE_AE),
        md("Rysunek 7 Funkcja wizualizująca rezultaty dla AE"),
        code("number_zero = x_test[10]\nnumber_six = x_test[21]\n\nvisualize_results_ae(number_zero, number_six)"),
        md("Rysunek 8 Wybrane liczby wraz z odkodowaną średnią z ich zenkodowanych reprezentacji dla AE"),
    ),
    "1.3": (
        md(
            "Uzyskany wynik przypomina liczbę zero. Mimo, że nie jest to idealna reprezentacja tej "
            "liczby (rozmyty obraz), to łączy ona w sobie kształty liczb zero (okrągły kształt) "
            "oraz sześć (okrąg podobny do zera z dodatkowym ogonem). Spodziewałem się takiego "
            "wyniku, ponieważ średnia w przestrzeni latentnej miesza cechy obu liczb, generując "
            "w ten sposób przejściowy kształt. Wskazuje to na zdolność autoenkodera do interpolacji "
            "w przestrzeni latentnej."
        ),
        code(
            "number_three = x_test[32]\nnumber_eight = x_test[110]\n\nvisualize_results_ae(number_three, number_eight)"
        ),
        md("Rysunek 9 Wybrane liczby wraz z odkodowaną średnią z ich zenkodowanych reprezentacji dla AE"),
        md(
            "Uzyskany wynik łączy w sobie kształty liczb trzy oraz osiem. Spodziewałem się wyniku "
            "bardziej przypominającego liczbę trzy, ale na wizualizacji widać, że otrzymany wynik "
            "posiada również cechy liczby 8 tj. delikatne domknięcia pętli."
        ),
    ),
    "2.1": (
        "Powyższa implementacja CVAE nie stosuje żadnej aktywacji w ostatniej warstwie enkodera, "
        "ponieważ musi swobodnie modelować parametry rozkładu normalnego tj. średnią i logarytm "
        "z wariancji w pełnym zakresie liczb rzeczywistych. Średnia określa centrum rozkładu "
        "normalnego, dlatego może przyjmować dowolne wartości rzeczywiste. Logarytm wariancji może "
        "przyjmować dowolne wartości, w tym wartości ujemne, co pozwala na swobodne modelowanie "
        "rozkładu latentnego. W procesie reparametryzacji, zastosowanie funkcji wykładniczej "
        "gwarantuje dodatnią wariancję, ponieważ wykładnik z logarytmu daje wartość większą niż "
        "zero. To podejście gwarantuje dodatnią wariancję a co za tym idzie większą stabilność "
        "podczas uczenia. Ograniczenie obu parametrów funkcją aktywacji mogłoby zaburzyć "
        "modelowanie rozkładu latentnego.\n\n"
        "W teorii nadawałaby się liniowa funkcja aktywacji, ponieważ nie zmienia ona wartości "
        "wejściowych i pozwala na pełną reprezentację liczb rzeczywistych. W praktyce jest ona już "
        "używana, ponieważ CVAE dla ostatniej warstwy enkodera nie stosuje żadnej funkcji "
        "aktywacji."
    ),
    "2.plot": SEED001_2_PLOT,
    "2.2": (
        md("Wynik uzyskany przy użyciu funkcji `plot_latent_images` dla modelu AE:"),
        code("plot_latent_images(autoencoder, 20, x_range=(-6.0, 10.0), y_range=(-6.5, 8.0))"),
        md("Rysunek 13 Obrazy powstałe przez dekodowane wartości z prostokątnej siatki dla AE"),
        md("Wynik uzyskany przy użyciu funkcji `plot_latent_images` dla modelu VAE:"),
        code("plot_latent_images(model, 20)"),
        md("Rysunek 14 Obrazy powstałe przez dekodowane wartości z prostokątnej siatki dla VAE"),
        md(
            "Wynik uzyskany przy użyciu funkcji `plot_latent_images` dla VAE przedstawia sensownie "
            "narysowane liczby. Choć jakość wygenerowanych obrazów nie jest idealna, to "
            "w większości przypadków obrazy są rozpoznawalne i można łatwo zidentyfikować "
            "reprezentowane liczby. Dzięki regularyzacji wprowadzanej przez VAE, obrazy są bardziej "
            "spójne i strukturalnie poprawne, mimo że nie są idealne pod względem szczegółowości.\n\n"
            "W przeciwieństwie do wyników uzyskanych za pomocą modelu VAE, obrazy generowane przez "
            "AE są zdecydowanie gorszej jakości. Wiele z nich jest zdeformowanych lub całkowicie "
            "niezrozumiałych, a tylko część wygenerowanych liczb jest sensowna. AE nie korzysta "
            "z mechanizmu regularyzacji, co prowadzi do mniejszej spójności i dokładności "
            "w generowanych obrazach."
        ),
    ),
    "2.3": (
        md("Wynik uzyskany przy użyciu funkcji `plot_latent_space` dla modelu AE:"),
        code("plot_latent_space(autoencoder, x_test)"),
        md("Rysunek 15 Zwizualizowana dwuwymiarowa przestrzeń latentna dla AE"),
        md("Wynik uzyskany przy użyciu funkcji `plot_latent_space` dla modelu VAE:"),
        code("plot_latent_space(model, x_test)"),
        md("Rysunek 16 Zwizualizowana dwuwymiarowa przestrzeń latentna dla VAE"),
        md(
            "Porównując wyniki funkcji `plot_latent_space` dla AE oraz VAE można zauważyć, że "
            "przestrzeń latentna VAE jest bardziej uporządkowana i spójna, co jest efektem "
            "wprowadzenia regularyzacji. Przeciwnieństwem jest wykres przestrzeni latentnej dla AE "
            "charakteryzujący się szerszym rozrzutem punktów i mniej skondensowaną strukturą."
        ),
    ),
    "2.4.code": (
        code(SEED001_VISUALIZE_VAE),
        md("Rysunek 17 Funkcja wizualizująca rezultaty dla VAE"),
        code("visualize_results_vae(number_zero, number_six)"),
        md("Rysunek 18 Wybrane liczby wraz z odkodowaną średnią z ich zenkodowanych reprezentacji dla VAE"),
    ),
    "2.4": (
        md(
            "Uzyskany wynik nie przypomina sensownej liczby. Porównując wynik dla VAE z wynikiem "
            "AE, nie ma wątpliwości, że ten pierwszy z wymienionych wyników jest gorszy."
        ),
        code("visualize_results_vae(number_three, number_eight)"),
        md("Rysunek 19 Wybrane liczby wraz z odkodowaną średnią z ich zenkodowanych reprezentacji dla VAE"),
        md(
            "Uzyskany wynik z użyciem VAE łączy w sobie kształty liczb trzy oraz osiem. Tak jak "
            "poprzedni rezultat jest on bardziej rozmyty w porównaniu z odpowiadającym mu "
            "rezultatem z AE."
        ),
    ),
    "2.5.wzor": (
        md(
            "$$\\mathcal{D}[\\mathcal{N}(\\mu(X), \\Sigma(X)) \\| \\mathcal{N}(0, I)] = \\frac{1}{2} "
            "\\left( \\text{tr}(\\Sigma(X)) + (\\mu(X))^T (\\mu(X)) - k - \\log \\det(\\Sigma(X)) "
            "\\right)$$"
        ),
        md("Rysunek 20 Wzór na KL-divergence"),
    ),
    "2.5": nbs.SEED_001_COMPUTE_LOSS,
    "2.5.wnioski": (
        md("Rysunek 22 Wynik końcowy treningu z użyciem KL-divergence modelu VAE"),
        md(
            "Porównując wartości ELBO dla obu implementacji `compute_loss`, można zauważyć, że "
            "lepszym wynikiem dla VAE jest ten, gdzie w implementacji `compute_loss` użyto "
            "KL-divergence. Dzieje się tak, ponieważ `compute_loss` z KL-divergence uwzględnia "
            "zarówno błąd rekonstrukcji, jak i regularizację przestrzeni latentnej, co czyni model "
            "VAE bardziej odpowiednim do zadań generatywnych."
        ),
    ),
    "3.data": nbs.SEED_001_CONDITIONED_MNIST,
    "3.model": _cond_cvae(SEED001_ENCODER, SEED001_DECODER),
    "3.model.odpowiedz": (
        "Porównując implementację Cond\\_CVAE z implementacją CVAE, można zauważyć że do kodu "
        "Cond\\_CVAE dodano wektor warunkowy, który jest uwzględniany w obu częściach modelu: "
        "enkoderze i dekoderze. Dzięki temu Cond\\_CVAE stał się modelem warunkowym. Oprócz tego "
        "w Cond\\_CVAE pojawił się dodatkowy krok łączenia warunkowej zmiennej z przestrzenią "
        "latentną."
    ),
    "3.loss": SEED001_3_LOSS,
    "3.1.code": (
        md("Rysunek 26 Wynik końcowy treningu z `latent_dim = 2` oraz epoki = 10 dla modelu `Cond_CVAE`"),
        code(_cond_training(20, 50)),
        COND_LOOP,
        md("Rysunek 27 Wynik końcowy treningu z `latent_dim = 20` oraz epoki = 50 dla modelu `Cond_CVAE`"),
        code(_cond_training(100, 150)),
        COND_LOOP,
        md("Rysunek 28 Wynik końcowy treningu z latent\\_dim = 100 oraz epoki = 150 dla modelu Cond\\_CVAE"),
    ),
    "3.1": (
        "Najlepszy wynik uzyskał ostatniego model dla parametrów latent\\_dim = 100 oraz "
        "epoki = 150. Ten model był trenowany w innym czasie ze względu na przekroczenie "
        "limitu na google colab."
    ),
    "3.2.code": (
        code(SEED001_3_2_SAMPLE),
        code(SEED001_3_2),
        md("Rysunek 29 Kod stworzony na potrzeby zadania 3.2"),
    ),
    "3.2": (
        md("Rysunek 30 Obrazy uzyskane po zdekodowaniu reprezentacji z wraz z informacją o etykiecie i położeniu"),
        md(
            "Otrzymane obrazy pokazują, że za każdym razem otrzymano liczbę w oczekiwanym miejscu, "
            "co oznacza, że model GAN dobrze nauczył się warunkowego generowania."
        ),
    ),
    "3.3.code": (
        code(SEED001_3_3),
        md("Rysunek 31 Kod stworzony na potrzeby zadania 3.3"),
    ),
    "3.3": (
        md("Rysunek 32 Obrazy uzyskane po zdekodowaniu reprezentacji z wraz z informacją o etykiecie i położeniu"),
        md(
            "Otrzymane obrazy pokazują, że za każdym razem otrzymano liczbę w oczekiwanym miejscu, "
            "co oznacza, że model GAN dobrze nauczył się warunkowego generowania."
        ),
    ),
    "4.gen": SEED_001_GENERATOR,
    "4.disc": SEED001_4_DISC,
    "4.loss": SEED001_4_LOSS,
    "4.init": (
        md("Zwiększyłem liczbę epok do 200, by poprawić jakość wyników"),
        code(SEED001_4_INIT),
        md("Rysunek 38 Ustawione parametry treningu modelu GAN"),
    ),
    "4.step": SEED001_4_STEP,
    # 4.1's code: the seed shows only its figure; the solution's code stands in for it.
    "4.1": (
        md("Rysunek 41 Wygenerowane obrazy z każdą liczbą z pomocą generatora"),
        md(
            "Wyniki uzyskane dla treningu z parametrem epok ustawionym na 200 są na tyle dobre, że "
            "pozwalają mi odczytać obrazy z każdą liczbą."
        ),
    ),
}

# --- seed 001's three bugs, fixed the way the student would have fixed them -----------------

# 2.5 (the kl_plus_logvar sample): -logvar in the KL term, which replaces
# logpz - logqz_x instead of being added to them.
SEED001_2_5_POPRAWIONY = _edited(
    nbs.SEED_001_COMPUTE_LOSS,
    ("    logpz = log_normal_pdf(z, 0., 0.)\n    logqz_x = log_normal_pdf(z, mean, logvar)\n", ""),
    ("tf.reduce_sum(logvar + ", "tf.reduce_sum(-logvar + "),
    ("logpx_z + logpz - logqz_x + kl_div)", "logpx_z - kl_div)"),
)


def _fixed_conditioned_mnist() -> str:
    """Seed 001's ``conditioned_mnist`` with the sampling out of the row loop and the reshape out
    of the image loop (each moved one level out); nothing else changes."""
    lines = nbs.SEED_001_CONDITIONED_MNIST.splitlines()
    moved = {"idxs = np.random.choice(": 4, "x_res[el*num_imgs": 4, "y_res[el*num_imgs": 4, "x_res = x_res.reshape(": 4}
    out = []
    for line in lines:
        stripped = line.lstrip()
        shift = next((n for start, n in moved.items() if stripped.startswith(start)), 0)
        out.append(line[shift:] if shift else line)
    fixed = "\n".join(out)
    if fixed.count("\n        idxs = np.random.choice(") != 1 or "\n    x_res = x_res.reshape(" not in fixed:
        raise ValueError("seed 001's conditioned_mnist changed: update _fixed_conditioned_mnist")
    return fixed


SEED001_FIXES = {
    "2.5": SEED001_2_5_POPRAWIONY,
    "3.data": _fixed_conditioned_mnist(),
    "4.gen": _edited(
        SEED_001_GENERATOR,
        ("Concatenate(axis=1)(input_img, input_cond)", "Concatenate(axis=1)([input_img, input_cond])"),
    ),
}

# =============================================================================================
# The samples
# =============================================================================================

LAYOUTS = {"seed000": SEED000_LAYOUT, "seed001": SEED001_LAYOUT}

# sample -> (layout, answers): the layout's seed answers over the solution's (tasks the seed does
# not show: seed 000's tasks 3 and 4, seed 001's 4.1 code), then the sample's own changes.
REAL_SAMPLES = {
    # seed 000 as written (its code is correct), tasks 3-4 the solution's: full marks
    "seed000_uklad": ("seed000", SEED000_ANSWERS),
    # seed 000 with the VAE's error bars exp(logvar) (the variance) in 2.3: 2.plot loses its std check
    "seed000_wariancja_na_wykresie": ("seed000", {**SEED000_ANSWERS, "2.plot": SEED000_2_PLOT_WARIANCJA}),
    # seed 001 as written: loses 2.5, 3.data and 4.gen
    "seed001_jak_napisano": ("seed001", SEED001_ANSWERS),
    # seed 001 with those three bugs fixed: full marks
    "seed001_poprawiony": ("seed001", {**SEED001_ANSWERS, **SEED001_FIXES}),
    # seed 001's layout (fixed) with seed 000's 2.5: helper kl_div + compute_loss_gauss_kl, trained with it
    "seed001_uklad_kl_seed000": (
        "seed001",
        {**SEED001_ANSWERS, **SEED001_FIXES, "2.5": SEED000_2_5, "2.5.trening": SEED000_2_5_TRENING},
    ),
}


def sample_answers(student: str) -> tuple[list, dict]:
    """The layout and the full answers of a sample of :data:`REAL_SAMPLES`."""
    layout, answers = REAL_SAMPLES[student]
    return LAYOUTS[layout], {**BASE_ANSWERS, **answers}


def real_notebooks() -> dict[str, nbformat.NotebookNode]:
    """Every sample of :data:`REAL_SAMPLES`, by student id."""
    return {student: layout_notebook(*sample_answers(student)) for student in REAL_SAMPLES}
