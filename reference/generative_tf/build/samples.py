"""More sample students of lab ``generative-tf``, written the way students write.

``build/notebooks.py`` turns each entry of :data:`STUDENT_SAMPLES` into
``submissions/generative-tf/<name>.ipynb``: the solution notebook with the listed answer slots
replaced (slot ids as in ``notebooks.TEMPLATE_SLOTS``), plus the extra code cells of
:data:`STUDENT_EXTRA_CELLS`. Unlike ``notebooks.BUGGY_SAMPLES`` (one slot each, code close
to the reference), these students use their own names, Polish comments and other Keras styles
(subclassed layers and models, nested ``Sequential`` sub-models, Keras 2 idioms), so the checks
meet code that does not look like the reference. The ``styl_*`` students are correct; every other
one has exactly the bug its name says. :data:`LOSES` declares what every sample of the lab must
lose (``docs/labs/generative-tf-samples.md`` shows it as a table).

The sources are plain text: nothing here imports TensorFlow.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from ...build.common import Loss
from ..public import scaffold


def _cond_cvae(prepare_encoder: str, prepare_decoder: str, before: str = "") -> str:
    """The template's ``Cond_CVAE`` cell with the two methods replaced by the given sources
    (written at column 0), optionally preceded by the student's own helper classes."""
    source = textwrap.dedent(inspect.getsource(scaffold.Cond_CVAE)).rstrip("\n")
    lines = source.splitlines()
    cls = ast.parse(source).body[0]
    methods = {"prepare_encoder": prepare_encoder, "prepare_decoder": prepare_decoder}
    for node in sorted(
        (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in methods),
        key=lambda n: n.lineno,
        reverse=True,
    ):
        lines[node.lineno - 1 : node.end_lineno] = textwrap.indent(methods[node.name], "    ").splitlines()
    return (before + "\n\n\n" if before else "") + "\n".join(lines)


# =============================================================================================
# styl_podklasy: subclassed layers and models everywhere
# =============================================================================================

PODKLASY_1_2 = """# Piksele po preprocessingu są w [0, 1], dekoder kończy się sigmoidą, więc każdy piksel
# traktuję jak prawdopodobieństwo -> binarna entropia krzyżowa (obiekt straty z Keras).
strata_ae = tf.keras.losses.BinaryCrossentropy()
autoencoder.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3), loss=strata_ae)"""

PODKLASY_1_PLOT = """def plot_latent_space(model, data):
    # kodujemy obrazy enkoderem AE -> jeden punkt 2D na obraz
    z = model.encoder(data, training=False).numpy()
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.scatter(z[:, 0], z[:, 1], s=3, c='k', alpha=0.4)
    ax.set_xlabel('z1')
    ax.set_ylabel('z2')
    ax.set_title('AE - przestrzeń ukryta (zbiór testowy)')
    plt.show()"""

PODKLASY_2_PLOT = """def plot_latent_space(model, data):
    mu, log_var = model.encode(data)
    mu = mu.numpy()
    sigma = np.exp(0.5 * log_var.numpy())  # odchylenie standardowe = exp(logvar / 2)
    fig, ax = plt.subplots(figsize=(8, 8))
    # najpierw "wąsy" (same słupki błędów, bez markerów), potem środki rozkładów
    ax.errorbar(mu[:, 0], mu[:, 1], xerr=sigma[:, 0], yerr=sigma[:, 1],
                fmt='none', ecolor='gray', elinewidth=0.3, alpha=0.5)
    ax.scatter(mu[:, 0], mu[:, 1], s=2, c='tab:blue')
    ax.set_title('VAE - średnie i odchylenia standardowe q(z|x)')
    plt.show()"""

PODKLASY_2_5 = """def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    # log p(x|z) - rekonstrukcja (rozkład Bernoulliego na pikselach)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    # KL(N(mu, sigma^2) || N(0, I)) analitycznie:
    # KL = -1/2 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    kl = -0.5 * tf.reduce_sum(1.0 + logvar - tf.math.square(mean) - tf.math.exp(logvar), axis=1)
    return -tf.reduce_mean(logpx_z - kl)"""

PODKLASY_3_DATA = """def conditioned_mnist(x, y, num_imgs=2):
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 4:
        x = x[..., 0]  # (N, h, w, 1) -> (N, h, w)
    y = np.asarray(y, dtype=np.float32)
    N, h, w = x.shape
    obrazy, warunki = [], []
    for cyfra, etykieta in zip(x, y):
        # num_imgs różnych pól siatki 3x3 (numerowane wierszami 0..8)
        for pole in np.random.choice(9, size=num_imgs, replace=False):
            wiersz, kolumna = pole // 3, pole % 3
            # dopełniamy zerami tak, żeby cyfra wylądowała w polu (wiersz, kolumna)
            obraz = np.pad(cyfra, ((wiersz * h, (2 - wiersz) * h), (kolumna * w, (2 - kolumna) * w)))
            obrazy.append(obraz[..., np.newaxis])
            # pos_x to kolumna, pos_y to wiersz
            warunki.append(np.concatenate([etykieta, [kolumna / 2, wiersz / 2]]))
    return np.array(obrazy, dtype=np.float32), np.array(warunki, dtype=np.float32)"""

PODKLASY_HELPERS = '''class CondEncoder(tf.keras.layers.Layer):
    """Rdzeń enkodera: konwolucje na obrazie, mała sieć na warunku, sklejenie, mean i logvar."""

    def __init__(self, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = tf.keras.layers.Conv2D(32, 3, strides=2, padding='same', activation='relu')  # 21x21
        self.conv2 = tf.keras.layers.Conv2D(64, 3, strides=2, padding='same', activation='relu')  # 11x11
        self.splaszcz = tf.keras.layers.Flatten()
        self.warunek_fc = tf.keras.layers.Dense(32, activation='relu')
        self.ukryta = tf.keras.layers.Dense(128, activation='relu')
        self.wyjscie = tf.keras.layers.Dense(2 * latent_dim)  # bez aktywacji: mean i logvar

    def call(self, inputs):
        obraz, warunek = inputs
        h = self.splaszcz(self.conv2(self.conv1(obraz)))
        c = self.warunek_fc(warunek)
        h = tf.concat([h, c], axis=-1)
        return self.wyjscie(self.ukryta(h))


class CondDecoder(tf.keras.Model):
    """Dekoder: [z, warunek] -> logity obrazu 42x42x1."""

    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.fc = tf.keras.layers.Dense(7 * 7 * 32, activation='relu')
        self.do_mapy = tf.keras.layers.Reshape((7, 7, 32))
        self.up1 = tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding='same', activation='relu')  # 14x14
        self.up2 = tf.keras.layers.Conv2DTranspose(32, 3, strides=3, padding='same', activation='relu')  # 42x42
        self.logity = tf.keras.layers.Conv2DTranspose(1, 3, strides=1, padding='same')  # bez aktywacji

    def call(self, inputs):
        z, warunek = inputs
        h = tf.concat([z, warunek], axis=1)
        h = self.do_mapy(self.fc(h))
        return self.logity(self.up2(self.up1(h)))'''

