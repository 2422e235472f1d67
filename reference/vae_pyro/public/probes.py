"""Probes of the lab vae-pyro: they run INSIDE the sandbox, next to student code.

A probe instantiates the student's class, calls it inside ``student_code()`` and returns plain
data; it decides nothing (every comparison happens in ``reference/vae_pyro/public/checks.py``). Where
one item must be graded independently of another (the VAE's sampling must not depend on the
student's encoder), the probe swaps in stand-in networks whose weights the judge sent, so the
judge knows exactly what a right answer returns. This file is public: students may read it.

Two rules of the lab, the same for every submission (docs/labs/vae-pyro.md):
- Pyro losses are evaluated with distribution validation off: the template's model scores grey
  pixels with ``dist.Bernoulli``, i.e. the continuous cross-entropy ``x log p + (1-x) log(1-p)``,
  as the course helper ``train_ae`` does;
- ``decoder_forward`` is called only after ``encoder_forward`` (which sets ``input_shape``).
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

import numpy as np
import pyro
import torch
import torch.nn as nn
from pyro import poutine
from pyro.poutine.util import site_is_subsample

from grader.probes import reject, student_code, to_numpy

# --------------------------------------------------------------------------------- helpers


def _tensor(array) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))


def _pair(value, what: str):
    """``(z_loc, z_scale)`` from what the student's encoder returned."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        reject(
            f"{what} should return a pair (z_loc, z_scale), got {type(value).__name__}"
            + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "")
        )
    return _numbers(value[0], f"{what}: z_loc"), _numbers(value[1], f"{what}: z_scale")


def _numbers(value, what: str) -> np.ndarray:
    if value is None:
        reject(f"{what} is None: the method should return a tensor (use `return`)")
    try:
        return to_numpy(value)
    except (TypeError, ValueError) as exc:
        reject(f"{what} is {type(value).__name__}, not a tensor: {exc}")


def _shift_biases(module: nn.Module, shift: float) -> nn.Module:
    """A copy of ``module`` with ``shift`` added to every bias: drives each layer's
    pre-activations far below (or above) anything typical inputs produce."""
    shifted = copy.deepcopy(module)
    with torch.no_grad():
        for name, param in shifted.named_parameters():
            if name.split(".")[-1].startswith("bias"):
                param.add_(shift)
    return shifted


def _count_biases(module: nn.Module) -> int:
    return sum(1 for name, _ in module.named_parameters() if name.split(".")[-1].startswith("bias"))


class StandInEncoder(nn.Module):
    """``x -> (x @ w_loc + b_loc, softplus(x @ w_scale + b_scale))``: the judge knows its output."""

    def __init__(self, w_loc, b_loc, w_scale, b_scale):
        super().__init__()
        self.w_loc, self.b_loc = nn.Parameter(_tensor(w_loc)), nn.Parameter(_tensor(b_loc))
        self.w_scale, self.b_scale = nn.Parameter(_tensor(w_scale)), nn.Parameter(_tensor(b_scale))

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        return x @ self.w_loc + self.b_loc, nn.functional.softplus(x @ self.w_scale + self.b_scale)


class StandInDecoder(nn.Module):
    """``z -> sigmoid(z @ w + b)`` with 784 outputs."""

    def __init__(self, w, b):
        super().__init__()
        self.w, self.b = nn.Parameter(_tensor(w)), nn.Parameter(_tensor(b))

    def forward(self, z):
        return torch.sigmoid(z @ self.w + self.b)


@contextmanager
def _names_replaced(functions, replacements: dict):
    """Temporarily give ``functions`` (the student's ``__init__``s) other values for some of the
    globals they read (their VEncoder/VDecoder), restoring the student's afterwards, so that a
    broken encoder class does not stop the VAE from being built."""
    saved = []
    for fn in functions:
        target = getattr(fn, "__globals__", None)
        if target is None:
            continue
        for name, value in replacements.items():
            saved.append((target, name, target.get(name, _ABSENT)))
            target[name] = value
    try:
        yield
    finally:
        for target, name, old in reversed(saved):
            if old is _ABSENT:
                target.pop(name, None)
            else:
                target[name] = old


