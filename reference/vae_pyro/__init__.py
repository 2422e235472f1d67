"""Lab pack ``vae-pyro`` (seed 002): VAE and beta-VAE with PyTorch and Pyro.

Three sides, the same in every pack:

- ``public/``: what students may see and the sandbox imports: ``scaffold.py`` (the template's
  imports and the classical autoencoder), ``src/`` (the course helpers the template imports as
  ``src.ae`` and ``src.utils``), ``probes.py`` (runs next to student code, decides nothing),
  ``template.ipynb``, the public checks ``checks.py`` and their analysis code ``analysis.py``
  and ``downstream.py`` (reads task 2's stored outputs; no answer: fixed inputs and expected
  values come through ``grader.cases.CaseBook``);
- ``judge/``: private, judge process only, never visible to the sandbox nor shipped to students:
  ``solution.py`` (the trusted reference), ``solution.ipynb``, the hidden checks ``checks.py``
  (those the rubric marks ``public: false``), the float64 ``oracles.py`` and the case recipes
  ``cases.py`` that serve the checks their inputs and expected values (the self-check bundle
  ships a recording of the public ones instead);
- ``build/``: dev only, not in the wheel: ``python -m reference.vae_pyro.build.notebooks``
  writes the template, the solution notebook and the sample submissions.

The grader finds this pack through the entry point ``grader.labs`` (pyproject.toml) and reads
:data:`LAB_ID` and :data:`RUBRIC`.
"""

from pathlib import Path

LAB_ID = "vae-pyro"
# the wheel installs rubrics/ beside reference/, as in the checkout
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / f"{LAB_ID}.yaml"
# what the self-check bundle's wheel of this lab requires (grader/bundle.py), unpinned: the
# frameworks sit behind its extra [frameworks], so Colab keeps its own torch (pyro-ppl needs it)
SELFCHECK_REQUIRES = ("matplotlib>=3.8", "scikit-learn>=1.4", "tqdm>=4.66")
SELFCHECK_FRAMEWORKS = ("torch>=2.1", "pyro-ppl>=1.9")