PODKLASY_ENCODER = """def prepare_encoder(self):
    obraz = tf.keras.Input(shape=(42, 42, 1), name='obraz')
    warunek = tf.keras.Input(shape=(12,), name='warunek')
    wyjscie = CondEncoder(self.latent_dim, name='rdzen_enkodera')([obraz, warunek])
    return tf.keras.Model(inputs=[obraz, warunek], outputs=wyjscie)"""

PODKLASY_DECODER = """def prepare_decoder(self):
    dekoder = CondDecoder(self.latent_dim)
    # jedno wywołanie na zerach tworzy wagi od razu (optimizer.build przed treningiem ich potrzebuje)
    dekoder([tf.zeros((1, self.latent_dim)), tf.zeros((1, 12))])
    return dekoder"""

PODKLASY_3_LOSS = """def compute_loss(model, x):
    obrazy, warunki = x
    mean, logvar = model.encode([obrazy, warunki])
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode([z, warunki])  # dekoder też dostaje warunek
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=tf.cast(obrazy, tf.float32))
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)"""

PODKLASY_4_GEN = '''class Generator(tf.keras.Model):
    """Generator warunkowy: [szum, warunek] -> obraz 28x28x1 w [-1, 1]."""

    def __init__(self, latent_dim, cond_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.cond_dim = cond_dim
        self.fc = layers.Dense(7 * 7 * 256, use_bias=False)
        self.bn0 = layers.BatchNormalization()
        self.do_mapy = layers.Reshape((7, 7, 256))
        self.deconv1 = layers.Conv2DTranspose(128, 5, strides=1, padding='same', use_bias=False)
        self.bn1 = layers.BatchNormalization()
        self.deconv2 = layers.Conv2DTranspose(64, 5, strides=2, padding='same', use_bias=False)
        self.bn2 = layers.BatchNormalization()
        self.deconv3 = layers.Conv2DTranspose(1, 5, strides=2, padding='same', use_bias=False,
                                              activation='tanh')

    def call(self, inputs, training=False):
        szum, warunek = inputs
        h = tf.concat([tf.cast(szum, tf.float32), tf.cast(warunek, tf.float32)], axis=-1)
        h = tf.nn.leaky_relu(self.bn0(self.fc(h), training=training))
        h = self.do_mapy(h)
        h = tf.nn.leaky_relu(self.bn1(self.deconv1(h), training=training))
        h = tf.nn.leaky_relu(self.bn2(self.deconv2(h), training=training))
        return self.deconv3(h)  # 28x28x1, tanh


def prepare_generator(latent_dim, cond_dim):
    gen = Generator(latent_dim, cond_dim)
    gen([tf.zeros((1, latent_dim)), tf.zeros((1, cond_dim))])  # budujemy wagi
    return gen'''

PODKLASY_4_DISC = '''class Discriminator(tf.keras.Model):
    """Dyskryminator warunkowy: [obraz, warunek] -> logit."""

    def __init__(self, img_shape, cond_dim):
        super().__init__()
        self.conv1 = layers.Conv2D(64, 5, strides=2, padding='same')
        self.conv2 = layers.Conv2D(128, 5, strides=2, padding='same')
        self.drop = layers.Dropout(0.3)
        self.splaszcz = layers.Flatten()
        self.fc = layers.Dense(128)
        self.logit = layers.Dense(1)  # bez sigmoidy - cross_entropy ma from_logits=True

    def call(self, inputs):
        obraz, warunek = inputs
        h = self.drop(tf.nn.leaky_relu(self.conv1(obraz)))
        h = self.drop(tf.nn.leaky_relu(self.conv2(h)))
        h = tf.concat([self.splaszcz(h), tf.cast(warunek, tf.float32)], axis=1)
        h = self.drop(tf.nn.leaky_relu(self.fc(h)))
        return self.logit(h)


def prepare_discriminator(img_shape, cond_dim):
    disc = Discriminator(img_shape, cond_dim)
    disc([tf.zeros((1, *img_shape)), tf.zeros((1, cond_dim))])
    return disc'''

PODKLASY_4_LOSS = """def discriminator_loss(real_output, fake_output):
    # wyjścia dyskryminatora to logity -> sigmoid_cross_entropy_with_logits
    # (to samo co cross_entropy z from_logits=True), uśrednione po batchu
    strata_real = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(real_output), logits=real_output))
    strata_fake = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.zeros_like(fake_output), logits=fake_output))
    return strata_real + strata_fake"""

PODKLASY_4_STEP = """@tf.function
def train_step(data):
    obrazy, warunki, warunki_szumu = data
    obrazy = tf.cast(obrazy, tf.float32)
    n = tf.shape(obrazy)[0]
    szum = tf.random.normal([n, noise_dim])

    with tf.GradientTape() as tasma_g, tf.GradientTape() as tasma_d:
        falszywe = generator([szum, warunki_szumu], training=True)
        d_prawdziwe = discriminator([obrazy, warunki], training=True)
        d_falszywe = discriminator([falszywe, warunki_szumu], training=True)
        strata_g = generator_loss(d_falszywe)
        strata_d = discriminator_loss(d_prawdziwe, d_falszywe)

    grad_g = tasma_g.gradient(strata_g, generator.trainable_variables)
    grad_d = tasma_d.gradient(strata_d, discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(grad_g, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(grad_d, discriminator.trainable_variables))
    return strata_g, strata_d"""

# =============================================================================================
# styl_sequential: nested Sequential sub-models, vectorised numpy, row-first positions
# =============================================================================================

SEQUENTIAL_1_2 = """# Wyjście dekodera (sigmoida) i wejście są liczbami z [0, 1] - używam błędu
# średniokwadratowego, bo porównujemy wartości ciągłe, a nie klasy 0/1.
autoencoder.compile(optimizer='adam', loss='mse')"""

SEQUENTIAL_1_PLOT = """def plot_latent_space(model, data):
    kody = model.encoder.predict(data, verbose=0)  # (N, 2)
    fig, ax = plt.subplots(figsize=(8, 8))
    ax.scatter(kody[:, 0], kody[:, 1], s=1, alpha=0.6)
    ax.grid(True)
    ax.set_title('Reprezentacje zbioru testowego (AE)')
    plt.show()"""

SEQUENTIAL_2_PLOT = """def plot_latent_space(model, data):
    mean, logvar = model.encode(data)
    stddev = tf.exp(0.5 * logvar)
    mean = mean.numpy()
    stddev = stddev.numpy()

    plt.figure(figsize=(10, 8))
    plt.scatter(mean[:, 0], mean[:, 1], c='b', alpha=0.7, marker='x')
    # dla każdego punktu odcinki +- odchylenie w obu osiach
    for i in range(len(mean)):
        plt.plot([mean[i, 0] - stddev[i, 0], mean[i, 0] + stddev[i, 0]], [mean[i, 1], mean[i, 1]], 'g-', alpha=0.5)
        plt.plot([mean[i, 0], mean[i, 0]], [mean[i, 1] - stddev[i, 1], mean[i, 1] + stddev[i, 1]], 'r-', alpha=0.5)
    plt.xlabel('z[0]')
    plt.ylabel('z[1]')
    plt.title('Przestrzeń ukryta VAE (średnie +- odchylenie standardowe)')
    plt.show()"""

