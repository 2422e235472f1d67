"""Write the notebooks of lab ``vae-pyro``: the student template, the solution and the sample
submissions.

    python -m reference.vae_pyro.build.notebooks [--root DIR]

writes, under ``DIR`` (default: the repository root):

- ``reference/vae_pyro/public/template.ipynb``: the notebook students get, made from the Polish
  nbgrader assignment of seed 002 (its text is embedded below, verbatim);
- ``reference/vae_pyro/judge/solution.ipynb``: the template with every answer slot answered;
- ``submissions/vae-pyro/*.ipynb``: sample students (file name = student id): the solution, the
  blank template and the students of ``samples.py`` (:data:`samples.SAMPLES`): each is the
  solution with the listed answer slots replaced, some with extra code cells
  (:data:`samples.EXTRA_CELLS`).

The given code (``Encoder``, ``Decoder``, ``Autoencoder``) comes from ``public/scaffold.py`` and
the answers from ``solution.py``, copied as source text: the modules are parsed, never imported,
so building needs neither torch nor pyro, and the notebooks cannot drift from the modules. Every
notebook has the same cells (ids ``cell-001``...) except a sample's extra cells; only the answer
slots differ. The output is deterministic: running the script twice gives identical bytes.

Answer slots (:data:`TEMPLATE_SLOTS`):

- ``"1a"``: the code cell with ``VEncoder``, ``VDecoder`` and ``VariationalAutoencoder``; as in
  the seed it sits under the heading of task 1b (task 1a's heading has no cell of its own);
- ``"1b"``: the markdown cell ``TU WPISZ ODPOWIEDŹ`` after the VAE's analyses (conclusions of
  task 1b; the seed asks for them in "a Markdown cell", we add it);
- ``"2"``: task 2's code cell (data as tensors, then ``# TU WPISZ KOD``);
- ``"2.answer"``: the markdown cell ``TU WPISZ ODPOWIEDŹ`` after it (comparison of metrics and
  times; added by us);
- ``"3"``: the ``BetaVariationalAutoencoder`` cell (bonus task).

Conventions the grader relies on: each task starts with a markdown cell whose first line is
``# Zadanie <id> (<points> pkt.)`` (:data:`HEADINGS`); a prose answer is one markdown cell
``TU WPISZ ODPOWIEDŹ``; a code answer's cell holds ``# TU WPISZ KOD`` and
``raise NotImplementedError()``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ...build.common import REPO_ROOT, assemble, build_cli, lab_notebooks, notebook_metadata, write_notebooks
from . import samples
from .sources import DOWNSTREAM_DATA, definitions, scaffold_source, solution_source

LAB = "vae-pyro"
LAB_DIR = Path("reference") / "vae_pyro"
SUBMISSIONS_DIR = Path("submissions") / LAB

PLACEHOLDER = "TU WPISZ ODPOWIEDŹ"
TODO = "# TU WPISZ KOD\nraise NotImplementedError()"

METADATA = notebook_metadata(LAB)

# ---------------------------------------------------------------------------------------------
# The text of seed 002, verbatim (maths, typos and `attachment:` images included). A cell
# boundary is wherever the seed has one (an ``In [None]:`` cell, or a blank line run that ends a
# cell); sources are stored without trailing newlines. Markdown with backslashes is raw text;
# the trailing spaces of the seed's code are written ``\x20`` so that no editor strips them.
# ---------------------------------------------------------------------------------------------

INTRO = r"""Przed oddaniem zadania upewnij się, że wszystko działa poprawnie.
**Uruchom ponownie kernel** (z paska menu: Kernel$\rightarrow$Restart) a następnie
**wykonaj wszystkie komórki** (z paska menu: Cell$\rightarrow$Run All).

Upewnij się, że wypełniłeś wszystkie pola `TU WPISZ KOD` lub `TU WPISZ ODPOWIEDŹ`, oraz
że podałeś swoje imię i nazwisko poniżej:"""

THEORY = r"""# Autokodery wariacyjne (*Variational Autoencoders*)

## Autokoder
**Autokoder** (ang. *autoencoder*) to model trenowany w zadaniu rekonstruowania wejścia. Zazwyczaj składa się z dwóch sieci neuronowych:

