"""How well the redaction works, measured: never imported by the product (`anonymization`, `bot`).

- `corpus`: the labelled French corpus generator (Faker fr_FR, python-stdnum check digits);
- `scoring`: precision, recall and F2 per entity type, and leak-based scores;
- `vanilla`: out-of-the-box Presidio, the baseline;
- `benchmark`: redaction latency and throughput;
- `peers`: other open-source French anonymisers, each in its own venv (`peer_adapters/`).

Its dependencies beyond the runtime's are the `eval` extra: `pip install -e '.[eval]'`
(`make` installs `.[dev]`, which includes it).
"""