SEQUENTIAL_2_5 = '''def kl_divergence(mean, logvar):
    """KL(q(z|x) || N(0, I)) dla każdego przykładu z batcha (wzór dla dwóch gaussów)."""
    return 0.5 * tf.reduce_sum(tf.square(mean) + tf.exp(logvar) - logvar - 1.0, axis=-1)


def compute_loss_kl(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    logity = model.decode(z)
    rekonstrukcja = tf.nn.sigmoid_cross_entropy_with_logits(logits=logity, labels=x)
    logpx_z = -tf.reduce_sum(rekonstrukcja, axis=[1, 2, 3])
    return -tf.reduce_mean(logpx_z - kl_divergence(mean, logvar))


# pętla treningowa i train_step poniżej wołają compute_loss - podmieniam ją na nową wersję
compute_loss = compute_loss_kl'''

SEQUENTIAL_3_DATA = """def conditioned_mnist(x, y, num_imgs=2):
    # bez pętli po obrazach - wszystko na tablicach numpy
    x = np.asarray(x, dtype='float32').reshape(len(x), x.shape[1], x.shape[2])
    y = np.asarray(y, dtype='float32')
    n, h, w = x.shape
    # dla każdego obrazu losowa permutacja 9 pól, bierzemy pierwsze num_imgs (różne pola)
    pola = np.argsort(np.random.rand(n, 9), axis=1)[:, :num_imgs]  # (n, num_imgs)
    wiersze, kolumny = pola // 3, pola % 3
    siatka = np.zeros((n, num_imgs, 3, h, 3, w), dtype='float32')
    nr = np.arange(n)[:, None]
    k = np.arange(num_imgs)[None, :]
    siatka[nr, k, wiersze, :, kolumny, :] = x[:, None]  # cyfra w polu (wiersz, kolumna)
    x_res = siatka.reshape(n * num_imgs, 3 * h, 3 * w, 1)
    # warunek: [one-hot, wiersz/2, kolumna/2] (najpierw wiersz)
    y_res = np.concatenate([np.repeat(y, num_imgs, axis=0),
                            wiersze.reshape(-1, 1) / 2,
                            kolumny.reshape(-1, 1) / 2], axis=1).astype('float32')
    return x_res, y_res"""

SEQUENTIAL_ENCODER = """def prepare_encoder(self):
    wejscie_obraz = tf.keras.Input(shape=(42, 42, 1))
    wejscie_warunek = tf.keras.Input(shape=(12,))
    conv = tf.keras.Sequential([
        tf.keras.layers.Conv2D(32, 3, strides=2, activation='relu'),  # 20x20
        tf.keras.layers.Conv2D(64, 3, strides=2, activation='relu'),  # 9x9
        tf.keras.layers.Flatten(),
    ], name='conv_obraz')
    siec_warunku = tf.keras.Sequential([tf.keras.layers.Dense(16, activation='relu')], name='siec_warunku')
    h = tf.keras.layers.Concatenate()([conv(wejscie_obraz), siec_warunku(wejscie_warunek)])
    glowa = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(2 * self.latent_dim),  # mean i logvar - liniowo
    ], name='glowa')
    return tf.keras.Model([wejscie_obraz, wejscie_warunek], glowa(h))"""

SEQUENTIAL_DECODER = """def prepare_decoder(self):
    z_in = tf.keras.Input(shape=(self.latent_dim,))
    c_in = tf.keras.Input(shape=(12,))
    polaczone = tf.keras.layers.concatenate([z_in, c_in])
    dekonwolucje = tf.keras.Sequential([
        tf.keras.layers.Dense(7 * 7 * 32, activation='relu'),
        tf.keras.layers.Reshape((7, 7, 32)),
        tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding='same', activation='relu'),  # 14x14
        tf.keras.layers.Conv2DTranspose(32, 3, strides=3, padding='same', activation='relu'),  # 42x42
        tf.keras.layers.Conv2DTranspose(1, 3, padding='same'),  # logity
    ], name='dekonwolucje')
    return tf.keras.Model([z_in, c_in], dekonwolucje(polaczone))"""

SEQUENTIAL_3_LOSS = """def compute_loss(model, x):
    # KL w postaci zamkniętej, jak w zadaniu 2.5
    obrazy, warunki = x
    mean, logvar = model.encode((obrazy, warunki))
    z = model.reparameterize(mean, logvar)
    logity = model.decode((z, warunki))
    rekonstrukcja = tf.nn.sigmoid_cross_entropy_with_logits(logits=logity, labels=obrazy)
    logpx_z = -tf.reduce_sum(rekonstrukcja, axis=[1, 2, 3])
    return -tf.reduce_mean(logpx_z - kl_divergence(mean, logvar))"""

SEQUENTIAL_4_GEN = """def prepare_generator(latent_dim, cond_dim):
    szum = layers.Input(shape=(latent_dim,))
    warunek = layers.Input(shape=(cond_dim,))
    x = layers.Concatenate()([szum, warunek])
    # warstwy z tutoriala DCGAN jako jeden Sequential
    siec = tf.keras.Sequential([
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(),
        layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh'),
    ], name='cialo_generatora')
    return tf.keras.Model([szum, warunek], siec(x), name='generator')"""

SEQUENTIAL_4_DISC = """def prepare_discriminator(img_shape, cond_dim):
    obraz = layers.Input(shape=img_shape)
    warunek = layers.Input(shape=(cond_dim,))
    cechy = tf.keras.Sequential([
        layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same'),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same'),
        layers.LeakyReLU(),
        layers.Dropout(0.3),
        layers.Flatten(),
    ], name='cechy_obrazu')
    glowa = tf.keras.Sequential([
        layers.Dense(64),
        layers.LeakyReLU(),
        layers.Dense(1),  # logit
    ], name='glowa')
    h = layers.Concatenate()([cechy(obraz), warunek])
    return tf.keras.Model([obraz, warunek], glowa(h), name='discriminator')"""

SEQUENTIAL_4_LOSS = """def discriminator_loss(real_output, fake_output):
    # prawdziwe -> 1, wygenerowane -> 0; binary_crossentropy zwraca wektor, więc średnia
    real_loss = tf.keras.losses.binary_crossentropy(tf.ones_like(real_output), real_output, from_logits=True)
    fake_loss = tf.keras.losses.binary_crossentropy(tf.zeros_like(fake_output), fake_output, from_logits=True)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)"""

SEQUENTIAL_4_STEP = """@tf.function
def train_step(data):
    images, cond, noise_cond = data
    batch = tf.shape(images)[0]

    # 1) krok dyskryminatora
    noise = tf.random.normal([batch, noise_dim])
    with tf.GradientTape() as disc_tape:
        fake_images = generator([noise, noise_cond], training=True)
        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([fake_images, noise_cond], training=True)
        disc_loss = discriminator_loss(real_output, fake_output)
    grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))

    # 2) krok generatora (nowy szum)
    noise = tf.random.normal([batch, noise_dim])
    with tf.GradientTape() as gen_tape:
        fake_images = generator([noise, noise_cond], training=True)
        fake_output = discriminator([fake_images, noise_cond], training=True)
        gen_loss = generator_loss(fake_output)
    grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
    generator_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return gen_loss, disc_loss"""

