"""``torchvision.transforms`` of the grader's stand-in: ``ToTensor``, ``Normalize``,
``Compose`` and ``Lambda``, with the real ones' behaviour on PIL images and numpy arrays."""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["Compose", "Lambda", "Normalize", "ToTensor"]

_PIL_DTYPES = {"I": np.int32, "I;16": np.int16, "I;16B": np.int16, "F": np.float32}


class Compose:
    """Apply ``transforms`` one after the other."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


class ToTensor:
    """PIL image or numpy array (H x W or H x W x C) to a tensor C x H x W; uint8 input is
    scaled to float32 in [0, 1], other dtypes are kept as they are (as torchvision does)."""

    def __call__(self, pic):
        from PIL import Image

        if isinstance(pic, np.ndarray):
            if pic.ndim not in (2, 3):
                raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
            if pic.ndim == 2:
                pic = pic[:, :, None]
            img = torch.from_numpy(pic.transpose((2, 0, 1)).copy()).contiguous()
        elif isinstance(pic, Image.Image):
            array = np.array(pic, _PIL_DTYPES.get(pic.mode, np.uint8), copy=True)
            if pic.mode == "1":
                array = array * np.uint8(255)
            img = torch.from_numpy(array).view(pic.size[1], pic.size[0], len(pic.getbands()))
            img = img.permute((2, 0, 1)).contiguous()
        else:
            raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
        if img.dtype == torch.uint8:
            return img.to(dtype=torch.get_default_dtype()).div(255)
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Normalize:
    """``(tensor - mean) / std`` per channel of a tensor (..., C, H, W)."""

    def __init__(self, mean, std, inplace: bool = False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"Input tensor should be a torch tensor. Got {type(tensor)}.")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got {tuple(tensor.shape)}.")
        if not self.inplace:
            tensor = tensor.clone()
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype, device=tensor.device)
        std = torch.as_tensor(self.std, dtype=tensor.dtype, device=tensor.device)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
        if mean.ndim == 1:
            mean = mean.view(-1, 1, 1)
        if std.ndim == 1:
            std = std.view(-1, 1, 1)
        return tensor.sub_(mean).div_(std)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Apply a user function."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"torchvision.transforms.{name} is not available in the grader's torchvision "
        f"stand-in (only {', '.join(__all__)})"
    )
