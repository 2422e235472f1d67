"""The two speed-ups of generative-tf's probes must not change a verdict (issue 12, item 6):
checks of one item share a probe's reply, each with its own copy; 4.step's reference GAN is
reused only when the student's train_step changed nothing but its weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.checks import Probed
from grader.sandbox.errors import ProbeTimeout, StudentCodeError
from grader.testing import load_module
from reference.generative_tf.public.checks import _shared_probe


class FakeStudent:
    """Counts the probes that reach the 'sandbox'; ``fail`` decides how each call ends."""

    def __init__(self, fail=None):
        self.calls, self.fail = [], fail

    def probe(self, probe, /, **inputs):
        self.calls.append(probe)
        if self.fail is not None:
            error, self.fail = self.fail, None if isinstance(self.fail, ProbeTimeout) else self.fail
            raise error
        return Probed({"shape": [2, 3]}, {"out": np.arange(6.0) + inputs.get("x", np.zeros(1)).sum()})


def test_one_probe_per_item_and_inputs_each_check_its_own_copy():
    student = FakeStudent()
    first = _shared_probe(student, "cond_cvae", latent_dim=2, x=np.ones(3))
    first.arrays["out"][:] = -1  # a check that edits its reply in place
    first.values["shape"].append(99)
    second = _shared_probe(student, "cond_cvae", latent_dim=2, x=np.ones(3))
    assert student.calls == ["cond_cvae"]
    assert second["shape"] == [2, 3] and np.array_equal(second["out"], np.arange(6.0) + 3)
    _shared_probe(student, "cond_cvae", latent_dim=25, x=np.ones(3))  # other inputs: probed again
    _shared_probe(student, "cond_cvae", latent_dim=2, x=np.full(3, 2.0))
    assert len(student.calls) == 3
    _shared_probe(FakeStudent(), "cond_cvae", latent_dim=2, x=np.ones(3))  # another item's student: its own
    assert len(student.calls) == 3


def test_the_students_error_is_shared_a_timeout_is_not():
    student = FakeStudent(fail=StudentCodeError("ValueError: bad shape"))
    for _ in range(2):
        with pytest.raises(StudentCodeError, match="bad shape"):
            _shared_probe(student, "conditional_model", args=[100, 10])
    assert student.calls == ["conditional_model"]
    student = FakeStudent(fail=ProbeTimeout(10))
    with pytest.raises(ProbeTimeout):
        _shared_probe(student, "gan_step", freeze="none")
    assert _shared_probe(student, "gan_step", freeze="none")["shape"] == [2, 3]  # asked again, answered
    assert student.calls == ["gan_step", "gan_step"]


@pytest.fixture(scope="module")
def probes():
    pytest.importorskip("tensorflow")
    return load_module(Path(__file__).resolve().parent.parent / "reference" / "generative_tf" / "public" / "probes.py")


def test_reference_nets_are_reset_to_their_initial_weights_when_reused(probes):
    probes._GAN_NETS.clear()
    generator, discriminator, initial = probes._reference_nets(4, 10)
    fresh = [w.numpy().copy() for w in generator.weights + discriminator.weights]
    for w in generator.weights + discriminator.weights:  # what a train_step does: the weights move
        w.assign(w + 1.0)
    probes._GAN_NETS[(4, 10)] = (generator, discriminator, initial, probes._structure(generator, discriminator))
    again = probes._reference_nets(4, 10)
    assert again[0] is generator and again[1] is discriminator
    assert all(np.array_equal(w.numpy(), f) for w, f in zip(generator.weights + discriminator.weights, fresh))


def test_reference_nets_are_rebuilt_when_the_student_changed_more_than_weights(probes):
    probes._GAN_NETS.clear()
    generator, discriminator, initial = probes._reference_nets(4, 10)
    mark = probes._structure(generator, discriminator)
    generator.trainable = False  # a train_step that froze a network
    probes._GAN_NETS[(4, 10)] = (generator, discriminator, initial, mark)
    rebuilt = probes._reference_nets(4, 10)
    assert rebuilt[0] is not generator and rebuilt[0].trainable
    generator, discriminator, initial = rebuilt
    mark = probes._structure(generator, discriminator)
    discriminator.cheat = lambda *a: 0.0  # or hung something on a network
    probes._GAN_NETS[(4, 10)] = (generator, discriminator, initial, mark)
    assert probes._reference_nets(4, 10)[1] is not discriminator
