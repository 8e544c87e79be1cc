"""« Pourquoi cette réponse ? »: the explanation every reply of the action server carries.

In-process tests run the real actions on a hand-made tracker; the server tests go through
the REST channel and read what the tracker store and the analytics sink kept. The widget's
side (the disclosure in the browser, axe) is in tests/test_widget.py.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue
from actions.catalogue import KNOWLEDGE_DIR, QUESTIONS, SITUATIONS, Catalogue
from bot.privacy.events import sender_reference

CATALOGUE = Catalogue.load()
NAME, PHONE = "Gwendoline Kerbrat", "06 48 27 91 35"
# Words of the citizen's own that no catalogue entry uses.
OWN_WORDS = ("Gwendoline", "Kerbrat", "06 48 27 91 35", "0648279135", "tantine", "Plouguerneau")
QUESTION = (
    f"je suis {NAME} ({PHONE}), ma tantine de Plouguerneau demande combien coûte un passeport"
)


def tracker(text: str, intent: str, confidence: float, entities=(), slots=None) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [{"entity": name, "value": value} for name, value in entities],
    }
    return Tracker("explanation-test", slots or {}, message, [], False, None, {}, "action_listen")


def run(action, state: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, state, {}))
    return dispatcher.messages


def explanation_of(messages: list[dict]) -> dict:
    """The explanation, which rides on the reply's last message only."""
    assert all("explanation" not in (m.get("custom") or {}) for m in messages[:-1])
    return messages[-1]["custom"]["explanation"]


def facts(explanation: dict) -> dict[str, str]:
    return {term: value for section in explanation["sections"] for term, value in section["facts"]}


@pytest.mark.unit
def test_a_sure_answer_says_what_was_understood_and_where_it_comes_from():
    state = tracker(QUESTION, "ask_cost", 0.97, [("procedure", "passeport")])
    explanation = explanation_of(run(dialogue.ActionAnswerProcedure(), state))
    passport = CATALOGUE.procedures["passeport"]
    assert explanation["band"] == "sure"
    assert (explanation["procedure"], explanation["questions"]) == ("passeport", ["cost"])
    assert explanation["entry"] == "passeport"
    assert explanation["source"] == passport.sources[0].url
    assert explanation["verified"] == passport.verified.isoformat()
    shown = facts(explanation)
    assert shown["Type de question"] == "coût" and shown["Démarche"] == passport.title
    assert shown["Degré de confiance"].startswith("sûr")
    assert shown["Source officielle"] == passport.sources[0].url
    text = json.dumps(explanation, ensure_ascii=False)
    assert "n'est pas généré" in text and "rédigé et vérifié" in text
    assert "39 39" in text and "france-services.gouv.fr" in text, "how to reach a human"


@pytest.mark.parametrize(
    "state",
    [
        tracker(QUESTION, "ask_cost", 0.97, [("procedure", "passeport")]),
        tracker(QUESTION, "nlu_fallback", 0.5),
        tracker(f"{NAME} {PHONE} tantine Plouguerneau", "out_of_scope", 0.95),
        tracker(f"{NAME} veut parler à quelqu'un, {PHONE}", "request_human", 0.99),
    ],
)
@pytest.mark.unit
def test_the_explanation_never_holds_the_citizens_words(state):
    action = {
        "request_human": dialogue.ActionOfferHuman(),
        "ask_cost": dialogue.ActionAnswerProcedure(),
    }.get(state.latest_message["intent"]["name"], dialogue.ActionHandleMisunderstanding())
    text = json.dumps(explanation_of(run(action, state)), ensure_ascii=False)
    assert [word for word in OWN_WORDS if word.lower() in text.lower()] == []


@pytest.mark.unit
def test_the_band_follows_the_classifier_and_the_matcher():
    sure = tracker("combien coûte un passeport", "ask_cost", 0.95, [("procedure", "passeport")])
    probable = tracker("combien coûte un passeport", "ask_cost", 0.7, [("procedure", "passeport")])
    # The classifier fell back; the procedure's name is in the message.
    named = tracker("passeport ???", "nlu_fallback", 0.5)
    lost = tracker("blablabla zorglub", "nlu_fallback", 0.5)
    bands = [
        explanation_of(run(action, state))["band"]
        for action, state in [
            (dialogue.ActionAnswerProcedure(), sure),
            (dialogue.ActionAnswerProcedure(), probable),
            (dialogue.ActionHandleMisunderstanding(), named),
            (dialogue.ActionHandleMisunderstanding(), lost),
        ]
    ]
    assert bands == ["sure", "probable", "probable", "uncertain"]


