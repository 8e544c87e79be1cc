"""Commands run as real subprocesses, all started at once: each spends seconds importing Rasa or
loading spaCy, so started one after the other they dominate the unit tier."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_at_once(
    commands: Mapping[str, tuple[Sequence[str | Path], bytes]],
    cwd: Path,
    env: Mapping[str, Mapping[str, str]] | None = None,
    timeout: float = 300,
) -> dict[str, subprocess.CompletedProcess]:
    """Run every (arguments, stdin) of `commands` concurrently; each name's environment is
    `env[name]` (default: this process's). Returns each name's completed process."""
    started = {
        name: subprocess.Popen(
            arguments,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=(env or {}).get(name),
        )
        for name, (arguments, _) in commands.items()
    }
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(commands[name][1], timeout=timeout)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done
