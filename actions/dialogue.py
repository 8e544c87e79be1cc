"""Rasa SDK actions: session start, procedure answers, misunderstandings and human handoff."""

from __future__ import annotations

import abc
import functools
import os
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import render_answer, render_eligibility
from actions.catalogue import SITUATIONS, Catalogue, Procedure, situation_for_age

INTENT_QUESTIONS = {
    "ask_procedure": "summary",
    "ask_cost": "cost",
    "ask_where": "where",
    "ask_documents": "documents",
    "ask_delay": "delay",
    "ask_validity": "validity",
    "ask_eligibility": "eligibility",
}
MISUNDERSTOOD_INTENTS = {"nlu_fallback", "out_of_scope"}
HANDOFF_AFTER = 2  # misunderstandings in a row before offering a human


@functools.cache
def catalogue() -> Catalogue:
    return Catalogue.load()


def message(key: str) -> str:
    """A text from data/knowledge/messages.yml, with the privacy notice link filled in."""
    privacy_notice_url = os.environ.get(
        "GUICHET_PRIVACY_NOTICE_URL", "http://localhost:5005/webhooks/widget/confidentialite.html"
    )
    return catalogue().messages[key].format(privacy_notice_url=privacy_notice_url)


class ActionSessionStart(Action):
    """Every conversation opens with the AI disclosure (AI Act art. 50) and the privacy notice."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=message("disclosure"))
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionPrivacyNotice(Action):
    def name(self) -> str:
        return "action_privacy_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=message("privacy"))
        return []


class CitizenAnswerAction(Action, abc.ABC):
    """An action answering the citizen's latest message.

    If that message seems to share health or other sensitive data, the answer starts by
    asking the citizen not to (CNIL guidance for chatbots).
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if catalogue().mentions_sensitive_data(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(text=" ".join(catalogue().sensitive["reminder"].split()))
        return self.answer(dispatcher, tracker)

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The reply itself (abstract, so that the action server does not register this class)."""


def topic_buttons() -> list[dict]:
    return [
        {"title": button["title"], "payload": f"/{button['intent']}"}
        for button in catalogue().buttons.get("topics", ())
    ]


def procedure_buttons() -> list[dict]:
    procedures = catalogue().procedures
    return [
        {"title": procedures[pid].title,
         "payload": f'/ask_procedure{{"procedure": "{pid}"}}'}
        for pid in catalogue().buttons.get("procedures", ())
    ]


def _named_procedure(tracker: Tracker) -> Procedure | None:
    """The procedure named in the latest message: NLU entity first, then catalogue aliases."""
    procedures = catalogue().procedures
    for value in tracker.get_latest_entity_values("procedure"):
        if value in procedures:
            return procedures[value]
    return catalogue().find_in_text(tracker.latest_message.get("text") or "")


def _named_situation(tracker: Tracker) -> str | None:
    for value in tracker.get_latest_entity_values("situation"):
        if value in SITUATIONS:
            return value
    for value in tracker.get_latest_entity_values("age"):
        try:
            return situation_for_age(float(value))
        except (TypeError, ValueError):
            continue
    return None


class ActionAnswerProcedure(CitizenAnswerAction):
    """Answers cost / where / documents / delay / validity / eligibility from the catalogue.

    Follow-ups keep context: the procedure and the kind of question stay in slots, so that
    "Combien ça coûte ?" then "et pour un enfant ?" answer about the same procedure.
    """

    def name(self) -> str:
        return "action_answer_procedure"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        named = _named_procedure(tracker)
        previous = catalogue().procedures.get(tracker.get_slot("procedure") or "")
        procedure = named or previous
        situation = _named_situation(tracker)
        if situation is None and named is None:
            situation = tracker.get_slot("situation")
        question = INTENT_QUESTIONS.get(intent) or tracker.get_slot("question") or "summary"

        if procedure is None:
            dispatcher.utter_message(text=message("which_procedure"), buttons=procedure_buttons())
            return [SlotSet("question", question)]
        if question == "summary" and situation and procedure.has_case("cost", situation):
            question = "cost"  # "et pour un enfant ?" right after a general question
        if question == "eligibility":
            dispatcher.utter_message(text=render_eligibility(procedure))
        else:
            buttons = topic_buttons() if question == "summary" else []
            dispatcher.utter_message(
                text=render_answer(procedure, question, situation), buttons=buttons
            )
        return [
            SlotSet("procedure", procedure.id),
            SlotSet("situation", situation),
            SlotSet("question", question),
        ]


def consecutive_misunderstandings(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood or out of scope."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent not in MISUNDERSTOOD_INTENTS:
            break
        count += 1
    return count


def handoff_text() -> str:
    """Both human routes from data/knowledge/help.yml, with the 39 39 hours when verified."""
    routes = catalogue().help
    france_services = routes["france_services"]
    phone = routes["allo_service_public"]
    hours = phone["hours_text"]
    if phone.get("hours"):
        hours = f"Horaires : {phone['hours']} ({phone['hours_url']}). {hours}"
    return "\n".join([
        "Pour être aidé par une personne :",
        f"- {france_services['text']} Trouver le point le plus proche : {france_services['url']}",
        f"- {phone['text']} {hours} {phone['url']}",
    ])


class ActionHandleMisunderstanding(CitizenAnswerAction):
    """Out of scope or not understood: say so plainly; after two in a row, offer a human."""

    def name(self) -> str:
        return "action_handle_misunderstanding"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if consecutive_misunderstandings(tracker) >= HANDOFF_AFTER:
            dispatcher.utter_message(text=handoff_text())
        elif intent == "out_of_scope":
            dispatcher.utter_message(text=message("out_of_scope"))
        else:
            dispatcher.utter_message(text=message("rephrase"))
        return []


class ActionOfferHuman(CitizenAnswerAction):
    def name(self) -> str:
        return "action_offer_human"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        dispatcher.utter_message(text=handoff_text())
        return []


class ActionEraseConversation(Action):
    """Confirms erasure. The tracker store sees this action and deletes the whole conversation."""

    def name(self) -> str:
        return "action_erase_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=message("erased"))
        return []