@pytest.mark.unit
def test_the_case_is_the_catalogues_label():
    state = tracker(
        "j'ai perdu ma carte d'identité, c'est combien ?",
        "ask_cost",
        0.96,
        [("procedure", "cni"), ("situation", "loss")],
    )
    explanation = explanation_of(run(dialogue.ActionAnswerProcedure(), state))
    assert explanation["case"] == "loss" and facts(explanation)["Votre cas"] == "perte"


@pytest.mark.unit
def test_an_answer_from_no_procedure_says_so():
    state = tracker("je veux parler à un humain", "request_human", 0.99)
    explanation = explanation_of(run(dialogue.ActionOfferHuman(), state))
    assert explanation["procedure"] is None and "entry" not in explanation
    shown = facts(explanation)
    assert shown["Votre demande"] == "être mis en relation avec une personne"
    assert "aucune fiche du catalogue" in json.dumps(explanation, ensure_ascii=False)


@pytest.mark.unit
def test_a_privacy_question_gets_the_notice():
    state = tracker("nos échanges sont archivés ?", "ask_privacy", 0.97)
    messages = run(dialogue.ActionPrivacyNotice(), state)
    assert len(messages) == 1 and "anonymisés" in messages[0]["text"]
    explanation = explanation_of(messages)
    assert explanation["procedure"] is None
    assert facts(explanation)["Votre demande"] == CATALOGUE.explanation["requests"]["privacy"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        "quelles données personnelles contient la carte vitale ?",
        "mes infos sur ameli sont à jour ?",
    ],
)
def test_data_of_a_named_procedure_is_answered_about_the_procedure(text):
    """The classifier hears "données": the procedure is answered, the notice one click away."""
    messages = run(dialogue.ActionPrivacyNotice(), tracker(text, "ask_privacy", 0.9))
    pointer = messages[0]
    assert pointer["buttons"] == [
        {"title": dialogue.message("privacy_button"), "payload": "/ask_privacy"}
    ]
    assert explanation_of(messages)["procedure"] == "carte_vitale"
    assert CATALOGUE.procedures["carte_vitale"].sources[0].url in messages[1]["text"]


@pytest.mark.unit
def test_a_local_answer_names_the_administration_that_wrote_it():
    local = next(
        procedure
        for procedure in CATALOGUE.procedures.values()
        if procedure.local and "summary" in procedure.local.fields
    )
    state = tracker(local.title, "ask_procedure", 0.95, [("procedure", local.id)])
    explanation = explanation_of(run(dialogue.ActionAnswerProcedure(), state))
    assert local.local.owner in json.dumps(explanation, ensure_ascii=False)
    assert explanation["source"] == local.local.sources[0].url


@pytest.mark.unit
def test_the_wording_file_covers_every_question_case_and_band():
    wording = yaml.safe_load((KNOWLEDGE_DIR / "explanation.yml").read_text(encoding="utf-8"))
    assert set(wording["questions"]) == set(QUESTIONS)
    assert set(wording["cases"]) == set(SITUATIONS)
    assert set(wording["bands"]) == {"sure", "probable", "uncertain"}


@pytest.mark.server
def test_the_explanation_travels_with_the_answer_and_is_stored_without_the_citizens_words(
    assistant,
):
    sender = uuid.uuid4().hex
    assistant.say(sender, "Bonjour")
    status, replies = assistant.post(
        "/webhooks/rest/webhook", {"sender": sender, "message": QUESTION}
    )
    assert status == 200
    last = replies[-1]
    assert "86 €" in "".join(reply.get("text", "") for reply in replies)
    assert last["text"] and last["custom"]["explanation"]["procedure"] == "passeport"
    assert not any(set(reply) <= {"recipient_id", "custom"} for reply in replies), (
        "the payload rides on a text message, not on a message of its own"
    )
    payload = json.dumps(last["custom"], ensure_ascii=False)
    assert [word for word in OWN_WORDS if word.lower() in payload.lower()] == []

    with sqlite3.connect(assistant.data_dir / "guichet.db") as database:
        bots = [
            json.loads(data)
            for (data,) in database.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", (sender,)
            )
        ]
    with sqlite3.connect(assistant.data_dir / "analytics.db") as database:
        analytics = [
            json.loads(data)
            for (data,) in database.execute(
                "SELECT data FROM analytics_events WHERE conversation = ? AND type_name = 'bot'",
                (sender_reference(sender),),
            )
        ]

    def explanations(events: list[dict]) -> list[dict]:
        return [
            event["data"]["custom"]["explanation"]
            for event in events
            if ((event.get("data") or {}).get("custom") or {}).get("explanation")
        ]

    stored, published = explanations(bots), explanations(analytics)
    assert stored[-1]["entry"] == published[-1]["entry"] == "passeport"
    kept = json.dumps(stored + published, ensure_ascii=False)
    assert [word for word in OWN_WORDS if word.lower() in kept.lower()] == []
