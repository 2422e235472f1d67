"""Lab ``generative-tf``: AE, VAE, conditioned VAE and conditional GAN in TensorFlow/Keras.

``public/scaffold.py`` is the code the template gives students (importable in the sandbox);
``solution.py`` the trusted reference implementation of every graded code item;
``build_notebooks.py`` writes ``template.ipynb``, ``solution.ipynb`` and the sample submissions.
"""
