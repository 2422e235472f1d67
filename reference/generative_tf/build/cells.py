"""The cells of lab ``generative-tf``'s notebooks: texts, answer slots, and the template and
solution notebooks made of them.

The given (tutorial) code comes from ``public/scaffold.py`` and the answers from
``judge/solution.py``, copied as source text, so the notebooks cannot drift from the modules.
Every notebook has the same cells (ids ``cell-001``...); only the answer slots differ.
``notebooks.py`` writes them with the samples; ``real_layouts.py`` lays the same answers out
like the seeds' own notebooks.

Conventions the grader relies on: each graded question starts with a markdown cell whose first
line is ``#### Zadanie <id> - ...``; a prose question is followed by one markdown cell
``TU WPISZ ODPOWIEDŹ``; a code question's cell holds ``# TU WPISZ KOD`` and
``raise NotImplementedError()``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import nbformat

from ...build.common import assemble, notebook_metadata
from ..judge import solution
from ..public import scaffold

LAB_DIR = Path("reference") / "generative_tf"
SUBMISSIONS_DIR = Path("submissions") / "generative-tf"

PLACEHOLDER = "TU WPISZ ODPOWIEDŹ"
TODO = "# TU WPISZ KOD\nraise NotImplementedError()"
FREE_CODE = "# TU WPISZ KOD"

METADATA = notebook_metadata("generative-tf")

# ---------------------------------------------------------------------------------------------
# Source text of the modules
# ---------------------------------------------------------------------------------------------

_SCAFFOLD_SOURCE = inspect.getsource(scaffold)
_SCAFFOLD_TREE = ast.parse(_SCAFFOLD_SOURCE)


def _src(obj) -> str:
    """Source of a function or class, dedented, without trailing newlines."""
    return textwrap.dedent(inspect.getsource(obj)).rstrip("\n")


def _renamed(fn, name: str) -> str:
    """Source of ``fn`` with its ``def`` line renamed to ``name``."""
    old = f"def {fn.__name__}("
    source = _src(fn)
    if old not in source:
        raise ValueError(f"cannot rename {fn.__name__}")
    return source.replace(old, f"def {name}(", 1)


def _scaffold_imports() -> str:
    """The scaffold's top-level import statements, as the template's setup cell imports them."""
    nodes = [n for n in _SCAFFOLD_TREE.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    lines = _SCAFFOLD_SOURCE.splitlines()[nodes[0].lineno - 1 : nodes[-1].end_lineno]
    if any(line.strip() and not line.startswith(("import ", "from ")) for line in lines):
        raise ValueError("the scaffold's imports must be one block at the top")
    return "\n".join(lines)


def _scaffold_stmt(*names: str) -> str:
    """The scaffold's top-level assignments of ``names`` (with comment lines just above them)."""
    lines = _SCAFFOLD_SOURCE.splitlines()
    parts = []
    for name in names:
        for node in _SCAFFOLD_TREE.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == name
            ):
                start = node.lineno - 1
                while start > 0 and lines[start - 1].startswith("# ") and not lines[start - 1].startswith("# --"):
                    start -= 1
                parts.append("\n".join(lines[start : node.end_lineno]))
                break
        else:
            raise KeyError(f"scaffold assigns no {name}")
    return "\n".join(parts)


def _defs(*objs) -> str:
    """Sources of several definitions, separated as in a module."""
    return "\n\n\n".join(_src(o) for o in objs)


def _cond_cvae_solution() -> str:
    """The template's ``Cond_CVAE`` with the reference ``prepare_encoder``/``prepare_decoder``
    spliced in as methods."""
    source = _src(scaffold.Cond_CVAE)
    lines = source.splitlines()
    cls = ast.parse(source).body[0]
    methods = {"prepare_encoder": solution.prepare_encoder, "prepare_decoder": solution.prepare_decoder}
    for node in sorted(
        (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in methods),
        key=lambda n: n.lineno,
        reverse=True,
    ):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        lines[start : node.end_lineno] = textwrap.indent(_src(methods[node.name]), "    ").splitlines()
    return "\n".join(lines)


def _gan_train_step_solution() -> str:
    """The inner ``train_step`` of :func:`solution.make_train_step`, as a top-level function that
    reads the notebook's globals ``generator``, ``discriminator``, optimizers and ``noise_dim``."""
    lines = inspect.getsource(solution.make_train_step).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "@tf.function")
    end = max(i for i, line in enumerate(lines) if line == "    return train_step")
    return textwrap.dedent("\n".join(lines[start:end])).rstrip("\n")


def _new_model(constructor: str) -> str:
    """A fresh model with its own optimizer, whose variables are made before training."""
    return (
        f"model = {constructor}\n"
        "# Każdy nowy model dostaje nowy optymalizator (optymalizator Keras jest związany ze\n"
        "# zmiennymi modelu). Jego zmienne tworzymy od razu, poza train_step: funkcja z\n"
        "# @tf.function może tworzyć zmienne tylko przy pierwszym wywołaniu.\n"
        "optimizer = tf.keras.optimizers.Adam(1e-4)\n"
        "optimizer.build(model.trainable_variables)"
    )


def _vae_training_loop(train_ds: str, test_ds: str) -> str:
    return (
        "for epoch in range(1, epochs + 1):\n"
        "    start_time = time.time()\n"
        f"    for train_x in {train_ds}:\n"
        "        train_step(model, train_x, optimizer)\n"
        "    end_time = time.time()\n"
        "\n"
        "    loss = tf.keras.metrics.Mean()\n"
        f"    for test_x in {test_ds}:\n"
        "        loss(compute_loss(model, test_x))\n"
        "    elbo = -loss.result()\n"
        "    print('Epoch: {}, Val set ELBO: {}, time elapse for current epoch: {}'\n"
        "          .format(epoch, elbo, end_time - start_time))"
    )


# ---------------------------------------------------------------------------------------------
# Headings (first lines are what the rubric matches)
# ---------------------------------------------------------------------------------------------

