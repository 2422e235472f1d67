"""torchvision in the sandbox: the grader's stand-in when none is installed, the real one
patched to serve local MNIST when it is. Each scenario runs in its own interpreter, so that
``sys.path`` and ``sys.modules`` of the test process stay clean."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox.supervisor import Sandbox, SandboxSpec

PUBLIC = Path(__file__).parent / "fixtures" / "toy_lab" / "public"

# what the vae-pyro notebooks do
NOTEBOOK = """
from torchvision.datasets import MNIST
from torchvision.transforms import ToTensor
train_dataset = MNIST(root="data", download=True, train=True, transform=ToTensor())
val_dataset = MNIST(root="data", download=True, train=False, transform=ToTensor())
indices = np.random.permutation(len(train_dataset.data))[:10_000]
train_dataset.data = train_dataset.data[indices]
train_dataset.targets = train_dataset.targets[indices]
X_train, y_train = zip(*train_dataset)
X_train = torch.stack(X_train)
"""


def _run(code: str, tmp_path: Path, pythonpath: Path | None = None) -> str:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    prelude = "import warnings\nwarnings.simplefilter('error')\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_notebooks_mnist_code_runs_on_the_stand_in_without_torchvision(tmp_path):
    _run(
        textwrap.dedent("""
        import importlib.util, sys
        assert importlib.util.find_spec("torchvision") is None, "this test needs no torchvision installed"
        import numpy as np, torch
        from grader.compat import SHIM_DIR, install_torchvision
        what = install_torchvision("standin:sklearn-digits")
        assert what == "grader shim (no torchvision), MNIST from standin:sklearn-digits", what
        assert sys.path[-1] == str(SHIM_DIR)
        import torchvision
        assert torchvision.__version__ == "0.0+grader-shim"
        assert torchvision.__file__ == str(SHIM_DIR / "torchvision" / "__init__.py")
    """)
        + NOTEBOOK
        + textwrap.dedent("""
        assert len(MNIST("data").data) == 1500 and len(val_dataset) == 297
        assert train_dataset.data.dtype == torch.uint8 and train_dataset.data.shape == (1500, 28, 28)
        assert train_dataset.targets.dtype == torch.int64 and train_dataset.classes[0] == "0 - zero"
        x, y = val_dataset[0]
        assert x.shape == (1, 28, 28) and x.dtype == torch.float32
        assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.5
        assert type(y) is int and 0 <= y <= 9
        assert X_train.shape == (1500, 1, 28, 28) and set(y_train) == set(range(10))

        # a subset by reassignment is what the dataset serves
        subset = MNIST("data", transform=ToTensor())
        subset.data, subset.targets = subset.data[[5, 7, 9]], subset.targets[[5, 7, 9]]
        assert len(subset) == 3
        assert torch.equal(subset[1][0][0], subset.data[1].float() / 255) and subset[1][1] == int(subset.targets[1])
        assert [subset[i][1] for i in range(3)] == MNIST("data").targets[[5, 7, 9]].tolist()

        from torchvision import transforms
        norm = MNIST("data", transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]),
                     target_transform=transforms.Lambda(lambda t: t + 100))
        x, y = norm[3]
        assert x.min() >= -1 and x.max() <= 1 and x.min() == -1 and y >= 100
        loader = torch.utils.data.DataLoader(train_dataset, batch_size=32, shuffle=True)
        xb, yb = next(iter(loader))
        assert xb.shape == (32, 1, 28, 28) and yb.shape == (32,) and yb.dtype == torch.int64
    """),
        tmp_path,
    )
    assert not (tmp_path / "data").exists()  # root is ignored: nothing written


def test_to_tensor_matches_torchvision_on_arrays_and_pil_images(tmp_path):
    _run(
        """
        import sys
        import numpy as np, torch
        from PIL import Image
        from grader.compat import install_torchvision
        install_torchvision("standin:sklearn-digits")
        from torchvision.transforms import ToTensor
        gray = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
        rgb = np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10
        t = ToTensor()
        assert t(gray).dtype == torch.float32
        assert np.array_equal(t(gray).numpy(), (gray / np.float32(255))[None].astype(np.float32))
        assert np.array_equal(t(rgb).numpy(), (rgb.transpose(2, 0, 1) / np.float32(255)).astype(np.float32))
        assert np.array_equal(t(Image.fromarray(gray)).numpy(), t(gray).numpy())
        assert np.array_equal(t(Image.fromarray(rgb)).numpy(), t(rgb).numpy())
        floats = np.full((2, 2), 0.25, dtype=np.float32)
        assert np.array_equal(t(floats).numpy(), floats[None])  # not uint8: kept as is
        try:
            t(torch.zeros(2, 2))
        except TypeError:
            pass
        else:
            raise AssertionError("a tensor is not a picture")
    """,
        tmp_path,
    )


FAKE_DATASETS = """
import numpy as np
from PIL import Image