* **kodera** (funkcji $f(\mathbf{x})$ - kodującego wejście do postaci ukrytej (*latent*) $\mathbf{h} = f(\mathbf{x})$,
* **dekodera** (funkcji $g(\mathbf{h})$ - rekonstruującego wejście $\mathbf{r} = g(\mathbf{h})$.

Innymi słowy, autokoder jest modelem mapującym wejście $\mathbf{x}$ na wyjście $\mathbf{r}$ poprzez jego wewnętrzną, ukrytą reprezentację $\mathbf{h}$.

![image.png](attachment:image.png)

Głównym celem trenowania modelu jest znalezienie najlepszej pary koder-dekoder, która zachowuje maksimum informacji podczas kodowania, co daje najmniejszy **błąd rekonstrukcji** $\mathcal{L}$:

$$(f^*, g^*) = \arg\min\mathcal{L}(\mathbf{x}, g(f(\mathbf{x}))).$$

W przypadku autokoderów często używaną funkcją kosztu jest błąd średniokwadratowy.

Klasyczne autokodery używane są w zwykle w celu redukcji wymiarowości lub wstępnego uczenia cech do modelu. Ze względu na brak wykorzystania etykiet, modele te są trenowane w sposób nienadzorowany.

## Autokoder wariacyjny

Wykorzystanie wyłącznie błędu rekonstrukcji jako funkcji celu w klasycznych autokoderach wymusza na modelu uczenie się skompresowanej reprezentacji danych, jednak często może prowadzić do jego przetrenowania, przez co jego zdolności generatywne są ograniczone (głównie ze względu na nieregularną przestrzeń ukrytą).

Rozwiązaniem pozwalającym na wyuczenie się reprezentacji o wyższej jakości są **autokodery wariacyjne** (ang. *variational autoencoders*). Jest to model generatywny, gdzie zamiast uczenia funkcji kodera mapującej wejście do przestrzeni ukrytej będziemy próbowali uczyć się nieznanego rozkładu danych $p_{\theta^*}(\mathbf{z})$.

![image-2.png](attachment:image-2.png)

Skupmy się na modelu generatywnym $p_\theta(\mathbf{z})p_\theta(\mathbf{x} | \mathbf{z})$, oznaczonym liniami ciągłymi. Zakładamy, że przykłady ze zbioru danych $\mathbf{X} = \left\{x^{(i)}\right\}_{i=1}^N$, składającego się z $N$ niezależnych i pochodzących z tego samego rozkładu przykładów, generowane są przez proces losowy, w którym występuje nieobserwowana, ciągła zmienna losowa $\mathbf{z}$. Proces ten składa się z dwóch kroków:

1. wektor ukryty $\mathbf{z}^{(i)}$ generowany jest z rozkładu a priori $p_{\theta^*}(\mathbf{z})$,
2. obserwacja $\mathbf{x}^{(i)}$ jest generowana z rozkładu warunkowego $p_{\theta^*}(\mathbf{x} | \mathbf{z})$.

Zakładamy tutaj, że rozkłady $p_{\theta^*}(\mathbf{z})$ oraz $p_{\theta^*}(\mathbf{x} | \mathbf{z})$ należą do rodzin rozkładów $p_{\theta}(\mathbf{z})$ oraz $p_{\theta}(\mathbf{x} | \mathbf{z})$, parametryzowanych przez $\theta$; zakładamy że ich funkcje gęstości są różniczkowalne względem $\theta$ i $\mathbf{z}$. Zależność $\mathbf{x}^{(i)}$ od $\mathbf{z}^{(i)}$ będziemy modelować przy użyciu sieci neuronowej o parametrach $\theta$.

Parametry te moglibyśmy znaleźć maksymalizując likelihood:

$$p(\mathbf{x}) = \int p_\theta(\mathbf{x} | \mathbf{z})p(\mathbf{z})d\mathbf{z}.$$

Nie jest to jednak możliwe, ze względu na całkowanie po wszystkich wartościach priora. Wprowadzimy zatem model **probabilistycznego kodera** $q_\phi(\mathbf{z} | \mathbf{x})$ (oznaczony linią przerywaną) - aproksymację prawdziwego posteriora $p_\theta(\mathbf{z} | \mathbf{x})$ - rozkład wariacyjny, najczęściej normalny. Będziemy go modelować przy użyciu sieci neuronowej o parametrach $\phi$. W tym kontekście, model generatywny $p_{\theta^*}(\mathbf{x} | \mathbf{z})$ możemy traktować jako **probabilistyczny dekoder**.

Możemy zatem sformułować naszą funkcję celu w następujący sposób:

$$
\begin{align}
    \log p_\theta\left(\mathbf{x}\right) & = \mathbb{E}_{\mathbf{z} \sim q_\phi\left(\mathbf{z} | \mathbf{x}\right)} \left[\log p_\theta\left(\mathbf{x}\right)\right] & \text{$p_\theta\left(\mathbf{x}\right)$ jest niezależne od $\mathbf{z}$}\\
    & = \mathbb{E}_{\mathbf{z}}\left[\log\frac{p_\theta\left(\mathbf{x} | \mathbf{z}\right)p\left(\mathbf{z}\right)}{p\left(\mathbf{z} | \mathbf{x}\right)}\right] & \text{Reguła Bayesa}\\
    & = \mathbb{E}_{\mathbf{z}}\left[\log\frac{p_\theta\left(\mathbf{x} | \mathbf{z}\right)p\left(\mathbf{z}\right)}{p\left(\mathbf{z} | \mathbf{x}\right)}\frac{q_\phi\left(\mathbf{z} | \mathbf{x}\right)}{q_\phi\left(\mathbf{z} | \mathbf{x}\right)}\right] & \text{pomnożyć przez 1}\\
    & = \mathbb{E}_{\mathbf{z}}\left[\log p_\theta\left(\mathbf{x} | \mathbf{z}\right)\right] - \mathbb{E}_{\mathbf{z}}\left[\log \frac{q_\phi\left(\mathbf{z} | \mathbf{x}\right)}{p\left(\mathbf{z}\right)}\right] + \mathbb{E}_{\mathbf{z}}\left[\log \frac{q_\phi\left(\mathbf{z} | \mathbf{x}\right)}{p\left(\mathbf{z} | \mathbf{x}\right)}\right] & \text{logarytm}\\
    & = \underbrace{\mathbb{E}_{\mathbf{z}}\left[\log p_\theta\left(\mathbf{x} | \mathbf{z}\right)\right] - D_{KL}\left(q_\phi\left(\mathbf{z} | \mathbf{x}\right)\| p\left(\mathbf{z}\right)\right)}_{\mathcal{L}\left(\mathbf{x}, \theta, \phi\right)} + \underbrace{D_{KL}\left(q_\phi\left(\mathbf{z} | \mathbf{x}\right)\| p\left(\mathbf{z} | \mathbf{x}\right)\right)}_{\ge 0}\\
\end{align}
$$

Dywergencji Kulbacka-Leiblera między prawdziwym posteriorem i jego aproksymacją nie możemy aproksymować wprost, wiemy jednak że jest zawsze większa lub równa zero. Z tą wiedzą możemy przekształcić to równanie do postaci nierówności i uzyskać funkcję kosztu ELBO:

$$\\log p_\theta \left(\mathbf{x}\right) \ge \underbrace{\mathbb{E}_{\mathbf{z}}\left[\log p_\theta\left(\mathbf{x} | \mathbf{z}\right)\right]}_{\text{błąd rekonstrukcji}} - \underbrace{D_{KL}\left(q_\phi\left(\mathbf{z} | \mathbf{x}\right)\| p\left(\mathbf{z}\right)\right)}_{\text{regularyzacja aproksymacji posteriora}} = \mathcal{L}\left(\mathbf{x}, \theta, \phi\right).$$

Musimy zatem jeszcze przyjąć rozkład prior - najczęściej przyjmuje się rozkład standardowy $\mathcal{N}(0, 1)$.

Model ten uczony będzie metodą Maximum Likelihood Estimation:

$$\theta^*, \phi^* = \underset{\theta, \phi}{\arg\max} \sum_{i=1}^N \mathcal{L}\left(x_i, \theta, \phi\right).$$"""

AE_INTRO = """Zaczniemy od implementacji klasycznego autokodera z wykorzystaniem biblioteki PyTorch. Będziemy się opierać na klasie bazowej `BaseAutoencoder`, której metody należy zaimplementować aby możliwe było wykorzystanie przygotowanych analiz."""

IMPORTS = """from typing import Tuple

import matplotlib.pyplot as plt
import numpy as np
import pyro
import pyro.distributions as dist
import torch
import torch.nn as nn
from IPython.display import Code, display
from torch.utils.data import DataLoader
from torchvision.datasets import MNIST
from torchvision.transforms import ToTensor
from tqdm.notebook import tqdm

from src.ae import BaseAutoEncoder
from src.utils import train_ae, AutoEncoderAnalyzer


np.random.seed(2021)
torch.manual_seed(2021)

display(Code(filename="src/ae.py"))"""

AE_MODELS_MD = (
    """Tworzymy model kodera i dekodera: oba zawierają po jednej warstwie ukrytej oraz odpowiednie funkcje aktywacji."""
)

AE_CLASS_MD = """Modele te wykorzystujemy do zaimplementowania Autokodera; implementujemy metody `encoder_forward` oraz `decoder_forward`, które służą do tworzenia ukrytej reprezentacji oraz rekonstruowania na jej podstawie obrazu wejściowego."""

MNIST_MD = r"""W zadaniu ponownie wykorzystamy zbiór MNIST, zawierający odręcznie zapisane cyfry w formie obrazów o rozdzielczości $28\times28$, z wartościami w przedziale $[0, 255]$ (funkcja `ToTensor()` przetransformuje je do zakresu $[0, 1]$). Zbiór treningowy ograniczamy do 10000 przykładów."""

MNIST_CELL = """train_dataset = MNIST(root="data", download=True, train=True, transform=ToTensor())
val_dataset = MNIST(root="data", download=True, train=False, transform=ToTensor())

# limiting the dataset
indices = np.random.permutation(len(train_dataset.data))[:10_000]
train_dataset.data = train_dataset.data[indices]
train_dataset.targets = train_dataset.targets[indices]"""

AE_TRAINING_MD = """Definiujemy model wraz z arbitralnie dobranymi hiperparametrami oraz funkcję kosztu (MSE). Następnie wywołujemy przygotowaną pętlę uczenia w celu wytrenowania modelu. Parametry dobrane tutaj powinny spowodować przetrenowanie autokodera."""

AE_TRAINING = """batch_size = 32
lr = 1e-2
epochs = 20

ae_model = Autoencoder(
    n_data_features=28 * 28,  # MNIST pixels
    n_encoder_hidden_features=128,  # chosen arbitrarily
    n_decoder_hidden_features=128,  # chosen arbitrarily
    n_latent_features=10,  # how many features will be used to represent input
)

train_dataloader = DataLoader(
    train_dataset,
    batch_size=batch_size,
    shuffle=True,
    drop_last=True,
)
val_loader = DataLoader(
    val_dataset, batch_size=batch_size, shuffle=False, drop_last=False
)

loss_fn = nn.MSELoss()

train_ae(
    ae_model,
    epochs=epochs,
    train_loader=train_dataloader,
    val_loader=val_loader,
    lr=lr,
    loss_fn=loss_fn,
)"""

AE_ANALYSIS_MD = """Poniżej znajdują się wywołania analiz działania modelu: porównanie rekonstrukcji z obrazami wejściowymi, uśrednione punkty reprezentujące każdą klasę, badanie zdolności generatywnych modelu przez modyfikowanie wektora ukrytego oraz wizualizację przestrzeni ukrytej."""

PYRO_INTRO = r"""Do wytrenowania modelu VAE wykorzystamy bibliotekę Pyro. Funkcja ta dostarcza gotową implementację funkcji kosztu ELBO oraz metody SVI wykorzystywanej do trenowania modelu. Detale implementacyjne znajdują się w przygotowanej funkcji `train_ae`, którą wykorzystywaliśmy też wcześniej do trenowania modelu autokodera. Pyro wymaga od nas przygotowania funkcji `model` oraz `guide`. Pierwszy z nich ma definiować model generatywny $p_\theta(\mathbf{x} | \mathbf{z})p_\theta(\mathbf{z})$, drugi natomiast odpowiada za definicję aproksymacji posteriora $q_\phi(\mathbf{z} | \mathbf{x})$. Z nimi możemy wykorzystać klasę `Trace_ELBO`, która posłuży jako funkcja kosztu. Zachęcamy do zapoznania się z [dokumentacją](https://pyro.ai/examples/svi_part_i.html), gdzie znajduje się więcej informacji na temat `model`u oraz `guide`'a w bibliotece Pyro."""

TASK_1A = """# Zadanie 1a (1.5 pkt.)

Wzorując się na implementacji klasycznego autokodera, zaimplementuj model autokodera wariacyjnego:

1. Przygotuj lub wykorzystaj już przygotowane implementacje kodera oraz dekodera:
    * Zadaniem kodera jest przetworzenie wejścia (obrazu) do parametrów rozkładu (w przypadku rozkładu normalnego: średniej i wariancji). Najczęściej parametry te tworzy się w ostatniej warstwie, używając wspólnych wcześniejszych warstw. Zwróć uwagę na zastosowanie odpowiednich funkcji aktywacji: tak, aby nie ograniczać niepotrzebnie zakresu wartości, ale również by nie uzyskać wartości nieprawidłowych.
    * Zadaniem dekodera jest przetworzenie ukrytej reprezentacji (próbki z rozkładu) w celu wygenerowania rekonstrukcji. Zakładamy, że próbkowanie odbywa się **poza** dekoderem. Zastosuj odpowiednią funkcję aktywacji na wyjściu, tak aby uzyskać wartości o odpowiednim zakresie.
2. Zaimplementuj klasę `VariationalAutoencoder`:
    * Zaimplementuj metodę `encoder_forward`, która dla danego wejścia wygeneruje jego ukrytą reprezentację. Wykorzystaj parametry rozkładu generowane przez koder oraz wykonaj w tej funkcji próbkowanie.
    * Zaimplementuj metodę `decoder_forward`, która dla danej ukrytej reprezentacji (wypróbkowanej z rozkładu) wygeneruje jego rekonstrukcję.

Zwróć uwagę, że w analizach doszło porównanie kilku próbek z rozkładu ukrytego modelu."""

TASK_1B = """# Zadanie 1b (1.5 pkt.)

Zbadaj wpływ hiperparametrów modelu wariacyjnego autokodera (akie jak liczba neuronów w warstwach ukrytych, rozmiar ukrytej reprezentacji, współczynnik uczenia, itp.) na proces jego trenowania (szybkość, zdolność do wytrenowania, szybkość zbiegania itd.), uzyskiwane rezultaty oraz zdolności generatywne i właściwości przestrzeni ukrytej. Wykorzystaj przygotowaną klasę `AutoEncoderAnalyzer`. Zapisz wnioski w komórce Markdown."""

VAE_TEMPLATE = '''class VEncoder(nn.Module):
    """Encoder for VAE."""

    def __init__(
        self,
        n_input_features: int,
        n_hidden_neurons: int,
        n_latent_features: int,
    ):
        """
        :param n_input_features: number of input features (28 x 28 = 784 for MNIST)
        :param n_hidden_neurons: number of neurons in hidden FC layer
        :param n_latent_features: size of the latent vector
        """
        super().__init__()

        # TU WPISZ KOD
        raise NotImplementedError()

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode data to gaussian distribution params."""
        z_loc = None
        z_scale = None
        # TU WPISZ KOD
        raise NotImplementedError()
        return z_loc, z_scale
\x20\x20\x20\x20

class VDecoder(nn.Module):
    """Decoder for VAE."""

    def __init__(
        self,
        n_latent_features: int,\x20
        n_hidden_neurons: int,\x20
        n_output_features: int,
    ):
        """
        :param n_latent_features: number of latent features (same as in Encoder)
        :param n_hidden_neurons: number of neurons in hidden FC layer
        :param n_output_features: size of the output vector (28 x 28 = 784 for MNIST)
        """
        super().__init__()

        # TU WPISZ KOD
        raise NotImplementedError()

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent vector to image."""
        r = None
        # TU WPISZ KOD
        raise NotImplementedError()
        return r


class VariationalAutoencoder(BaseAutoEncoder):
    """Variational Auto Encoder model."""

    def __init__(
        self,
        n_data_features: int,
        n_encoder_hidden_features: int,
        n_decoder_hidden_features: int,
        n_latent_features: int,
    ):
        """
        :param n_data_features: number of input and output features (28 x 28 = 784 for MNIST)
        :param n_encoder_hidden_features: number of neurons in encoder's hidden layer
        :param n_decoder_hidden_features: number of neurons in decoder's hidden layer
        :param n_latent_features: number of latent features
        """
        encoder = VEncoder(
            n_input_features=n_data_features,
            n_hidden_neurons=n_encoder_hidden_features,
            n_latent_features=n_latent_features,
        )
        decoder = VDecoder(
            n_latent_features=n_latent_features,
            n_hidden_neurons=n_decoder_hidden_features,
            n_output_features=n_data_features,
        )
        super().__init__(
            encoder=encoder, decoder=decoder, n_latent_features=n_latent_features
        )
        self.input_shape = None

    def encoder_forward(self, x: torch.Tensor) -> torch.Tensor:
        """Function to perform forward pass through encoder network.
        takes: tensor of shape [batch_size x [image-size]] (input images batch)
        returns: tensor of shape [batch_size x latent_feature_size] (latent vector)
        """
        z = None
        if self.input_shape is None:
            self.input_shape = x.shape[1:]
        x = x.view(x.shape[0], -1)
        # TU WPISZ KOD
        raise NotImplementedError()
        return z

    def decoder_forward(self, z: torch.Tensor) -> torch.Tensor:
        """Function to perform forward pass through decoder network.
        takes: tensor of shape [batch_size x latent_feature_size] (latent vector)
        returns: tensor of shape [batch_size x [image-size]] (reconstructed images batch)
        """
        r = None
        # TU WPISZ KOD
        raise NotImplementedError()
        return r.view(-1, *self.input_shape)

    def model(self, x: torch.Tensor):
        """Pyro model for VAE; p(x|z)p(z)."""
        pyro.module("decoder", self.decoder)
        with pyro.plate("data", x.shape[0]):
            z_loc = torch.zeros((x.shape[0], self.n_latent_features))
            z_scale = torch.ones((x.shape[0], self.n_latent_features))
            z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))
            output = self.decoder.forward(z).view(-1, *self.input_shape)
            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)

    def guide(self, x: torch.Tensor):
        """Pyro guide for VAE; q(z|x)"""
        pyro.module("encoder", self.encoder)
        with pyro.plate("data", x.shape[0]):
            z_loc, z_scale = self.encoder.forward(x.view(x.shape[0], -1))
            pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))'''

VAE_TRAINING = """batch_size = 32
lr = 1e-3
epochs = 20

vae_model = VariationalAutoencoder(
    n_data_features=28 * 28,  # MNIST pixels
    n_encoder_hidden_features=128,  # chosen arbitrarily
    n_decoder_hidden_features=128,  # chosen arbitrarily
    n_latent_features=10,  # how many features will be used to represent input
)

train_dataloader = DataLoader(
    train_dataset,
    batch_size=batch_size,
    shuffle=True,
    drop_last=True,
)
val_loader = DataLoader(
    val_dataset, batch_size=batch_size, shuffle=False, drop_last=False
)

loss_fn = pyro.infer.Trace_ELBO().differentiable_loss
loss_fn_args = (vae_model.model, vae_model.guide)

train_ae(
    vae_model,
    epochs=epochs,
    train_loader=train_dataloader,
    val_loader=val_loader,
    lr=lr,
    loss_fn=loss_fn,
    loss_fn_args=loss_fn_args,
)"""

TASK_2 = """# Zadanie 2 (2 pkt.)

Metody uczenia reprezentacji, do których można zaliczyć autokoder wariacyjny, są często sprawdzane pod względem możliwości ich zastosowania w tzw. *downstream tasks*, czyli prostych zadaniach mających na celu weryfikację jakości utworzonej reprezentacji danych. Polegają one np. na wytrenowaniu modelu do jakiegoś zadania nie na danych, ale na ich reprezentacji, wytworzonej przez model uczenia reprezentacji. W tym przypadku tym zadaniem będzie klasyfikacja cyfr.

Wybierz dowolny klasyfikator (ważne: klasyfikator ten powinien osiągać **słabe** rezultaty dla zbioru MNIST). Zbadaj, jakie wartości metryk osiąga on przy zastosowaniu wprost na danych ze zbioru MNIST; sprawdź także ile czasu zajmuje trenowanie klasyfikatora oraz wnioskowanie.

Następnie zastosuj ten sam klasyfikator na ukrytych reprezentacjach wytworzonych przez oba modele autokodera: `Autoencoder` oraz `VariationalAutoencoder`, wytrenowane wcześniej (odpowiednio `ae_model` oraz `vae_model`). Przetwórz cały zbiór treningowy i walidacyjny z użyciem kodera w celu uzyskania ukrytych reprezentacji przykładów, a następnie wykorzystaj je do wytrenowania prostego klasyfikatora. Porównaj uzyskane metryki oraz szybkość działania."""

TASK_3 = r"""# Zadanie 3 (dodatkowe) (2 pkt.)

Jednym z fundamentalnych celów uczenia reprezentacji jest dążenie do uzyskania rozłącznych cech (co oznacza, że zmiana pojedynczego elementu wektora ukrytego spowoduje zmianę tylko jednej cechy obrazu wyjściowego). Poprzednie modele nie są w stanie uzyskać tego rezultatu - zmiana pojedynczego elementu wektora wpływa zazwyczaj na więcej niż jedną cechę obrazu wyjściowego.

Jedno z rozwiązań pozwalające na uzyskanie rozłącznych cech jest $\beta$-VAE. Zaproponowana modyfikacja polega na wprowadzeniu współczynnika regularyzacji $\beta$ do funkcji kosztu, dzięki któremu możemy regulować wpływ regularyzacji aproksymacji posteriora na rezultaty trenowania:

$$\log p_\theta \left(\mathbf{x}\right) \ge  \mathcal{L}\left(\mathbf{x}, \theta, \phi, \beta\right) = \underbrace{\mathbb{E}_{\mathbf{z}}\left[\log p_\theta\left(\mathbf{x} | \mathbf{z}\right)\right]}_{\text{błąd rekonstrukcji}} - \overbrace{\beta}^{\text{współczynnik regularyzacji}}\underbrace{\left(D_{KL}\left(q_\phi\left(\mathbf{z} | \mathbf{x}\right)\| p\left(\mathbf{z}\right)\right)\right)}_{\text{regularyzacja aproksymacji posteriora}}.$$

Publikacja: [link](https://openreview.net/references/pdf?id=Sy2fzU9gl)

Zadanie polega na implementacji modelu $\beta$-VAE. Wykorzystaj jak najwięcej komponentów klasy `VariationalAutoencoder`. Podpowiedź: należy zmodyfikować `model` oraz `guide`, wykorzystując narzędzia modyfikujące obliczanie score'ów (*effect handlers*) w Pyro: [Poutine](https://docs.pyro.ai/en/stable/poutine.html).  Przeanalizuj model z użyciem `AutoEncoderAnalyzer` - w szczególności pod względem uzyskiwanej reprezentacji ukrytej, zdolności generatywnych oraz wpływu zmian współczynnika $\beta$."""

BETA_TEMPLATE = '''class BetaVariationalAutoencoder(VariationalAutoencoder):
    """beta-Variational Auto Encoder model."""
\x20\x20\x20\x20
    # TU WPISZ KOD
    raise NotImplementedError()'''

BETA_TRAINING = """batch_size = 32
lr = 1e-3
epochs = 20

bvae_model = BetaVariationalAutoencoder(
    n_data_features=28 * 28,  # MNIST pixels
    n_encoder_hidden_features=128,  # chosen arbitrarily
    n_decoder_hidden_features=128,  # chosen arbitrarily
    n_latent_features=10,  # how many features will be used to represent input
    beta=3.  # should limit the number of valuable features
)

train_dataloader = DataLoader(
    train_dataset,
    batch_size=batch_size,
    shuffle=True,
    drop_last=True,
)
val_loader = DataLoader(
    val_dataset, batch_size=batch_size, shuffle=False, drop_last=False
)

loss_fn = pyro.infer.Trace_ELBO().differentiable_loss
loss_fn_args = (bvae_model.model, bvae_model.guide)

train_ae(
    bvae_model,
    epochs=epochs,
    train_loader=train_dataloader,
    val_loader=val_loader,
    lr=lr,
    loss_fn=loss_fn,
    loss_fn_args=loss_fn_args,
)"""

# ---------------------------------------------------------------------------------------------
# Headings (first lines are what the rubric matches) and answer slots
# ---------------------------------------------------------------------------------------------

HEADINGS = {
    item: text.splitlines()[0] for item, text in (("1a", TASK_1A), ("1b", TASK_1B), ("2", TASK_2), ("3", TASK_3))
}

CODE_SLOTS = ("1a", "2", "3")
PROSE_SLOTS = ("1b", "2.answer")

TEMPLATE_SLOTS = {
    "1a": VAE_TEMPLATE,
    "1b": PLACEHOLDER,
    "2": DOWNSTREAM_DATA + "\n\n\n" + TODO,
    "2.answer": PLACEHOLDER,
    "3": BETA_TEMPLATE,
}

SOLUTION_1B = (
    "Przy 2 cechach ukrytych rekonstrukcje są rozmyte, a niektóre klasy (np. 4 i 9, 3 i 5) "
    "nakładają się, ale przestrzeń ukryta jest gęsta i regularna: punkty z N(0, I) dekodują się do "
    "czytelnych cyfr. Zwiększenie rozmiaru reprezentacji (10, 32) daje ostrzejsze rekonstrukcje "
    "i lepsze ELBO, ale przestrzeń jest mniej regularna: część wymiarów jest praktycznie "
    "nieużywana (ich zmiana w `analyze_features` nie zmienia obrazu), a próbki z priora są mniej "
    "wyraźne. Współczynnik uczenia 1e-2 daje niestabilny trening: koszt skacze, a czasem w skali "
    "rozkładu pojawiają się wartości NaN; przy 1e-4 model zbiega bardzo wolno i po 20 epokach "
    "rekonstrukcje są nadal rozmyte, więc 1e-3 jest dobrym kompromisem. Większa warstwa ukryta "
    "(512 zamiast 128 neuronów) przyspiesza spadek kosztu w pierwszych epokach i nieco poprawia "
    "rekonstrukcje, ale wydłuża epokę, a przy 10000 przykładów zysk na zbiorze walidacyjnym jest "
    "niewielki. W porównaniu z AE kolejne próbki dla tego samego obrazu (`compare_samplings`) "
    "różnią się tylko detalami, a średnie punkty klas dekodują się do czytelnych cyfr."
)

SOLUTION_2_ANSWER = (
    "Wybrałem gaussowski naiwny klasyfikator Bayesa (`GaussianNB`), który na MNIST działa słabo. "
    "Na surowych pikselach osiąga ok. 0.55 accuracy (makro F1 ok. 0.5), bo piksele są silnie "
    "skorelowane, a założenie o niezależności cech jest mocno naruszone. Na kodach AE (10 cech) "
    "accuracy rośnie do ok. 0.75, a na średnich rozkładu q(z|x) z VAE do ok. 0.8: cechy VAE są "
    "bliższe niezależnym rozkładom normalnym, czyli temu, co zakłada klasyfikator. Trening "
    "i predykcja na 10-wymiarowych kodach trwają setne części sekundy, kilkadziesiąt razy krócej "
    "niż na 784 pikselach, choć trzeba doliczyć jednorazowy koszt zakodowania zbioru koderem. "
    "Reprezentacje autokoderów są więc bardziej użyteczne w zadaniu downstream, a najlepiej "
    "wypada VAE."
)

SOLUTION_SLOTS = {
    "1a": definitions(
        solution_source("VEncoder"), solution_source("VDecoder"), solution_source("VariationalAutoencoder")
    ),
    "1b": SOLUTION_1B,
    "2": DOWNSTREAM_DATA + "\n\n\n" + solution_source("DOWNSTREAM_CELL"),
    "2.answer": SOLUTION_2_ANSWER,
    # solution.py imports poutine at its top; the notebook's imports do not, so the cell does.
    "3": definitions("from pyro import poutine", solution_source("BetaVariationalAutoencoder")),
}

# ---------------------------------------------------------------------------------------------
# The notebook's cells
# ---------------------------------------------------------------------------------------------

_ANALYSES = (
    "analyzer.compare_reconstruction_with_original()\nplt.show()",
    "analyzer.compare_samplings()\nplt.show()",
    "analyzer.average_points_per_class()\nplt.show()",
    "for digit, latent_code in enumerate(analyzer._averages):\n"
    '    print(f"Digit: {digit}")\n'
    "    analyzer.analyze_features(latent_code, steps=11)\n"
    "    plt.show()",
    "analyzer.analyze_tsne()  # this may take quite a long time\nplt.show()",
)


def _analyses(model: str, n_samplings: int) -> list[str]:
    """The analyser cells of the seed for ``model`` (the AE has no ``compare_samplings``)."""
    cells = [f"analyzer = AutoEncoderAnalyzer(model={model}, dataset=val_dataset, n_samplings={n_samplings})"]
    cells += [c for c in _ANALYSES if n_samplings > 1 or "compare_samplings" not in c]
    return cells


def _cells(slots: dict[str, str], extra: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, str]]:
    """The notebook as (kind, source) pairs; ``slots`` holds the answers (template or not);
    ``extra`` maps a code slot to code cells added right after its cell."""
    extra = extra or {}
    unknown = set(extra) - set(CODE_SLOTS)
    if unknown:
        raise ValueError(f"extra cells after unknown slots: {sorted(unknown)}")
    missing = set(CODE_SLOTS + PROSE_SLOTS) - set(slots)
    if missing:
        raise ValueError(f"no source for slots {sorted(missing)}")
    cells: list[tuple[str, str]] = []

    def md(text: str) -> None:
        cells.append(("markdown", text))

    def code(text: str) -> None:
        cells.append(("code", text))

    def slot(item: str) -> None:
        if item in PROSE_SLOTS:
            md(slots[item])
        else:
            code(slots[item])
            for source in extra.get(item, ()):
                code(source)

    md(INTRO)
    code('NAME = ""')
    md("---")
    md(THEORY)
    md(AE_INTRO)
    code(IMPORTS)

    # --- the classical autoencoder (given) ---------------------------------------------------
    md(AE_MODELS_MD)
    code(definitions(scaffold_source("Encoder"), scaffold_source("Decoder")))
    md(AE_CLASS_MD)
    code(scaffold_source("Autoencoder"))
    md(MNIST_MD)
    code(MNIST_CELL)
    md(AE_TRAINING_MD)
    code(AE_TRAINING)
    md(AE_ANALYSIS_MD)
    for source in _analyses("ae_model", 1):
        code(source)

    # --- 1. VAE ------------------------------------------------------------------------------
    md(PYRO_INTRO)
    md(TASK_1A)
    md(TASK_1B)
    slot("1a")  # under the heading of 1b, as in the seed
    code(VAE_TRAINING)
    for source in _analyses("vae_model", 5):
        code(source)
    slot("1b")

    # --- 2. downstream task ------------------------------------------------------------------
    md(TASK_2)
    slot("2")
    slot("2.answer")

    # --- 3. beta-VAE (bonus) -----------------------------------------------------------------
    md(TASK_3)
    slot("3")
    code(BETA_TRAINING)
    for source in _analyses("bvae_model", 5):
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


def sample_slots(student: str) -> dict[str, str]:
    """The answer slots of sample ``student`` of ``samples.py``: the solution's, with the
    sample's overrides (``samples.TEMPLATE`` keeps the template's cell)."""
    slots = {**TEMPLATE_SLOTS, **SOLUTION_SLOTS}
    for item, source in samples.SAMPLES[student].items():
        if item not in slots:
            raise ValueError(f"sample {student}: unknown slot {item}")
        slots[item] = TEMPLATE_SLOTS[item] if source is samples.TEMPLATE else source
    return slots


def all_notebooks() -> dict[Path, nbformat.NotebookNode]:
    """Every notebook this script writes, by path relative to the repository root."""
    students = (
        (student, notebook(sample_slots(student), samples.EXTRA_CELLS.get(student))) for student in samples.SAMPLES
    )
    return lab_notebooks(LAB_DIR, SUBMISSIONS_DIR, template_notebook(), solution_notebook(), students)


def build(root: Path = REPO_ROOT) -> list[Path]:
    """Write every notebook under ``root``; return the paths written."""
    return write_notebooks(all_notebooks(), root)


def main(argv: list[str] | None = None) -> int:
    return build_cli(__doc__.splitlines()[0], build, "reference/ and submissions/", argv)


if __name__ == "__main__":
    raise SystemExit(main())