_ABSENT = object()


def _inits(cls) -> list:
    """The ``__init__``s of the student's classes in ``cls``'s hierarchy (not torch's or ours)."""
    inits = [klass.__dict__.get("__init__") for klass in getattr(cls, "__mro__", ())]
    return [fn for fn in inits if getattr(getattr(fn, "__code__", None), "co_filename", "").startswith("<cell ")]


def _build(cls, kwargs: dict, encoder: nn.Module | None, decoder: nn.Module | None):
    """The student's (beta-)VAE built with ``kwargs``; its networks replaced by the stand-ins."""
    replacements = {}
    if encoder is not None:
        replacements["VEncoder"] = lambda *a, **k: encoder
    if decoder is not None:
        replacements["VDecoder"] = lambda *a, **k: decoder
    with _names_replaced(_inits(cls), replacements), student_code():
        model = cls(**kwargs)
    if not isinstance(model, nn.Module):
        reject(f"{cls.__name__}(...) did not build an nn.Module")
    # students who build their networks inline (not through VEncoder/VDecoder) get them replaced too
    if encoder is not None:
        model.encoder = encoder
    if decoder is not None:
        model.decoder = decoder
    return model


def _vae_kwargs(n_latent: int, n_hidden: int) -> dict:
    return dict(
        n_data_features=784,
        n_encoder_hidden_features=n_hidden,
        n_decoder_hidden_features=n_hidden,
        n_latent_features=n_latent,
    )


# ------------------------------------------------------------------------------ 1a.encoder


def encoder_outputs(ns, x, n_hidden, n_latent, shifts):
    """``VEncoder(784, n_hidden, n_latent)`` on ``x``, and on copies of it with every bias
    shifted by each of ``shifts`` (pre-activations far outside what typical inputs give)."""
    with student_code():
        encoder = ns.student(
            n_input_features=int(x.shape[1]), n_hidden_neurons=int(n_hidden), n_latent_features=int(n_latent)
        )
        with torch.no_grad():
            out = encoder(_tensor(x))
    loc, scale = _pair(out, f"{ns.name}.forward")
    shifted_loc, shifted_scale = [], []
    for shift in np.asarray(shifts).tolist():
        with student_code(), torch.no_grad():
            out = _shift_biases(encoder, shift)(_tensor(x))
        l_, s_ = _pair(out, f"{ns.name}.forward")
        shifted_loc.append(l_)
        shifted_scale.append(s_)
    return {
        "loc": loc,
        "scale": scale,
        "n_biases": _count_biases(encoder),
        "shifted_loc": np.stack(shifted_loc) if shifted_loc else np.zeros(0),
        "shifted_scale": np.stack(shifted_scale) if shifted_scale else np.zeros(0),
    }


# ------------------------------------------------------------------------------ 1a.decoder


def decoder_outputs(ns, z, n_hidden, shifts):
    """``VDecoder(L, n_hidden, 784)`` on ``z`` and on ``z`` times 100, and on copies with every
    bias shifted by each of ``shifts``."""
    with student_code():
        decoder = ns.student(n_latent_features=int(z.shape[1]), n_hidden_neurons=int(n_hidden), n_output_features=784)
        with torch.no_grad():
            out = _numbers(decoder(_tensor(z)), f"{ns.name}.forward")
            big = _numbers(decoder(_tensor(z * 100.0)), f"{ns.name}.forward")
    shifted = []
    for shift in np.asarray(shifts).tolist():
        with student_code(), torch.no_grad():
            shifted.append(_numbers(_shift_biases(decoder, shift)(_tensor(z)), f"{ns.name}.forward"))
    return {
        "out": out,
        "big": big,
        "n_biases": _count_biases(decoder),
        "shifted": np.stack(shifted) if shifted else np.zeros(0),
    }


# ---------------------------------------------------------------------------------- 1a.vae


