"""Commands run as real subprocesses, all started at once: each spends seconds importing Rasa or
loading spaCy, so started one after the other they would dominate the unit tier.

A module declares a `Batch` at top level; tests/conftest.py starts every batch of the selected
modules as soon as the tests are collected, so their start-up overlaps the in-process tests, and
a fixture waits for the results with `Batch.results()`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Below the test process's priority: on a two-core machine the batches take the spare core and
# leave the in-process tests theirs.
NICENESS = 10
# A guard against a hung command only: at low priority, on a machine busy with the rest of the
# suite, a command may wait long for the processor (a redact filter took over 120 s in CI).
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Commands:
    """Each name's (arguments, stdin), and each name's environment (default: this process's)."""

    commands: Mapping[str, tuple[Sequence[str | Path], bytes]]
    env: Mapping[str, Mapping[str, str]] | None = None


def run_at_once(
    commands: Commands, cwd: Path, timeout: float = TIMEOUT_SECONDS
) -> dict[str, subprocess.CompletedProcess]:
    """Run every command concurrently; return each name's completed process."""
    started = {
        name: subprocess.Popen(
            ["nice", "-n", str(NICENESS), *map(str, arguments)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=(commands.env or {}).get(name),
        )
        for name, (arguments, _) in commands.commands.items()
    }
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(commands.commands[name][1], timeout=timeout)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


class Batch:
    """Commands run at once in a background thread. `prepare(directory)` makes them, with a
    fresh temporary directory for their files (removed at the end of the session)."""

    started: list[Batch] = []

    def __init__(
        self, prepare: Callable[[Path], Commands], cwd: Path, timeout: float = TIMEOUT_SECONDS
    ):
        self._prepare, self._cwd, self._timeout = prepare, cwd, timeout
        self.directory: Path | None = None
        self._thread: threading.Thread | None = None
        self._outcome: dict[str, subprocess.CompletedProcess] | BaseException | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self.directory = Path(tempfile.mkdtemp(prefix="guichet-batch-"))
        commands = self._prepare(self.directory)

        def run() -> None:
            try:
                self._outcome = run_at_once(commands, self._cwd, self._timeout)
            except BaseException as error:  # noqa: BLE001 (raised again by results())
                self._outcome = error

        self._thread = threading.Thread(target=run, name="test-batch", daemon=True)
        self._thread.start()
        Batch.started.append(self)

    def results(self) -> dict[str, subprocess.CompletedProcess]:
        """Each command's completed process (started now if collection did not start it)."""
        self.start()
        assert self._thread is not None
        self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        assert self._outcome is not None
        return self._outcome

    @classmethod
    def clean_up_all(cls) -> None:
        for batch in cls.started:
            if batch._thread is not None:
                batch._thread.join()
            if batch.directory is not None:
                shutil.rmtree(batch.directory, ignore_errors=True)
        cls.started.clear()
