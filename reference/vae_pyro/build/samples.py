"""Sample students of lab ``vae-pyro``, written the way students write.

``build/notebooks.py`` turns each entry of :data:`SAMPLES` into
``submissions/vae-pyro/<name>.ipynb``: the solution notebook with the listed answer slots
replaced (slot ids as in ``notebooks.TEMPLATE_SLOTS``: ``"1a"``, ``"1b"``, ``"2"``,
``"2.answer"``, ``"3"``; the value :data:`TEMPLATE` keeps the template's cell, unanswered), plus
the extra code cells of :data:`EXTRA_CELLS`. ``solution`` and ``blank`` (the template) are written
by ``build/notebooks.py`` itself.

The ``styl_*`` students are correct (``styl_sekwencyjny`` leaves the bonus task 3 blank); every
other one has exactly the fault its name says, and otherwise is the solution (:data:`FAULTS`
says what each one gets wrong). A faulty class is written out as a student would write it; the
classes and methods a student did not get wrong are the solution's, spliced in as source text.

The sources are plain text: nothing here imports torch or pyro.
"""

from __future__ import annotations

import ast
import textwrap

from ...build.common import Loss
from .sources import DOWNSTREAM_DATA, definitions, replace_methods, solution_source


class _Template:
    """Marker: the slot keeps the template's (unanswered) cell."""

    def __repr__(self) -> str:
        return "TEMPLATE"


TEMPLATE = _Template()


def vae_cell(vencoder: str | None = None, vdecoder: str | None = None, vae: str | None = None) -> str:
    """The cell of slot ``1a``: the given classes, the solution's where ``None``."""
    return definitions(
        vencoder or solution_source("VEncoder"),
        vdecoder or solution_source("VDecoder"),
        vae or solution_source("VariationalAutoencoder"),
    )


def vae_with(**methods: str) -> str:
    """The solution's ``VariationalAutoencoder`` with the given methods replaced."""
    return replace_methods(solution_source("VariationalAutoencoder"), **methods)


# =============================================================================================
# styl_logvar: two heads (mean and log-variance), a Sequential decoder, explicit
# reparameterisation; logistic regression on a dict of feature sets; the guide scaled whole
# =============================================================================================

LOGVAR_VENCODER = '''class VEncoder(nn.Module):
    """Encoder for VAE."""

    def __init__(
        self,
        n_input_features: int,
        n_hidden_neurons: int,
        n_latent_features: int,
    ):
        super().__init__()

        # wspólna warstwa ukryta, a potem dwie "głowy": średnia i logarytm wariancji
        self.fc_hidden = nn.Linear(n_input_features, n_hidden_neurons)
        self.fc_mu = nn.Linear(n_hidden_neurons, n_latent_features)
        self.fc_logvar = nn.Linear(n_hidden_neurons, n_latent_features)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode data to gaussian distribution params."""
        h = torch.relu(self.fc_hidden(x))
        z_loc = self.fc_mu(h)  # średnia może być dowolna -> bez aktywacji
        logvar = self.fc_logvar(h)  # log(sigma^2) też jest dowolną liczbą
        # sigma = exp(logvar / 2) jest zawsze > 0
        z_scale = torch.exp(0.5 * logvar)
        return z_loc, z_scale'''

LOGVAR_VDECODER = '''class VDecoder(nn.Module):
    """Decoder for VAE."""

    def __init__(
        self,
        n_latent_features: int,
        n_hidden_neurons: int,
        n_output_features: int,
    ):
        super().__init__()

        self.net = nn.Sequential(
            nn.Linear(n_latent_features, n_hidden_neurons),
            nn.ReLU(),
            nn.Linear(n_hidden_neurons, n_output_features),
            nn.Sigmoid(),  # piksele w [0, 1] - parametry rozkładu Bernoulliego
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent vector to image."""
        return self.net(z)'''

LOGVAR_ENCODER_FORWARD = '''def encoder_forward(self, x: torch.Tensor) -> torch.Tensor:
    """Function to perform forward pass through encoder network.
    takes: tensor of shape [batch_size x [image-size]] (input images batch)
    returns: tensor of shape [batch_size x latent_feature_size] (latent vector)
    """
    if self.input_shape is None:
        self.input_shape = x.shape[1:]
    x = x.view(x.shape[0], -1)
    z_loc, z_scale = self.encoder(x)
    # trik reparametryzacji: z = mu + sigma * eps, eps ~ N(0, I)
    eps = torch.randn_like(z_scale)
    z = z_loc + z_scale * eps
    return z'''

