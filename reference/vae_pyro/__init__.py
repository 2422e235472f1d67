"""Lab ``vae-pyro`` (seed 002): VAE and beta-VAE with PyTorch and Pyro.

``public/scaffold.py`` is the code the template gives students (its imports and the classical
autoencoder), ``public/src/`` the course helpers the template imports (``src.ae``,
``src.utils``), ``public/probes.py`` what runs next to student code in the sandbox;
``solution.py`` is the trusted reference, ``checks.py`` the judge's checks, ``oracles.py`` their
float64 reference computations, ``build_notebooks.py`` writes the template, the solution and the
sample submissions.
"""
