"""One data set a lab's sandbox may serve without internet: :class:`DataSet`.

A data set knows where its real file may be (a path in the settings, the Keras cache), the
stand-in it falls back to when there is none, how to load either, and the seeded subsample
execute mode serves. The frameworks' adapters (:mod:`grader.frameworks`) serve it through the
framework's own loader: ``keras.datasets.<keras_module>.load_data`` for Keras, and, for torch,
the torchvision class of :mod:`grader.compat`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# ((x_train, y_train), (x_test, y_test)), as Keras's `load_data()` returns them
Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, eq=False)
class DataSet:
    """A data set of the registry (:data:`grader.data.DATASETS`), named as rubrics declare it."""

    name: str  # the key in a rubric's `datasets:` and in the sandbox's environment (the report)
    setting: str  # the Settings field holding a path of the local file; "" = none
    setting_help: str  # that setting's help (grader --help, docs/cli.md)
    cache_file: str  # file name in the Keras cache folder (`$KERAS_HOME/datasets`, `~/.keras/datasets`)
    environment_variable: str  # read even without settings (a worker, a notebook): a path of the file
    standin: str  # the source of the stand-in, e.g. "standin:sklearn-digits"
    standin_note: dict[str, str]  # the report's note when the stand-in was served, by language
    read_file: Callable[[str], Splits]  # loads the real file at a path
    build_standin: Callable[[], Splits]  # builds the stand-in
    keras_module: str = ""  # keras.datasets.<this> serves it; "" = no Keras loader
    # execute mode's sizes, set in the kernel by `serve_subsample` (the rubric's `execute_train`/`execute_test`)
    _served: dict[str, int | None] = field(default_factory=lambda: {"train": None, "test": None}, repr=False)
    _loaded: dict[str, Splits] = field(default_factory=dict, repr=False)

    def candidates(self) -> list[Path]:
        """Where the real file may be, in order: the environment variable, then the Keras cache."""
        paths = []
        if os.environ.get(self.environment_variable):
            paths.append(Path(os.environ[self.environment_variable]))
        if os.environ.get("KERAS_HOME"):
            paths.append(Path(os.environ["KERAS_HOME"]) / "datasets" / self.cache_file)
        paths.append(Path.home() / ".keras" / "datasets" / self.cache_file)
        return paths

    def source(self, configured: str = "") -> str:
        """The file the data set is read from: ``configured`` (the setting) when given, else the
        first candidate that exists, else :attr:`standin`."""
        if configured:
            return configured
        for path in self.candidates():
            if path.is_file():
                return str(path)
        return self.standin

    def is_standin(self, source: str) -> bool:
        """Whether ``source`` (or the environment's line about it, "SOURCE (subsample: ...)") is
        the stand-in, not the real data."""
        return source == self.standin or source.startswith(f"{self.standin} ")

    def load(self, source: str | None = None) -> Splits:
        """The whole data set from ``source`` (default: :meth:`source`), read once per process."""
        source = source or self.source()
        if source not in self._loaded:
            if len(self._loaded) >= 2:  # a real file and the stand-in at most: never grows
                self._loaded.clear()
            self._loaded[source] = self.build_standin() if self.is_standin(source) else self.read_file(source)
        return self._loaded[source]

    def serve_subsample(self, train: int | None, test: int | None) -> None:
        """From now on :meth:`served` returns at most ``train``/``test`` items (execute mode: the
        students' training runs on a subsample so that a class runs in minutes)."""
        self._served.update(train=train, test=test)

    def served(self, source: str | None = None) -> Splits:
        """What the sandbox's loaders return: :meth:`load`, subsampled when :meth:`serve_subsample`
        asked for it (the same seeded subsample every time)."""
        (x_train, y_train), (x_test, y_test) = self.load(source)
        return _subsample(x_train, y_train, self._served["train"], 1), _subsample(
            x_test, y_test, self._served["test"], 2
        )


def _subsample(x, y, size: int | None, seed: int):
    if size is None or size >= len(x):
        return x, y
    keep = np.sort(np.random.default_rng(seed).choice(len(x), size, replace=False))
    return x[keep], y[keep]
