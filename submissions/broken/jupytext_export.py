# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Laboratorium: Modele generatywne
#
# Na tych zajęciach zbudujemy i porównamy cztery modele generatywne uczone na zbiorze MNIST:
#
# 1. autoenkoder (AE),
# 2. autoenkoder wariacyjny (VAE),
# 3. warunkowy autoenkoder wariacyjny (Conditioned VAE),
# 4. warunkową sieć GAN (Conditioned GAN).
#
# Zasady:
#
# - W komórkach z kodem oznaczonych `# TU WPISZ KOD` usuń `raise NotImplementedError()` i wpisz swoje
#   rozwiązanie. Nie zmieniaj nazw ani sygnatur funkcji i klas: sprawdzarka szuka ich po nazwie.
# - Odpowiedzi na pytania otwarte wpisz w komórkach Markdown zawierających `TU WPISZ ODPOWIEDŹ`
#   (zastąp ten tekst swoją odpowiedzią).
# - Nie usuwaj i nie zmieniaj nagłówków zadań. Punkty za zadanie podano w nawiasie.
# - Wykresy, o które proszą zadania, zostaw w wynikach komórek.

# %% [markdown]
# ## 1. AutoEnkoder (AE)
#
# Autoenkoder uczy się kodować obraz w małej (tutaj 2-wymiarowej) przestrzeni ukrytej i odtwarzać go z tego kodu. Zaczniemy od wczytania danych.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


# %% [markdown]
# Wczytujemy MNIST i skalujemy piksele do przedziału [0, 1], dodając oś kanału.

# %%
def preprocess(x):
    """Skaluje obrazy MNIST do [0, 1] (float32) i dodaje oś kanału: (N, 28, 28) -> (N, 28, 28, 1)."""
    x = np.asarray(x).astype("float32") / 255.0
    return x.reshape((x.shape[0], x.shape[1], x.shape[2], 1))


(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = preprocess(x_train)
x_test = preprocess(x_test)
print(x_train.shape, x_test.shape)

# %% [markdown]
# Model autoenkodera: enkoder spłaszcza obraz i przez warstwy gęste sprowadza go do `latent_dim` liczb; dekoder odtwarza z nich obraz 28x28.

# %%
latent_dim = 2


class Autoencoder(tf.keras.Model):
    """Autoenkoder z gęstymi warstwami: obraz (28, 28, 1) -> kod (latent_dim,) -> obraz."""

    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential([
            layers.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(latent_dim),
        ])
        self.decoder = tf.keras.Sequential([
            layers.Input(shape=(latent_dim,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(784, activation="sigmoid"),
            layers.Reshape((28, 28, 1)),
        ])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


# %% [markdown]
# #### Zadanie 1.1 - Dlaczego sigmoid jest odpowiednią funkcją aktywacji w ostatniej warstwie dekodera w tym przypadku? (0.25 pkt)

# %% [markdown]
# Po preprocessingu piksele mają wartości z przedziału [0, 1]. Sigmoid przekształca dowolną liczbę rzeczywistą w wartość z przedziału (0, 1), więc wyjście dekodera ma ten sam zakres co rekonstruowane obrazy i można je interpretować jako prawdopodobieństwo, że piksel jest jasny. Dzięki temu dobrze współpracuje też z binarną entropią krzyżową jako funkcją straty.

# %% [markdown]
# #### Zadanie 1.2 - Skompiluj model. W tym celu najpierw zdefiniuj loss dla modelu. W przypadku autoenkodera jest to funkcja działająca na wejściach do enkodera oraz wyjściach z dekodera. Do wyboru są różne funkcje! Patrząc na reprezentację danych (wróć do funkcji definiującej preprocessing), wybierz odpowiednią. Uzasadnij swój wybór (w komentarzu w komórce z kodem). (0.25 pkt)

# %%
autoencoder = Autoencoder(latent_dim)

# %%
# Piksele są znormalizowane do [0, 1], a dekoder kończy się sigmoidą, więc wyjście
# można traktować jak prawdopodobieństwo jasnego piksela: binarna entropia krzyżowa.
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

# %% [markdown]
# Trenujemy autoenkoder: wejście i oczekiwane wyjście to te same obrazy.

# %%
autoencoder.fit(x_train, x_train,
                epochs=10,
                shuffle=True,
                validation_data=(x_test, x_test))


# %% [markdown]
# Wyświetlmy przykładowe obrazy oraz ich rekonstrukcje:

# %%
def plot_reconstructions(originals, reconstructions, n=10):
    """Wyświetla n obrazów (górny wiersz) i ich rekonstrukcje (dolny wiersz)."""
    plt.figure(figsize=(20, 4))
    for i in range(n):
        ax = plt.subplot(2, n, i + 1)
        plt.imshow(np.asarray(originals[i]).squeeze(), cmap="gray")
        plt.title("oryginał")
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)

        ax = plt.subplot(2, n, i + 1 + n)
        plt.imshow(np.asarray(reconstructions[i]).squeeze(), cmap="gray")
        plt.title("rekonstrukcja")
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)
    plt.show()


encoded_imgs = autoencoder.encoder(x_test[:10]).numpy()
decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()
plot_reconstructions(x_test, decoded_imgs)


# %% [markdown]
# #### Zadanie 1.plot - Zaimplementuj funkcję `plot_latent_space` do wizualizacji reprezentacji obrazów ze zbioru testowego w ukrytej przestrzeni 2-wymiarowej. Wyświetl wizualizację. (0.25 pkt)

# %%
def plot_latent_space(model, data):
    """Scatter plot of the 2-D codes ``model.encoder(data)``: one point per image of ``data``."""
    codes = np.asarray(model.encoder(data))
    plt.figure(figsize=(8, 8))
    plt.scatter(codes[:, 0], codes[:, 1], s=2, alpha=0.5)
    plt.xlabel("z[0]")
    plt.ylabel("z[1]")
    plt.title("Przestrzeń ukryta AE")
    plt.show()


# %%
plot_latent_space(autoencoder, x_test)


# %% [markdown]
# Teraz wyświetlmy obrazy powstałe przez dekodowanie wartości z prostokątnej siatki. Dobierz granice siatki (`x_range`, `y_range`), analizując wyniki funkcji `plot_latent_space`.

# %%
def plot_latent_images(model, n, digit_size=28, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0)):
    """Plots n x n digit images decoded from the latent space.

    Punkty siatki leżą w prostokącie x_range x y_range: dobierz granice, analizując wynik
    funkcji plot_latent_space. Działa dla AE (model.decoder) i dla VAE (model.sample).
    """
    grid_x = np.linspace(x_range[0], x_range[1], n)
    grid_y = np.linspace(y_range[0], y_range[1], n)
    image_width = digit_size * n
    image_height = image_width
    image = np.zeros((image_height, image_width))

    for i, yi in enumerate(grid_y[::-1]):
        for j, xi in enumerate(grid_x):
            z = np.array([[xi, yi]], dtype="float32")
            if hasattr(model, "sample"):
                x_decoded = model.sample(z)
            else:
                x_decoded = model.decoder(z)
            digit = tf.reshape(x_decoded[0], (digit_size, digit_size))
            image[i * digit_size: (i + 1) * digit_size,
                  j * digit_size: (j + 1) * digit_size] = digit.numpy()

    plt.figure(figsize=(10, 10))
    plt.imshow(image, cmap="Greys_r")
    plt.axis("Off")
    plt.show()