GROUP_HEADINGS = {
    "1": "## 1. AutoEnkoder (AE)",
    "2": "## 2. AutoEnkoder wariacyjny (VAE)",
    "3": "## 3. Conditioned VAE",
    "4": "## 4. Conditioned GAN",
}

HEADINGS = {
    "1.1": "#### Zadanie 1.1 - Dlaczego sigmoid jest odpowiednią funkcją aktywacji w ostatniej "
    "warstwie dekodera w tym przypadku? (0.25 pkt)",
    "1.2": "#### Zadanie 1.2 - Skompiluj model. W tym celu najpierw zdefiniuj loss dla modelu. "
    "W przypadku autoenkodera jest to funkcja działająca na wejściach do enkodera oraz "
    "wyjściach z dekodera. Do wyboru są różne funkcje! Patrząc na reprezentację danych "
    "(wróć do funkcji definiującej preprocessing), wybierz odpowiednią. Uzasadnij swój "
    "wybór (w komentarzu w komórce z kodem). (0.25 pkt)",
    "1.plot": "#### Zadanie 1.plot - Zaimplementuj funkcję `plot_latent_space` do wizualizacji "
    "reprezentacji obrazów ze zbioru testowego w ukrytej przestrzeni 2-wymiarowej. "
    "Wyświetl wizualizację. (0.25 pkt)",
    "1.3": "#### Zadanie 1.3 - Wybierz ze zbioru testowego dwa obrazy z różnymi liczbami. Dobierz "
    "takie liczby, dla których spodziewasz się, że odkodowanie średniej z ich "
    "zenkodowanych reprezentacji będzie miało sens. Wybierz dwie takie pary. (0.25 pkt)",
    "2.1": "#### Zadanie 2.1 - Dlaczego powyższa implementacja CVAE nie stosuje żadnej aktywacji "
    "w ostatniej warstwie enkodera? Czy jakaś funkcja by się tutaj nadawała? (0.25 pkt)",
    "2.plot": "#### Zadanie 2.plot - Narysujmy teraz, podobnie jak wcześniej dla AE, "
    "dwuwymiarową przestrzeń ukrytą. Zaimplementuj funkcję `plot_latent_space`, która "
    "zenkoduje zbiór danych, a następnie wyświetli każdy punkt wraz z odchyleniem "
    "standardowym. (0.25 pkt)",
    "2.2": "#### Zadanie 2.2 - Skomentuj wynik uzyskany przy użyciu funkcji `plot_latent_images`. "
    "Zwróć uwagę na jakość/sensowność rysowanych liczb. Porównaj wykres do analogicznego "
    "wykresu dla modelu AE. Zamieść w raporcie wykresy. (0.25 pkt)",
    "2.3": "#### Zadanie 2.3 - Porównaj wyniki funkcji `plot_latent_space` dla AE oraz VAE. Zwróć "
    'uwagę na "gęstość" punktów oraz zakres wartości. Zamieść w raporcie wykresy. '
    "(0.25 pkt)",
    "2.4": "#### Zadanie 2.4 - Dla tych samych par obrazów, na których pracowałaś/eś w ostatnim "
    "zadaniu dot. AE, przygotuj reprezentacje ukryte z pomocą wytrenowanego VAE i "
    "odkoduj średnie z reprezentacji. Skomentuj wyniki, porównaj z wynikami z AE. "
    "(0.25 pkt)",
    "2.5": "#### Zadanie 2.5 - Wróć do funkcji `compute_loss`. Człony `logpz` oraz `logqz_x` "
    "związane są z obliczaniem KL-divergence pomiędzy Q(z|X) oraz P(z). Zakładamy, że oba "
    "te rozkłady są gaussowskie, stąd możemy wykorzystać wzór na KL-divergence dla dwóch "
    "rozkładów gaussowskich. Znajdź ten wzór oraz przepisz funkcję `compute_loss` z jego "
    "wykorzystaniem. Zamieść w raporcie przygotowaną formułę. Wytrenuj model ponownie, "
    "porównaj wyniki z poprzednią implementacją `compute_loss`. (0.5 pkt)",
    "3.data": "#### Zadanie 3.data - Uzupełnij funkcję `conditioned_mnist`, która z każdego "
    "obrazu ze zbioru danych `x` tworzy 9 obrazów z cyfrą na każdej z 9 pozycji siatki "
    "3x3, a także tworzy etykiety `y` w postaci wektora [cyfra-one-hot, pozycja_x, "
    "pozycja_y]. Dla każdej pary z oryginalnego zbioru danych (obraz, etykieta) "
    "wylosuj `num_imgs` par, które znajdą się w docelowym zbiorze danych (nie "
    "zapisujemy wszystkich 9 możliwości ze względu na ograniczenia RAM). (0.5 pkt)",
    "3.model": "#### Zadanie 3.model - Uzupełnij klasę `Cond_CVAE` na podstawie klasy `CVAE`. (0.5 pkt)",
    "3.loss": "#### Zadanie 3.loss - Uzupełnij funkcję kosztu `compute_loss` dla modelu warunkowego. (0.25 pkt)",
    "3.1": "#### Zadanie 3.1 - Sprawdź jakość modelu dla 3 różnych wartości `latent_dim` (trzeba "
    "dla każdej z nich osobno wytrenować model). Niech będą od siebie znacząco różne, np. "
    "2, 25, 100. Przy większym `latent_dim` może być potrzebnych więcej epok. "
    "(zadania 3.1-3.3 łącznie 0.25 pkt)",
    "3.2": "#### Zadanie 3.2 - Wykonaj dla najlepszego modelu z punktu 3.1:",
    "3.3": "#### Zadanie 3.3 - Powtórz zadanie 3.2, ale tym razem jako reprezentację z "
    "wykorzystaj wartości wylosowane z rozkładu normalnego oraz wybierz dowolną etykietę. "
    "Skomentuj wyniki - czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym "
    "miejscu?",
    "4.gen": "#### Zadanie 4.gen - Uzupełnij definicję generatora. (0.25 pkt)",
    "4.disc": "#### Zadanie 4.disc - Uzupełnij definicję dyskryminatora. (0.25 pkt)",
    "4.loss": "#### Zadanie 4.loss - Uzupełnij funkcję kosztu dyskryminatora. (0.25 pkt)",
    "4.step": "#### Zadanie 4.step - Uzupełnij funkcję `train_step`. (0.25 pkt)",
    "4.1": "#### Zadanie 4.1 - Wygeneruj po jednym obrazie z każdą liczbą z pomocą generatora. "
    "Oceń jakość wyników. Jeśli jakość modelu pozostawia wiele do życzenia, spróbuj go "
    "poprawić, np. zwiększając liczbę epok bądź zmieniając definicję "
    "generatora/dyskryminatora. (0.25 pkt)",
}