LOGVAR_DECODER_FORWARD = '''def decoder_forward(self, z: torch.Tensor) -> torch.Tensor:
    """Function to perform forward pass through decoder network.
    takes: tensor of shape [batch_size x latent_feature_size] (latent vector)
    returns: tensor of shape [batch_size x [image-size]] (reconstructed images batch)
    """
    # dekoder zwraca spłaszczony obraz, przywracamy kształt wejścia
    return self.decoder(z).view(-1, *self.input_shape)'''

LOGVAR_DOWNSTREAM = (
    DOWNSTREAM_DATA
    + """

import time

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report

y_train = np.array(y_train)
y_val = np.array(y_val)

# trzy zestawy cech: surowe piksele, kody z AE i kody z VAE
zestawy = {
    "piksele": (X_train.view(len(X_train), -1).numpy(), X_val.view(len(X_val), -1).numpy()),
    "AE": (ae_model.encoder_forward(X_train).detach().numpy(),
           ae_model.encoder_forward(X_val).detach().numpy()),
    "VAE": (vae_model.encoder_forward(X_train).detach().numpy(),
            vae_model.encoder_forward(X_val).detach().numpy()),
}

for nazwa, (Xtr, Xva) in zestawy.items():
    # tylko 50 iteracji - klasyfikator ma być słaby
    clf = LogisticRegression(max_iter=50)
    start = time.time()
    clf.fit(Xtr, y_train)
    czas_treningu = time.time() - start
    start = time.time()
    y_pred = clf.predict(Xva)
    czas_predykcji = time.time() - start
    print(f"===== {nazwa} =====")
    print(f"accuracy: {accuracy_score(y_val, y_pred):.3f}")
    print(f"czas treningu: {czas_treningu:.3f} s, czas predykcji: {czas_predykcji:.4f} s")
    print(classification_report(y_val, y_pred))"""
)

LOGVAR_BETA = definitions(
    "from pyro import poutine",
    '''class BetaVariationalAutoencoder(VariationalAutoencoder):
    """beta-Variational Auto Encoder model."""

    def __init__(self, beta=1.0, **kwargs):
        # pozostałe argumenty przekazujemy do VariationalAutoencoder
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x: torch.Tensor):
        """p(x|z)p(z), log p(z) mnożone przez beta."""
        pyro.module("decoder", self.decoder)
        with pyro.plate("data", x.shape[0]):
            z_loc = torch.zeros((x.shape[0], self.n_latent_features))
            z_scale = torch.ones((x.shape[0], self.n_latent_features))
            # skalujemy tylko prior; rekonstrukcja (obs) zostaje bez wagi
            with poutine.scale(scale=self.beta):
                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))
            output = self.decoder.forward(z).view(-1, *self.input_shape)
            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)

    def guide(self, x: torch.Tensor):
        # w guide jest tylko jedno pyro.sample (latent), więc można przeskalować cały guide
        return poutine.scale(super().guide, scale=self.beta)(x)''',
)

LOGVAR_1B = (
    "Dla 2 cech ukrytych rekonstrukcje są mocno rozmyte i część klas (4 z 9, 3 z 5) się pokrywa, "
    "ale przestrzeń jest regularna i dekodowanie punktów z N(0, I) daje sensowne cyfry. "
    "Przy większym rozmiarze reprezentacji (10, 32) rekonstrukcje są ostrzejsze, a ELBO lepsze, "
    "tylko że przestrzeń robi się mniej regularna: kilka wymiarów model prawie nie używa "
    "(w `analyze_features` ich zmiana nic nie zmienia), a próbki z priora są gorsze. Z lr = 1e-2 "
    "trening jest niestabilny, koszt skacze i zdarzyło mi się dostać NaN; z lr = 1e-4 uczenie "
    "jest bardzo wolne i po 20 epokach obrazy są dalej rozmyte, najlepiej działało 1e-3. "
    "Więcej neuronów w warstwach ukrytych (512 zamiast 128) przyspiesza spadek kosztu na "
    "początku i trochę poprawia rekonstrukcje, ale epoka trwa dłużej, a na 10000 przykładów "
    "zysk na walidacji jest mały. Kolejne próbki dla jednego obrazu (`compare_samplings`) "
    "różnią się tylko szczegółami."
)