# =============================================================================================
# styl_wlasne_nazwy: seed 000's habits (2-space indent, kl_div, combine_pairs, errorbar)
# =============================================================================================

WLASNE_1_2 = """# Wejście i wyjście w [0, 1] (preprocess dzieli przez 255, na końcu dekodera sigmoida),
# więc binarna entropia krzyżowa - podaję samą funkcję.
autoencoder.compile(optimizer='adam', loss=tf.keras.losses.binary_crossentropy)"""

WLASNE_1_PLOT = """def plot_latent_space(model, data):
  coords = model.encoder(data).numpy()
  plt.figure(figsize=(8, 8))
  plt.plot(coords[:, 0], coords[:, 1], 'o', markersize=1)
  plt.show()"""

WLASNE_2_PLOT = """def plot_latent_space(model, data):
  mean, logvar = model.encode(data)
  std = tf.exp(logvar / 2)

  plt.figure(figsize=(10, 10))
  plt.errorbar(mean[:, 0], mean[:, 1], xerr=std[:, 0], yerr=std[:, 1], ecolor='red', fmt='o', markersize=1, )
  plt.show()"""

WLASNE_1_3 = """def combine_pairs(model, pairs):
    plt.figure(figsize=(3, 3))
    N = 3
    for i, pair in enumerate(pairs):
        enc_pair = []
        for j, num in enumerate(pair):
            ax = plt.subplot(2, N, j + 1 + i*N)
            plt.imshow(num)
            plt.title(f"Pair: {i+1}")
            plt.gray()
            ax.get_xaxis().set_visible(False)
            ax.get_yaxis().set_visible(False)

            enc_num = model.encoder(np.array([num])).numpy()
            enc_pair.append(enc_num)
        mean_enc_pair = np.mean(np.array(enc_pair), axis=0)
        comb_pair = model.decoder(mean_enc_pair).numpy()
        ax = plt.subplot(2, N, 3 + i*N)
        plt.imshow(comb_pair[0])
        plt.title(f"Comb: {i+1}")
        plt.gray()
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)

pair_6_7 = [x_test[21], x_test[0]]
pair_4_0 = [x_test[4], x_test[3]]
pairs = [pair_6_7, pair_4_0]

combine_pairs(autoencoder, pairs)"""

WLASNE_2_4 = """def combine_pairs_vae(model, pairs):
    plt.figure(figsize=(3, 3))
    N = 3
    for i, pair in enumerate(pairs):
        enc_pair = []
        for j, num in enumerate(pair):
            ax = plt.subplot(2, N, j + 1 + i*N)
            plt.imshow(num)
            plt.title(f"Pair: {i+1}")
            plt.gray()
            ax.get_xaxis().set_visible(False)
            ax.get_yaxis().set_visible(False)

            mean, logvar = model.encode(np.array([num]))
            enc_pair.append(mean.numpy())
        mean_enc_pair = np.mean(np.array(enc_pair), axis=0)
        comb_pair = model.sample(mean_enc_pair)
        ax = plt.subplot(2, N, 3 + i*N)
        plt.imshow(comb_pair[0])
        plt.title(f"Comb: {i+1}")
        plt.gray()
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)

combine_pairs_vae(model, pairs)"""

WLASNE_2_5 = """def kl_div(mean, logvar):
  # D[N(mu, Sigma) || N(0, I)] = 1/2 * (tr(Sigma) + mu^T mu - k - log det(Sigma))
  var = tf.exp(logvar)
  k = tf.cast(tf.shape(mean)[1], tf.float32)
  return 0.5 * (tf.reduce_sum(var, axis=1) + tf.reduce_sum(mean * mean, axis=1) - k
                - tf.reduce_sum(logvar, axis=1))


def compute_loss_gauss_kl(model, x):
  mean, logvar = model.encode(x)
  z = model.reparameterize(mean, logvar)
  x_logit = model.decode(z)
  cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
  logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])

  return -tf.reduce_mean(logpx_z - kl_div(mean, logvar))"""

WLASNE_3_DATA = """def conditioned_mnist(x, y, num_imgs=2):
    h, w = x.shape[1], x.shape[2]
    x_res = np.zeros(shape=(x.shape[0] * num_imgs, 3 * h, 3 * w), dtype='float32')  # wynikowe obrazy
    y_res = np.zeros(shape=(y.shape[0] * num_imgs, 2 + y.shape[1]), dtype='float32')  # etykieta + pozycja
    empty_res = np.zeros(shape=(3 * h, 3 * w), dtype='float32')  # pusty obraz docelowy

    for el, (arr, label) in enumerate(zip(x, y)):
        to_sample_x = np.empty((9, 3 * h, 3 * w), dtype='float32')  # 9 wersji obrazu
        to_sample_y = np.empty((9, 2 + y.shape[1]), dtype='float32')  # 9 wersji etykiety
        for i in range(3):
            for j in range(3):
                curr_x = empty_res.copy()
                curr_x[i*h: (i+1)*h, j*w: (j+1)*w] = arr.reshape((h, w))
                to_sample_x[3*i+j] = curr_x
                to_sample_y[3*i+j] = [*label, i/2, j/2]  # najpierw wiersz, potem kolumna
        idxs = np.random.choice(9, num_imgs, replace=False)  # num_imgs różnych pozycji
        x_res[el*num_imgs: (el+1)*num_imgs] = to_sample_x[idxs]
        y_res[el*num_imgs: (el+1)*num_imgs] = to_sample_y[idxs]
    x_res = x_res.reshape((-1, 3 * h, 3 * w, 1))
    return x_res, y_res"""

WLASNE_ENCODER = """def prepare_encoder(self):
    input_img = tf.keras.layers.Input(shape=(42, 42, 1))
    input_cond = tf.keras.layers.Input(shape=(12, ))

    x = tf.keras.layers.Conv2D(filters=32, kernel_size=3, strides=(2, 2), activation='relu', padding='same')(input_img)
    x = tf.keras.layers.Conv2D(filters=64, kernel_size=3, strides=(2, 2), activation='relu', padding='same')(x)
    x = tf.keras.layers.Flatten()(x)

    x = tf.keras.layers.Concatenate()([x, input_cond])
    # No activation
    x = tf.keras.layers.Dense(self.latent_dim + self.latent_dim)(x)
    return tf.keras.Model([input_img, input_cond], [x])"""

WLASNE_DECODER = """def prepare_decoder(self):
    input_latent = tf.keras.layers.Input(shape=(self.latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(12, ))
    inputs = tf.keras.layers.Concatenate()([input_latent, input_cond])

    x = tf.keras.layers.Dense(7 * 7 * 32, activation=tf.nn.relu)(inputs)
    x = tf.keras.layers.Reshape(target_shape=(7, 7, 32))(x)

    x = tf.keras.layers.Conv2DTranspose(
        filters=64, kernel_size=3, strides=2, padding='same', activation='relu')(x)
    x = tf.keras.layers.Conv2DTranspose(
        filters=32, kernel_size=3, strides=3, padding='same', activation='relu')(x)
    x = tf.keras.layers.Conv2DTranspose(
        filters=1, kernel_size=3, strides=1, padding='same')(x)
    return tf.keras.Model([input_latent, input_cond], [x])"""