PROSE_ITEMS = ("1.1", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "4.1")
CODE_ITEMS = ("1.2", "1.plot", "2.plot", "2.5", "3.data", "3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")

# ---------------------------------------------------------------------------------------------
# Template answer slots (what students replace)
# ---------------------------------------------------------------------------------------------

TEMPLATE_SLOTS = {
    "1.2": TODO,
    "1.plot": '''def plot_latent_space(model, data):
    """Rysuje reprezentacje obrazów `data` (N, 28, 28, 1) w 2-wymiarowej przestrzeni ukrytej
    autoenkodera: jeden punkt na obraz, w miejscu wyznaczonym przez `model.encoder(data)`
    (N, 2)."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "2.plot": '''def plot_latent_space(model, data):
    """Koduje obrazy `data` (N, 28, 28, 1) enkoderem VAE (`model.encode(data)` -> mean, logvar,
    każde (N, 2)) i rysuje średnie wraz z odchyleniami standardowymi std = exp(logvar / 2)
    w obu wymiarach."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "2.5": TODO,
    "3.data": '''def conditioned_mnist(x, y, num_imgs=2):
    """Umieszcza każdą cyfrę z `x` na `num_imgs` różnych, losowo wybranych pozycjach siatki 3x3.

    x: obrazy (N, h, w) lub (N, h, w, 1) o wartościach w [0, 1],
    y: etykiety one-hot (N, 10).
    Zwraca (x_res, y_res):
    x_res: float32 (N * num_imgs, 3h, 3w, 1) - cyfra bez zmian w wybranej komórce siatki,
           zera poza nią,
    y_res: float32 (N * num_imgs, 12) - [etykieta one-hot (10), pos_x, pos_y], gdzie pozycje
           są znormalizowane do {0, 0.5, 1}.
    Obrazy utworzone z n-tego przykładu mają indeksy n * num_imgs ... (n + 1) * num_imgs - 1.
    """
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "3.model": _src(scaffold.Cond_CVAE),
    "3.loss": '''def compute_loss(model, x):
    """Funkcja kosztu (ujemne ELBO) dla `Cond_CVAE`; x = (data, cond):
    data - obrazy (batch, 42, 42, 1), cond - warunki (batch, 12)."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "4.gen": '''def prepare_generator(latent_dim, cond_dim):
    """Zwraca model Keras: [szum (latent_dim,), warunek (cond_dim,)] -> obraz (28, 28, 1)
    o wartościach w [-1, 1]."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "4.disc": '''def prepare_discriminator(img_shape, cond_dim):
    """Zwraca model Keras: [obraz img_shape, warunek (cond_dim,)] -> (1,) - logit (bez aktywacji:
    `cross_entropy` liczy koszt z logitów)."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "4.loss": """def discriminator_loss(real_output, fake_output):
    # real_output, fake_output - predykcje dyskryminatora (logity)
    # TU WPISZ KOD
    raise NotImplementedError()""",
    "4.step": '''@tf.function
def train_step(data):
    """Jeden krok treningu; data = (images, cond, noise_cond): obrazy rzeczywiste, ich warunki
    (one-hot) oraz losowe warunki dla obrazów generowanych. Aktualizuje generator
    i dyskryminator."""
    # TU WPISZ KOD
    raise NotImplementedError()''',
    "1.3.code": FREE_CODE,
    "2.4.code": FREE_CODE,
    "3.1.code": FREE_CODE,
    "3.2.code": FREE_CODE,
    "3.3.code": FREE_CODE,
    "4.1.code": FREE_CODE,
    **{item: PLACEHOLDER for item in PROSE_ITEMS},
}

# ---------------------------------------------------------------------------------------------
# Solution answer slots
# ---------------------------------------------------------------------------------------------

SOLUTION_SLOTS = {
    "1.2": (
        "# Piksele są znormalizowane do [0, 1], a dekoder kończy się sigmoidą, więc wyjście\n"
        "# można traktować jak prawdopodobieństwo jasnego piksela: binarna entropia krzyżowa.\n"
        'autoencoder.compile(optimizer="adam", loss="binary_crossentropy")'
    ),
    "1.plot": _renamed(solution.plot_latent_space_ae, "plot_latent_space"),
    "2.plot": _renamed(solution.plot_latent_space_vae, "plot_latent_space"),
    "2.5": _src(solution.kl_divergence) + "\n\n\n" + _renamed(solution.compute_loss_gauss_kl, "compute_loss"),
    "3.data": _src(solution.conditioned_mnist),
    "3.model": _cond_cvae_solution(),
    "3.loss": _renamed(solution.compute_loss_cond, "compute_loss"),
    "4.gen": _src(solution.prepare_generator),
    "4.disc": _src(solution.prepare_discriminator),
    "4.loss": _src(solution.discriminator_loss),
    "4.step": _gan_train_step_solution(),
    "1.3.code": '''def show_pair_mean_ae(model, first, second):
    """Wyświetla dwie cyfry i odkodowaną średnią ich reprezentacji w AE."""
    codes = model.encoder(np.stack([first, second])).numpy()
    decoded = model.decoder(codes.mean(axis=0, keepdims=True)).numpy()[0]
    fig, axes = plt.subplots(1, 3, figsize=(6, 2))
    for ax, img, title in zip(axes, [first, second, decoded], ["pierwsza", "druga", "średnia"]):
        ax.imshow(img[..., 0], cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    plt.show()


pairs = [(x_test[10], x_test[21]), (x_test[32], x_test[110])]  # (0, 6) oraz (3, 8)
for first, second in pairs:
    show_pair_mean_ae(autoencoder, first, second)''',
    "2.4.code": '''def show_pair_mean_vae(model, first, second):
    """Wyświetla dwie cyfry i odkodowaną średnią ich reprezentacji (średnich q(z|x)) w VAE."""
    mean, logvar = model.encode(np.stack([first, second]))
    decoded = model.sample(tf.reduce_mean(mean, axis=0, keepdims=True)).numpy()[0]
    fig, axes = plt.subplots(1, 3, figsize=(6, 2))
    for ax, img, title in zip(axes, [first, second, decoded], ["pierwsza", "druga", "średnia"]):
        ax.imshow(img[..., 0], cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    plt.show()


for first, second in pairs:
    show_pair_mean_vae(model, first, second)''',
    "3.1.code": """results = {}
for dim, n_epochs in [(2, 10), (25, 30), (100, 50)]:
    cond_model = Cond_CVAE(dim)
    cond_optimizer = tf.keras.optimizers.Adam(1e-4)
    cond_optimizer.build(cond_model.trainable_variables)
    for epoch in range(1, n_epochs + 1):
        for train_x in train_dataset_with_cond:
            train_step(cond_model, train_x, cond_optimizer)
    loss = tf.keras.metrics.Mean()
    for test_x in test_dataset_with_cond:
        loss(compute_loss(cond_model, test_x))
    results[dim] = (cond_model, float(-loss.result()))
    print(f"latent_dim = {dim}, epoki = {n_epochs}: Val set ELBO = {results[dim][1]:.2f}")

best_dim = max(results, key=lambda d: results[d][1])
model = results[best_dim][0]""",
    "3.2.code": '''def show_all_positions(model, z, label):
    """Dekoduje reprezentację z z etykietą `label` (one-hot) na każdej z 9 pozycji siatki."""
    fig, axes = plt.subplots(3, 3, figsize=(6, 6))
    for row in range(3):
        for col in range(3):
            cond = tf.concat([tf.cast(label, tf.float32), [col / 2, row / 2]], axis=0)[tf.newaxis]
            image = model.sample(cond, z)
            axes[row, col].imshow(image[0, :, :, 0], cmap="gray")
            axes[row, col].set_title(f"pos = ({col / 2}, {row / 2})", fontsize=8)
            axes[row, col].axis("off")
    plt.show()


test_data, test_cond = next(iter(test_dataset_with_cond))
mean, logvar = model.encode([test_data[:1], test_cond[:1]])
z = model.reparameterize(mean, logvar)
show_all_positions(model, z, test_cond[0, :10])''',
    "3.3.code": """z = tf.random.normal([1, model.latent_dim])
show_all_positions(model, z, tf.one_hot(7, 10))""",
    "4.1.code": """digit_noise = tf.random.normal([10, noise_dim])
digit_cond = tf.one_hot(tf.range(10), cond_dim)
digits = generator([digit_noise, digit_cond], training=False)
fig, axes = plt.subplots(1, 10, figsize=(15, 2))
for digit, ax in enumerate(axes):
    ax.imshow(digits[digit, :, :, 0] * 127.5 + 127.5, cmap="gray")
    ax.set_title(str(digit))
    ax.axis("off")
plt.show()""",
    "1.1": (
        "Po preprocessingu piksele mają wartości z przedziału [0, 1]. Sigmoid przekształca "
        "dowolną liczbę rzeczywistą w wartość z przedziału (0, 1), więc wyjście dekodera ma "
        "ten sam zakres co rekonstruowane obrazy i można je interpretować jako "
        "prawdopodobieństwo, że piksel jest jasny. Dzięki temu dobrze współpracuje też "
        "z binarną entropią krzyżową jako funkcją straty."
    ),
    "1.3": (
        "Wybrałem pary 0 i 6 (`x_test[10]`, `x_test[21]`) oraz 3 i 8 (`x_test[32]`, "
        "`x_test[110]`), bo mają podobne kształty. Odkodowana średnia pierwszej pary "
        "przypomina rozmyte zero z zaczątkiem ogonka szóstki, a drugiej - trójkę z częściowo "
        "domkniętymi pętlami ósemki, czyli zgodnie z oczekiwaniami łączy cechy obu cyfr. "
        "Obrazy są jednak rozmyte, bo przestrzeń ukryta AE nie jest regularyzowana i punkt "
        "pośredni może leżeć tam, gdzie dekoder nie widział żadnych przykładów."
    ),
    "2.1": (
        "Ostatnia warstwa enkodera zwraca średnią i logarytm wariancji rozkładu q(z|x), "
        "a obie te wielkości mogą przyjmować dowolne wartości rzeczywiste, także ujemne. "
        "Aktywacja taka jak ReLU, sigmoid czy tanh obcięłaby lub ścisnęła ten zakres "
        "i utrudniła modelowanie rozkładu; dodatnią wariancję i tak zapewnia funkcja "
        "wykładnicza przy reparametryzacji. Nadaje się więc tylko aktywacja liniowa "
        "(tożsamość), czyli jej brak."
    ),
    "2.2": (
        "Siatka obrazów dla VAE pokazuje płynne przejścia między cyframi i większość obrazów "
        "da się rozpoznać, bo człon KL regularyzuje przestrzeń ukrytą i czyni ją ciągłą. "
        "W siatce dla AE wiele obrazów jest zniekształconych lub nie przypomina żadnej cyfry, "
        "zwłaszcza w obszarach bez zakodowanych przykładów. Zakres siatki dla VAE jest "
        "mniejszy (około [-3, 3]), bo kody skupiają się wokół rozkładu N(0, I)."
    ),
    "2.3": (
        "Punkty AE zajmują duży, nieregularny obszar (wartości rzędu kilku-kilkunastu) "
        "i tworzą wydłużone skupiska z pustymi przerwami między nimi. Średnie VAE są gęściej "
        "upakowane wokół zera, mniej więcej w przedziale [-3, 3], zgodnie z rozkładem "
        "a priori N(0, I), a odchylenia standardowe pokazują, że sąsiednie kody się "
        "nakładają. Dzięki temu przestrzeń VAE nie ma „dziur” i lepiej nadaje się do "
        "generowania."
    ),
    "2.4": (
        "Dla tych samych par (0 i 6 oraz 3 i 8) odkodowane średnie z VAE są gładsze i bardziej "
        "przypominają prawdziwe cyfry niż w AE: pierwsza para daje obraz pośredni między "
        "zerem a szóstką, druga trójkę z cechami ósemki. Wyniki różnią się od AE, bo cyfry są "
        "inaczej rozmieszczone w przestrzeni ukrytej, a ciągłość przestrzeni VAE sprawia, że "
        "punkt pośredni dekoduje się do sensownego kształtu."
    ),
    "3.1": (
        "Wytrenowałem model dla `latent_dim` = 2, 25 i 100 (odpowiednio 10, 30 i 50 epok). "
        "ELBO na zbiorze walidacyjnym wyniosło około -40,5 dla 2, -37 dla 25 i -36,5 dla 100, "
        "więc większa przestrzeń ukryta poprawia rekonstrukcję, ale zysk między 25 a 100 jest "
        "niewielki przy znacznie dłuższym treningu. Do dalszych zadań użyłem najlepszego "
        "modelu (`latent_dim` = 100)."
    ),
    "3.2": (
        "Zakodowałem jeden obraz testowy i odkodowałem jego reprezentację z ze wszystkimi "
        "9 wektorami [etykieta, pos_x, pos_y]. Za każdym razem cyfra pojawiła się w "
        "oczekiwanej komórce siatki i zachowała swój styl (grubość, nachylenie), co pokazuje, "
        "że położenie i klasa są przekazywane przez warunek, a z opisuje wygląd cyfry. "
        "Drobne rozmycia wynikają z ograniczonej liczby epok."
    ),
    "3.3": (
        "Dla z wylosowanego z N(0, I) i etykiety 7 model za każdym razem narysował siódemkę "
        "w oczekiwanym miejscu siatki. Styl cyfr jest inny niż w zadaniu 3.2, bo z nie "
        "pochodzi z enkodera, a obrazy są nieco mniej wyraźne, gdy wylosowane z leży daleko "
        "od środka rozkładu."
    ),
    "4.1": (
        "Wygenerowałem po jednym obrazie każdej cyfry 0-9, podając generatorowi losowy szum "
        "i odpowiedni wektor one-hot. Po 50 epokach wszystkie cyfry są czytelne i zgodne "
        "z warunkiem, choć niektóre (np. 2 i 8) mają drobne artefakty na krawędziach. "
        "Dłuższy trening poprawiłby ostrość obrazów."
    ),
}

# ---------------------------------------------------------------------------------------------
# Buggy students: the solution with one slot replaced (code taken from the seed reports)
# ---------------------------------------------------------------------------------------------

SEED_001_COMPUTE_LOSS = """def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    kl_div = 0.5 * tf.reduce_sum(logvar + tf.square(mean) + tf.exp(logvar) - 1, axis=1)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x + kl_div)"""

SEED_000_KL_HELPER = """def kl_div(mean, logvar):
  var = tf.exp(logvar)
  trace_var = tf.reduce_sum(var, axis=1)
  mean_squared_norm = tf.reduce_sum(tf.square(mean), axis=1)
  log_det_sigma = tf.reduce_sum(logvar, axis=1)
  k = tf.cast(tf.shape(mean)[1], tf.float32)

  return  0.5 * (trace_var + mean_squared_norm - k - log_det_sigma)


