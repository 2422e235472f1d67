"""Judge-side files of the lab: the trusted solution, the hidden checks, the oracles that draw
the seeded inputs and the case recipes; never visible to the sandbox."""