def vae_sampling(ns, x, w_loc, b_loc, w_scale, b_scale, w_dec, b_dec, draws, z):
    """The student's VAE with the stand-in networks: ``draws`` calls of ``encoder_forward(x)``,
    then ``decoder_forward(z)`` (after encoder_forward, which sets ``input_shape``)."""
    encoder = StandInEncoder(w_loc, b_loc, w_scale, b_scale)
    decoder = StandInDecoder(w_dec, b_dec)
    model = _build(ns.student, _vae_kwargs(int(w_loc.shape[1]), 16), encoder, decoder)
    images = _tensor(x)
    samples = []
    with torch.no_grad():
        for _ in range(int(draws)):
            with student_code():
                samples.append(_numbers(model.encoder_forward(images), f"{ns.name}.encoder_forward"))
        with student_code():
            decoded = _numbers(model.decoder_forward(_tensor(z)), f"{ns.name}.decoder_forward")
    shapes = {s.shape for s in samples}
    if len(shapes) != 1:
        reject(f"{ns.name}.encoder_forward returned tensors of different shapes: {sorted(shapes)}")
    return {"samples": np.stack(samples), "decoded": decoded}


def vae_elbo_training(ns, x, n_latent, n_hidden, steps, lr, repeats):
    """The student's VAE as its ``__init__`` builds it (``VEncoder``/``VDecoder`` are the
    judge's stand-ins, ``STAND_INS``, unless the rubric grades 1a.vae together with them):
    ``Trace_ELBO`` on ``x`` averaged over ``repeats`` seeded draws, before and after ``steps``
    Adam steps on that batch."""
    images = _tensor(x)
    with student_code():
        model = ns.student(**_vae_kwargs(int(n_latent), int(n_hidden)))
        with torch.no_grad():
            model.encoder_forward(images)  # sets input_shape, as the template requires
    pyro.clear_param_store()
    elbo = pyro.infer.Trace_ELBO()

    def mean_loss() -> float:
        values = []
        with torch.no_grad():
            for k in range(int(repeats)):
                pyro.set_rng_seed(1000 + k)
                with student_code():
                    values.append(float(elbo.differentiable_loss(model.model, model.guide, images)))
        return float(np.mean(values))

    with pyro.validation_enabled(False):
        before = mean_loss()
        params = [p for p in model.parameters() if p.requires_grad]
        if not params:
            reject(f"{ns.name} has no trainable parameters")
        optimizer = torch.optim.Adam(params, lr=float(lr))
        for step in range(int(steps)):
            pyro.set_rng_seed(step)
            optimizer.zero_grad()
            with student_code():
                loss = elbo.differentiable_loss(model.model, model.guide, images)
                loss.backward()
            optimizer.step()
        after = mean_loss()
    return {"before": before, "after": after}


# -------------------------------------------------------------------------------- 3 (bonus)


def beta_losses(ns, x, w_loc, b_loc, w_scale, b_scale, w_dec, b_dec, betas, rng_seed):
    """For each beta: the student's ``BetaVariationalAutoencoder(beta=beta, ...)`` with the
    stand-in networks, the latent ``z`` its guide samples under ``rng_seed`` and its
    ``Trace_ELBO`` loss under the same seed (so the same ``z``)."""
    images = _tensor(x)
    losses, latents = [], []
    for beta in np.asarray(betas).tolist():
        encoder = StandInEncoder(w_loc, b_loc, w_scale, b_scale)
        decoder = StandInDecoder(w_dec, b_dec)
        kwargs = dict(_vae_kwargs(int(w_loc.shape[1]), 16), beta=float(beta))
        model = _build(ns.student, kwargs, encoder, decoder)
        if getattr(model, "input_shape", None) is None:
            model.input_shape = images.shape[1:]  # what encoder_forward would set (graded in 1a.vae)
        with pyro.validation_enabled(False), torch.no_grad():
            pyro.clear_param_store()
            pyro.set_rng_seed(int(rng_seed))
            with student_code():
                trace = poutine.trace(model.guide).get_trace(images)
            sites = [
                s
                for s in trace.nodes.values()
                if s["type"] == "sample" and not s["is_observed"] and not site_is_subsample(s)
            ]
            if len(sites) != 1:
                reject(f"{ns.name}.guide should sample one latent site, it samples {len(sites)}")
            latents.append(_numbers(sites[0]["value"], "the guide's latent sample"))
            pyro.set_rng_seed(int(rng_seed))
            with student_code():
                loss = pyro.infer.Trace_ELBO().differentiable_loss(model.model, model.guide, images)
            losses.append(float(loss))
    return {"losses": np.asarray(losses, dtype=np.float64), "latents": np.stack(latents)}