def compute_loss_gauss_kl(model, x):
  mean, logvar = model.encode(x)
  z = model.reparameterize(mean, logvar)
  x_logit = model.decode(z)
  cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
  logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])

  kl_div_val = kl_div(mean, logvar)

  return  -tf.reduce_mean(logpx_z - kl_div_val)"""

SEED_001_CONDITIONED_MNIST = """def conditioned_mnist(x, y, num_imgs=2):
    x_res = np.empty(shape=(x.shape[0] * num_imgs, 3 * x.shape[1], 3 * x.shape[2]), dtype='float32') # pusta macierz z wynikami - obrazy x
    y_res = np.empty(shape=(y.shape[0] * num_imgs, 2 + y.shape[1]), dtype='float32') # pusta macierz z wynikami - wektor y: etykieta (10 liczb),
    empty_res = np.zeros(shape=(3 * x.shape[1], 3 * x.shape[2])) # obraz wynikowy w docelowym rozmiarze, wypełniony zerami

    for el, (arr, label) in enumerate(zip(x, y)):
        to_sample_x = np.empty((9, x.shape[1]*3, x.shape[2]*3), dtype='float32') # macierz przechowująca 9 wersji obrazu
        to_sample_y = np.empty((9, 12), dtype='float32') # macierz przechowująca 9 wersji etykiet
        for i in range(3):
            for j in range(3):
                curr_x = empty_res.copy()
                curr_x[i*x.shape[1]: (i+1)*x.shape[1], j*x.shape[2]: (j+1)*x.shape[2]] = arr.reshape((x.shape[1], x.shape[2]))
                curr_y = [*label, i/2, j/2] # normalizacja
                to_sample_x[3*i+j] = curr_x
                to_sample_y[3*i+j] = curr_y
            idxs = np.random.choice(9, num_imgs, replace = False) # wylosuj num_imgs indeksów z zakresu [0; 8] jako wektor numpy
            x_res[el*num_imgs: (el+1)*num_imgs] = to_sample_x[idxs]
            y_res[el*num_imgs: (el+1)*num_imgs] = to_sample_y[idxs]
        x_res = x_res.reshape((-1, x.shape[1]*3, x.shape[2]*3, 1))
    return x_res, y_res"""

DISCRIMINATOR_SWAPPED_LABELS = """def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.zeros_like(real_output), real_output)
    fake_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss"""

DISCRIMINATOR_NO_FAKE = """def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    return real_loss"""

BUGGY_SAMPLES = {
    "kl_plus_logvar": {"2.5": SEED_001_COMPUTE_LOSS},
    "kl_helper_style": {"2.5": SEED_000_KL_HELPER},
    "conditioned_wrong_loop": {"3.data": SEED_001_CONDITIONED_MNIST},
    "discriminator_swapped_labels": {"4.loss": DISCRIMINATOR_SWAPPED_LABELS},
    "discriminator_no_fake": {"4.loss": DISCRIMINATOR_NO_FAKE},
}

# ---------------------------------------------------------------------------------------------
# The notebook's cells
# ---------------------------------------------------------------------------------------------

INTRO = """# Laboratorium: Modele generatywne