LOGVAR_2_ANSWER = (
    "Użyłam regresji logistycznej ograniczonej do 50 iteracji, żeby klasyfikator był słaby. "
    "Na surowych pikselach ma ok. 0.87 accuracy, ale trening trwa kilka sekund i kończy się "
    "ostrzeżeniem o braku zbieżności. Na kodach AE (10 cech) accuracy to ok. 0.80, a na kodach "
    "VAE ok. 0.76 - tu kody są próbkami z q(z|x), więc losowość trochę przeszkadza. Za to "
    "trening na kodach trwa ułamek sekundy, a predykcja jest praktycznie natychmiastowa, bo "
    "cech jest prawie 80 razy mniej. Reprezentacje są więc dużo tańsze w użyciu, choć przy tym "
    "klasyfikatorze tracą kilka punktów procentowych dokładności względem pikseli."
)

# =============================================================================================
# styl_sekwencyjny: Sequential trunk and one head split with torch.chunk; %%time cells in
# task 2; the bonus task 3 left blank
# =============================================================================================

SEKWENCYJNY_VENCODER = '''class VEncoder(nn.Module):
    """Encoder for VAE."""

    def __init__(
        self,
        n_input_features: int,
        n_hidden_neurons: int,
        n_latent_features: int,
    ):
        super().__init__()

        self.trunk = nn.Sequential(
            nn.Linear(n_input_features, n_hidden_neurons),
            nn.ReLU(),
        )
        # jedna warstwa liczy od razu średnią i "surową" skalę -> 2 * n_latent_features wyjść
        self.head = nn.Linear(n_hidden_neurons, 2 * n_latent_features)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode data to gaussian distribution params."""
        out = self.head(self.trunk(x))
        z_loc, raw = torch.chunk(out, 2, dim=1)
        # softplus > 0, a stała, żeby skala nigdy nie była zerem
        z_scale = nn.functional.softplus(raw) + 1e-4
        return z_loc, z_scale'''

SEKWENCYJNY_VDECODER = '''class VDecoder(nn.Module):
    """Decoder for VAE."""

    def __init__(
        self,
        n_latent_features: int,
        n_hidden_neurons: int,
        n_output_features: int,
    ):
        super().__init__()

        self.layers = nn.Sequential(
            nn.Linear(n_latent_features, n_hidden_neurons),
            nn.ReLU(),
            nn.Linear(n_hidden_neurons, n_output_features),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent vector to image."""
        # sigmoid na końcu, bo piksele są z przedziału [0, 1]
        return torch.sigmoid(self.layers(z))'''

SEKWENCYJNY_ENCODER_FORWARD = '''def encoder_forward(self, x: torch.Tensor) -> torch.Tensor:
    """Function to perform forward pass through encoder network.
    takes: tensor of shape [batch_size x [image-size]] (input images batch)
    returns: tensor of shape [batch_size x latent_feature_size] (latent vector)
    """
    z = None
    if self.input_shape is None:
        self.input_shape = x.shape[1:]
    x = x.view(x.shape[0], -1)
    z_loc, z_scale = self.encoder(x)
    # losujemy z z q(z|x) (sam trening i tak idzie przez guide w Pyro)
    z = dist.Normal(z_loc, z_scale).sample()
    return z'''

SEKWENCYJNY_DECODER_FORWARD = '''def decoder_forward(self, z: torch.Tensor) -> torch.Tensor:
    """Function to perform forward pass through decoder network.
    takes: tensor of shape [batch_size x latent_feature_size] (latent vector)
    returns: tensor of shape [batch_size x [image-size]] (reconstructed images batch)
    """
    r = None
    r = self.decoder.forward(z)
    return r.view(-1, *self.input_shape)'''

