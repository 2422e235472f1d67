"""The wire format between the grader and a sandbox worker: JSON + ``.npy``, never pickle.

A message is an 8-byte big-endian length and a UTF-8 JSON header, then, for each name in the
header's ``"arrays"`` list, an 8-byte length and the bytes of ``numpy.save``. Arrays are read
with ``allow_pickle=False``, so a worker can send numbers, never objects. Sizes are capped so
a hostile worker cannot exhaust the grader's memory.
"""

from __future__ import annotations

import io
import json
import math
import struct
from typing import BinaryIO, Protocol

import numpy as np

from ..parsing import guarded

MAX_HEADER_BYTES = 16 << 20
MAX_ARRAY_BYTES = 512 << 20
ZYGOTE_MESSAGE_BYTES = 1 << 20  # a request to the zygote, or its reply (JSON; no arrays)
_LEN = struct.Struct(">Q")


class ProtocolError(Exception):
    """The peer sent something that is not a well-formed message (or hung up)."""


class Readable(Protocol):
    """What :func:`recv` reads from: a pipe's binary file, or the supervisor's reader with a deadline."""

    def read(self, size: int, /) -> bytes: ...


def send(fh: BinaryIO, header: dict, arrays: dict[str, np.ndarray] | None = None) -> None:
    arrays = arrays or {}
    header = dict(header, arrays=list(arrays))
    body = json.dumps(header, default=_json_default, allow_nan=True).encode("utf-8")
    fh.write(_LEN.pack(len(body)) + body)
    for name in arrays:
        buf = io.BytesIO()
        np.save(buf, np.asarray(arrays[name]), allow_pickle=False)
        data = buf.getvalue()
        fh.write(_LEN.pack(len(data)) + data)
    fh.flush()


def recv(fh: Readable) -> tuple[dict, dict[str, np.ndarray]]:
    header = json.loads(_read_block(fh, MAX_HEADER_BYTES).decode("utf-8"))
    if not isinstance(header, dict) or not isinstance(header.get("arrays", []), list):
        raise ProtocolError("header is not a JSON object with an 'arrays' list")
    arrays = {}
    for name in header.pop("arrays", []):
        try:
            block = _read_block(fh, MAX_ARRAY_BYTES)
            # np.load parses the .npy header with ast.literal_eval: not thread-safe in CPython 3.11
            arrays[str(name)] = guarded(lambda block=block: np.load(io.BytesIO(block), allow_pickle=False))
        except ValueError as exc:  # object arrays and malformed .npy data
            raise ProtocolError(f"array {name!r} is not a plain numeric array: {exc}") from None
    return header, arrays


def _read_block(fh: Readable, limit: int) -> bytes:
    raw = _read_exact(fh, _LEN.size)
    (size,) = _LEN.unpack(raw)
    if size > limit:
        raise ProtocolError(f"message of {size} bytes is over the limit of {limit}")
    return _read_exact(fh, size)


def _read_exact(fh: Readable, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = fh.read(left)
        if not chunk:
            raise ProtocolError("the peer closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not plain data")


def finite_or_none(x: float) -> float | None:
    return x if isinstance(x, float) and math.isfinite(x) else None
