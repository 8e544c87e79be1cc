"""Every use of a Rasa private name, in one place, behind one `install()`.

Guichet extends Rasa Open Source 3.6 where it has no public hook: the redacting tracker store
and brokers override private methods, the erasure and audit routes reach the store behind
Rasa's wrappers, and three speed-ups replace private methods (`speedups`). Such names can
change in any Rasa release, so:

- `install()` refuses, with one clear line, any Rasa but 3.6.x, then applies the speed-ups. It
  is idempotent and explicit: `python -m bot.server` (what `guichet run` starts) calls it, and
  so does the redacting tracker store when a bare `rasa run` builds it from endpoints.yml.
  Importing a module of ours patches nothing.
- `contract.PRIVATE_NAMES` lists each private name we rely on, with the parameters we rely
  on; tests/test_rasa_compat.py checks them against the installed Rasa.
- The accessors below are the only places that read Rasa's private attributes.
"""

from __future__ import annotations

import threading
from importlib.metadata import version
from typing import Any

SUPPORTED_SERIES = (3, 6)
_lock = threading.Lock()
_installed = False


class UnsupportedRasa(RuntimeError):
    """The installed Rasa is not the series whose private names Guichet was checked against."""


def check_version(found: str | None = None) -> None:
    """Raise UnsupportedRasa unless `found` (default: the installed Rasa) is 3.6.x."""
    found = found or version("rasa")
    series = tuple(int(part) for part in found.split(".")[:2] if part.isdigit())
    if series != SUPPORTED_SERIES:
        expected = ".".join(map(str, SUPPORTED_SERIES))
        raise UnsupportedRasa(
            f"Guichet needs Rasa {expected}.x, found {found}: it relies on private names of "
            f"Rasa {expected} (bot/rasa_compat). Install the version pinned in pyproject.toml."
        )


def install() -> None:
    """Check the Rasa version, then apply the speed-ups; later calls do nothing."""
    global _installed
    with _lock:
        if _installed:
            return
        check_version()
        from bot.rasa_compat import speedups

        speedups.apply()
        _installed = True


def wrapped_tracker_store(tracker_store: Any) -> Any | None:
    """The store inside one of Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore),
    or None if `tracker_store` is not a wrapper."""
    return getattr(tracker_store, "_tracker_store", None)


def server_agent(app: Any) -> Any:
    """The Agent that Rasa's server keeps in its Sanic app (`app.ctx.agent`)."""
    return app.ctx.agent