SEKWENCYJNY_DOWNSTREAM = (
    DOWNSTREAM_DATA
    + """

from sklearn.metrics import accuracy_score
from sklearn.tree import DecisionTreeClassifier

# płaskie piksele oraz reprezentacje z obu koderów (dla VAE biorę średnią rozkładu)
piksele_train = X_train.reshape(len(X_train), -1).numpy()
piksele_val = X_val.reshape(len(X_val), -1).numpy()
with torch.no_grad():
    ae_train = ae_model.encoder_forward(X_train).numpy()
    ae_val = ae_model.encoder_forward(X_val).numpy()
    vae_train = vae_model.encoder(X_train.reshape(len(X_train), -1))[0].numpy()
    vae_val = vae_model.encoder(X_val.reshape(len(X_val), -1))[0].numpy()"""
)


def _tree_cell(what: str, train: str, val: str) -> str:
    return f"""%%time
# płytkie drzewo decyzyjne = słaby klasyfikator; {what}
drzewo = DecisionTreeClassifier(max_depth=5, random_state=0)
drzewo.fit({train}, y_train)
print(accuracy_score(y_val, drzewo.predict({val})))"""


SEKWENCYJNY_TIME_CELLS = (
    _tree_cell("surowe piksele", "piksele_train", "piksele_val"),
    _tree_cell("kody z AE", "ae_train", "ae_val"),
    _tree_cell("kody z VAE", "vae_train", "vae_val"),
)

SEKWENCYJNY_1B = (
    "Rozmiar reprezentacji ukrytej ma największy wpływ: przy 2 wymiarach rekonstrukcje są "
    "rozmyte, a klasy 4/9 i 3/5 zachodzą na siebie, za to cała przestrzeń jest wypełniona "
    "i próbki z N(0, I) wyglądają jak cyfry. Przy 10 lub 32 wymiarach rekonstrukcje są "
    "ostrzejsze i ELBO wyższe, ale część wymiarów jest nieużywana (ich zmiana w "
    "`analyze_features` nie zmienia obrazu), a przestrzeń jest mniej regularna i próbki z priora "
    "wychodzą słabiej. Współczynnik uczenia 1e-2 psuje trening (skoki kosztu, czasem NaN), "
    "1e-4 jest za wolny - po 20 epokach obrazy są nadal rozmyte - a 1e-3 sprawdza się najlepiej. "
    "Szersze warstwy ukryte (512 neuronów) szybciej obniżają koszt na początku treningu i lekko "
    "poprawiają rekonstrukcje kosztem dłuższych epok; na 10000 przykładów różnica na walidacji "
    "jest niewielka."
)

SEKWENCYJNY_2_ANSWER = (
    "Jako słaby klasyfikator wybrałem drzewo decyzyjne o głębokości 5. Na surowych pikselach "
    "daje ok. 0.68 accuracy, na kodach AE ok. 0.66, a na średnich z kodera VAE ok. 0.71. "
    "Według `%%time` trening i predykcja na pikselach zajmują ok. 1.2 s, a na 10-wymiarowych "
    "kodach ok. 0.05 s, czyli ponad 20 razy mniej. Reprezentacja VAE daje więc najlepszą "
    "dokładność przy dużo krótszym czasie działania, a AE jest porównywalny z pikselami."
)

# =============================================================================================
# Faulty encoders, decoders and sampling (task 1a): each the solution with one fault
# =============================================================================================


def _one_fault(name: str, *edits: tuple[str, str]) -> str:
    """The solution's class ``name`` with exact text edits: the sample has exactly this fault
    (an edit that no longer matches the solution raises, so the samples cannot drift)."""
    source = solution_source(name)
    for old, new in edits:
        if source.count(old) != 1:
            raise ValueError(f"{name}: {old!r} is not in the solution exactly once")
        source = source.replace(old, new)
    return source


SKALA_RELU_VENCODER = _one_fault(
    "VEncoder",
    (
        "        self.hidden_to_scale = nn.Linear(n_hidden_neurons, n_latent_features)\n",
        "        self.hidden_to_scale = nn.Linear(n_hidden_neurons, n_latent_features)\n"
        "        # bias 3, żeby skala była dodatnia\n"
        "        nn.init.constant_(self.hidden_to_scale.bias, 3.0)\n",
    ),
    (
        "        # the scale must be > 0 for every input: softplus is positive by construction\n"
        "        z_scale = nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6",
        "        # relu - odchylenie standardowe nie może być ujemne\n"
        "        z_scale = nn.functional.relu(self.hidden_to_scale(h))",
    ),
)