# %%
plot_latent_images(autoencoder, 20, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0))


# %% [markdown]
# #### Zadanie 1.3 - Wybierz ze zbioru testowego dwa obrazy z różnymi liczbami. Dobierz takie liczby, dla których spodziewasz się, że odkodowanie średniej z ich zenkodowanych reprezentacji będzie miało sens. Wybierz dwie takie pary. (0.25 pkt)
#
# Dla każdej z par:
#
# - Wyświetl wybrane liczby.
# - Użyj enkodera do uzyskania 2-wymiarowych reprezentacji każdej liczby.
# - Wylicz średnią z tych reprezentacji.
# - Użyj dekodera na uzyskanej średniej.
# - Wyświetl wynik.
# - Skomentuj wynik - czy przypomina jakąś liczbę? Czy takiego wyniku się spodziewałaś/eś?

# %% [markdown]
# Wybrałem pary 0 i 6 (`x_test[10]`, `x_test[21]`) oraz 3 i 8 (`x_test[32]`, `x_test[110]`), bo mają podobne kształty. Odkodowana średnia pierwszej pary przypomina rozmyte zero z zaczątkiem ogonka szóstki, a drugiej - trójkę z częściowo domkniętymi pętlami ósemki, czyli zgodnie z oczekiwaniami łączy cechy obu cyfr. Obrazy są jednak rozmyte, bo przestrzeń ukryta AE nie jest regularyzowana i punkt pośredni może leżeć tam, gdzie dekoder nie widział żadnych przykładów.

# %%
def show_pair_mean_ae(model, first, second):
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
    show_pair_mean_ae(autoencoder, first, second)


# %% [markdown]
# ## 2. AutoEnkoder wariacyjny (VAE)
#
# Korzystamy z implementacji z samouczka TensorFlow "Convolutional Variational Autoencoder". Enkoder zwraca parametry rozkładu q(z|x): średnią i logarytm wariancji; dekoder zwraca logity pikseli.

