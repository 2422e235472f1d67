"""Judge-side files of the lab: the trusted solution and the hidden checks; never visible to the sandbox."""