WLASNE_3_LOSS = """def compute_loss(model, x):
    data, cond = x
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logits = model.decode([z, cond])
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logits, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)"""

WLASNE_4_GEN = """def prepare_generator(latent_dim, cond_dim):
    # warunek zamieniam na dodatkowy kanał mapy 7x7 (jak w przykładzie conditional GAN z Keras)
    input_noise = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))

    c = tf.keras.layers.Dense(7 * 7)(input_cond)
    c = tf.keras.layers.Reshape((7, 7, 1))(c)

    n = tf.keras.layers.Dense(7 * 7 * 128, use_bias=False)(input_noise)
    n = tf.keras.layers.BatchNormalization()(n)
    n = tf.keras.layers.LeakyReLU()(n)
    n = tf.keras.layers.Reshape((7, 7, 128))(n)

    x = tf.keras.layers.Concatenate(axis=-1)([n, c])  # 7x7x129
    x = tf.keras.layers.Conv2DTranspose(128, 4, strides=2, padding='same', use_bias=False)(x)  # 14x14
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Conv2DTranspose(64, 4, strides=2, padding='same', use_bias=False)(x)  # 28x28
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    out = tf.keras.layers.Conv2D(1, 7, padding='same', activation='tanh')(x)
    return tf.keras.Model([input_noise, input_cond], out, name='generator')"""

WLASNE_4_DISC = """def prepare_discriminator(img_shape, cond_dim):
    # warunek rozciągnięty do rozmiaru obrazu i doklejony jako drugi kanał
    input_img = tf.keras.layers.Input(shape=img_shape)
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    c = tf.keras.layers.Dense(img_shape[0] * img_shape[1])(input_cond)
    c = tf.keras.layers.Reshape((img_shape[0], img_shape[1], 1))(c)
    x = tf.keras.layers.Concatenate()([input_img, c])

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model([input_img, input_cond], x, name='discriminator')"""

WLASNE_4_LOSS = """def discriminator_loss(real_output, fake_output):
    # real_output, fake_output - predykcje dyskryminatora (logity)
    loss_real = cross_entropy(tf.ones_like(real_output), real_output)  # prawdziwe = 1
    loss_fake = cross_entropy(tf.zeros_like(fake_output), fake_output)  # wygenerowane = 0
    return loss_real + loss_fake"""

WLASNE_4_STEP = """@tf.function
def train_step(data):
    images, cond, noise_cond = data
    batch_size = tf.shape(images)[0]
    noise = tf.random.normal([batch_size, noise_dim])

    # jedna taśma dla obu sieci (persistent=True, bo liczę z niej dwa gradienty)
    with tf.GradientTape(persistent=True) as tape:
        generated_images = generator([noise, noise_cond], training=True)
        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([generated_images, noise_cond], training=True)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

    gradients_of_generator = tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = tape.gradient(disc_loss, discriminator.trainable_variables)
    del tape

    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss"""

# =============================================================================================
# styl_keras2: written for Colab's Keras 2 (2023): InputLayer(input_shape=...), a loss class
# =============================================================================================

KERAS2_1_2 = """# Wartości wejściowe są ciągłe z przedziału [0, 1] i dzięki sigmoidzie wyjście też, więc
# liczymy błąd między dwiema wartościami ciągłymi: MSE (albo RMSE/MAE).
autoencoder.compile(optimizer='adam', loss=keras.losses.MeanSquaredError)"""

KERAS2_1_PLOT = """def plot_latent_space(model, data):
    latent_representations = model.encoder.predict(data)

    plt.figure(figsize = (10, 8))
    plt.scatter(latent_representations[:, 0], latent_representations[:, 1], c = 'b', alpha = 0.7, marker = 'x')
    plt.xlabel('Latent Dimension 1')
    plt.ylabel('Latent Dimension 2')
    plt.title('2D Latent Space Representation of MNIST Test Data')
    plt.show()"""

KERAS2_2_PLOT = """def plot_latent_space(model, data):
    mean, logvar = model.encode(data)
    mean = np.array(mean)
    std = np.exp(np.array(logvar) * 0.5)
    plt.figure(figsize=(10, 10))
    plt.errorbar(x=mean[:, 0], y=mean[:, 1], xerr=std[:, 0], yerr=std[:, 1], fmt='.', alpha=0.3)
    plt.title('VAE latent space (mean +- std)')
    plt.show()"""

KERAS2_2_5 = """def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    reconstruction_loss = tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    # KL jak w przykładzie VAE z keras.io
    kl_loss = -0.5 * (1 + logvar - tf.square(mean) - tf.exp(logvar))
    kl_loss = tf.reduce_sum(kl_loss, axis=1)
    return tf.reduce_mean(reconstruction_loss + kl_loss)"""

KERAS2_3_DATA = """def conditioned_mnist(x, y, num_imgs=2):
    x = np.array(x).reshape((x.shape[0], x.shape[1], x.shape[2]))
    size_h, size_w = x.shape[1], x.shape[2]
    x_res = np.zeros((len(x) * num_imgs, 3 * size_h, 3 * size_w, 1), dtype='float32')
    y_res = np.zeros((len(x) * num_imgs, 12), dtype='float32')
    k = 0
    for i in range(len(x)):
        positions = np.random.permutation(9)[:num_imgs]
        for p in positions:
            pos_x = p % 3  # kolumna
            pos_y = p // 3  # wiersz
            x_res[k, pos_y*size_h:(pos_y+1)*size_h, pos_x*size_w:(pos_x+1)*size_w, 0] = x[i]
            y_res[k, :10] = y[i]
            y_res[k, 10] = pos_x / 2
            y_res[k, 11] = pos_y / 2
            k += 1
    return x_res, y_res"""

KERAS2_ENCODER = """def prepare_encoder(self):
    input_img = tf.keras.layers.Input(shape=(42, 42, 1))
    input_cond = tf.keras.layers.Input(shape=(12,))
    conv_part = tf.keras.Sequential([
        tf.keras.layers.InputLayer(input_shape=(42, 42, 1)),
        tf.keras.layers.Conv2D(filters=32, kernel_size=3, strides=(2, 2), activation='relu'),
        tf.keras.layers.Conv2D(filters=64, kernel_size=3, strides=(2, 2), activation='relu'),
        tf.keras.layers.Flatten(),
    ])
    x = tf.keras.layers.Concatenate()([conv_part(input_img), input_cond])
    x = tf.keras.layers.Dense(256, activation='relu')(x)
    # No activation
    x = tf.keras.layers.Dense(self.latent_dim + self.latent_dim)(x)
    return tf.keras.Model(inputs=[input_img, input_cond], outputs=x)"""

