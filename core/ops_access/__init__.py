"""Ops access (运维访问, seed 002 §8.2.3): time-boxed, approved reading of one sub-platform's
back-end data by a head-office ops person, every read in the audit chain under its grant."""
