"""Turning framework objects into plain data, on the sandbox's side of the wire.

Framework-neutral: TensorFlow tensors and variables, torch tensors, numpy arrays and scalars
all become numpy arrays or Python numbers. Anything else is refused, so a probe can never
smuggle an object (and its code) back to the grader.
"""

from __future__ import annotations

import numpy as np

from ..frameworks import FRAMEWORKS


def to_numpy(value) -> np.ndarray:
    """A numeric numpy array from a numpy/TensorFlow/torch value (or nested lists of them)."""
    if isinstance(value, np.ndarray):
        array = value
    elif (converted := _tensor_to_numpy(value)) is not None:
        array = converted
    elif isinstance(value, (list, tuple)):
        array = np.asarray([to_numpy(v) for v in value])
    else:
        array = value
    array = np.asarray(array)  # numpy/TF scalars become 0-d arrays: always sent as arrays
    if array.dtype == object or array.dtype.kind not in "biufc":
        raise TypeError(f"expected numbers, got an array of {array.dtype}")
    return array


def split_plain(result: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """Split a probe's result into JSON values and arrays (tensors become arrays)."""
    plain: dict = {}
    arrays: dict[str, np.ndarray] = {}
    for key, value in result.items():
        if value is None or isinstance(value, (bool, int, float, str)):
            plain[key] = value
        elif isinstance(value, np.generic):
            plain[key] = value.item()
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (bool, int, float, str)) for v in value):
            plain[key] = list(value)
        else:
            arrays[key] = to_numpy(value)
    return plain, arrays


def _tensor_to_numpy(value) -> np.ndarray | None:
    """A framework's tensor as numpy, asking each adapter in turn (None: not a tensor)."""
    for framework in FRAMEWORKS:
        array = framework.tensor_to_numpy(value)
        if array is not None:
            return array
    return None