KERAS2_DECODER = """def prepare_decoder(self):
    input_z = tf.keras.layers.Input(shape=(self.latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(12,))
    x = tf.keras.layers.Concatenate()([input_z, input_cond])
    deconv_part = tf.keras.Sequential([
        tf.keras.layers.InputLayer(input_shape=(self.latent_dim + 12,)),
        tf.keras.layers.Dense(units=7*7*32, activation=tf.nn.relu),
        tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
        tf.keras.layers.Conv2DTranspose(filters=64, kernel_size=3, strides=2, padding='same', activation='relu'),
        tf.keras.layers.Conv2DTranspose(filters=32, kernel_size=3, strides=3, padding='same', activation='relu'),
        # No activation
        tf.keras.layers.Conv2DTranspose(filters=1, kernel_size=3, strides=1, padding='same'),
    ])
    return tf.keras.Model(inputs=[input_z, input_cond], outputs=deconv_part(x))"""

KERAS2_3_LOSS = """def compute_loss(model, x):
    data, cond = x
    mean, logvar = model.encode([data, cond])
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode([z, cond])
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)"""

KERAS2_4_GEN = """def prepare_generator(latent_dim, cond_dim):
    input_noise = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    merged = tf.keras.layers.Concatenate()([input_noise, input_cond])

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.InputLayer(input_shape=(latent_dim + cond_dim,)))
    model.add(layers.Dense(7*7*256, use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU(alpha=0.2))
    model.add(layers.Reshape((7, 7, 256)))
    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU(alpha=0.2))
    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU(alpha=0.2))
    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh'))

    return tf.keras.Model([input_noise, input_cond], model(merged), name='generator')"""

KERAS2_4_DISC = """def prepare_discriminator(img_shape, cond_dim):
    input_img = tf.keras.layers.Input(shape=img_shape)
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))

    conv = tf.keras.Sequential()
    conv.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same', input_shape=img_shape))
    conv.add(layers.LeakyReLU(alpha=0.2))
    conv.add(layers.Dropout(0.3))
    conv.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same'))
    conv.add(layers.LeakyReLU(alpha=0.2))
    conv.add(layers.Dropout(0.3))
    conv.add(layers.Flatten())

    x = tf.keras.layers.Concatenate()([conv(input_img), input_cond])
    x = layers.Dense(128)(x)
    x = layers.LeakyReLU(alpha=0.2)(x)
    x = layers.Dense(1)(x)
    return tf.keras.Model([input_img, input_cond], x, name='discriminator')"""

KERAS2_4_LOSS = """def discriminator_loss(real_output, fake_output):
    # real_output, fake_output - predykcje dyskryminatora
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss"""

KERAS2_4_STEP = """@tf.function
def train_step(data):
    images, cond, noise_cond = data
    batch_size = tf.shape(images)[0]

    noise = tf.random.normal([batch_size, noise_dim])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator([noise, noise_cond], training=True)

        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([generated_images, noise_cond], training=True)

        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

        gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

        generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))"""

# =============================================================================================
# Buggy students (one fault each)
# =============================================================================================

KL_ZNAK_MINUS = """def compute_loss(model, x):
  mean, logvar = model.encode(x)
  z = model.reparameterize(mean, logvar)
  x_logit = model.decode(z)
  cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
  logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
  # KL dla dwóch gaussów: 1/2 * sum(sigma^2 + mu^2 - 1 - log sigma^2)
  kl = 0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mean) - 1. - logvar, axis=1)
  return -tf.reduce_mean(logpx_z + kl)"""

KL_LOGVAR_KWADRAT = """def kl_div(mu, logvar):
    # KL = -1/2 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    return -0.5 * tf.reduce_sum(1 + logvar - mu ** 2 - logvar ** 2, axis=1)


def compute_loss_gauss_kl(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    return -tf.reduce_mean(logpx_z - kl_div(mean, logvar))"""

SIGMOID_PRZED_STRATA = """def discriminator_loss(real_output, fake_output):
    # zamieniam wyjścia dyskryminatora na prawdopodobieństwa
    real_prob = tf.sigmoid(real_output)
    fake_prob = tf.sigmoid(fake_output)
    real_loss = cross_entropy(tf.ones_like(real_prob), real_prob)
    fake_loss = cross_entropy(tf.zeros_like(fake_prob), fake_prob)
    return real_loss + fake_loss"""

DYSKRYMINATOR_SIGMOID = """def prepare_discriminator(img_shape, cond_dim):
    obraz = tf.keras.layers.Input(shape=img_shape)
    warunek = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same')(obraz)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)

    x = tf.keras.layers.Concatenate()([x, warunek])
    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    # prawdopodobieństwo, że obraz jest prawdziwy
    wynik = tf.keras.layers.Dense(1, activation='sigmoid')(x)
    return tf.keras.Model([obraz, warunek], wynik, name='discriminator')"""

GENERATOR_BEZ_TANH = """def prepare_generator(latent_dim, cond_dim):
    szum = tf.keras.layers.Input(shape=(latent_dim,))
    warunek = tf.keras.layers.Input(shape=(cond_dim,))
    x = tf.keras.layers.Concatenate()([szum, warunek])

    x = tf.keras.layers.Dense(7*7*256, use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Reshape((7, 7, 256))(x)

    x = tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    x = tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    # obraz 28x28x1
    obraz = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False)(x)
    return tf.keras.Model([szum, warunek], obraz, name='generator')"""

KODER_RELU_ENCODER = """def prepare_encoder(self):
    img = tf.keras.layers.Input(shape=(42, 42, 1))
    cond = tf.keras.layers.Input(shape=(12,))
    x = tf.keras.layers.Conv2D(32, 3, strides=2, padding='same', activation='relu')(img)
    x = tf.keras.layers.Conv2D(64, 3, strides=2, padding='same', activation='relu')(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Concatenate()([x, cond])
    x = tf.keras.layers.Dense(128, activation='relu')(x)
    # średnia i logvar
    out = tf.keras.layers.Dense(2 * self.latent_dim, activation='relu')(x)
    return tf.keras.Model([img, cond], out)"""

KODER_RELU_DECODER = """def prepare_decoder(self):
    z = tf.keras.layers.Input(shape=(self.latent_dim,))
    cond = tf.keras.layers.Input(shape=(12,))
    x = tf.keras.layers.Concatenate()([z, cond])
    x = tf.keras.layers.Dense(7 * 7 * 32, activation='relu')(x)
    x = tf.keras.layers.Reshape((7, 7, 32))(x)
    x = tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding='same', activation='relu')(x)  # 14x14
    x = tf.keras.layers.Conv2DTranspose(32, 3, strides=3, padding='same', activation='relu')(x)  # 42x42
    out = tf.keras.layers.Conv2DTranspose(1, 3, strides=1, padding='same')(x)  # logity
    return tf.keras.Model([z, cond], out)"""

