"""Lab pack ``generative-tf``: AE, VAE, conditioned VAE and conditional GAN in TensorFlow/Keras.

Three sides, the same in every pack:

- ``public/``: what students may see and the sandbox imports: ``scaffold.py`` (the code the
  template gives), ``probes.py`` (runs next to student code, decides nothing),
  ``template.ipynb``, the public checks ``checks.py`` and their analysis code ``analysis.py``
  (no answer: fixed inputs and expected values come through ``grader.cases.CaseBook``);
- ``judge/``: private, judge process only, never visible to the sandbox nor shipped to students:
  ``solution.py`` (the trusted reference of every graded code item), ``solution.ipynb`` and the
  hidden checks ``checks.py`` (those the rubric marks ``public: false``), the float64
  ``oracles.py`` and the case recipes ``cases.py`` that serve the checks their inputs and
  expected values (the self-check bundle ships a recording of the public ones instead);
- ``build/``: dev only, not in the wheel: ``python -m reference.generative_tf.build.notebooks``
  writes the template, the solution notebook and the sample submissions.

The grader finds this pack through the entry point ``grader.labs`` (pyproject.toml) and reads
:data:`LAB_ID` and :data:`RUBRIC`.
"""

from pathlib import Path

LAB_ID = "generative-tf"
# the wheel installs rubrics/ beside reference/, as in the checkout
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / f"{LAB_ID}.yaml"
# what the self-check bundle's wheel of this lab requires (grader/bundle.py), unpinned: the
# frameworks sit behind its extra [frameworks], so Colab keeps its own TensorFlow
SELFCHECK_REQUIRES = ("matplotlib>=3.8",)
SELFCHECK_FRAMEWORKS = ("tensorflow>=2.16", "tf-keras>=2.16")
