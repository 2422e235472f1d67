"""Files students may see and the sandbox imports: scaffold, probes, template, public checks
and their analysis code (no oracle: the judge's inputs come from the lab's cases, grader.cases)."""
