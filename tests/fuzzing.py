"""What the property-based fuzz tests share: a fixed, reproducible hypothesis budget."""

from hypothesis import HealthCheck, settings

# Derandomized and without an example database: CI replays the same 500 examples every run.
FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
