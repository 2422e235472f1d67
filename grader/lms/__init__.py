"""LMS adapters: reading their bulk downloads, writing their import formats."""
