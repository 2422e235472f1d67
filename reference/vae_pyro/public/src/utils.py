"""Training loop and analysis tools of lab ``vae-pyro``.

Only torch, pyro, numpy, matplotlib, scikit-learn and tqdm are needed (no torchvision).
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pyro
import torch
from sklearn.manifold import TSNE
from torch import nn
from tqdm.auto import tqdm

__all__ = ["AutoEncoderAnalyzer", "train_ae"]

#: environment variable that caps the number of epochs of :func:`train_ae`
MAX_EPOCHS_ENV = "GRADER_MAX_EPOCHS"


def _capped_epochs(epochs: int) -> int:
    """``epochs``, or fewer when the environment variable ``GRADER_MAX_EPOCHS`` says so."""
    raw = os.environ.get(MAX_EPOCHS_ENV, "").strip()
    if not raw:
        return epochs
    try:
        cap = int(raw)
    except ValueError:
        print(f"{MAX_EPOCHS_ENV}={raw!r} is not an integer: ignored.")
        return epochs
    if 0 <= cap < epochs:
        print(f"{MAX_EPOCHS_ENV}={cap}: training for {cap} epochs instead of {epochs}.")
        return cap
    return epochs


def _set_input_shape(model: nn.Module, x: torch.Tensor) -> None:
    """Let the model record ``input_shape`` (its ``model``/``decoder_forward`` read it)."""
    if getattr(model, "input_shape", "absent") is None:
        with torch.no_grad():
            model.encoder_forward(x)


def _batch_loss(model, x, loss_fn, loss_fn_args) -> torch.Tensor:
    """The loss of one batch, per example for Pyro losses."""
    if loss_fn_args is None:
        return loss_fn(model(x), x)
    # Validation off: the Bernoulli likelihood then scores grey pixels in [0, 1]
    # (continuous binary cross-entropy), as in the Pyro VAE tutorial.
    with pyro.validation_enabled(False):
        return loss_fn(*loss_fn_args, x) / x.shape[0]


def train_ae(
    model: nn.Module,
    epochs: int,
    train_loader: torch.utils.data.DataLoader,
    val_loader: torch.utils.data.DataLoader,
    lr: float,
    loss_fn: Callable,
    loss_fn_args: Sequence | None = None,
) -> dict[str, list[float]]:
    """Train an auto-encoder with Adam and report train/validation losses per epoch.

    :param model: the auto-encoder (a ``BaseAutoEncoder``)
    :param epochs: number of epochs (capped by the environment variable ``GRADER_MAX_EPOCHS``
        when it holds a smaller integer)
    :param train_loader: batches ``(x, label)`` to train on (labels are ignored)
    :param val_loader: batches ``(x, label)`` for the validation loss
    :param lr: learning rate of Adam
    :param loss_fn: without ``loss_fn_args``: ``loss_fn(model(x), x)`` (e.g. ``nn.MSELoss()``);
        with them: ``loss_fn(*loss_fn_args, x)``, e.g.
        ``pyro.infer.Trace_ELBO().differentiable_loss`` with ``(model.model, model.guide)``:
        the negative ELBO, divided by the batch size (a loss per example).
    :param loss_fn_args: leading arguments of a Pyro loss (see ``loss_fn``)
    :returns: ``{"train_loss": [...], "val_loss": [...]}``, the mean loss of each epoch

    Pyro losses are computed with Pyro's validation turned off
    (``pyro.validation_enabled(False)``): the lab's model scores grey MNIST pixels (values in
    [0, 1]) with ``dist.Bernoulli``, whose support check would reject them. Without the check
    the log-likelihood is the continuous binary cross-entropy
    ``x log p + (1 - x) log(1 - p)``, as in the Pyro VAE tutorial.
    """
    epochs = _capped_epochs(epochs)
    if loss_fn_args is not None:
        pyro.clear_param_store()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": []}
    try:
        device = next(model.parameters()).device
    except StopIteration:
        device = torch.device("cpu")

    progress = tqdm(range(epochs), desc="Trening")
    for epoch in progress:
        model.train()
        total, count = 0.0, 0
        for x, _ in train_loader:
            x = x.to(device)
            _set_input_shape(model, x)
            loss = _batch_loss(model, x, loss_fn, loss_fn_args)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * x.shape[0]
            count += x.shape[0]
        train_loss = total / max(count, 1)

        model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for x, _ in val_loader:
                x = x.to(device)
                _set_input_shape(model, x)
                total += _batch_loss(model, x, loss_fn, loss_fn_args).item() * x.shape[0]
                count += x.shape[0]
        val_loss = total / max(count, 1) if count else float("nan")
        model.train()

        history["train_loss"].append(float(train_loss))
        history["val_loss"].append(float(val_loss))
        progress.set_postfix(train_loss=f"{train_loss:.4f}", val_loss=f"{val_loss:.4f}")
        progress.write(f"Epoka {epoch + 1}/{epochs}: train_loss={train_loss:.4f}, "
                       f"val_loss={val_loss:.4f}")
    progress.close()
    return history


def _as_image(t: torch.Tensor) -> np.ndarray:
    """A 2-D array to show with ``imshow`` (784 values become 28 x 28)."""
    a = t.detach().cpu().float().numpy().squeeze()
    if a.ndim == 1:
        side = math.isqrt(a.size)
        if side * side == a.size:
            a = a.reshape(side, side)
    elif a.ndim == 3 and a.shape[0] in (1, 3):  # channels first
        a = np.moveaxis(a, 0, -1)
    return a


def _show(ax, t: torch.Tensor, title: str | None = None) -> None:
    ax.imshow(_as_image(t), cmap="gray", vmin=0.0, vmax=1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=8)


class AutoEncoderAnalyzer:
    """Figures that show what an auto-encoder learned (each method returns its Figure).

    :param model: a trained ``BaseAutoEncoder``
    :param dataset: a dataset of ``(image, label)`` pairs, images in [0, 1] (e.g. MNIST with
        ``ToTensor()``); only its first ``max_examples`` examples are used
    :param n_samplings: reconstructions per image in :meth:`compare_samplings`
    :param max_examples: examples encoded for :meth:`average_points_per_class`
    :param tsne_examples: examples shown by :meth:`analyze_tsne`

    A variational model samples its latent code in ``encoder_forward``, so reconstructions and
    codes differ from call to call. The model is put in eval mode while a figure is drawn.
    """

    def __init__(
        self,
        model: nn.Module,
        dataset,
        n_samplings: int = 1,
        max_examples: int = 2000,
        tsne_examples: int = 1000,
    ):
        self.model = model
        self.dataset = dataset
        self.n_samplings = n_samplings
        self.tsne_examples = tsne_examples
        n = min(len(dataset), max_examples)
        images, labels = [], []
        for i in range(n):
            image, label = dataset[i]
            images.append(torch.as_tensor(image, dtype=torch.float32))
            labels.append(int(label))
        self._images = torch.stack(images)
        self._labels = np.asarray(labels)
        self._averages: torch.Tensor | None = None
        with self._evaluating():
            # decoder_forward of the lab's models needs input_shape, set by encoder_forward
            self.model.encoder_forward(self._images[:1])

    @contextmanager
    def _evaluating(self):
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                yield
        finally:
            self.model.train(was_training)

    def _encode(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        with self._evaluating():
            codes = [self.model.encoder_forward(b) for b in torch.split(images, batch_size)]
        return torch.cat(codes).reshape(len(images), -1)

    def _decode(self, z: torch.Tensor) -> torch.Tensor:
        with self._evaluating():
            return self.model.decoder_forward(z)

    def compare_reconstruction_with_original(self, n_images: int = 10) -> plt.Figure:
        """Originals (top row) and their reconstructions ``model(x)`` (bottom row)."""
        x = self._images[:n_images]
        with self._evaluating():
            r = self.model(x)
        fig, axes = plt.subplots(2, len(x), figsize=(1.2 * len(x), 2.8), squeeze=False)
        for i in range(len(x)):
            _show(axes[0, i], x[i])
            _show(axes[1, i], r[i])
        axes[0, 0].set_ylabel("Oryginał")
        axes[1, 0].set_ylabel("Rekonstrukcja")
        fig.suptitle("Oryginały i ich rekonstrukcje")
        fig.tight_layout()
        return fig

    def compare_samplings(self, n_images: int = 5) -> plt.Figure:
        """For a few images: the original and ``n_samplings`` reconstructions of it."""
        x = self._images[:n_images]
        cols = 1 + self.n_samplings
        fig, axes = plt.subplots(len(x), cols, figsize=(1.2 * cols, 1.3 * len(x)),
                                 squeeze=False)
        with self._evaluating():
            samples = [self.model(x) for _ in range(self.n_samplings)]
        for i in range(len(x)):
            _show(axes[i, 0], x[i], "Oryginał" if i == 0 else None)
            for s, r in enumerate(samples, start=1):
                _show(axes[i, s], r[i], f"Próbka {s}" if i == 0 else None)
        fig.suptitle("Różne rekonstrukcje tego samego obrazu")
        fig.tight_layout()
        return fig

    def average_points_per_class(self) -> plt.Figure:
        """Mean latent code of each class (stored in ``self._averages``), decoded."""
        codes = self._encode(self._images)
        classes = np.unique(self._labels)
        self._averages = torch.stack(
            [codes[torch.as_tensor(self._labels == c)].mean(dim=0) for c in classes])
        decoded = self._decode(self._averages)
        fig, axes = plt.subplots(1, len(classes), figsize=(1.2 * len(classes), 1.8),
                                 squeeze=False)
        for i, c in enumerate(classes):
            _show(axes[0, i], decoded[i], str(c))
        fig.suptitle("Zdekodowane średnie kody klas")
        fig.tight_layout()
        return fig

    def analyze_features(self, latent_code: torch.Tensor, steps: int = 11,
                         n_std: float = 3.0) -> plt.Figure:
        """Decode ``latent_code`` with one dimension changed at a time.

        Row ``d`` varies dimension ``d`` over ``steps`` values evenly spaced within
        ``n_std`` standard deviations (of that dimension over the encoded examples) on each
        side of its value; with an odd ``steps`` the middle column is ``latent_code`` itself.
        """
        code = torch.as_tensor(latent_code, dtype=torch.float32).detach().reshape(-1)
        n_latent = code.shape[0]
        std = self._encode(self._images[:1000]).std(dim=0)
        std = torch.where(torch.isfinite(std) & (std > 0), std, torch.ones_like(std))
        offsets = torch.linspace(-n_std, n_std, steps)
        z = code.repeat(n_latent, steps, 1)  # [n_latent, steps, n_latent]
        for d in range(n_latent):
            z[d, :, d] = code[d] + offsets * std[d]
        decoded = self._decode(z.reshape(n_latent * steps, n_latent))
        fig, axes = plt.subplots(n_latent, steps, figsize=(0.8 * steps, 0.8 * n_latent),
                                 squeeze=False)
        for d in range(n_latent):
            for s in range(steps):
                _show(axes[d, s], decoded[d * steps + s],
                      f"{offsets[s]:+.1f}σ" if d == 0 else None)
            axes[d, 0].set_ylabel(f"z[{d}]", fontsize=8)
        fig.tight_layout()
        return fig

    def analyze_tsne(self) -> plt.Figure:
        """t-SNE of the latent codes of the first examples, coloured by class."""
        images = self._images[: self.tsne_examples]
        labels = self._labels[: self.tsne_examples]
        codes = self._encode(images).numpy()
        perplexity = float(min(30, max(1, len(codes) - 1)))
        embedded = TSNE(n_components=2, init="pca", random_state=0,
                        perplexity=perplexity).fit_transform(codes)
        fig, ax = plt.subplots(figsize=(7, 6))
        cmap = plt.get_cmap("tab10")
        for i, c in enumerate(np.unique(labels)):
            mask = labels == c
            ax.scatter(embedded[mask, 0], embedded[mask, 1], s=6, color=cmap(i % 10),
                       label=str(c))
        ax.legend(title="Klasa", markerscale=3, loc="best", fontsize=8)
        ax.set_title("t-SNE ukrytych reprezentacji")
        fig.tight_layout()
        return fig