# %%
class CVAE(tf.keras.Model):
    """Convolutional variational autoencoder."""

    def __init__(self, latent_dim):
        super(CVAE, self).__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential(
            [
                tf.keras.layers.Input(shape=(28, 28, 1)),
                tf.keras.layers.Conv2D(
                    filters=32, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Conv2D(
                    filters=64, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Flatten(),
                # No activation
                tf.keras.layers.Dense(latent_dim + latent_dim),
            ]
        )

        self.decoder = tf.keras.Sequential(
            [
                tf.keras.layers.Input(shape=(latent_dim,)),
                tf.keras.layers.Dense(units=7*7*32, activation=tf.nn.relu),
                tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
                tf.keras.layers.Conv2DTranspose(
                    filters=64, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                tf.keras.layers.Conv2DTranspose(
                    filters=32, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                # No activation
                tf.keras.layers.Conv2DTranspose(
                    filters=1, kernel_size=3, strides=1, padding='same'),
            ]
        )

    @tf.function
    def sample(self, eps=None):
        if eps is None:
            eps = tf.random.normal(shape=(100, self.latent_dim))
        return self.decode(eps, apply_sigmoid=True)

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=mean.shape)
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


# %% [markdown]
# #### Zadanie 2.1 - Dlaczego powyższa implementacja CVAE nie stosuje żadnej aktywacji w ostatniej warstwie enkodera? Czy jakaś funkcja by się tutaj nadawała? (0.25 pkt)

# %% [markdown]
# Ostatnia warstwa enkodera zwraca średnią i logarytm wariancji rozkładu q(z|x), a obie te wielkości mogą przyjmować dowolne wartości rzeczywiste, także ujemne. Aktywacja taka jak ReLU, sigmoid czy tanh obcięłaby lub ścisnęła ten zakres i utrudniła modelowanie rozkładu; dodatnią wariancję i tak zapewnia funkcja wykładnicza przy reparametryzacji. Nadaje się więc tylko aktywacja liniowa (tożsamość), czyli jej brak.

# %% [markdown]
# Funkcja straty to ujemne ELBO, szacowane metodą Monte Carlo z jednej próbki z:
#
# log p(x) ≥ ELBO = E[log p(x|z) + log p(z) - log q(z|x)].

# %%
optimizer = tf.keras.optimizers.Adam(1e-4)


def log_normal_pdf(sample, mean, logvar, raxis=1):
    log2pi = tf.math.log(2. * np.pi)
    return tf.reduce_sum(
        -.5 * ((sample - mean) ** 2. * tf.exp(-logvar) + logvar + log2pi),
        axis=raxis)


def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, optimizer):
    """Executes one training step and returns the loss.

    This function computes the loss and gradients, and uses the latter to
    update the model's parameters.
    """
    with tf.GradientTape() as tape:
        loss = compute_loss(model, x)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


# %% [markdown]
# Przygotujmy zbiory danych, zainicjalizujmy model i przeprowadźmy trening:

# %%
train_size = 60000
batch_size = 32
test_size = 10000
epochs = 10

train_dataset = (tf.data.Dataset.from_tensor_slices(x_train)
                 .shuffle(train_size).batch(batch_size))
test_dataset = (tf.data.Dataset.from_tensor_slices(x_test)
                .shuffle(test_size).batch(batch_size))

# %%
model = CVAE(latent_dim)
# Każdy nowy model dostaje nowy optymalizator (optymalizator Keras jest związany ze
# zmiennymi modelu). Jego zmienne tworzymy od razu, poza train_step: funkcja z
# @tf.function może tworzyć zmienne tylko przy pierwszym wywołaniu.
optimizer = tf.keras.optimizers.Adam(1e-4)
optimizer.build(model.trainable_variables)

# %%
for epoch in range(1, epochs + 1):
    start_time = time.time()
    for train_x in train_dataset:
        train_step(model, train_x, optimizer)
    end_time = time.time()

    loss = tf.keras.metrics.Mean()
    for test_x in test_dataset:
        loss(compute_loss(model, test_x))
    elbo = -loss.result()
    print('Epoch: {}, Val set ELBO: {}, time elapse for current epoch: {}'
          .format(epoch, elbo, end_time - start_time))


# %% [markdown]
# #### Zadanie 2.plot - Narysujmy teraz, podobnie jak wcześniej dla AE, dwuwymiarową przestrzeń ukrytą. Zaimplementuj funkcję `plot_latent_space`, która zenkoduje zbiór danych, a następnie wyświetli każdy punkt wraz z odchyleniem standardowym. (0.25 pkt)

# %%
def plot_latent_space(model, data):
    """The posterior means of ``data`` with error bars of one standard deviation,
    ``std = exp(logvar / 2)``, on both axes."""
    mean, logvar = model.encode(data)
    mean = np.asarray(mean)
    std = np.exp(np.asarray(logvar) / 2)
    plt.figure(figsize=(8, 8))
    plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1],
                 fmt="o", markersize=2, elinewidth=0.5, ecolor="tab:red", alpha=0.5)
    plt.xlabel("z[0]")
    plt.ylabel("z[1]")
    plt.title("Przestrzeń ukryta VAE: średnie i odchylenia standardowe")
    plt.show()


# %%
plot_latent_space(model, x_test)

# %% [markdown]
# Obrazy z prostokątnej siatki w przestrzeni ukrytej VAE (dobierz granice siatki):

# %%
plot_latent_images(model, 20, x_range=(-2.0, 2.0), y_range=(-2.0, 2.0))


# %% [markdown]
# #### Zadanie 2.2 - Skomentuj wynik uzyskany przy użyciu funkcji `plot_latent_images`. Zwróć uwagę na jakość/sensowność rysowanych liczb. Porównaj wykres do analogicznego wykresu dla modelu AE. Zamieść w raporcie wykresy. (0.25 pkt)

# %% [markdown]
# Siatka obrazów dla VAE pokazuje płynne przejścia między cyframi i większość obrazów da się rozpoznać, bo człon KL regularyzuje przestrzeń ukrytą i czyni ją ciągłą. W siatce dla AE wiele obrazów jest zniekształconych lub nie przypomina żadnej cyfry, zwłaszcza w obszarach bez zakodowanych przykładów. Zakres siatki dla VAE jest mniejszy (około [-3, 3]), bo kody skupiają się wokół rozkładu N(0, I).

