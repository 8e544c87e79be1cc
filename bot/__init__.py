"""Rasa-side runtime of Guichet.

- `bot.privacy`: the privacy boundary (redacted tracker store, brokers, outbox, retention, logs);
- `bot.server`: the Rasa server side (launcher, HTTP channels, rate limit, locks, static files);
- `bot.tools`: operator and developer tools (ask, benchmarks, audit report, content check);
- `bot.cli`: the `guichet` command, the single entry point; `bot.settings`: shared settings.

Importing this package switches Rasa telemetry off for the current process, so that
any entry point of ours (CLI, custom components, tests) is private by default.
"""

import os

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
# Deployed configuration files name the 0.1 module paths (bot.stores, bot.channels, ...): their
# one-line aliases in bot/aliases/ import as bot.<name> for one more release (CHANGELOG.md).
__path__.append(os.path.join(os.path.dirname(__file__), "aliases"))
