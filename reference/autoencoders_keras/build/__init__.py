"""Dev-only generators of the lab: template, solution notebook and sample submissions (not in the wheel)."""
