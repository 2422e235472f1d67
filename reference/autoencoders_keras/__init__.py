"""Lab pack ``autoencoders-keras`` (seed 004, Greek, Keras): "Άσκηση 12 - Αυτοκωδικοποιητές".

Five exercises each modify a base network of the course's lab (undercomplete, sparse,
denoising and deep autoencoders). Graded in execute mode: the notebook runs in a kernel with
training capped; the probes never train. Three sides, the same in every pack:

- ``public/``: what students may see and the sandbox imports: ``scaffold.py`` (the imports,
  the helpers ``compare_digits``/``display_digits``, the sizes), ``probes.py`` (reads the built
  models' layers and what they compute, reads the noisy arrays; decides nothing),
  ``template.ipynb``, the public checks ``checks.py`` and their analysis code ``analysis.py``
  (activation identification, the regularizer fit, the noise estimate; no input of the judge's:
  the probe rows, regularizer arrays and pixel positions come through ``grader.cases.CaseBook``);
- ``judge/``: private, judge process only, never visible to the sandbox nor shipped to students:
  ``solution.py`` (the seed's own answers as source text), ``solution.ipynb``, the hidden checks
  ``checks.py`` (the twins on fresh inputs the rubric marks ``public: false``), ``oracles.py``
  (draws the seeded inputs) and the case recipes ``cases.py`` that serve them to the checks (the
  self-check bundle ships a recording of the public ones instead);
- ``build/``: dev only, not in the wheel: ``python -m reference.autoencoders_keras.build.notebooks``
  writes the template, the solution notebook and the sample submissions.

The grader finds this pack through the entry point ``grader.labs`` (pyproject.toml) and reads
:data:`LAB_ID` and :data:`RUBRIC`.
"""

from pathlib import Path

LAB_ID = "autoencoders-keras"
# the wheel installs rubrics/ beside reference/, as in the checkout
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / f"{LAB_ID}.yaml"
# what the self-check bundle's wheel of this lab requires (grader/bundle.py), unpinned: the
# frameworks sit behind its extra [frameworks], so Colab keeps its own TensorFlow
SELFCHECK_REQUIRES = ("matplotlib>=3.8", "scikit-learn>=1.4", "scipy>=1.11")
SELFCHECK_FRAMEWORKS = ("tensorflow>=2.16", "tf-keras>=2.16")