SREDNIA_RELU_VENCODER = _one_fault(
    "VEncoder",
    (
        "        # the mean may take any real value: no activation\n        z_loc = self.hidden_to_loc(h)",
        "        # relu na średniej, tak jak w warstwie ukrytej\n        z_loc = nn.functional.relu(self.hidden_to_loc(h))",
    ),
)

BEZ_SIGMOIDY_VDECODER = _one_fault(
    "VDecoder",
    (
        "        # Bernoulli means of the pixels: in [0, 1]\n        r = torch.sigmoid(self.hidden_to_output(r))",
        "        # wyjście liniowe - rekonstrukcja obrazu\n        r = self.hidden_to_output(r)",
    ),
)

_SAMPLING = "        # reparameterisation: z = loc + scale * eps, differentiable in loc and scale\n        z = dist.Normal(z_loc, z_scale).rsample()"


def _encoder_forward(replacement: str) -> str:
    """The solution's ``encoder_forward`` (as a method source at column 0) with its sampling replaced."""
    cls = _one_fault("VariationalAutoencoder", (_SAMPLING, replacement))
    node = next(
        n for n in ast.parse(cls).body[0].body if isinstance(n, ast.FunctionDef) and n.name == "encoder_forward"
    )
    return textwrap.dedent("\n".join(cls.splitlines()[node.lineno - 1 : node.end_lineno]))


BEZ_PROBKOWANIA_ENCODER_FORWARD = _encoder_forward(
    "        # reprezentacja ukryta = średnia rozkładu\n        z = z_loc"
)

SKALA_JAKO_WARIANCJA_ENCODER_FORWARD = _encoder_forward(
    "        # skala to wariancja, więc odchylenie standardowe = sqrt(skala)\n"
    "        z = z_loc + torch.sqrt(z_scale) * torch.randn_like(z_loc)"
)

# =============================================================================================
# Faulty beta-VAEs (task 3)
# =============================================================================================

BETA_NA_REKONSTRUKCJI = definitions(
    "from pyro import poutine",
    '''class BetaVariationalAutoencoder(VariationalAutoencoder):
    """beta-Variational Auto Encoder model."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x: torch.Tensor):
        """p(x|z)p(z) z wagą beta."""
        pyro.module("decoder", self.decoder)
        with pyro.plate("data", x.shape[0]):
            z_loc = torch.zeros((x.shape[0], self.n_latent_features))
            z_scale = torch.ones((x.shape[0], self.n_latent_features))
            z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))
            output = self.decoder.forward(z).view(-1, *self.input_shape)
            # beta waży człon z obserwacjami
            with poutine.scale(scale=self.beta):
                pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)

    # guide bez zmian - dziedziczony z VariationalAutoencoder''',
)

BETA_CALOSC = definitions(
    "from pyro import poutine",
    '''class BetaVariationalAutoencoder(VariationalAutoencoder):
    """beta-Variational Auto Encoder model."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x: torch.Tensor):
        # skalujemy model współczynnikiem beta
        with poutine.scale(scale=self.beta):
            super().model(x)

    def guide(self, x: torch.Tensor):
        # i guide tak samo
        with poutine.scale(scale=self.beta):
            super().guide(x)''',
)

# =============================================================================================
# Task 2 incomplete
# =============================================================================================

TYLKO_PIKSELE_DOWNSTREAM = (
    DOWNSTREAM_DATA
    + """

from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import GaussianNB

clf = GaussianNB()
clf.fit(X_train.view(len(X_train), -1).numpy(), y_train)
pred = clf.predict(X_val.view(len(X_val), -1).numpy())
print("accuracy (piksele):", accuracy_score(y_val, pred))"""
)

TYLKO_PIKSELE_2_ANSWER = (
    "Wybrałem gaussowski naiwny klasyfikator Bayesa. Na surowych pikselach MNIST osiąga tylko "
    "ok. 0.55 accuracy, czyli zgodnie z poleceniem jest słaby - piksele są mocno skorelowane, "
    "a ten klasyfikator zakłada niezależność cech."
)

