"""Reference implementation of every code item of lab ``vae-pyro`` (trusted; never shown to
students; the sandbox cannot see it).

The classes are written so that their source can stand, unchanged, as the answer cells of the
solution notebook (``build/notebooks.py`` copies it there): they read the globals the template
defines (``nn``, ``torch``, ``pyro``, ``dist``, ``Tuple``, ``BaseAutoEncoder``), imported here from
the public scaffold.

Items (see ``LABS.md``):

- 1a.encoder :class:`VEncoder` (softplus scale), 1a.decoder :class:`VDecoder` (sigmoid output),
  1a.vae :class:`VariationalAutoencoder` (``encoder_forward`` samples with ``rsample``);
- 2 :data:`DOWNSTREAM_CELL`: one weak classifier (Gaussian naive Bayes) on raw pixels, on AE codes
  and on VAE codes, with accuracy, F1 and train/inference times printed;
- 3 (bonus) :class:`BetaVariationalAutoencoder`: the latent site scaled by beta with
  ``poutine.scale`` in both ``model`` and ``guide``, so only the KL term is weighted.
"""
import pyro
import pyro.distributions as dist
import torch
import torch.nn as nn
from pyro import poutine

from typing import Tuple

from ..public.src.ae import BaseAutoEncoder

__all__ = ["VEncoder", "VDecoder", "VariationalAutoencoder", "BetaVariationalAutoencoder",
           "DOWNSTREAM_CELL", "poutine"]


class VEncoder(nn.Module):
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

        self.input_to_hidden = nn.Linear(n_input_features, n_hidden_neurons)
        self.hidden_to_loc = nn.Linear(n_hidden_neurons, n_latent_features)
        self.hidden_to_scale = nn.Linear(n_hidden_neurons, n_latent_features)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode data to gaussian distribution params."""
        h = nn.functional.relu(self.input_to_hidden(x))
        # the mean may take any real value: no activation
        z_loc = self.hidden_to_loc(h)
        # the scale must be > 0 for every input: softplus is positive by construction
        z_scale = nn.functional.softplus(self.hidden_to_scale(h)) + 1e-6
        return z_loc, z_scale


class VDecoder(nn.Module):
    """Decoder for VAE."""

    def __init__(
        self,
        n_latent_features: int,
        n_hidden_neurons: int,
        n_output_features: int,
    ):
        """
        :param n_latent_features: number of latent features (same as in Encoder)
        :param n_hidden_neurons: number of neurons in hidden FC layer
        :param n_output_features: size of the output vector (28 x 28 = 784 for MNIST)
        """
        super().__init__()

        self.latent_to_hidden = nn.Linear(n_latent_features, n_hidden_neurons)
        self.hidden_to_output = nn.Linear(n_hidden_neurons, n_output_features)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent vector to image."""
        r = nn.functional.relu(self.latent_to_hidden(z))
        # Bernoulli means of the pixels: in [0, 1]
        r = torch.sigmoid(self.hidden_to_output(r))
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
        z_loc, z_scale = self.encoder(x)
        # reparameterisation: z = loc + scale * eps, differentiable in loc and scale
        z = dist.Normal(z_loc, z_scale).rsample()
        return z

    def decoder_forward(self, z: torch.Tensor) -> torch.Tensor:
        """Function to perform forward pass through decoder network.
        takes: tensor of shape [batch_size x latent_feature_size] (latent vector)
        returns: tensor of shape [batch_size x [image-size]] (reconstructed images batch)
        """
        r = None
        r = self.decoder(z)
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
            pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))


class BetaVariationalAutoencoder(VariationalAutoencoder):
    """beta-Variational Auto Encoder model."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def model(self, x: torch.Tensor):
        """p(x|z)p(z) with log p(z) weighted by beta."""
        pyro.module("decoder", self.decoder)
        with pyro.plate("data", x.shape[0]):
            z_loc = torch.zeros((x.shape[0], self.n_latent_features))
            z_scale = torch.ones((x.shape[0], self.n_latent_features))
            # scaling the latent site in the model and in the guide weights exactly the
            # KL term E[log q(z|x) - log p(z)]; the reconstruction term is left as it is
            with poutine.scale(scale=self.beta):
                z = pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))
            output = self.decoder.forward(z).view(-1, *self.input_shape)
            pyro.sample("obs", dist.Bernoulli(output).to_event(3), obs=x)

    def guide(self, x: torch.Tensor):
        """q(z|x) with log q(z|x) weighted by beta."""
        pyro.module("encoder", self.encoder)
        with pyro.plate("data", x.shape[0]):
            z_loc, z_scale = self.encoder.forward(x.view(x.shape[0], -1))
            with poutine.scale(scale=self.beta):
                pyro.sample("latent", dist.Normal(z_loc, z_scale).to_event(1))


# Task 2: run in the notebook after the AE and the VAE were trained (reads ae_model, vae_model,
# X_train, y_train, X_val, y_val of the template).
DOWNSTREAM_CELL = '''import time

from sklearn.metrics import accuracy_score, f1_score
from sklearn.naive_bayes import GaussianNB


def encode(model, X, use_mean=False):
    """Latent codes of X (batches of 1000): the VAE gives its posterior mean when use_mean."""
    model.eval()
    codes = []
    with torch.no_grad():
        for batch in torch.split(X, 1000):
            if use_mean:
                codes.append(model.encoder(batch.view(batch.shape[0], -1))[0])
            else:
                codes.append(model.encoder_forward(batch))
    return torch.cat(codes).numpy()


def evaluate(name, train_features, val_features):
    """Gaussian naive Bayes (a deliberately weak classifier): metrics and times."""
    classifier = GaussianNB()
    start = time.perf_counter()
    classifier.fit(train_features, y_train)
    train_time = time.perf_counter() - start
    start = time.perf_counter()
    predicted = classifier.predict(val_features)
    predict_time = time.perf_counter() - start
    accuracy = accuracy_score(y_val, predicted)
    f1 = f1_score(y_val, predicted, average="macro")
    print(f"{name:>8}: accuracy {accuracy:.3f}, F1 {f1:.3f}, "
          f"train {train_time:.2f} s, inference {predict_time:.3f} s")
    return accuracy, f1, train_time, predict_time


y_train = np.asarray(y_train)
y_val = np.asarray(y_val)
results = {
    "piksele": evaluate("piksele", X_train.view(len(X_train), -1).numpy(), X_val.view(len(X_val), -1).numpy()),
    "AE": evaluate("AE", encode(ae_model, X_train), encode(ae_model, X_val)),
    "VAE": evaluate("VAE", encode(vae_model, X_train, use_mean=True), encode(vae_model, X_val, use_mean=True)),
}'''