POZYCJE_NIEZGODNE = '''def losuj_pozycje(num_imgs):
    """Losuje num_imgs różnych pól siatki 3x3 -> lista (wiersz, kolumna)."""
    pola = np.random.choice(9, num_imgs, replace=False)
    return [(p // 3, p % 3) for p in pola]


def conditioned_mnist(x, y, num_imgs=2):
    x = np.array(x, dtype='float32').reshape(len(x), x.shape[1], x.shape[2])
    h, w = x.shape[1], x.shape[2]
    obrazy, etykiety = [], []
    for cyfra, label in zip(x, y):
        # obrazy: cyfra w wylosowanych polach
        for wiersz, kolumna in losuj_pozycje(num_imgs):
            duzy = np.zeros((3 * h, 3 * w), dtype='float32')
            duzy[wiersz*h:(wiersz+1)*h, kolumna*w:(kolumna+1)*w] = cyfra
            obrazy.append(duzy)
        # etykiety: one-hot + pozycja (pos_x = kolumna, pos_y = wiersz)
        for wiersz, kolumna in losuj_pozycje(num_imgs):
            etykiety.append(np.concatenate([label, [kolumna / 2, wiersz / 2]]))
    x_res = np.array(obrazy, dtype='float32').reshape(-1, 3 * h, 3 * w, 1)
    y_res = np.array(etykiety, dtype='float32')
    return x_res, y_res'''

WARUNEK_IGNOROWANY_GEN = """def prepare_generator(latent_dim, cond_dim):
    noise = tf.keras.layers.Input(shape=(latent_dim,))
    cond = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Dense(7*7*256, use_bias=False)(noise)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Reshape((7, 7, 256))(x)

    x = tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    x = tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.LeakyReLU()(x)

    x = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh')(x)
    return tf.keras.Model([noise, cond], x, name='generator')"""

WARUNEK_IGNOROWANY_DISC = """def prepare_discriminator(img_shape, cond_dim):
    img = tf.keras.layers.Input(shape=img_shape)
    cond = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same')(img)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)

    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model([img, cond], x, name='discriminator')"""

SEED_001_GENERATOR = """def prepare_generator(latent_dim, cond_dim):
    input_img = tf.keras.layers.Input(shape=(latent_dim,))
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))
    inputs = tf.keras.layers.Concatenate(axis=1)(input_img, input_cond)

    x1 = tf.keras.layers.Dense(7*7*256, use_bias=False)(inputs)
    x1 = tf.keras.layers.BatchNormalization()(x1)
    x1 = tf.keras.layers.LeakyReLU()(x1)
    x1 = tf.keras.layers.Reshape((7, 7, 256))(x1)

    x1 = tf.keras.layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False)(x1)
    x1 = tf.keras.layers.BatchNormalization()(x1)
    x1 = tf.keras.layers.LeakyReLU()(x1)

    x1 = tf.keras.layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False)(x1)
    x1 = tf.keras.layers.BatchNormalization()(x1)
    x1 = tf.keras.layers.LeakyReLU()(x1)

    x1 = tf.keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh')(x1)

    return tf.keras.Model([input_img, input_cond], x1, name='generator')"""

# A missing closing parenthesis on the Concatenate line: the cell does not parse.
BLAD_SKLADNI_DISC = """def prepare_discriminator(img_shape, cond_dim):
    input_img = tf.keras.layers.Input(shape=img_shape)
    input_cond = tf.keras.layers.Input(shape=(cond_dim,))

    x = tf.keras.layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same')(input_img)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same')(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dropout(0.3)(x)
    x = tf.keras.layers.Flatten()(x)

    x = tf.keras.layers.Concatenate()([x, input_cond]
    x = tf.keras.layers.Dense(128)(x)
    x = tf.keras.layers.LeakyReLU()(x)
    x = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model([input_img, input_cond], x, name='discriminator')"""

LITEROWKA_LOSS = """def discriminator_los(real_output, fake_output):
    # real_output, fake_output - predykcje dyskryminatora (logity)
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss"""

LITEROWKA_STEP = """@tf.function
def train_step(data):
    images, cond, noise_cond = data
    noise = tf.random.normal([tf.shape(images)[0], noise_dim])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator([noise, noise_cond], training=True)
        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([generated_images, noise_cond], training=True)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_los(real_output, fake_output)

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss"""

TRENING_EPOCHS = """# Zwiększyłem liczbę epok do 200, by poprawić jakość wyników
EPOCHS = 200"""

TRENING_LOOP = """# trening bez funkcji train - chcę widzieć straty po każdej epoce
for epoch in range(EPOCHS):
    start = time.time()
    for batch in train_dataset:
        gen_loss, disc_loss = train_step(batch)
    print(f'Epoka {epoch + 1}/{EPOCHS}: gen_loss = {float(gen_loss):.3f}, '
          f'disc_loss = {float(disc_loss):.3f}, czas {time.time() - start:.1f} s')"""

TRENING_WHILE_TRUE = """# żeby Colab nie rozłączył sesji, zanim zapiszę wyniki
while True:
    pass"""

TRAIN_STEP_ZLA_TASMA = """@tf.function
def train_step(data):
    images, cond, noise_cond = data
    noise = tf.random.normal([tf.shape(images)[0], noise_dim])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake_images = generator([noise, noise_cond], training=True)
        real_output = discriminator([images, cond], training=True)
        fake_output = discriminator([fake_images, noise_cond], training=True)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)

    # gradienty obu sieci
    gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
    disc_grads = disc_tape.gradient(gen_loss, discriminator.trainable_variables)

    generator_optimizer.apply_gradients(zip(gen_grads, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
    return gen_loss, disc_loss"""

STRATA_COND_BEZ_WARUNKU = """def compute_loss(model, x):
    data, cond = x
    mean, logvar = model.encode([data, cond])
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=data)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)"""

# =============================================================================================
# The tables
# =============================================================================================