# %% [markdown]
# #### Zadanie 2.3 - Porównaj wyniki funkcji `plot_latent_space` dla AE oraz VAE. Zwróć uwagę na "gęstość" punktów oraz zakres wartości. Zamieść w raporcie wykresy. (0.25 pkt)

# %% [markdown]
# Punkty AE zajmują duży, nieregularny obszar (wartości rzędu kilku-kilkunastu) i tworzą wydłużone skupiska z pustymi przerwami między nimi. Średnie VAE są gęściej upakowane wokół zera, mniej więcej w przedziale [-3, 3], zgodnie z rozkładem a priori N(0, I), a odchylenia standardowe pokazują, że sąsiednie kody się nakładają. Dzięki temu przestrzeń VAE nie ma „dziur” i lepiej nadaje się do generowania.

# %% [markdown]
# #### Zadanie 2.4 - Dla tych samych par obrazów, na których pracowałaś/eś w ostatnim zadaniu dot. AE, przygotuj reprezentacje ukryte z pomocą wytrenowanego VAE i odkoduj średnie z reprezentacji. Skomentuj wyniki, porównaj z wynikami z AE. (0.25 pkt)

# %% [markdown]
# Dla tych samych par (0 i 6 oraz 3 i 8) odkodowane średnie z VAE są gładsze i bardziej przypominają prawdziwe cyfry niż w AE: pierwsza para daje obraz pośredni między zerem a szóstką, druga trójkę z cechami ósemki. Wyniki różnią się od AE, bo cyfry są inaczej rozmieszczone w przestrzeni ukrytej, a ciągłość przestrzeni VAE sprawia, że punkt pośredni dekoduje się do sensownego kształtu.

# %%
def show_pair_mean_vae(model, first, second):
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
    show_pair_mean_vae(model, first, second)


# %% [markdown]
# #### Zadanie 2.5 - Wróć do funkcji `compute_loss`. Człony `logpz` oraz `logqz_x` związane są z obliczaniem KL-divergence pomiędzy Q(z|X) oraz P(z). Zakładamy, że oba te rozkłady są gaussowskie, stąd możemy wykorzystać wzór na KL-divergence dla dwóch rozkładów gaussowskich. Znajdź ten wzór oraz przepisz funkcję `compute_loss` z jego wykorzystaniem. Zamieść w raporcie przygotowaną formułę. Wytrenuj model ponownie, porównaj wyniki z poprzednią implementacją `compute_loss`. (0.5 pkt)

# %%
def kl_divergence(mean, logvar):
    """KL( N(mean, diag(exp(logvar))) || N(0, I) ) for each sample of the batch:
    ``0.5 * sum(exp(logvar) + mean**2 - 1 - logvar, axis=1)``, shape ``(batch,)``."""
    return 0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mean) - 1.0 - logvar, axis=1)


def compute_loss(model, x):
    """Negative ELBO with the closed-form KL: ``-mean(log p(x|z) - KL)``, where
    ``log p(x|z)`` is the Bernoulli log-likelihood of ``x`` under the decoder's logits for one
    reparameterised sample ``z``."""
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    kl = kl_divergence(mean, logvar)
    return -tf.reduce_mean(logpx_z - kl)


# %% [markdown]
# Wytrenujmy model ponownie. Jeśli nowa funkcja straty ma inną nazwę niż `compute_loss`, użyj jej w `train_step` i w pętli poniżej.

# %%
model = CVAE(latent_dim)
# Każdy nowy model dostaje nowy optymalizator (optymalizator Keras jest związany ze
# zmiennymi modelu). Jego zmienne tworzymy od razu, poza train_step: funkcja z
# @tf.function może tworzyć zmienne tylko przy pierwszym wywołaniu.
optimizer = tf.keras.optimizers.Adam(1e-4)
optimizer.build(model.trainable_variables)

# %%
for epoch in range(1, epochs + 1):
    start_time = time.time()
    for train_x in train_dataset:
        train_step(model, train_x, optimizer)
    end_time = time.time()

    loss = tf.keras.metrics.Mean()
    for test_x in test_dataset:
        loss(compute_loss(model, test_x))
    elbo = -loss.result()
    print('Epoch: {}, Val set ELBO: {}, time elapse for current epoch: {}'
          .format(epoch, elbo, end_time - start_time))


# %% [markdown]
# ## 3. Conditioned VAE
#
# Teraz nauczymy VAE generować cyfrę o zadanej klasie w zadanym miejscu obrazu. Cyfry zmniejszone do 14x14 umieszczamy w jednej z 9 komórek siatki 3x3, więc obrazy mają rozmiar 42x42x1. Warunkiem jest wektor 12 liczb: [etykieta one-hot (10), pozycja_x, pozycja_y], pozycje znormalizowane do {0, 0.5, 1} (pozycja_x - kolumna, pozycja_y - wiersz).

# %% [markdown]
# #### Zadanie 3.data - Uzupełnij funkcję `conditioned_mnist`, która z każdego obrazu ze zbioru danych `x` tworzy 9 obrazów z cyfrą na każdej z 9 pozycji siatki 3x3, a także tworzy etykiety `y` w postaci wektora [cyfra-one-hot, pozycja_x, pozycja_y]. Dla każdej pary z oryginalnego zbioru danych (obraz, etykieta) wylosuj `num_imgs` par, które znajdą się w docelowym zbiorze danych (nie zapisujemy wszystkich 9 możliwości ze względu na ograniczenia RAM). (0.5 pkt)

