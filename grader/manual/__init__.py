"""Manual grading: the people who grade prose answers by hand and what they do, over the gradebook.

The use cases of ``grader serve`` (and of any other front end) live here, beside
:mod:`grader.service`, so a web page never decides how a grade is stored:

* :mod:`.accounts`: per-person accounts, one-time login links, server-side sessions;
* :mod:`.audit`: the append-only log of every write (who, when, what, before, after, why);
* :mod:`.criteria`: an item's rubric lines (criteria) and the points they give an answer;
* :mod:`.answers`: one item's answers across the class, their states, order and aliases;
* :mod:`.grading`: saving a grade with an optimistic version check, flags, claims, overrides.
"""
