"""Probes of the lab autoencoders-keras: they run INSIDE the sandbox, next to student code.

The notebook has built (and, in execute mode, briefly trained) its models; a probe only reads
them: the layers' configuration, their weights, and what each layer computes on the inputs the
judge sent. It never trains, never changes a weight, and decides nothing: every comparison
happens in the judge (``reference/autoencoders_keras/public/checks.py``). This file is public:
students may read it.

Works with Keras 2 (tf-keras) and Keras 3: layers are read through ``get_weights()``,
``get_config()`` and the attributes both versions share (``units``, ``activation``,
``activity_regularizer``, ``kernel_regularizer``).
"""

from __future__ import annotations

import numpy as np

from grader.probes import reject, student_code, to_numpy

MAX_UNITS = 128  # columns of each block's pre-activation and output sent back
MAX_PIXELS = 5000  # pixel pairs sent back per array in noise_setup (4 arrays: 20000 values)


def _is_model(obj) -> bool:
    """A Keras model (Sequential, functional or subclassed): it has layers and is callable."""
    return hasattr(obj, "layers") and hasattr(obj, "get_weights") and callable(obj)


def _flat_layers(model) -> list:
    """The model's layers in order, nested models expanded, input layers left out."""
    out = []
    for layer in model.layers:
        if _is_model(layer):
            out.extend(_flat_layers(layer))
        elif type(layer).__name__ != "InputLayer":
            out.append(layer)
    return out


def _activation_name(layer) -> str:
    """What the layer's own configuration calls its activation ('' when it has none)."""
    activation = getattr(layer, "activation", None)
    if activation is None:
        return ""
    name = getattr(activation, "__name__", None)
    if not name:
        config = getattr(layer, "get_config", lambda: {})()
        name = config.get("activation") if isinstance(config.get("activation"), str) else type(activation).__name__
    return str(name)


def _is_dense(layer, weights: list) -> bool:
    return bool(weights) and hasattr(layer, "units") and np.ndim(weights[0]) == 2


def _blocks(layers: list) -> list[list]:
    """Layers grouped into blocks: a weighted layer (Dense...) and the weightless layers right
    after it (Activation, ReLU, Dropout, ActivityRegularization...); weightless layers before
    the first weighted one form a block of their own."""
    blocks: list[list] = []
    for layer in layers:
        if layer.get_weights() or not blocks:
            blocks.append([layer])
        else:
            blocks[-1].append(layer)
    return blocks


def _penalty_values(regularizer, inputs: np.ndarray) -> np.ndarray:
    """The regularizer's value on each of the judge's arrays (the judge fits l1 and l2)."""
    import tensorflow as tf

    with student_code():
        return np.asarray(
            [float(to_numpy(regularizer(tf.convert_to_tensor(a, dtype=tf.float32)))) for a in inputs], dtype=np.float64
        )