# %%
def conditioned_mnist(x, y, num_imgs=2):
    """Place each digit of ``x`` in ``num_imgs`` distinct cells of a 3x3 grid.

    ``x``: images ``(N, h, w)`` or ``(N, h, w, 1)`` with values in [0, 1]; ``y``: one-hot labels
    ``(N, 10)``. Returns ``x_res`` float32 ``(N * num_imgs, 3h, 3w, 1)`` and ``y_res`` float32
    ``(N * num_imgs, 12)`` = ``[one-hot, pos_x, pos_y]``: the digit sits, unchanged, in grid
    row ``r``, column ``c`` (zeros elsewhere), with ``pos_x = c / 2`` and ``pos_y = r / 2``.
    The outputs of input ``n`` are rows ``n * num_imgs`` to ``(n + 1) * num_imgs - 1``.
    """
    x = np.asarray(x, dtype="float32")
    if x.ndim == 4:
        x = x[..., 0]
    y = np.asarray(y, dtype="float32")
    n, h, w = x.shape
    x_res = np.zeros((n * num_imgs, 3 * h, 3 * w, 1), dtype="float32")
    y_res = np.zeros((n * num_imgs, y.shape[1] + 2), dtype="float32")
    for i in range(n):
        cells = np.random.choice(9, num_imgs, replace=False)
        for k, cell in enumerate(cells):
            row, col = divmod(int(cell), 3)
            j = i * num_imgs + k
            x_res[j, row * h:(row + 1) * h, col * w:(col + 1) * w, 0] = x[i]
            y_res[j, :-2] = y[i]
            y_res[j, -2] = col / 2
            y_res[j, -1] = row / 2
    return x_res, y_res


# %% [markdown]
# Przygotujmy zbiory danych z cyframi zmniejszonymi do 14x14:

# %%
x_train_small = tf.image.resize(x_train, (14, 14)).numpy()
x_test_small = tf.image.resize(x_test, (14, 14)).numpy()
y_train_onehot = tf.one_hot(y_train, 10).numpy()
y_test_onehot = tf.one_hot(y_test, 10).numpy()

x_train_cond, y_train_cond = conditioned_mnist(x_train_small, y_train_onehot, num_imgs=2)
x_test_cond, y_test_cond = conditioned_mnist(x_test_small, y_test_onehot, num_imgs=2)

train_dataset_with_cond = (tf.data.Dataset.from_tensor_slices((x_train_cond, y_train_cond))
                           .shuffle(len(x_train_cond)).batch(batch_size))
test_dataset_with_cond = (tf.data.Dataset.from_tensor_slices((x_test_cond, y_test_cond))
                          .shuffle(len(x_test_cond)).batch(batch_size))

# %%
plt.figure(figsize=(6, 6))
for i in range(9):
    plt.subplot(3, 3, i + 1)
    plt.imshow(x_train_cond[i, :, :, 0], cmap='gray')
    digit = np.argmax(y_train_cond[i, :10])
    plt.title(f'{digit}, pos=({y_train_cond[i, 10]}, {y_train_cond[i, 11]})', fontsize=8)
    plt.axis('off')
plt.show()


# %% [markdown]
# #### Zadanie 3.model - Uzupełnij klasę `Cond_CVAE` na podstawie klasy `CVAE`. (0.5 pkt)
#
# W tym celu:
#
# - Uzupełnij funkcję `prepare_encoder`. Będziemy mieć dwa wejścia do modelu - jedno na obraz (42, 42, 1), jedno na wektor cech [etykieta, pos_x, pos_y] (12,). Przeprocesuj obraz z pomocą warstw konwolucyjnych (możesz wykorzystać implementację z CVAE). Możesz też przygotować kilka warstw, które zajmą się wektorem cech. Użyj warstwy konkatenującej wyniki z przetwarzania obrazu i wektora cech. Za tą warstwą znajdzie się warstwa gęsta, wyliczająca średnią i logvar (2 * `latent_dim` liczb).
# - Uzupełnij funkcję `prepare_decoder`. Tu również mamy do czynienia z dwoma wejściami - jedno przyjmuje szum (`latent_dim`,), drugie wektor cech (12,). Połącz oba wejścia i przygotuj dekoder zwracający logity obrazu (42, 42, 1). Możesz skorzystać z implementacji CVAE, ale będą potrzebne zmiany związane z innym rozmiarem obrazów.
# - Pozostałe funkcje są już zaimplementowane. Przyjrzyj się im: `encode` i `decode` przyjmują listy [obraz, warunek] oraz [z, warunek].

