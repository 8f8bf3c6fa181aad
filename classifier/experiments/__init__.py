"""Experiments behind decisions recorded in classifier/README.md; not used by training."""
