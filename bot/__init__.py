"""Rasa-side runtime of Guichet: launcher, channels, stores and command line.

Importing this package switches Rasa telemetry off for the current process, so that
any entry point of ours (CLI, custom components, tests) is private by default.
"""

import os

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