BRAK_BETA_1B = (
    "Najważniejszy okazał się rozmiar przestrzeni ukrytej. Dla 2 wymiarów obrazy są rozmyte, "
    "a cyfry 4 i 9 oraz 3 i 5 się mieszają, ale przestrzeń jest regularna, więc losowe punkty "
    "z N(0, I) dekodują się do cyfr. Przy 10 i 32 wymiarach rekonstrukcje są wyraźniejsze, a ELBO "
    "lepsze, jednak część wymiarów jest bezużyteczna (zmiana w `analyze_features` nic nie daje) "
    "i generowanie z priora działa gorzej. Learning rate 1e-2 powoduje rozjeżdżanie się treningu "
    "(skoki kosztu, NaN), 1e-4 zbiega bardzo powoli i po 20 epokach obrazy są rozmyte, a 1e-3 "
    "działa dobrze. Zwiększenie warstw ukrytych do 512 neuronów przyspiesza początek uczenia "
    "i minimalnie poprawia rekonstrukcje, ale każda epoka jest dłuższa, a przy 10000 "
    "przykładów różnica na walidacji jest niewielka."
)

BRAK_BETA_2_ANSWER = (
    "Klasyfikator: `GaussianNB` (słaby na MNIST). Na pikselach dostajemy ok. 0.55 accuracy "
    "i makro F1 ok. 0.5, bo sąsiednie piksele są silnie zależne, a naiwny Bayes zakłada "
    "niezależność. Na 10-wymiarowych kodach AE accuracy wynosi ok. 0.75, a na średnich q(z|x) "
    "z VAE ok. 0.8 - cechy VAE bardziej przypominają niezależne rozkłady normalne. Trening "
    "i predykcja na kodach trwają setne części sekundy, wielokrotnie krócej niż na pikselach "
    "(nie licząc jednorazowego kodowania zbioru). Najlepszą reprezentację do zadania downstream "
    "daje więc VAE."
)

# =============================================================================================
# The samples
# =============================================================================================

#: sample name -> answer slots replaced (source text, or TEMPLATE to keep the unanswered cell).
SAMPLES: dict[str, dict[str, object]] = {
    "styl_logvar": {
        "1a": vae_cell(
            LOGVAR_VENCODER,
            LOGVAR_VDECODER,
            vae_with(encoder_forward=LOGVAR_ENCODER_FORWARD, decoder_forward=LOGVAR_DECODER_FORWARD),
        ),
        "1b": LOGVAR_1B,
        "2": LOGVAR_DOWNSTREAM,
        "2.answer": LOGVAR_2_ANSWER,
        "3": LOGVAR_BETA,
    },
    "styl_sekwencyjny": {
        "1a": vae_cell(
            SEKWENCYJNY_VENCODER,
            SEKWENCYJNY_VDECODER,
            vae_with(encoder_forward=SEKWENCYJNY_ENCODER_FORWARD, decoder_forward=SEKWENCYJNY_DECODER_FORWARD),
        ),
        "1b": SEKWENCYJNY_1B,
        "2": SEKWENCYJNY_DOWNSTREAM,
        "2.answer": SEKWENCYJNY_2_ANSWER,
        "3": TEMPLATE,
    },
    "skala_relu": {"1a": vae_cell(vencoder=SKALA_RELU_VENCODER)},
    "bez_probkowania": {"1a": vae_cell(vae=vae_with(encoder_forward=BEZ_PROBKOWANIA_ENCODER_FORWARD))},
    "dekoder_bez_sigmoidy": {"1a": vae_cell(vdecoder=BEZ_SIGMOIDY_VDECODER)},
    "skala_jako_wariancja": {
        "1a": vae_cell(vae=vae_with(encoder_forward=SKALA_JAKO_WARIANCJA_ENCODER_FORWARD)),
    },
    "srednia_relu": {"1a": vae_cell(vencoder=SREDNIA_RELU_VENCODER)},
    "beta_na_rekonstrukcji": {"3": BETA_NA_REKONSTRUKCJI},
    "beta_calosc": {"3": BETA_CALOSC},
    "brak_beta": {"1b": BRAK_BETA_1B, "2.answer": BRAK_BETA_2_ANSWER, "3": TEMPLATE},
    "downstream_nietkniety": {"2": TEMPLATE, "2.answer": TEMPLATE},
    "downstream_tylko_piksele": {"2": TYLKO_PIKSELE_DOWNSTREAM, "2.answer": TYLKO_PIKSELE_2_ANSWER},
}

#: sample name -> code slot -> code cells the student added right after that slot's cell.
EXTRA_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    "styl_sekwencyjny": {"2": SEKWENCYJNY_TIME_CELLS},
}