Na tych zajęciach zbudujemy i porównamy cztery modele generatywne uczone na zbiorze MNIST:

1. autoenkoder (AE),
2. autoenkoder wariacyjny (VAE),
3. warunkowy autoenkoder wariacyjny (Conditioned VAE),
4. warunkową sieć GAN (Conditioned GAN).

Zasady:

- W komórkach z kodem oznaczonych `# TU WPISZ KOD` usuń `raise NotImplementedError()` i wpisz swoje
  rozwiązanie. Nie zmieniaj nazw ani sygnatur funkcji i klas: sprawdzarka szuka ich po nazwie.
- Odpowiedzi na pytania otwarte wpisz w komórkach Markdown zawierających `TU WPISZ ODPOWIEDŹ`
  (zastąp ten tekst swoją odpowiedzią).
- Nie usuwaj i nie zmieniaj nagłówków zadań. Punkty za zadanie podano w nawiasie.
- Wykresy, o które proszą zadania, zostaw w wynikach komórek."""


def _cells(slots: dict[str, str], extra: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, str]]:
    """The notebook as (kind, source) pairs; ``slots`` holds the answers (template or not);
    ``extra`` maps a code item (or ``"end"``) to code cells added after its answer cell."""
    extra = extra or {}
    unknown = set(extra) - set(CODE_ITEMS) - {"end"}
    if unknown:
        raise ValueError(f"extra cells after unknown slots: {sorted(unknown)}")
    cells: list[tuple[str, str]] = []

    def md(text: str) -> None:
        cells.append(("markdown", text))

    def code(text: str) -> None:
        cells.append(("code", text))

    def question(item: str, details: str = "") -> None:
        md(HEADINGS[item] + (f"\n\n{details}" if details else ""))
        if item in PROSE_ITEMS:
            md(slots[item])
        else:
            code(slots[item])
            for source in extra.get(item, ()):
                code(source)

    # --- 1. AE -------------------------------------------------------------------------------
    md(INTRO)
    md(
        GROUP_HEADINGS["1"] + "\n\nAutoenkoder uczy się kodować obraz w małej (tutaj "
        "2-wymiarowej) przestrzeni ukrytej i odtwarzać go z tego kodu. Zaczniemy od wczytania "
        "danych."
    )
    code(_scaffold_imports())
    md("Wczytujemy MNIST i skalujemy piksele do przedziału [0, 1], dodając oś kanału.")
    code(
        _src(scaffold.preprocess) + "\n\n\n"
        "(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()\n"
        "x_train = preprocess(x_train)\n"
        "x_test = preprocess(x_test)\n"
        "print(x_train.shape, x_test.shape)"
    )
    md(
        "Model autoenkodera: enkoder spłaszcza obraz i przez warstwy gęste sprowadza go do "
        "`latent_dim` liczb; dekoder odtwarza z nich obraz 28x28."
    )
    code(_scaffold_stmt("latent_dim") + "\n\n\n" + _src(scaffold.Autoencoder))
    question("1.1")
    md(HEADINGS["1.2"])
    code("autoencoder = Autoencoder(latent_dim)")
    code(slots["1.2"])
    md("Trenujemy autoenkoder: wejście i oczekiwane wyjście to te same obrazy.")
    code(
        "autoencoder.fit(x_train, x_train,\n"
        "                epochs=10,\n"
        "                shuffle=True,\n"
        "                validation_data=(x_test, x_test))"
    )
    md("Wyświetlmy przykładowe obrazy oraz ich rekonstrukcje:")
    code(
        _src(scaffold.plot_reconstructions) + "\n\n\n"
        "encoded_imgs = autoencoder.encoder(x_test[:10]).numpy()\n"
        "decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()\n"
        "plot_reconstructions(x_test, decoded_imgs)"
    )
    question("1.plot")
    code("plot_latent_space(autoencoder, x_test)")
    md(
        "Teraz wyświetlmy obrazy powstałe przez dekodowanie wartości z prostokątnej siatki. "
        "Dobierz granice siatki (`x_range`, `y_range`), analizując wyniki funkcji "
        "`plot_latent_space`."
    )
    code(_src(scaffold.plot_latent_images))
    code("plot_latent_images(autoencoder, 20, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0))")
    question(
        "1.3",
        "Dla każdej z par:\n\n"
        "- Wyświetl wybrane liczby.\n"
        "- Użyj enkodera do uzyskania 2-wymiarowych reprezentacji każdej liczby.\n"
        "- Wylicz średnią z tych reprezentacji.\n"
        "- Użyj dekodera na uzyskanej średniej.\n"
        "- Wyświetl wynik.\n"
        "- Skomentuj wynik - czy przypomina jakąś liczbę? Czy takiego wyniku się "
        "spodziewałaś/eś?",
    )
    code(slots["1.3.code"])

    # --- 2. VAE ------------------------------------------------------------------------------
    md(
        GROUP_HEADINGS["2"] + "\n\nKorzystamy z implementacji z samouczka TensorFlow "
        '"Convolutional Variational Autoencoder". Enkoder zwraca parametry rozkładu q(z|x): '
        "średnią i logarytm wariancji; dekoder zwraca logity pikseli."
    )
    code(_defs(scaffold.CVAE))
    question("2.1")
    md(
        "Funkcja straty to ujemne ELBO, szacowane metodą Monte Carlo z jednej próbki z:\n\n"
        "log p(x) ≥ ELBO = E[log p(x|z) + log p(z) - log q(z|x)]."
    )
    code(
        _scaffold_stmt("optimizer")
        + "\n\n\n"
        + _defs(scaffold.log_normal_pdf, scaffold.compute_loss, scaffold.train_step)
    )
    md("Przygotujmy zbiory danych, zainicjalizujmy model i przeprowadźmy trening:")
    code(
        _scaffold_stmt("train_size", "batch_size", "test_size", "epochs") + "\n\n"
        "train_dataset = (tf.data.Dataset.from_tensor_slices(x_train)\n"
        "                 .shuffle(train_size).batch(batch_size))\n"
        "test_dataset = (tf.data.Dataset.from_tensor_slices(x_test)\n"
        "                .shuffle(test_size).batch(batch_size))"
    )
    code(_new_model("CVAE(latent_dim)"))
    code(_vae_training_loop("train_dataset", "test_dataset"))
    question("2.plot")
    code("plot_latent_space(model, x_test)")
    md("Obrazy z prostokątnej siatki w przestrzeni ukrytej VAE (dobierz granice siatki):")
    code("plot_latent_images(model, 20, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0))")
    question("2.2")
    question("2.3")
    question("2.4")
    code(slots["2.4.code"])
    question("2.5")
    md(
        "Wytrenujmy model ponownie. Jeśli nowa funkcja straty ma inną nazwę niż `compute_loss`, "
        "użyj jej w `train_step` i w pętli poniżej."
    )
    code(_new_model("CVAE(latent_dim)"))
    code(_vae_training_loop("train_dataset", "test_dataset"))

    # --- 3. Conditioned VAE ------------------------------------------------------------------
    md(
        GROUP_HEADINGS["3"] + "\n\nTeraz nauczymy VAE generować cyfrę o zadanej klasie w zadanym "
        "miejscu obrazu. Cyfry zmniejszone do 14x14 umieszczamy w jednej z 9 komórek siatki 3x3, "
        "więc obrazy mają rozmiar 42x42x1. Warunkiem jest wektor 12 liczb: "
        "[etykieta one-hot (10), pozycja_x, pozycja_y], pozycje znormalizowane do {0, 0.5, 1} "
        "(pozycja_x - kolumna, pozycja_y - wiersz)."
    )
    question("3.data")
    md("Przygotujmy zbiory danych z cyframi zmniejszonymi do 14x14:")
    code(
        "x_train_small = tf.image.resize(x_train, (14, 14)).numpy()\n"
        "x_test_small = tf.image.resize(x_test, (14, 14)).numpy()\n"
        "y_train_onehot = tf.one_hot(y_train, 10).numpy()\n"
        "y_test_onehot = tf.one_hot(y_test, 10).numpy()\n"
        "\n"
        "x_train_cond, y_train_cond = conditioned_mnist(x_train_small, y_train_onehot, num_imgs=2)\n"
        "x_test_cond, y_test_cond = conditioned_mnist(x_test_small, y_test_onehot, num_imgs=2)\n"
        "\n"
        "train_dataset_with_cond = (tf.data.Dataset.from_tensor_slices((x_train_cond, y_train_cond))\n"
        "                           .shuffle(len(x_train_cond)).batch(batch_size))\n"
        "test_dataset_with_cond = (tf.data.Dataset.from_tensor_slices((x_test_cond, y_test_cond))\n"
        "                          .shuffle(len(x_test_cond)).batch(batch_size))"
    )
    code(
        "plt.figure(figsize=(6, 6))\n"
        "for i in range(9):\n"
        "    plt.subplot(3, 3, i + 1)\n"
        "    plt.imshow(x_train_cond[i, :, :, 0], cmap='gray')\n"
        "    digit = np.argmax(y_train_cond[i, :10])\n"
        "    plt.title(f'{digit}, pos=({y_train_cond[i, 10]}, {y_train_cond[i, 11]})', fontsize=8)\n"
        "    plt.axis('off')\n"
        "plt.show()"
    )
    question(
        "3.model",
        "W tym celu:\n\n"
        "- Uzupełnij funkcję `prepare_encoder`. Będziemy mieć dwa wejścia do modelu - jedno "
        "na obraz (42, 42, 1), jedno na wektor cech [etykieta, pos_x, pos_y] (12,). "
        "Przeprocesuj obraz z pomocą warstw konwolucyjnych (możesz wykorzystać implementację "
        "z CVAE). Możesz też przygotować kilka warstw, które zajmą się wektorem cech. Użyj "
        "warstwy konkatenującej wyniki z przetwarzania obrazu i wektora cech. Za tą warstwą "
        "znajdzie się warstwa gęsta, wyliczająca średnią i logvar (2 * `latent_dim` liczb).\n"
        "- Uzupełnij funkcję `prepare_decoder`. Tu również mamy do czynienia z dwoma "
        "wejściami - jedno przyjmuje szum (`latent_dim`,), drugie wektor cech (12,). Połącz "
        "oba wejścia i przygotuj dekoder zwracający logity obrazu (42, 42, 1). Możesz "
        "skorzystać z implementacji CVAE, ale będą potrzebne zmiany związane z innym "
        "rozmiarem obrazów.\n"
        "- Pozostałe funkcje są już zaimplementowane. Przyjrzyj się im: `encode` i `decode` "
        "przyjmują listy [obraz, warunek] oraz [z, warunek].",
    )
    question(
        "3.loss",
        "Argument `x` to para `(data, cond)` z `train_dataset_with_cond`. "
        "Zarówno enkoder, jak i dekoder otrzymują warunek. Funkcja `train_step` z części 2 "
        "działa bez zmian.",
    )
    md("Trening modelu warunkowego:")
    code("latent_dim = 2\n" + _new_model("Cond_CVAE(latent_dim)"))
    code(_vae_training_loop("train_dataset_with_cond", "test_dataset_with_cond"))
    question("3.1")
    code(slots["3.1.code"])
    question(
        "3.2",
        "- Wybierz przykład ze zbioru testowego (obraz + etykieta).\n"
        "- Przepuść próbkę przez enkoder, uzyskaj reprezentację z.\n"
        "- Dla każdego z 9 możliwych wektorów [poprawna_etykieta, pos_x, pos_y] przepuść "
        "przez dekoder reprezentację z wraz z informacją o etykiecie i położeniu. Wyświetl "
        "uzyskany obraz.\n"
        "- Skomentuj wyniki - czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym "
        "miejscu? Jeśli nie, to co może być przyczyną?",
    )
    code(slots["3.2.code"])
    question("3.3")
    code(slots["3.3.code"])

    # --- 4. Conditioned GAN ------------------------------------------------------------------
    md(
        GROUP_HEADINGS["4"] + '\n\nKorzystamy z samouczka TensorFlow "Deep Convolutional '
        'Generative Adversarial Network", dodając warunek: etykietę cyfry w postaci one-hot. '
        "Generator dostaje szum i warunek, dyskryminator obraz i warunek. Piksele skalujemy do "
        "przedziału [-1, 1]. Każda porcja danych to `(images, cond, noise_cond)`: obrazy, ich "
        "etykiety oraz losowe etykiety dla obrazów, które wygeneruje generator."
    )
    code(
        _scaffold_stmt("BUFFER_SIZE", "BATCH_SIZE", "noise_dim", "cond_dim")
        + "\n\n\n"
        + _defs(scaffold.preprocess_gan, scaffold.add_noise_cond)
        + "\n\n\n"
        "(train_images, train_labels), (_, _) = tf.keras.datasets.mnist.load_data()\n"
        "train_images = preprocess_gan(train_images)\n"
        "train_cond = tf.one_hot(train_labels, cond_dim)\n"
        "\n"
        "train_dataset = (tf.data.Dataset.from_tensor_slices((train_images, train_cond))\n"
        "                 .shuffle(BUFFER_SIZE)\n"
        "                 .map(add_noise_cond)\n"
        "                 .batch(BATCH_SIZE))"
    )
    question(
        "4.gen",
        "Model przyjmuje dwa wejścia: szum (`latent_dim`,) i warunek "
        "(`cond_dim`,), połączone warstwą konkatenującą, i zwraca obraz 28x28x1 "
        "o wartościach w [-1, 1]. Możesz wykorzystać warstwy generatora z samouczka DCGAN.",
    )
    md('Wyświetlmy obraz wygenerowany przez niewytrenowany generator przy podaniu na wejściu etykiety "1":')
    code(
        "generator = prepare_generator(noise_dim, cond_dim)\n"
        "\n"
        "example_noise = tf.random.normal([1, noise_dim])\n"
        "example_cond = tf.one_hot([1], cond_dim)\n"
        "generated_image = generator([example_noise, example_cond], training=False)\n"
        "plt.imshow(generated_image[0, :, :, 0], cmap='gray')\n"
        "plt.show()"
    )
    question(
        "4.disc",
        "Model przyjmuje obraz (`img_shape`) i warunek (`cond_dim`,) i zwraca "
        "jedną liczbę: logit (bez aktywacji), dodatni dla obrazów uznanych za prawdziwe, "
        "ujemny dla fałszywych.",
    )
    md("Zobaczmy predykcję niewytrenowanego dyskryminatora:")
    code(
        "discriminator = prepare_discriminator((28, 28, 1), cond_dim)\n"
        "decision = discriminator([generated_image, example_cond])\n"
        "print(decision)"
    )
    md(
        "Funkcje kosztu: `cross_entropy` liczy binarną entropię krzyżową z logitów. Generator "
        "chce, żeby dyskryminator uznał jego obrazy za prawdziwe (etykieta 1)."
    )
    code(_scaffold_stmt("cross_entropy") + "\n\n\n" + _src(scaffold.generator_loss))
    question(
        "4.loss",
        "Dyskryminator powinien rozpoznawać obrazy prawdziwe (etykieta 1) "
        "i wygenerowane (etykieta 0); koszt to suma obu składników.",
    )
    md("Optymalizatory i parametry treningu:")
    code(
        _scaffold_stmt("generator_optimizer", "discriminator_optimizer", "EPOCHS", "num_examples_to_generate") + "\n\n"
        "# Ten sam szum i te same warunki w każdej epoce, żeby śledzić postępy generatora.\n"
        "seed = tf.random.normal([num_examples_to_generate, noise_dim])\n"
        "seed_cond = tf.one_hot(tf.range(num_examples_to_generate) % cond_dim, cond_dim)"
    )
    question(
        "4.step",
        "Argument `data` to `(images, cond, noise_cond)`. Wylosuj szum, wygeneruj "
        "obrazy dla warunków `noise_cond`, oceń dyskryminatorem obrazy prawdziwe (z warunkami "
        "`cond`) i wygenerowane, policz koszty generatora i dyskryminatora, a następnie "
        "gradienty (osobna taśma `tf.GradientTape` dla każdej sieci) i zaktualizuj obie sieci "
        "ich optymalizatorami (`generator_optimizer`, `discriminator_optimizer`).",
    )
    md("Czas na trening!")
    code(
        _src(scaffold.generate_and_save_images) + "\n\n\n"
        "def train(dataset, epochs):\n"
        "    for epoch in range(epochs):\n"
        "        start = time.time()\n"
        "        for batch in dataset:\n"
        "            train_step(batch)\n"
        "        generate_and_save_images(generator, epoch + 1, seed, seed_cond)\n"
        "        print('Time for epoch {} is {} sec'.format(epoch + 1, time.time() - start))"
    )
    code("train(train_dataset, EPOCHS)")
    question("4.1")
    code(slots["4.1.code"])
    for source in extra.get("end", ()):
        code(source)
    return cells


def notebook(slots: dict[str, str], extra: dict[str, tuple[str, ...]] | None = None) -> nbformat.NotebookNode:
    """A notebook with deterministic cell ids ``cell-001``... and no outputs; ``extra``: code
    cells added after answer slots (see :func:`_cells`)."""
    return assemble(_cells(slots, extra), METADATA["grader"]["lab"])


def template_notebook() -> nbformat.NotebookNode:
    return notebook(TEMPLATE_SLOTS)


def solution_notebook() -> nbformat.NotebookNode:
    return notebook({**TEMPLATE_SLOTS, **SOLUTION_SLOTS})