# %%
class Cond_CVAE(tf.keras.Model):
    """Warunkowy VAE: obraz (42, 42, 1) i warunek (12,) = [etykieta one-hot, pos_x, pos_y]."""

    def __init__(self, latent_dim):
        super(Cond_CVAE, self).__init__()
        self.latent_dim = latent_dim
        self.encoder = self.prepare_encoder()
        self.decoder = self.prepare_decoder()

    def prepare_encoder(self):
        """Encoder of Cond_CVAE: [image (42, 42, 1), condition (12,)] -> (2 * latent_dim,),
        the mean and the log-variance, with a linear last layer."""
        dim = getattr(self, "latent_dim", latent_dim)
        input_img = tf.keras.layers.Input(shape=(42, 42, 1))
        input_cond = tf.keras.layers.Input(shape=(12,))
        x = tf.keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(input_img)
        x = tf.keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
        x = tf.keras.layers.Flatten()(x)
        x = tf.keras.layers.Concatenate()([x, input_cond])
        x = tf.keras.layers.Dense(128, activation="relu")(x)
        # No activation: mean and logvar range over all reals.
        output = tf.keras.layers.Dense(dim + dim)(x)
        return tf.keras.Model([input_img, input_cond], output, name="cond_encoder")

    def prepare_decoder(self):
        """Decoder of Cond_CVAE: [z (latent_dim,), condition (12,)] -> logits (42, 42, 1)."""
        dim = getattr(self, "latent_dim", latent_dim)
        input_z = tf.keras.layers.Input(shape=(dim,))
        input_cond = tf.keras.layers.Input(shape=(12,))
        x = tf.keras.layers.Concatenate()([input_z, input_cond])
        x = tf.keras.layers.Dense(7 * 7 * 32, activation="relu")(x)
        x = tf.keras.layers.Reshape((7, 7, 32))(x)
        x = tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)  # 14x14
        x = tf.keras.layers.Conv2DTranspose(32, 3, strides=3, padding="same", activation="relu")(x)  # 42x42
        # No activation: logits.
        output = tf.keras.layers.Conv2DTranspose(1, 3, strides=1, padding="same")(x)
        return tf.keras.Model([input_z, input_cond], output, name="cond_decoder")

    def sample(self, cond, eps=None):
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        if eps is None:
            eps = tf.random.normal(shape=(tf.shape(cond)[0], self.latent_dim))
        return self.decode([eps, cond], apply_sigmoid=True)

    def encode(self, x):
        img, cond = x
        img = tf.convert_to_tensor(img, dtype=tf.float32)
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        mean, logvar = tf.split(self.encoder([img, cond]), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=tf.shape(mean))
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, x, apply_sigmoid=False):
        z, cond = x
        z = tf.convert_to_tensor(z, dtype=tf.float32)
        cond = tf.convert_to_tensor(cond, dtype=tf.float32)
        logits = self.decoder([z, cond])
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


# %% [markdown]
# #### Zadanie 3.loss - Uzupełnij funkcję kosztu `compute_loss` dla modelu warunkowego. (0.25 pkt)
#
# Argument `x` to para `(data, cond)` z `train_dataset_with_cond`. Zarówno enkoder, jak i dekoder otrzymują warunek. Funkcja `train_step` z części 2 działa bez zmian.

# %%
def compute_loss(model, x):
    """The tutorial's Monte-Carlo negative ELBO for the conditioned model,
    ``x = (data, cond)``; the encoder and the decoder both receive the condition."""
    data, cond = x
    data = tf.convert_to_tensor(data, dtype=tf.float32)
    cond = tf.convert_to_tensor(cond, dtype=tf.float32)
    mean, logvar = model.encode([data, cond])
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode([z, cond])
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


# %% [markdown]
# Trening modelu warunkowego:

# %%
latent_dim = 2
model = Cond_CVAE(latent_dim)
# Każdy nowy model dostaje nowy optymalizator (optymalizator Keras jest związany ze
# zmiennymi modelu). Jego zmienne tworzymy od razu, poza train_step: funkcja z
# @tf.function może tworzyć zmienne tylko przy pierwszym wywołaniu.
optimizer = tf.keras.optimizers.Adam(1e-4)
optimizer.build(model.trainable_variables)

# %%
for epoch in range(1, epochs + 1):
    start_time = time.time()
    for train_x in train_dataset_with_cond:
        train_step(model, train_x, optimizer)
    end_time = time.time()

    loss = tf.keras.metrics.Mean()
    for test_x in test_dataset_with_cond:
        loss(compute_loss(model, test_x))
    elbo = -loss.result()
    print('Epoch: {}, Val set ELBO: {}, time elapse for current epoch: {}'
          .format(epoch, elbo, end_time - start_time))

# %% [markdown]
# #### Zadanie 3.1 - Sprawdź jakość modelu dla 3 różnych wartości `latent_dim` (trzeba dla każdej z nich osobno wytrenować model). Niech będą od siebie znacząco różne, np. 2, 25, 100. Przy większym `latent_dim` może być potrzebnych więcej epok. (zadania 3.1-3.3 łącznie 0.25 pkt)

# %% [markdown]
# Wytrenowałem model dla `latent_dim` = 2, 25 i 100 (odpowiednio 10, 30 i 50 epok). ELBO na zbiorze walidacyjnym wyniosło około -40,5 dla 2, -37 dla 25 i -36,5 dla 100, więc większa przestrzeń ukryta poprawia rekonstrukcję, ale zysk między 25 a 100 jest niewielki przy znacznie dłuższym treningu. Do dalszych zadań użyłem najlepszego modelu (`latent_dim` = 100).

# %%
results = {}
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
model = results[best_dim][0]


# %% [markdown]
# #### Zadanie 3.2 - Wykonaj dla najlepszego modelu z punktu 3.1:
#
# - Wybierz przykład ze zbioru testowego (obraz + etykieta).
# - Przepuść próbkę przez enkoder, uzyskaj reprezentację z.
# - Dla każdego z 9 możliwych wektorów [poprawna_etykieta, pos_x, pos_y] przepuść przez dekoder reprezentację z wraz z informacją o etykiecie i położeniu. Wyświetl uzyskany obraz.
# - Skomentuj wyniki - czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym miejscu? Jeśli nie, to co może być przyczyną?

