"""``torchvision.datasets.MNIST`` without internet, for the grader's sandbox.

The images and labels come from :func:`grader.data.mnist.served_mnist` (the local Keras
``mnist.npz`` or the scikit-learn digits stand-in); which one is set by the installer in
:data:`SOURCE`. ``root`` and ``download`` are accepted and ignored: nothing is read from or
written to disk under ``root``, nothing is downloaded.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import torch
from torch.utils.data import Dataset

from grader.data.mnist import mnist_source, served_mnist

#: The MNIST source (a path or ``standin:sklearn-digits``); set by
#: :func:`grader.compat.install_torchvision`. ``None``: :func:`mnist_source`.
SOURCE: str | None = None


class MNIST(Dataset):
    """MNIST as torchvision serves it: ``.data`` uint8 (N, 28, 28), ``.targets`` int64 (N,),
    items ``(PIL image "L", int)`` through ``transform`` / ``target_transform``.

    ``root`` and ``download`` are ignored (the data are local). Reassigning ``.data`` and
    ``.targets`` (for a subset) is honoured, as with the real class.
    """

    classes: ClassVar[list[str]] = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(
        self, root=None, train: bool = True, transform=None, target_transform=None, download: bool = False
    ) -> None:
        self.root = root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        (x_train, y_train), (x_test, y_test) = served_mnist(SOURCE or mnist_source())
        x, y = (x_train, y_train) if train else (x_test, y_test)
        # copies: served_mnist's arrays are cached and shared, the student may edit these in place
        self.data = torch.tensor(np.asarray(x, dtype=np.uint8))
        self.targets = torch.tensor(np.asarray(y), dtype=torch.int64)

    def __getitem__(self, index):
        from PIL import Image

        img, target = self.data[index], int(self.targets[index])
        array = img.numpy() if isinstance(img, torch.Tensor) else np.asarray(img)
        img = Image.fromarray(np.ascontiguousarray(array, dtype=np.uint8))  # 2-D uint8: mode "L"
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    def __repr__(self) -> str:
        lines = [
            f"Dataset {type(self).__name__}",
            f"    Number of datapoints: {len(self)}",
            f"    Root location: {self.root}",
            f"    Split: {'Train' if self.train else 'Test'}",
        ]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)
