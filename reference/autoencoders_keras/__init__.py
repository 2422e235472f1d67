"""Lab ``autoencoders-keras`` (seed 004, Greek, Keras): "Άσκηση 12 - Αυτοκωδικοποιητές".

Five exercises each modify a base network of the course's lab (undercomplete, sparse,
denoising and deep autoencoders). ``public/scaffold.py`` is the code the template gives
students (imports, the helpers ``compare_digits``/``display_digits``, the sizes),
``public/probes.py`` what runs next to student code in the sandbox (reads the built models'
layers and what they compute, reads the noisy arrays), ``solution.py`` the seed's own answers
as source text, ``checks.py`` the judge's checks, ``build_notebooks.py`` and ``samples.py``
write the template, the solution and the sample submissions. Graded in execute mode: the
notebook runs in a kernel with training capped; the probes never train.
"""
