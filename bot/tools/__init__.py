"""Operator and developer tools behind `guichet`: ask, benchmarks, audit report, content check."""