# %% [markdown]
# Zakodowałem jeden obraz testowy i odkodowałem jego reprezentację z ze wszystkimi 9 wektorami [etykieta, pos_x, pos_y]. Za każdym razem cyfra pojawiła się w oczekiwanej komórce siatki i zachowała swój styl (grubość, nachylenie), co pokazuje, że położenie i klasa są przekazywane przez warunek, a z opisuje wygląd cyfry. Drobne rozmycia wynikają z ograniczonej liczby epok.

# %%
def show_all_positions(model, z, label):
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
show_all_positions(model, z, test_cond[0, :10])

# %% [markdown]
# #### Zadanie 3.3 - Powtórz zadanie 3.2, ale tym razem jako reprezentację z wykorzystaj wartości wylosowane z rozkładu normalnego oraz wybierz dowolną etykietę. Skomentuj wyniki - czy za każdym razem uzyskano oczekiwaną liczbę w oczekiwanym miejscu?

# %% [markdown]
# Dla z wylosowanego z N(0, I) i etykiety 7 model za każdym razem narysował siódemkę w oczekiwanym miejscu siatki. Styl cyfr jest inny niż w zadaniu 3.2, bo z nie pochodzi z enkodera, a obrazy są nieco mniej wyraźne, gdy wylosowane z leży daleko od środka rozkładu.

# %%
z = tf.random.normal([1, model.latent_dim])
show_all_positions(model, z, tf.one_hot(7, 10))

# %% [markdown]
# ## 4. Conditioned GAN
#
# Korzystamy z samouczka TensorFlow "Deep Convolutional Generative Adversarial Network", dodając warunek: etykietę cyfry w postaci one-hot. Generator dostaje szum i warunek, dyskryminator obraz i warunek. Piksele skalujemy do przedziału [-1, 1]. Każda porcja danych to `(images, cond, noise_cond)`: obrazy, ich etykiety oraz losowe etykiety dla obrazów, które wygeneruje generator.

# %%
BUFFER_SIZE = 60000
BATCH_SIZE = 256
noise_dim = 100
cond_dim = 10


def preprocess_gan(x):
    """Skaluje obrazy MNIST do [-1, 1] (float32) i dodaje oś kanału, jak w samouczku DCGAN."""
    x = np.asarray(x).astype("float32")
    x = x.reshape((x.shape[0], x.shape[1], x.shape[2], 1))
    return (x - 127.5) / 127.5


def add_noise_cond(images, cond):
    """Dokłada do pary (obrazy, warunek) losowy warunek one-hot dla obrazu generowanego."""
    noise_cond = tf.one_hot(tf.random.uniform([], 0, cond_dim, dtype=tf.int32), cond_dim)
    return images, cond, noise_cond


(train_images, train_labels), (_, _) = tf.keras.datasets.mnist.load_data()
train_images = preprocess_gan(train_images)
train_cond = tf.one_hot(train_labels, cond_dim)

train_dataset = (tf.data.Dataset.from_tensor_slices((train_images, train_cond))
                 .shuffle(BUFFER_SIZE)
                 .map(add_noise_cond)
                 .batch(BATCH_SIZE))


# %% [markdown]
# #### Zadanie 4.gen - Uzupełnij definicję generatora. (0.25 pkt)
#
# Model przyjmuje dwa wejścia: szum (`latent_dim`,) i warunek (`cond_dim`,), połączone warstwą konkatenującą, i zwraca obraz 28x28x1 o wartościach w [-1, 1]. Możesz wykorzystać warstwy generatora z samouczka DCGAN.

# %%
def prepare_generator(latent_dim, cond_dim):
    """Generator: [noise (latent_dim,), condition (cond_dim,)] -> image (28, 28, 1) in [-1, 1]
    (tanh), the layers of the DCGAN tutorial after concatenating noise and condition."""
    input_noise = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Concatenate()([input_noise, input_cond])

    x = tf.keras.layers.Dense(7 * 7 * 256, use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Reshape((7, 7, 256))(x)

    x = tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    x = tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    output = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same",
                                             use_bias=False, activation="tanh")(x)
    return tf.keras.Model([input_noise, input_cond], output, name="generator")


# %% [markdown]
# Wyświetlmy obraz wygenerowany przez niewytrenowany generator przy podaniu na wejściu etykiety "1":

# %%
generator = prepare_generator(noise_dim, cond_dim)

example_noise = tf.random.normal([1, noise_dim])
example_cond = tf.one_hot([1], cond_dim)
generated_image = generator([example_noise, example_cond], training=False)
plt.imshow(generated_image[0, :, :, 0], cmap='gray')
plt.show()


# %% [markdown]
# #### Zadanie 4.disc - Uzupełnij definicję dyskryminatora. (0.25 pkt)
#
# Model przyjmuje obraz (`img_shape`) i warunek (`cond_dim`,) i zwraca jedną liczbę: logit (bez aktywacji), dodatni dla obrazów uznanych za prawdziwe, ujemny dla fałszywych.

