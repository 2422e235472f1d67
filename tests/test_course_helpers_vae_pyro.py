"""Course helpers of lab ``vae-pyro`` (``reference/vae_pyro/public/src``): the base class, the
training loop and the analyzer, exercised with the reference models on the MNIST stand-in."""

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pyro
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

PUBLIC = Path(__file__).resolve().parents[1] / "reference" / "vae_pyro" / "public"
if str(PUBLIC) not in sys.path:
    sys.path.insert(0, str(PUBLIC))

from src.ae import BaseAutoEncoder
from src.utils import AutoEncoderAnalyzer, train_ae

from grader.data.mnist import load_mnist
from reference.vae_pyro.judge.solution import (
    BetaVariationalAutoencoder,
    VariationalAutoencoder,
)
from reference.vae_pyro.public.scaffold import Autoencoder

N_LATENT = 6


class DigitDataset(Dataset):
    """(image (1, 28, 28) float in [0, 1], int label), like torchvision's MNIST with ToTensor."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.data = torch.as_tensor(x, dtype=torch.float32).unsqueeze(1) / 255.0
        self.targets = torch.as_tensor(y.astype(np.int64))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.data[i], int(self.targets[i])


@pytest.fixture(scope="module")
def datasets():
    (x_train, y_train), (x_test, y_test) = load_mnist("standin:sklearn-digits")
    return DigitDataset(x_train[:320], y_train[:320]), DigitDataset(x_test, y_test)


def loaders(datasets, seed=0):
    train, val = datasets
    generator = torch.Generator().manual_seed(seed)
    return (
        DataLoader(train, batch_size=32, shuffle=True, drop_last=True, generator=generator),
        DataLoader(val, batch_size=32, shuffle=False),
    )


def make_ae():
    return Autoencoder(
        n_data_features=784, n_encoder_hidden_features=64, n_decoder_hidden_features=64, n_latent_features=N_LATENT
    )


def make_vae(cls=VariationalAutoencoder, **kwargs):
    return cls(
        n_data_features=784,
        n_encoder_hidden_features=64,
        n_decoder_hidden_features=64,
        n_latent_features=N_LATENT,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("GRADER_MAX_EPOCHS", raising=False)
    torch.manual_seed(0)
    pyro.set_rng_seed(0)
    yield
    plt.close("all")
    pyro.clear_param_store()


# ---------------------------------------------------------------- BaseAutoEncoder


class Tiny(BaseAutoEncoder):
    def __init__(self):
        super().__init__(encoder=nn.Linear(4, 2), decoder=nn.Linear(2, 4), n_latent_features=2)

    def encoder_forward(self, x):
        return self.encoder(x) * 2

    def decoder_forward(self, z):
        return self.decoder(z) + 1


def test_base_forward_chains_encoder_and_decoder():
    model = Tiny()
    x = torch.randn(3, 4)
    assert torch.equal(model(x), model.decoder_forward(model.encoder_forward(x)))
    assert model.n_latent_features == 2
    names = {name for name, _ in model.named_children()}
    assert names == {"encoder", "decoder"}
    assert len(list(model.parameters())) == 4


def test_base_methods_are_abstract():
    base = BaseAutoEncoder(nn.Linear(4, 2), nn.Linear(2, 4), 2)
    x = torch.randn(1, 4)
    with pytest.raises(NotImplementedError):
        base.encoder_forward(x)
    with pytest.raises(NotImplementedError):
        base.decoder_forward(torch.randn(1, 2))
    with pytest.raises(NotImplementedError):
        base(x)


# ---------------------------------------------------------------- train_ae


def assert_history(history, epochs):
    assert set(history) == {"train_loss", "val_loss"}
    assert len(history["train_loss"]) == len(history["val_loss"]) == epochs
    values = history["train_loss"] + history["val_loss"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in values)


def test_train_ae_mse(datasets, capsys):
    model = make_ae()
    train_loader, val_loader = loaders(datasets)
    history = train_ae(model, epochs=2, train_loader=train_loader, val_loader=val_loader, lr=1e-2, loss_fn=nn.MSELoss())
    assert_history(history, 2)
    assert history["train_loss"][1] < history["train_loss"][0]
    assert history["train_loss"][0] < 0.2  # a mean squared error of pixels in [0, 1]
    assert model.training
    assert "Epoka 2/2" in capsys.readouterr().out


def test_train_ae_pyro_elbo_on_grey_pixels(datasets):
    model = make_vae()
    train_loader, val_loader = loaders(datasets)
    x, _ = next(iter(train_loader))
    assert 0 < ((x > 0) & (x < 1)).float().mean() < 1  # really grey pixels
    loss_fn = pyro.infer.Trace_ELBO().differentiable_loss
    history = train_ae(
        model,
        epochs=3,
        train_loader=train_loader,
        val_loader=val_loader,
        lr=1e-3,
        loss_fn=loss_fn,
        loss_fn_args=(model.model, model.guide),
    )
    assert_history(history, 3)
    assert history["train_loss"][2] < history["train_loss"][0]
    assert history["val_loss"][2] < history["val_loss"][0]
    # per example: about 784 pixels' binary cross-entropy, not a batch's sum
    assert 50 < history["train_loss"][0] < 784
    assert tuple(model.input_shape) == (1, 28, 28)


def test_train_ae_beta_vae(datasets):
    model = make_vae(BetaVariationalAutoencoder, beta=4.0)
    train_loader, val_loader = loaders(datasets)
    history = train_ae(
        model,
        epochs=1,
        train_loader=train_loader,
        val_loader=val_loader,
        lr=1e-3,
        loss_fn=pyro.infer.Trace_ELBO().differentiable_loss,
        loss_fn_args=(model.model, model.guide),
    )
    assert_history(history, 1)


def test_validation_rejects_grey_pixels(datasets):
    """Why train_ae turns Pyro's validation off: Bernoulli's support is {0, 1}."""
    model = make_vae()
    x = datasets[0].data[:8]
    model.encoder_forward(x)  # sets input_shape
    loss_fn = pyro.infer.Trace_ELBO().differentiable_loss
    with pyro.validation_enabled(True), pytest.raises(ValueError, match="support"):
        loss_fn(model.model, model.guide, x)
    with pyro.validation_enabled(False):
        assert torch.isfinite(loss_fn(model.model, model.guide, x))


def test_grader_max_epochs_caps(datasets, monkeypatch, capsys):
    monkeypatch.setenv("GRADER_MAX_EPOCHS", "1")
    train_loader, val_loader = loaders(datasets)
    history = train_ae(
        make_ae(), epochs=5, train_loader=train_loader, val_loader=val_loader, lr=1e-3, loss_fn=nn.MSELoss()
    )
    assert_history(history, 1)
    assert "GRADER_MAX_EPOCHS=1" in capsys.readouterr().out


def test_grader_max_epochs_does_not_raise(datasets, monkeypatch):
    monkeypatch.setenv("GRADER_MAX_EPOCHS", "50")
    train_loader, val_loader = loaders(datasets)
    history = train_ae(
        make_ae(), epochs=2, train_loader=train_loader, val_loader=val_loader, lr=1e-3, loss_fn=nn.MSELoss()
    )
    assert_history(history, 2)


# ---------------------------------------------------------------- AutoEncoderAnalyzer


def n_images(fig):
    return sum(len(ax.images) for ax in fig.axes)


@pytest.fixture(scope="module")
def trained_vae(datasets):
    torch.manual_seed(1)
    model = make_vae()
    train_loader, val_loader = loaders(datasets)
    train_ae(
        model,
        epochs=1,
        train_loader=train_loader,
        val_loader=val_loader,
        lr=1e-3,
        loss_fn=pyro.infer.Trace_ELBO().differentiable_loss,
        loss_fn_args=(model.model, model.guide),
    )
    return model


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_analyzer_figures(kind, datasets, trained_vae):
    # a fresh AE has input_shape None: the analyzer must set it before decoding
    model = trained_vae if kind == "vae" else make_ae()
    n_samplings = 3 if kind == "vae" else 1
    model.train()
    val = datasets[1]
    analyzer = AutoEncoderAnalyzer(model=model, dataset=val, n_samplings=n_samplings)
    assert tuple(model.input_shape) == (1, 28, 28)

    fig = analyzer.compare_reconstruction_with_original()
    assert isinstance(fig, plt.Figure)
    assert len(fig.axes) == n_images(fig) == 20
    assert all(im.get_array().shape == (28, 28) for ax in fig.axes for im in ax.images)

    fig = analyzer.compare_samplings()
    assert isinstance(fig, plt.Figure)
    assert n_images(fig) == 5 * (1 + n_samplings)

    fig = analyzer.average_points_per_class()
    assert isinstance(fig, plt.Figure)
    assert n_images(fig) == 10
    averages = list(enumerate(analyzer._averages))
    assert len(averages) == 10
    labels = val.targets.numpy()
    for _digit, latent_code in averages:
        assert latent_code.shape == (N_LATENT,)
        assert torch.isfinite(latent_code).all()
    if kind == "ae":  # deterministic encoder: the mean code of the digit-0 examples
        with torch.no_grad():
            expected = model.encoder_forward(val.data[labels == 0]).mean(dim=0)
        assert torch.allclose(averages[0][1], expected, atol=1e-5)

    _digit, latent_code = averages[3]
    fig = analyzer.analyze_features(latent_code, steps=5)
    assert isinstance(fig, plt.Figure)
    assert n_images(fig) == N_LATENT * 5
    middle = fig.axes[2].images[0].get_array()  # row 0, middle column: the code itself
    with torch.no_grad():
        decoded = model.decoder_forward(latent_code.unsqueeze(0)).reshape(28, 28).numpy()
    np.testing.assert_allclose(np.asarray(middle), decoded, atol=1e-5)

    fig = analyzer.analyze_tsne()
    assert isinstance(fig, plt.Figure)
    points = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert points == len(val)
    assert fig.axes[0].get_legend() is not None

    assert model.training  # the training flag is restored