# --------------------------------------------------------------------- 2 (reference result)


def downstream_codes(ns, x_train, x_val, n_latent, n_hidden, epochs, batch_size, lr):
    """The student's VAE class trained briefly by the course helper ``train_ae`` on the judge's
    images (seeded), then the posterior means of ``x_train`` and ``x_val``."""
    from src.utils import train_ae
    from torch.utils.data import DataLoader, TensorDataset

    train = TensorDataset(_tensor(x_train), torch.zeros(len(x_train), dtype=torch.long))
    val = TensorDataset(_tensor(x_val), torch.zeros(len(x_val), dtype=torch.long))
    generator = torch.Generator().manual_seed(0)
    with student_code():
        model = ns.student(**_vae_kwargs(int(n_latent), int(n_hidden)))
        train_ae(
            model,
            epochs=int(epochs),
            train_loader=DataLoader(train, batch_size=int(batch_size), shuffle=True, generator=generator),
            val_loader=DataLoader(val, batch_size=256),
            lr=float(lr),
            loss_fn=pyro.infer.Trace_ELBO().differentiable_loss,
            loss_fn_args=(model.model, model.guide),
        )
        model.eval()
        with torch.no_grad():
            codes = [
                _pair(model.encoder(_tensor(a).reshape(len(a), -1)), f"{ns.name}.encoder")[0] for a in (x_train, x_val)
            ]
    return {"train": codes[0], "val": codes[1]}


# ------------------------------------------------------------------------------- stand-ins


class StandInVEncoder(nn.Module):
    """Stand-in of 1a.encoder with the template's contract: ``VEncoder(n_input_features,
    n_hidden_neurons, n_latent_features)``, ``forward(x) -> (z_loc, z_scale)`` with a softplus
    scale. Deliberately minimal (one linear layer; ``n_hidden_neurons`` is accepted and unused)."""

    def __init__(self, n_input_features: int, n_hidden_neurons: int, n_latent_features: int):
        super().__init__()
        self.linear = nn.Linear(n_input_features, 2 * n_latent_features)

    def forward(self, x):
        loc, scale = self.linear(x.reshape(x.shape[0], -1)).chunk(2, dim=-1)
        return loc, nn.functional.softplus(scale) + 1e-6


class StandInVDecoder(nn.Module):
    """Stand-in of 1a.decoder: ``VDecoder(n_latent_features, n_hidden_neurons, n_output_features)``,
    ``forward(z) -> sigmoid(linear(z))`` of ``n_output_features`` values in [0, 1]."""

    def __init__(self, n_latent_features: int, n_hidden_neurons: int, n_output_features: int):
        super().__init__()
        self.linear = nn.Linear(n_latent_features, n_output_features)

    def forward(self, z):
        return torch.sigmoid(self.linear(z))


#: Known-correct classes with each item's contract, for the items whose objects other items'
#: code uses (the student's VariationalAutoencoder builds VEncoder and VDecoder): the judge binds
#: them in place of the student's (grader.independence, docs/checks.md), so a broken encoder
#: costs 1a.encoder only. Item id -> zero-argument factory.
STAND_INS = {
    "1a.encoder": lambda: StandInVEncoder,
    "1a.decoder": lambda: StandInVDecoder,
}
