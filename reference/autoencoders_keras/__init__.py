"""Lab pack ``autoencoders-keras`` (seed 004, Greek, Keras): "Άσκηση 12 - Αυτοκωδικοποιητές".

Five exercises each modify a base network of the course's lab (undercomplete, sparse,
denoising and deep autoencoders). Graded in execute mode: the notebook runs in a kernel with
training capped; the probes never train. Three sides, the same in every pack:

- ``public/``: what students may see and the sandbox imports: ``scaffold.py`` (the imports,
  the helpers ``compare_digits``/``display_digits``, the sizes), ``probes.py`` (reads the built
  models' layers and what they compute, reads the noisy arrays; decides nothing),
  ``template.ipynb``, the checks ``checks.py`` and their analysis code ``oracles.py``;
- ``judge/``: private, judge process only, never visible to the sandbox nor shipped to students:
  ``solution.py`` (the seed's own answers as source text) and ``solution.ipynb``; the rubric has
  no hidden checks, so there is no ``judge/checks.py``;
- ``build/``: dev only, not in the wheel: ``python -m reference.autoencoders_keras.build.notebooks``
  writes the template, the solution notebook and the sample submissions.

The grader finds this pack through the entry point ``grader.labs`` (pyproject.toml) and reads
:data:`LAB_ID` and :data:`RUBRIC`.
"""

from pathlib import Path

LAB_ID = "autoencoders-keras"
# the wheel installs rubrics/ beside reference/, as in the checkout
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / f"{LAB_ID}.yaml"
