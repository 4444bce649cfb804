"""Suite-wide settings: hypothesis runs derandomised in `make test`, exploring in `make chaos`.

`make test` must never fail by chance, so the default profile ("ci") draws the same
examples on every run and keeps no example database. `make chaos` sets
HYPOTHESIS_PROFILE=explore: random seeds, more examples, failures printed with their
reproduction blob so what it finds can be pinned as an `@example`.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", derandomize=False, max_examples=500, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