#: sample name -> what it gets wrong (``None``: correct; the solution and blank are not listed).
FAULTS: dict[str, str | None] = {
    "styl_logvar": None,
    "styl_sekwencyjny": "task 3 (bonus) left blank; otherwise correct (encoder_forward samples "
    "with .sample(), not reparameterised: harmless, training goes through "
    "the Pyro guide)",
    "skala_relu": "VEncoder's scale is relu(...) with bias initialised to 3: positive only on "
    "typical inputs, zero (an invalid Normal scale) where the pre-activation is "
    "negative",
    "bez_probkowania": "encoder_forward returns the mean z_loc: no sampling",
    "dekoder_bez_sigmoidy": "VDecoder has no sigmoid: outputs are not Bernoulli means in [0, 1]",
    "skala_jako_wariancja": "encoder_forward samples with sqrt(z_scale) as the standard deviation "
    "(treats the scale as a variance)",
    "srednia_relu": "VEncoder's mean goes through relu: z_loc >= 0",
    "beta_na_rekonstrukcji": "task 3 scales the obs site (reconstruction) by beta instead of the "
    "latent site (KL); guide inherited unscaled",
    "beta_calosc": "task 3 scales the whole model and guide by beta: the whole ELBO is scaled, "
    "the KL weight relative to the reconstruction is unchanged",
    "brak_beta": "task 3 (bonus) left blank; tasks 1-2 correct",
    "downstream_nietkniety": "task 2 left blank: code cell and answer cell untouched",
    "downstream_tylko_piksele": "task 2 incomplete: classifier on raw pixels only (accuracy, no "
    "timing, no AE/VAE codes)",
}

if set(FAULTS) != set(SAMPLES):
    raise ValueError("FAULTS and SAMPLES list different students")
if not set(EXTRA_CELLS) <= set(SAMPLES):
    raise ValueError("extra cells for an unknown sample")

_UNTOUCHED = "left as the template defined it"
_NO_BONUS = {"3": Loss(0, "missing", _UNTOUCHED)}
_SECTION_2_UNTOUCHED = Loss(0, "missing", "The code of section 2 is the template's")

#: sample -> item -> what it loses when graded: automatic points, status, a fragment of the
#: message naming the fault. An item not listed gets its full automatic points (1a.*: 0.5, 2: its
#: automatic 1.0, 3: 2.0), passed. The tests grade every sample through the sandbox against this
#: table (tests/test_every_lab.py), and docs/labs/vae-pyro.md's table of the samples shows the same.
LOSES: dict[str, dict[str, Loss]] = {
    "solution": {},
    "styl_logvar": {},
    "styl_sekwencyjny": _NO_BONUS,
    "brak_beta": _NO_BONUS,
    "blank": {
        **{item: Loss(0, "missing", _UNTOUCHED) for item in ("1a.encoder", "1a.decoder", "1a.vae", "3")},
        "2": _SECTION_2_UNTOUCHED,
    },
    # its VAE is graded with the stand-in VEncoder (grader.independence): the encoder's fault costs 1a.encoder only
    "skala_relu": {
        "1a.encoder": Loss(0.25, "failed", "drops to 0 (or below) when the layers' pre-activations are negative")
    },
    "bez_probkowania": {"1a.vae": Loss(0.25, "failed", "no sampling")},
    "dekoder_bez_sigmoidy": {"1a.decoder": Loss(0.25, "failed", "the final sigmoid is missing")},
    "skala_jako_wariancja": {"1a.vae": Loss(0.25, "failed", "z_scale is treated as a variance")},
    "srednia_relu": {"1a.encoder": Loss(0.375, "failed", "z_loc is never negative")},
    "beta_na_rekonstrukcji": {"3": Loss(0.666667, "failed", "β multiplies the reconstruction term instead of the KL")},
    "beta_calosc": {"3": Loss(0.666667, "failed", "β multiplies the whole loss")},
    "downstream_nietkniety": {"2": _SECTION_2_UNTOUCHED},
    "downstream_tylko_piksele": {"2": Loss(0.25, "failed", "no classifier is trained on: AE codes, VAE codes")},
}

if set(LOSES) != set(SAMPLES) | {"solution", "blank"}:
    raise ValueError("LOSES lists other students than SAMPLES, solution and blank")
