"""A broken redaction policy is refused on load, with one line naming the bad entry."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from anonymization import Policy, PolicyError, Redactor
from anonymization.policy import DEFAULT_POLICY
from tests.subprocesses import Batch, Commands

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
GUICHET = Path(sys.executable).with_name("guichet")


def _packaged() -> dict:
    return yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))


def _broken(tmp_path, change) -> Path:
    data = _packaged()
    change(data)
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _rename_entity(data):
    data["entities"]["FR_NIRR"] = data["entities"].pop("FR_NIR")


BROKEN = [
    (_rename_entity, "'FR_NIRR' in entities"),
    (lambda d: d.update(entitys=d.pop("entities")), "unknown key 'entitys' in the policy"),
    (lambda d: d["thresholds"].update(PHONE=0.3), "'PHONE' in thresholds"),
    (lambda d: d["entities"]["PERSON"].update(operater="mask"), "'operater' in entities.PERSON"),
    (lambda d: d["redact_wrong_check_digits"].append("IBAN"), "in redact_wrong_check_digits"),
    (lambda d: d["spacy"].update(trusted_labels=["PERSON"]), "'PERSON' in spacy.trusted_labels"),
    (lambda d: d["allow_list"].update(term=["CAF"]), "unknown key 'term' in allow_list"),
    (lambda d: d["mapping"].update(ttl=3), "unknown key 'ttl' in mapping"),
    (lambda d: d["allow_list"].update(patterns=["(unclosed"]), "allow_list.patterns"),
    (lambda d: d["entities"]["PERSON"].update(operator="encrypt"), "encrypt"),
]


def test_packaged_policy_is_valid():
    assert "FR_NIR" in Policy.load().entities


@pytest.mark.parametrize("change, named", BROKEN)
def test_broken_policy_is_refused_naming_the_entry(tmp_path, change, named):
    path = _broken(tmp_path, change)
    with pytest.raises(PolicyError) as refused:
        Policy.load(path)
    message = str(refused.value)
    assert named in message and str(path) in message and "\n" not in message


def test_unreadable_policy_is_refused(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text("entities: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="cannot be read"):
        Policy.load(path)
    with pytest.raises(PolicyError, match="cannot be read"):
        Policy.load(tmp_path / "missing.yml")


# The commands that must refuse a broken policy. They run as real subprocesses, all at once in
# the background (each spends seconds importing Rasa and spaCy), each with its own data folder.
REFUSING_COMMANDS = {
    "redact": ([GUICHET, "redact"], b"nir 1 85 05 78 006 084 36\n"),
    "audit scan": ([GUICHET, "audit", "scan"], b""),
    "audit export": ([GUICHET, "audit", "export"], b""),
    "audit report": ([GUICHET, "audit", "report", "--out", "r.html"], b""),
    "run": ([GUICHET, "run", "--port", "5999", "--actions-port", "5998"], b""),
}


def _data_dir(directory: Path, command: str) -> Path:
    """A data folder of its own for `command`, which it must not create."""
    return directory / command.replace(" ", "_") / "data"


def _with_broken_policy(directory: Path) -> Commands:
    """The commands, each with a policy naming an unknown entity."""
    policy = _broken(directory, _rename_entity)
    env = {
        name: dict(
            os.environ,
            GUICHET_REDACTION_POLICY=str(policy),
            GUICHET_DATA_DIR=str(_data_dir(directory, name)),
        )
        for name in REFUSING_COMMANDS
    }
    return Commands(REFUSING_COMMANDS, env)


REFUSING = Batch(_with_broken_policy, cwd=ROOT)


@pytest.fixture(scope="module")
def refusals() -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Each command's outcome and data folder."""
    done = REFUSING.results()
    assert REFUSING.directory is not None
    return {name: (done[name], _data_dir(REFUSING.directory, name)) for name in REFUSING_COMMANDS}


def _refused(refusals, name) -> tuple[subprocess.CompletedProcess, Path]:
    done, data_dir = refusals[name]
    lines = done.stderr.decode().strip().splitlines()
    assert done.returncode == 2, done.stderr.decode()[-2000:]
    assert len(lines) == 1 and "FR_NIRR" in lines[0] and lines[0].startswith("guichet: ")
    return done, data_dir


def test_guichet_redact_refuses_a_broken_policy(refusals):
    done, _ = _refused(refusals, "redact")
    assert done.stdout == b""


@pytest.mark.parametrize("audit", ["audit scan", "audit export", "audit report"])
def test_audit_commands_refuse_a_broken_policy(refusals, audit):
    _, data_dir = _refused(refusals, audit)
    assert not data_dir.exists()


def test_server_refuses_to_start_on_a_broken_policy(refusals):
    _refused(refusals, "run")


def test_server_tracker_store_refuses_a_broken_policy(tmp_path, monkeypatch):
    """What the Rasa server does with endpoints.yml: no fallback to an in-memory store."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    path = _broken(tmp_path, _rename_entity)
    monkeypatch.setenv("GUICHET_REDACTION_POLICY", str(path))
    endpoint = EndpointConfig(
        type="bot.privacy.store.RedactingSQLTrackerStore",
        dialect="sqlite",
        db=str(tmp_path / "t.db"),
    )
    with pytest.raises(PolicyError, match="FR_NIRR"):
        TrackerStore.create(endpoint)
    with pytest.raises(PolicyError, match="FR_NIRR"):
        Redactor.from_policy()