class MNIST:
    classes = ["0 - zero"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        raise RuntimeError("would download")

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy())
        img.info["served_by"] = "fake"
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)
"""

FAKE_TRANSFORMS = """
import numpy as np
import torch


class ToTensor:
    fake = True

    def __call__(self, pic):
        return torch.from_numpy(np.array(pic, dtype=np.float32)[None] / 255)
"""


def test_a_real_torchvision_is_preferred_and_patched_not_to_download(tmp_path):
    fake = tmp_path / "site" / "torchvision"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('__version__ = "9.9-fake"\nfrom . import datasets, transforms\n')
    (fake / "datasets.py").write_text(FAKE_DATASETS)
    (fake / "transforms.py").write_text(FAKE_TRANSFORMS)
    out = _run(
        """
        import sys
        import torch
        from grader.compat import SHIM_DIR, install_torchvision
        what = install_torchvision("standin:sklearn-digits")
        assert what == "torchvision 9.9-fake (real), MNIST from standin:sklearn-digits", what
        assert str(SHIM_DIR) not in sys.path
        import torchvision
        from torchvision.datasets import MNIST
        from torchvision.transforms import ToTensor
        assert torchvision.__version__ == "9.9-fake" and getattr(ToTensor, "fake", False)
        ds = MNIST(root="data", download=True, train=False)
        assert isinstance(ds, sys.modules["torchvision.datasets"].MNIST.__mro__[1]) and type(ds).__name__ == "MNIST"
        assert len(ds) == 297 and ds.data.dtype == torch.uint8 and ds.targets.dtype == torch.int64
        img, y = ds[0]
        assert img.info["served_by"] == "fake" and img.size == (28, 28) and y == int(ds.targets[0])
        ds = MNIST("data", transform=ToTensor(), target_transform=lambda t: -t)
        x, y = ds[1]
        assert x.shape == (1, 28, 28) and y == -int(ds.targets[1]) and len(ds) == 1500
        assert install_torchvision("standin:sklearn-digits").endswith("(real), MNIST from standin:sklearn-digits")
        assert len(MNIST("data")) == 1500  # installing twice patches once
        print(torchvision.__file__)
    """,
        tmp_path,
        pythonpath=tmp_path / "site",
    )
    assert out.strip() == str(fake / "__init__.py")


def test_a_broken_torchvision_falls_back_to_the_stand_in(tmp_path):
    broken = tmp_path / "site" / "torchvision"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("operator torchvision::nms does not exist")\n')
    _run(
        """
        from grader.compat import install_torchvision
        what = install_torchvision("standin:sklearn-digits")
        assert what.startswith("grader shim (installed torchvision failed to import: ImportError: operator"), what
        import torchvision
        from torchvision.datasets import MNIST
        assert torchvision.__version__ == "0.0+grader-shim" and len(MNIST("data", train=False)) == 297
    """,
        tmp_path,
        pythonpath=tmp_path / "site",
    )


def test_the_stand_in_is_packaged_and_on_a_path_entry_of_its_own():
    from setuptools import find_namespace_packages

    from grader.compat import SHIM_DIR

    root = SHIM_DIR.parents[2]
    packages = find_namespace_packages(str(root), include=["grader*"])  # as pyproject.toml finds them
    assert {"grader.compat.shim_packages.torchvision", "grader.compat.shim_packages.torchvision.datasets"} <= set(
        packages
    )
    assert (SHIM_DIR / "torchvision" / "__init__.py").is_file()
    assert str(SHIM_DIR) not in sys.path  # nothing installs it outside the sandbox


@pytest.mark.slow
def test_a_torch_sandbox_serves_mnist_through_torchvision():
    source = (
        "import numpy as np, torch\n"
        + NOTEBOOK
        + "def f(x):\n    return [len(train_dataset), len(val_dataset), *X_train.shape, float(X_train.max())]\n"
    )
    spec = SandboxSpec(public_dir=PUBLIC, framework="torch", start_timeout_s=120)
    with Sandbox(spec) as sandbox:
        sandbox.load("s", [{"cell": 0, "line": 1, "source": source, "binds": ["f"]}], {0: source}, 60)
        _, arrays = sandbox.probe("s", "call", "f", {}, {"x": np.zeros(1)}, 60)
        assert "shim" in sandbox.environment["torchvision"] and "torch" in sandbox.environment
    assert arrays["y"].tolist() == [1500, 297, 1500, 1, 28, 28, 1.0]
