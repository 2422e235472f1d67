"""The probe author's API: what a lab's ``public/probes.py`` imports from the grader.

A probe runs in the sandbox, next to the student's code, and is the only code there that is
ours. It is a plain function of the lab's public ``probes.py``::

    def call_discriminator_loss(ns, real, fake):
        with student_code():
            loss = ns.student(real, fake)
        return {"loss": to_numpy(loss)}

- It receives ``ns``, a :class:`Namespace`: the student's snapshot (or, in execute mode, the
  notebook kernel's namespace) seen through three members:

  - ``ns.student``: the graded object (function, class or value) the judge resolved for the
    item; if its definition failed, reading it is the student's fault (a ``NameError``);
  - ``ns.get(name, default=None)``: another global of the notebook or the template;
  - ``ns.provide(name, value, *functions)``: set a template global where the student's
    functions read it (their ``__globals__``) and in the snapshot.

  Then the keyword arguments the check passed to ``student.probe(...)``: JSON values and numpy
  arrays, by name.
- Every framework is seeded before the call (the check's ``seed``, else the lab's).
- It returns a dict of plain data: numbers, strings, lists of them, and arrays or tensors, which
  become numpy arrays (:func:`to_numpy`). Nothing else crosses back to the grader.
- Whose fault an exception is: whatever is raised inside ``with student_code():`` (or shows a
  frame of a student cell) is the student's; :func:`reject` says the student's code returned
  something unusable; anything else is the probe's own bug and becomes ``grader_error``, never
  charged to the student.

The names are re-exported from :mod:`grader.sandbox.probing` and :mod:`grader.sandbox.convert`;
import them from here, so the sandbox's layout can change without touching a lab.
"""

from __future__ import annotations

from .sandbox.convert import to_numpy
from .sandbox.probing import Namespace, StudentFault, reject, student_code

__all__ = ["Namespace", "StudentFault", "reject", "student_code", "to_numpy"]
