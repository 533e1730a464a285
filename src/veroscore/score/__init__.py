"""Hybrid Score v2.1: file-level category signals, the weighted formula, the decision."""