def _wide_inputs(wide: np.ndarray, fan_in: int) -> np.ndarray:
    """The judge's wide-range rows cut (or tiled) to ``fan_in`` columns."""
    reps = -(-fan_in // wide.shape[1])
    return np.tile(wide, (1, reps))[:, :fan_in].astype(np.float32)


def model_layers(ns, x, wide, reg_inputs):
    """Each block of the model ``ns.student`` (a Dense layer and the weightless layers after
    it) and what it computes.

    The model is run on ``x`` (the judge's rows, ``(N, 784)``) as a whole, and layer by layer;
    each Dense block also gets ``wide`` rows (cut to its fan-in) so that its pre-activations
    cover a wide range whatever the layers before it output. For block ``i``: ``z_i`` (the
    pre-activation ``u @ kernel + bias``, float64) and ``y_i`` (the block's output on the same
    rows), both cut to ``MAX_UNITS`` columns; ``activity_i``/``kernel_reg_i``: the values of the
    block's activity and kernel regularizers on each array of ``reg_inputs``.
    """
    model = ns.student
    if not _is_model(model):
        reject(
            f"{ns.name} is not a Keras model (it is {type(model).__name__}): "
            "build it with Sequential([...]) or Model(inputs, outputs)"
        )
    x = np.asarray(x, dtype=np.float32)
    wide = np.asarray(wide, dtype=np.float32)
    with student_code():
        final = to_numpy(model(x, training=False)).astype(np.float64)
        layers = _flat_layers(model)
    result: dict = {"output_shape": [int(s) for s in final.shape], "n_layers": len(layers)}
    kinds, units, fan_ins, classes, names = [], [], [], [], []
    h = x
    for i, block in enumerate(_blocks(layers)):
        head = block[0]
        weights = head.get_weights()
        dense = _is_dense(head, weights)
        classes.append("+".join(type(layer).__name__ for layer in block))
        names.append("+".join(_activation_name(layer) or type(layer).__name__.lower() for layer in block))
        if dense:
            kernel = np.asarray(weights[0], dtype=np.float64)
            bias = np.asarray(weights[1], dtype=np.float64) if len(weights) > 1 else 0.0
            fan_in, n_units = kernel.shape
            if h.ndim != 2 or h.shape[1] != fan_in:
                dense = False  # fed something other than (N, fan_in): cannot read it as a chain
        kinds.append("dense" if dense else ("weighted" if weights else "pre"))
        units.append(int(getattr(head, "units", -1) or -1) if dense else -1)
        fan_ins.append(int(kernel.shape[0]) if dense else -1)
        rows = np.concatenate([h, _wide_inputs(wide, fan_in)]) if dense else h
        try:  # the model already ran as a whole: a layer that fails here is no chain, not a bug
            out = rows
            for layer in block:
                out = to_numpy(layer(out, training=False) if _accepts_training(layer) else layer(out))
            out = np.asarray(out, dtype=np.float32)
        except Exception:  # noqa: BLE001 - branches, merge layers, custom call methods
            result["chain_matches"] = False
            break
        if dense:
            cols = min(n_units, MAX_UNITS)
            result[f"z_{i}"] = (rows.astype(np.float64) @ kernel + bias)[:, :cols]
            result[f"y_{i}"] = out.reshape(len(rows), -1)[:, :cols].astype(np.float64)
        h = out[: len(h)] if dense else out
        activity = [
            layer.activity_regularizer for layer in block if getattr(layer, "activity_regularizer", None) is not None
        ]
        if activity:
            result[f"activity_{i}"] = sum(_penalty_values(r, reg_inputs) for r in activity)
        kernel_reg = getattr(head, "kernel_regularizer", None)
        if kernel_reg is not None:
            result[f"kernel_reg_{i}"] = _penalty_values(kernel_reg, reg_inputs)
    if result.get("chain_matches", True):
        chain = np.asarray(h, dtype=np.float64)
        result["chain_matches"] = bool(chain.shape == final.shape and np.allclose(chain, final, atol=1e-4, rtol=1e-3))
    result.update(kinds=kinds, units=units, fan_ins=fan_ins, classes=classes, activations=names)
    return result


def _accepts_training(layer) -> bool:
    """Dropout and friends take ``training=``; plain callables may not."""
    import inspect

    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError, AttributeError):
        return False


# ------------------------------------------------------------------------------- 4.1 noise

NOISE_ARRAYS = (("x_train", "x_train_noisy"), ("x_test", "x_test_noisy"))


def noise_setup(ns, fractions):
    """The graded ``noise_factor`` and the notebook's clean and noisy arrays: for each array its
    shape, range and whether it is finite, and for the ``i``-th (clean, noisy) pair the pixels at
    the positions row ``i`` of ``fractions`` names (fractions of the array's size in [0, 1), at
    most ``MAX_PIXELS``; ``clean_<name>``, ``noisy_<name>``), from which the judge estimates the
    noise actually added. The judge draws the positions (the lab's cases), so every numpy reads
    the same pixels."""
    value = ns.student
    try:
        factor = float(to_numpy(value))
    except (TypeError, ValueError):
        reject(f"{ns.name} should be a number (the noise's standard deviation), got {type(value).__name__}")
    result: dict = {"noise_factor": factor}
    arrays = {}
    for pair in NOISE_ARRAYS:
        for name in pair:
            raw = ns.get(name)
            if raw is None:
                continue
            try:
                array = to_numpy(raw).astype(np.float64)
            except (TypeError, ValueError):
                result[f"{name}_type"] = type(raw).__name__
                continue
            arrays[name] = array
            finite = np.isfinite(array)
            result[f"{name}_shape"] = [int(s) for s in array.shape]
            result[f"{name}_finite"] = bool(finite.all())
            result[f"{name}_min"] = float(array[finite].min()) if finite.any() else 0.0
            result[f"{name}_max"] = float(array[finite].max()) if finite.any() else 0.0
    fractions = np.asarray(fractions, dtype=np.float64)[:, :MAX_PIXELS]
    for (clean_name, noisy_name), row in zip(NOISE_ARRAYS, fractions):
        clean, noisy = arrays.get(clean_name), arrays.get(noisy_name)
        if clean is None or noisy is None or clean.shape != noisy.shape or clean.size == 0:
            continue
        # a fraction just below 1 may round up to the size: the last pixel then
        where = np.minimum((row * clean.size).astype(np.int64), clean.size - 1)
        result[f"clean_{noisy_name}"] = clean.reshape(-1)[where]
        result[f"noisy_{noisy_name}"] = noisy.reshape(-1)[where]
    return result
