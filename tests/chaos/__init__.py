"""Hardening suite (issue 8): a seeded misbehaving site, SIGKILL crash consistency,
fuzzing, security checks; figures for ``python -m benchmarks.reliability_report``."""
