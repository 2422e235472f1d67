"""Course helpers of lab ``vae-pyro``: the auto-encoder base class and the training and analysis tools."""
