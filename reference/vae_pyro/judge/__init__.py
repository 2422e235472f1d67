"""Judge-side files of the lab: the trusted solution, the hidden checks, the
float64 oracles and the case recipes; never visible to the sandbox."""