# %%
def prepare_discriminator(img_shape, cond_dim):
    """Discriminator: [image img_shape, condition (cond_dim,)] -> (1,), a logit (no activation;
    the loss is computed from logits)."""
    input_img = tf.keras.layers.Input(shape=img_shape)
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same")(input_img)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same")(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)

    x = tf.keras.layers.Concatenate()([x, input_cond])
    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    output = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model([input_img, input_cond], output, name="discriminator")


# %% [markdown]
# Zobaczmy predykcję niewytrenowanego dyskryminatora:

# %%
discriminator = prepare_discriminator((28, 28, 1), cond_dim)
decision = discriminator([generated_image, example_cond])
print(decision)

# %% [markdown]
# Funkcje kosztu: `cross_entropy` liczy binarną entropię krzyżową z logitów. Generator chce, żeby dyskryminator uznał jego obrazy za prawdziwe (etykieta 1).

# %%
# This method returns a helper function to compute cross entropy loss
cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


# %% [markdown]
# #### Zadanie 4.loss - Uzupełnij funkcję kosztu dyskryminatora. (0.25 pkt)
#
# Dyskryminator powinien rozpoznawać obrazy prawdziwe (etykieta 1) i wygenerowane (etykieta 0); koszt to suma obu składników.

# %%
def discriminator_loss(real_output, fake_output):
    """BCE-with-logits of real images against label 1 plus of fake images against label 0."""
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss


# %% [markdown]
# Optymalizatory i parametry treningu:

# %%
generator_optimizer = tf.keras.optimizers.Adam(1e-4)
discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)
EPOCHS = 50
num_examples_to_generate = 16

# Ten sam szum i te same warunki w każdej epoce, żeby śledzić postępy generatora.
seed = tf.random.normal([num_examples_to_generate, noise_dim])
seed_cond = tf.one_hot(tf.range(num_examples_to_generate) % cond_dim, cond_dim)


# %% [markdown]
# #### Zadanie 4.step - Uzupełnij funkcję `train_step`. (0.25 pkt)
#
# Argument `data` to `(images, cond, noise_cond)`. Wylosuj szum, wygeneruj obrazy dla warunków `noise_cond`, oceń dyskryminatorem obrazy prawdziwe (z warunkami `cond`) i wygenerowane, policz koszty generatora i dyskryminatora, a następnie gradienty (osobna taśma `tf.GradientTape` dla każdej sieci) i zaktualizuj obie sieci ich optymalizatorami (`generator_optimizer`, `discriminator_optimizer`).

# %%
@tf.function
def train_step(data):
    images, cond, noise_cond = data
    images = tf.cast(images, tf.float32)
    cond = tf.cast(cond, tf.float32)
    noise_cond = tf.cast(noise_cond, tf.float32)
    noise = tf.random.normal([tf.shape(images)[0], noise_dim])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator([noise, noise_cond], training=True)

        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([generated_images, noise_cond], training=True)

        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss


# %% [markdown]
# Czas na trening!

# %%
def generate_and_save_images(model, epoch, test_input, test_cond):
    """Wyświetla (i zapisuje do pliku) obrazy wygenerowane dla ustalonego szumu i warunków."""
    # Notice `training` is set to False.
    # This is so all layers run in inference mode (batchnorm).
    predictions = model([test_input, test_cond], training=False)
    labels = np.argmax(np.asarray(test_cond), axis=1)

    plt.figure(figsize=(4, 4))
    for i in range(predictions.shape[0]):
        plt.subplot(4, 4, i + 1)
        plt.imshow(predictions[i, :, :, 0] * 127.5 + 127.5, cmap='gray')
        plt.title(str(labels[i]), fontsize=8)
        plt.axis('off')

    plt.savefig('image_at_epoch_{:04d}.png'.format(epoch))
    plt.show()


def train(dataset, epochs):
    for epoch in range(epochs):
        start = time.time()
        for batch in dataset:
            train_step(batch)
        generate_and_save_images(generator, epoch + 1, seed, seed_cond)
        print('Time for epoch {} is {} sec'.format(epoch + 1, time.time() - start))


# %%
train(train_dataset, EPOCHS)

# %% [markdown]
# #### Zadanie 4.1 - Wygeneruj po jednym obrazie z każdą liczbą z pomocą generatora. Oceń jakość wyników. Jeśli jakość modelu pozostawia wiele do życzenia, spróbuj go poprawić, np. zwiększając liczbę epok bądź zmieniając definicję generatora/dyskryminatora. (0.25 pkt)

# %% [markdown]
# Wygenerowałem po jednym obrazie każdej cyfry 0-9, podając generatorowi losowy szum i odpowiedni wektor one-hot. Po 50 epokach wszystkie cyfry są czytelne i zgodne z warunkiem, choć niektóre (np. 2 i 8) mają drobne artefakty na krawędziach. Dłuższy trening poprawiłby ostrość obrazów.

# %%
digit_noise = tf.random.normal([10, noise_dim])
digit_cond = tf.one_hot(tf.range(10), cond_dim)
digits = generator([digit_noise, digit_cond], training=False)
fig, axes = plt.subplots(1, 10, figsize=(15, 2))
for digit, ax in enumerate(axes):
    ax.imshow(digits[digit, :, :, 0] * 127.5 + 127.5, cmap="gray")
    ax.set_title(str(digit))
    ax.axis("off")
plt.show()
