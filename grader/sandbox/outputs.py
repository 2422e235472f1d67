"""What a notebook cell printed and drew, read from its outputs (nbformat v4 dicts).

Shared by both sides: the grader reads a stored notebook's outputs (:mod:`grader.notebook`), and
execute mode reads the outputs of the cells it ran in the sandbox (:mod:`grader.sandbox.kernel`).
It lives in the sandbox package because the sandbox's inside may not import the judge's stages;
it imports nothing of the grader's.
"""

from __future__ import annotations

import re

MAX_IMAGES_PER_CELL = 8
MAX_IMAGE_BYTES = 2_000_000  # base64 characters; a bigger stored image is not shown
MAX_TEXT_OUTPUT = 20_000  # characters per stored text output kept for section checks


def cell_texts(cell) -> tuple[str, ...]:
    """What a code cell printed or displayed as text when the student ran it (bounded)."""
    texts = []
    for output in cell.get("outputs", []) or []:
        if not isinstance(output, dict):
            continue
        stream = output.get("output_type") == "stream"
        text = output.get("text") if stream else (output.get("data") or {}).get("text/plain")
        if isinstance(text, list):
            text = "".join(str(t) for t in text)
        if isinstance(text, str) and text.strip():
            texts.append(text[:MAX_TEXT_OUTPUT])
        if len(texts) >= MAX_IMAGES_PER_CELL:
            break
    return tuple(texts)


def cell_images(cell) -> tuple[str, ...]:
    """The PNG images a cell displayed (base64, whitespace removed; bounded in number and size)."""
    images = []
    for output in cell.get("outputs", []) or []:
        png = (output.get("data") or {}).get("image/png") if isinstance(output, dict) else None
        if isinstance(png, list):
            png = "".join(png)
        if isinstance(png, str) and len(png) <= MAX_IMAGE_BYTES and re.fullmatch(r"[A-Za-z0-9+/=\s]+", png):
            images.append(re.sub(r"\s+", "", png))
        if len(images) >= MAX_IMAGES_PER_CELL:
            break
    return tuple(images)
