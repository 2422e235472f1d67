"""Data the labs need, available without internet."""
