"""Two Rasa instances behind nginx, sharing PostgreSQL, the Redis locks and RabbitMQ.

nginx alternates the messages of one sender between the instances (round robin, no sticky
sessions). Rasa's Redis lock store must then serialise the turns of that conversation across
both processes: every message is stored exactly once, each turn in the tracker is one user
message followed by its own answer (never interleaved with another turn), and each HTTP
reply answers its own message. The RabbitMQ stream only carries redacted events.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.tools.topology import Topology, database_rows, production_services, rabbitmq_connection
from tests.services import drain_queue
from tests.test_canary import CONVERSATION, canaries_in

pytestmark = pytest.mark.services

# Self-contained questions (no follow-up), each with a recognisable mark in its answer.
QUESTIONS = {
    "passeport pour un enfant de 10 ans, combien ?": "17 €",
    "combien coûte un passeport pour mon fils de 16 ans ?": "42 €",
    "j'ai perdu ma carte d'identité, c'est combien pour la refaire ?": "25 €",
    "ma carte d'identité est valable combien de temps ?": "10 ans",
}


CORES = sorted(os.sched_getaffinity(0))


@pytest.fixture(scope="module")
def topology():
    with production_services() as env, Topology(env) as running:
        running.start(instances=2, dedicated_cores=len(CORES) >= 2)
        running.balance(running.instance_ports)
        yield running


def say(topology: Topology, sender: str, text: str) -> str:
    request = urllib.request.Request(  # noqa: S310 (our own nginx on loopback)
        topology.base_url + "/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120, context=topology.tls) as response:  # noqa: S310
        return "\n".join(reply.get("text", "") for reply in json.loads(response.read()))


def stored_turns(topology: Topology, sender: str) -> list[tuple[str, str]]:
    """(user text, the bot texts of its reply) per turn, in the tracker's event order."""
    turns: list[tuple[str, list[str]]] = []
    welcome: list[str] = []  # the session start greets before the first message is logged
    timestamps = []
    for type_name, data in database_rows(
        topology.env, "SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", sender
    ):
        event = json.loads(data)
        timestamps.append(event["timestamp"])
        if type_name == "user":
            turns.append((event["text"], [] if turns else welcome))
        elif type_name == "bot":
            (turns[-1][1] if turns else welcome).append(event["text"])
    # One lock holder at a time: events were created in the order they were stored.
    assert timestamps == sorted(timestamps)
    return [(text, "\n".join(answers)) for text, answers in turns]


def upstreams_used(topology: Topology) -> set[str]:
    lines = topology.access_log.read_text(encoding="utf-8").splitlines()
    return {line.split()[3] for line in lines if " POST 200 " in line}


def answers_its_own_question(question: str, reply: str) -> bool:
    marks = set(QUESTIONS.values())
    return QUESTIONS[question] in reply and not any(
        mark in reply for mark in marks - {QUESTIONS[question]}
    )


def test_sequential_messages_alternate_and_are_stored_once_in_order(topology):
    sender = uuid.uuid4().hex
    sent = list(QUESTIONS) * 2
    for question in sent:
        assert answers_its_own_question(question, say(topology, sender, question))
    turns = stored_turns(topology, sender)
    assert [text for text, _ in turns] == sent
    assert all(answers_its_own_question(text, answer) for text, answer in turns)
    assert upstreams_used(topology) == {f"127.0.0.1:{port}" for port in topology.instance_ports}


def test_concurrent_messages_of_one_sender_are_serialised_across_instances(topology):
    sender = uuid.uuid4().hex
    sent = list(QUESTIONS) * 3
    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        replies = list(pool.map(lambda question: say(topology, sender, question), sent))
    # Each HTTP reply answers its own message ...
    assert all(answers_its_own_question(q, reply) for q, reply in zip(sent, replies, strict=True))
    # ... every message is stored exactly once, whatever the order the locks gave them ...
    turns = stored_turns(topology, sender)
    assert sorted(text for text, _ in turns) == sorted(sent)
    # ... and each stored turn is whole: its user message, then that message's answer only.
    assert all(answers_its_own_question(text, answer) for text, answer in turns)
    assert sorted(answer for _, answer in turns) == sorted(replies)


def test_the_rabbitmq_stream_carries_only_redacted_events(topology):
    sender = uuid.uuid4().hex
    for text in CONVERSATION:  # personal data in every message, the address in the last one
        say(topology, sender, text)
    stream = ""
    deadline = time.monotonic() + 60
    while "<STREET_ADDRESS_1>" not in stream and time.monotonic() < deadline:
        time.sleep(0.5)  # the broker publishes in the background
        messages = asyncio.run(
            drain_queue(rabbitmq_connection(topology.env), topology.env["GUICHET_RABBITMQ_QUEUE"])
        )
        stream += "\n".join(message.body.decode("utf-8") for message in messages)
    assert "<FR_NIR_1>" in stream and "<STREET_ADDRESS_1>" in stream
    assert canaries_in(stream) == []
    assert sender not in stream  # a hashed reference instead


@pytest.mark.skipif(len(CORES) < 2, reason="needs two cores")
def test_each_instance_runs_on_a_core_of_its_own(topology):
    """With `dedicated_cores` (as `guichet bench load` runs them), every thread of instance i
    (TensorFlow's, the broker's, the purge's) stays on core i."""
    for core, process in zip(CORES, topology.processes[1:], strict=False):
        threads = list(Path(f"/proc/{process.pid}/task").iterdir())
        assert len(threads) > 1
        assert {frozenset(os.sched_getaffinity(int(thread.name))) for thread in threads} == {
            frozenset({core})
        }