#: sample name -> answer slots replaced in the solution notebook.
STUDENT_SAMPLES: dict[str, dict[str, str]] = {
    "styl_podklasy": {
        "1.2": PODKLASY_1_2,
        "1.plot": PODKLASY_1_PLOT,
        "2.plot": PODKLASY_2_PLOT,
        "2.5": PODKLASY_2_5,
        "3.data": PODKLASY_3_DATA,
        "3.model": _cond_cvae(PODKLASY_ENCODER, PODKLASY_DECODER, before=PODKLASY_HELPERS),
        "3.loss": PODKLASY_3_LOSS,
        "4.gen": PODKLASY_4_GEN,
        "4.disc": PODKLASY_4_DISC,
        "4.loss": PODKLASY_4_LOSS,
        "4.step": PODKLASY_4_STEP,
    },
    "styl_sequential": {
        "1.2": SEQUENTIAL_1_2,
        "1.plot": SEQUENTIAL_1_PLOT,
        "2.plot": SEQUENTIAL_2_PLOT,
        "2.5": SEQUENTIAL_2_5,
        "3.data": SEQUENTIAL_3_DATA,
        "3.model": _cond_cvae(SEQUENTIAL_ENCODER, SEQUENTIAL_DECODER),
        "3.loss": SEQUENTIAL_3_LOSS,
        "4.gen": SEQUENTIAL_4_GEN,
        "4.disc": SEQUENTIAL_4_DISC,
        "4.loss": SEQUENTIAL_4_LOSS,
        "4.step": SEQUENTIAL_4_STEP,
    },
    "styl_wlasne_nazwy": {
        "1.2": WLASNE_1_2,
        "1.plot": WLASNE_1_PLOT,
        "1.3.code": WLASNE_1_3,
        "2.plot": WLASNE_2_PLOT,
        "2.4.code": WLASNE_2_4,
        "2.5": WLASNE_2_5,
        "3.data": WLASNE_3_DATA,
        "3.model": _cond_cvae(WLASNE_ENCODER, WLASNE_DECODER),
        "3.loss": WLASNE_3_LOSS,
        "4.gen": WLASNE_4_GEN,
        "4.disc": WLASNE_4_DISC,
        "4.loss": WLASNE_4_LOSS,
        "4.step": WLASNE_4_STEP,
    },
    "styl_keras2": {
        "1.2": KERAS2_1_2,
        "1.plot": KERAS2_1_PLOT,
        "2.plot": KERAS2_2_PLOT,
        "2.5": KERAS2_2_5,
        "3.data": KERAS2_3_DATA,
        "3.model": _cond_cvae(KERAS2_ENCODER, KERAS2_DECODER),
        "3.loss": KERAS2_3_LOSS,
        "4.gen": KERAS2_4_GEN,
        "4.disc": KERAS2_4_DISC,
        "4.loss": KERAS2_4_LOSS,
        "4.step": KERAS2_4_STEP,
    },
    "kl_znak_minus": {"2.5": KL_ZNAK_MINUS},
    "kl_logvar_kwadrat": {"2.5": KL_LOGVAR_KWADRAT},
    "sigmoid_przed_strata": {"4.loss": SIGMOID_PRZED_STRATA},
    "dyskryminator_sigmoid": {"4.disc": DYSKRYMINATOR_SIGMOID},
    "generator_bez_tanh": {"4.gen": GENERATOR_BEZ_TANH},
    "koder_relu": {"3.model": _cond_cvae(KODER_RELU_ENCODER, KODER_RELU_DECODER)},
    "pozycje_niezgodne": {"3.data": POZYCJE_NIEZGODNE},
    "warunek_ignorowany": {"4.gen": WARUNEK_IGNOROWANY_GEN, "4.disc": WARUNEK_IGNOROWANY_DISC},
    "generator_concatenate_seed001": {"4.gen": SEED_001_GENERATOR},
    "blad_skladni": {"4.disc": BLAD_SKLADNI_DISC},
    "literowka_nazwy": {"4.loss": LITEROWKA_LOSS, "4.step": LITEROWKA_STEP},
    "trening_200_epok": {},
    "train_step_zla_tasma": {"4.step": TRAIN_STEP_ZLA_TASMA},
    "strata_cond_bez_warunku": {"3.loss": STRATA_COND_BEZ_WARUNKU},
}

#: sample name -> {where: extra code cells}; ``where`` is an answer slot (the cells follow that
#: slot's cell) or ``"end"`` (the cells close the notebook). Such cells never run when grading.
STUDENT_EXTRA_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    "trening_200_epok": {"4.step": (TRENING_EPOCHS, TRENING_LOOP), "end": (TRENING_WHILE_TRUE,)},
}

#: sample name -> the slot whose cell does not parse (on purpose).
SYNTAX_ERROR_SAMPLES: dict[str, str] = {"blad_skladni": "4.disc"}

# =============================================================================================
# What every sample must lose
# =============================================================================================

_CODE_ITEMS = ("1.2", "1.plot", "2.plot", "2.5", "3.data", "3.model", "3.loss", "4.gen", "4.disc", "4.loss", "4.step")
_KL_PLUS_LOGVAR = Loss(
    0, "failed", "wrong sign of logvar (+logvar instead of -logvar) and is added on top of the Monte-Carlo"
)
_WRONG_LOOP = Loss(0, "failed", "works for one image but fails for several")
_CONCATENATE_TWO_ARGUMENTS = Loss(0, "failed", "Concatenate is called with two arguments instead of a list")
_IGNORES_CONDITION = Loss(0.166667, "failed", "does not depend on the condition")

#: sample -> item -> what it loses when graded: automatic points, status, a fragment of the
#: message naming the fault. A code item not listed gets its full points, passed. Every sample of
#: ``submissions/generative-tf/`` has an entry: those of ``cells.BUGGY_SAMPLES``, of this module
#: and of ``real_layouts.py`` alike. The tests grade every sample through the sandbox against this
#: table (tests/test_every_lab.py); docs/labs/generative-tf-samples.md shows the same.
LOSES: dict[str, dict[str, Loss]] = {
    **{
        name: {}
        for name in (
            "solution",
            "kl_helper_style",
            "styl_podklasy",
            "styl_sequential",
            "styl_wlasne_nazwy",
            "styl_keras2",
            "trening_200_epok",
            "seed000_uklad",
            "seed001_poprawiony",
            "seed001_uklad_kl_seed000",
        )
    },
    "blank": {item: Loss(0, "missing", "left as the template defined it") for item in _CODE_ITEMS},
    "kl_plus_logvar": {"2.5": _KL_PLUS_LOGVAR},
    "kl_znak_minus": {"2.5": Loss(0, "failed", "the KL is subtracted from the loss")},
    "kl_logvar_kwadrat": {"2.5": Loss(0, "failed", "logvar**2 instead of exp(logvar)")},
    "conditioned_wrong_loop": {"3.data": _WRONG_LOOP},
    "pozycje_niezgodne": {"3.data": Loss(0.1, "failed", "do not match the cell holding the digit")},
    "koder_relu": {"3.model": Loss(0.416667, "failed", "its last layer has an activation (ReLU)")},
    "strata_cond_bez_warunku": {"3.loss": Loss(0, "errored", "decode was called without the condition")},
    "generator_concatenate_seed001": {"4.gen": _CONCATENATE_TWO_ARGUMENTS},
    "generator_bez_tanh": {"4.gen": Loss(0.083333, "failed", "the final tanh is missing")},
    "warunek_ignorowany": {"4.gen": _IGNORES_CONDITION, "4.disc": _IGNORES_CONDITION},
    "dyskryminator_sigmoid": {"4.disc": Loss(0.083333, "failed", "it ends in a sigmoid")},
    "blad_skladni": {"4.disc": Loss(0, "errored", "has a syntax error (line 13)")},
    "discriminator_swapped_labels": {"4.loss": Loss(0, "failed", "the labels are swapped")},
    "discriminator_no_fake": {"4.loss": Loss(0, "failed", "(fake_output) is missing")},
    "sigmoid_przed_strata": {"4.loss": Loss(0, "failed", "a sigmoid is applied to the discriminator's output")},
    "literowka_nazwy": {"4.loss": Loss(0, "missing", "Did you mean: `discriminator_los`")},
    "train_step_zla_tasma": {"4.step": Loss(0.166667, "failed", "the discriminator's update does not raise D(real)")},
    # laid out like the seeds' own notebooks (real_layouts.py)
    "seed000_wariancja_na_wykresie": {"2.plot": Loss(0.125, "failed", "the deviations drawn are exp(logvar)")},
    "seed001_jak_napisano": {"2.5": _KL_PLUS_LOGVAR, "3.data": _WRONG_LOOP, "4.gen": _CONCATENATE_TWO_ARGUMENTS},
}
