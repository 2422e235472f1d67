"""Files students may see and the sandbox imports: scaffold, probes, template, public checks and oracles."""
