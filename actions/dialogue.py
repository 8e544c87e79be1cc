"""Rasa SDK actions: session start, procedure answers, misunderstandings and human handoff."""

from __future__ import annotations

import abc
import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import render_answer, render_case, render_conditions, render_faq
from actions.catalogue import Catalogue, Faq, Procedure
from actions.explanation import Explanation
from actions.matcher import ALIAS_SCORE, CatalogueMatcher, Match, lead

INTENT_QUESTIONS = {
    "ask_procedure": "summary",
    "ask_cost": "cost",
    "ask_where": "where",
    "ask_documents": "documents",
    "ask_delay": "delay",
    "ask_validity": "validity",
    "ask_eligibility": "conditions",
}
MISUNDERSTOOD_INTENTS = {"nlu_fallback", "out_of_scope"}
HANDOFF_AFTER = 2  # misunderstandings in a row before offering a human
# Cases that ask for a new document: a general question in one of them is about how to apply.
REQUEST_CASES = frozenset({"renewal", "loss", "theft", "first_request"})
# Catalogue matcher scores (0 to 1), chosen with `guichet eval-matcher`: each catalogue phrasing
# left out in turn and matched against the others, and the 154 hand-written out-of-scope
# examples (2 would be answered alone, 21 offered procedures, 8 when said out of scope).
MATCH_CONFIDENT = 0.25  # answer the closest procedure when it is that close…
MATCH_MARGIN = 0.1  # …and that far ahead of the next one (85 % of those answers right)
# …or only this far ahead, when it is also first both by its words and by its meaning alone.
# `guichet eval-matcher`: answers given alone 167 at 91.0 % right -> 244 at 88.1 %; the
# hand-written out-of-scope examples answered alone 1 -> 3 of 147.
MATCH_MARGIN_AGREED = 0.05
# A follow-up stays on the conversation's procedure unless this close (82 % right at or above).
MATCH_OVER_CONTEXT = 0.35
MATCH_POSSIBLE = 0.2  # offer it among "Vouliez-vous parler de… ?"
MATCH_POSSIBLE_OUT_OF_SCOPE = 0.25  # the same, when the classifier said "out of scope"
# A message that says nearly all of one catalogue example (its `closest`) is not out of scope,
# however sure the classifier is: of the 355 out-of-scope training examples, the closest to one
# reaches 0.73; a situation in a carrier sentence reaches 1.0.
EXAMPLE_SAID = 0.8
FAQ_CONFIDENT = 0.6  # answer a FAQ entry when one of its phrasings is that close
GUESS_CONFIDENCE = 0.3  # an unsure classifier's question intent still tells what is asked
# The classifier is sure: of what is asked ("sûr" in "Pourquoi cette réponse ?"), or that a
# procedure's word is used in another sense. Below it, and above config.yml's fallback
# threshold, an answer is "probable".
CLASSIFIER_SURE = 0.9


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


class CitizenAnswerAction(Action, abc.ABC):
    """An action answering the citizen's latest message.

    If that message seems to share health or other sensitive data, the answer starts by
    asking the citizen not to (CNIL guidance for chatbots). The reply's last message carries
    the explanation of the answer ("Pourquoi cette réponse ?", actions/explanation.py).
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        # A procedure's own name ("allocation aux adultes handicapés") shares nothing personal.
        for start, end, _ in reversed(matcher().alias_spans(text)):
            text = text[:start] + text[end:]
        if catalogue().mentions_sensitive_data(text):
            dispatcher.utter_message(text=" ".join(catalogue().sensitive["reminder"].split()))
        events, explanation = self.answer(dispatcher, tracker)
        if dispatcher.messages:
            payload = explanation.payload(catalogue().explanation, human_routes())
            dispatcher.messages[-1]["custom"] = {"explanation": payload}
        return events

    @abc.abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[EventType], Explanation]:
        """The reply itself and its explanation (abstract, so that the action server does not
        register this class)."""


def topic_buttons() -> list[dict]:
    return [
        {"title": button["title"], "payload": f"/{button['intent']}"}
        for button in catalogue().buttons.get("topics", ())
    ]


def procedure_button(procedure: Procedure) -> dict:
    return {"title": procedure.title, "payload": f'/ask_procedure{{"procedure": "{procedure.id}"}}'}


def match_buttons(matches: Iterable[Match], threshold: float = MATCH_POSSIBLE) -> list[dict]:
    """A button for each matched procedure at least `threshold` close."""
    procedures = catalogue().procedures
    return [procedure_button(procedures[m.procedure]) for m in matches if m.score >= threshold]


def procedure_buttons() -> list[dict]:
    procedures = catalogue().procedures
    return [procedure_button(procedures[pid]) for pid in catalogue().buttons.get("procedures", ())]


@functools.cache
def matcher() -> CatalogueMatcher:
    return CatalogueMatcher(catalogue())


@dataclass(frozen=True)
class Understanding:
    """What the latest message asks, from the classifier first and the catalogue second."""

    procedure: Procedure | None
    # How the message itself points to the procedure: "entity" (the classifier), "alias" (its
    # name is in it), "example" (close to its situations or questions), or None (follow-up).
    named_by: str | None
    questions: tuple[str, ...]
    cases: tuple[str, ...]
    faq: Faq | None
    matches: tuple[Match, ...]
    other_sense: frozenset[str] = frozenset()  # procedures whose words are used in another sense

    @property
    def says_an_example(self) -> bool:
        return any(match.closest >= EXAMPLE_SAID for match in self.matches)

    @property
    def close_call(self) -> bool:
        """Answered from the examples although another procedure was almost as close: less
        than MATCH_MARGIN behind, let through by clear_lead because words and meaning agree."""
        return self.named_by == "example" and lead(self.matches) < MATCH_MARGIN

    def case_for(self, question: str) -> str | None:
        """The first case of the message the catalogue has an answer for, else the first one."""
        if self.procedure is not None:
            for case in self.cases:
                if self.procedure.has_case(question, case):
                    return case
        return self.cases[0] if self.cases else None


def _intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def classifier_band(intent: str | None, confidence: float) -> str:
    """How sure the classifier is of what was asked: "sure", "probable" or "uncertain"."""
    if intent is None or intent == "nlu_fallback":
        return "uncertain"
    return "sure" if confidence >= CLASSIFIER_SURE else "probable"


def answer_band(understanding: Understanding, intent: str | None, confidence: float) -> str:
    """The confidence band of a procedure answer: the classifier's, lowered when only the
    catalogue matcher recognised the procedure or the question."""
    if intent in MISUNDERSTOOD_INTENTS:
        # The classifier did not recognise the question: the procedure's name still may have.
        return "probable" if understanding.named_by == "alias" else "uncertain"
    if understanding.named_by == "example" and (
        understanding.matches[0].score < MATCH_OVER_CONTEXT or understanding.close_call
    ):
        return "probable"
    return classifier_band(intent, confidence)


def _questions(tracker: Tracker) -> tuple[str, ...]:
    """The sub-questions asked: one per part of a multi-intent ("ask_cost+ask_documents"); when
    the classifier was unsure, its best guess among the question intents, if not too weak."""
    name, _ = _intent(tracker)
    parts = tuple(
        INTENT_QUESTIONS[part] for part in (name or "").split("+") if part in INTENT_QUESTIONS
    )
    if parts or name not in MISUNDERSTOOD_INTENTS:
        return parts
    for ranked in tracker.latest_message.get("intent_ranking") or ():
        guess = ranked.get("name")
        if guess in INTENT_QUESTIONS and ranked.get("confidence", 0) >= GUESS_CONFIDENCE:
            return (INTENT_QUESTIONS[guess],)
    return ()


def clear_lead(
    matches: Sequence[Match], threshold: float = MATCH_CONFIDENT, margin: float = MATCH_MARGIN
) -> bool:
    """Whether the first match is close enough, and far enough ahead of the next, to be
    answered without asking: by `margin`, or by less when its words and its meaning agree."""
    if not matches or matches[0].score < threshold:
        return False
    ahead = lead(matches)
    return ahead >= margin or (matches[0].leads_both_views and ahead >= MATCH_MARGIN_AGREED)


def understand(tracker: Tracker) -> Understanding:
    text = tracker.latest_message.get("text") or ""
    procedures = catalogue().procedures
    found, other_sense = matcher().analyse(text)
    matches = tuple(found)
    by_entity = next(
        (
            procedures[value]
            for value in tracker.get_latest_entity_values("procedure")
            if value in procedures and value not in other_sense
        ),
        None,
    )
    top = matches[0] if matches else None
    named_by = None
    named_in_text = [match for match in matches if match.via == "alias"]
    if named_in_text:
        # Of several names, the one whose examples fit the rest of the message best.
        named, named_by = procedures[named_in_text[0].procedure], "alias"
    elif by_entity:  # a button's payload ("/ask_procedure{...}")
        named, named_by = by_entity, "entity"
    elif clear_lead(
        matches, MATCH_OVER_CONTEXT if tracker.get_slot("procedure") else MATCH_CONFIDENT
    ):
        named, named_by = procedures[top.procedure], "example"
    else:
        named = None
    procedure = named
    if named is None and not other_sense:
        procedure = procedures.get(tracker.get_slot("procedure") or "")

    # The case entities are the same words (actions/vocabulary.py): the matcher also ranks
    # them, the most specific first (data/knowledge/cases.yml).
    cases = matcher().cases(text)
    if not cases and named is None and tracker.get_slot("situation"):
        cases = [tracker.get_slot("situation")]  # a follow-up keeps the case too

    questions = _questions(tracker)
    faq = None
    if procedure and top and top.faq and top.procedure == procedure.id:
        faq = procedure.faq_entry(top.faq) if top.closest >= FAQ_CONFIDENT else None
    if not questions and top and top.question and named is not None and top.procedure == named.id:
        questions = (top.question,)
    return Understanding(
        procedure,
        named_by,
        questions,
        tuple(dict.fromkeys(cases)),
        faq,
        matches,
        frozenset(other_sense),
    )


def answer_procedure(
    dispatcher: CollectingDispatcher, tracker: Tracker, understanding: Understanding
) -> tuple[list[EventType], Explanation]:
    """Answer each question asked about the procedure, from the catalogue, with its source."""
    procedure = understanding.procedure
    questions = understanding.questions or (tracker.get_slot("question") or "summary",)
    case = None
    for question in questions:
        case = understanding.case_for(question)
        if question == "summary" and case:
            # "j'ai perdu ma carte d'identité": what to do and what it costs in that case;
            # "comment renouveler mon passeport ?": how and where to apply.
            text = render_case(procedure, case)
            if text is None and case in REQUEST_CASES and procedure.answer("where"):
                dispatcher.utter_message(text=render_answer(procedure, "summary"))
                text = render_answer(procedure, "where", case)
            if text:
                dispatcher.utter_message(text=text, buttons=topic_buttons())
                continue
        if question == "conditions":
            dispatcher.utter_message(text=render_conditions(procedure))
        elif question == "validity" and case == "renewal" and procedure.answer("where"):
            # "mon passeport est périmé, comment le refaire ?" asks how, not only how long.
            dispatcher.utter_message(text=render_answer(procedure, "validity"))
            dispatcher.utter_message(text=render_answer(procedure, "where", case))
        else:
            buttons = topic_buttons() if question == "summary" else []
            dispatcher.utter_message(text=render_answer(procedure, question, case), buttons=buttons)
    if understanding.faq is not None:
        # Shown with its own question, after the answer: a close FAQ entry is not always the
        # question asked (about half of the closest ones are, when each is left out in turn).
        dispatcher.utter_message(text=render_faq(procedure, understanding.faq))
    if understanding.close_call and (others := match_buttons(understanding.matches[1:])):
        # The runners-up stay one click away.
        dispatcher.utter_message(text=message("other_procedures"), buttons=others)
    events = [
        SlotSet("procedure", procedure.id),
        SlotSet("situation", case),
        SlotSet("question", questions[-1]),
    ]
    band = answer_band(understanding, *_intent(tracker))
    return events, Explanation(band, procedure, questions, case, understanding.faq)


class ActionAnswerProcedure(CitizenAnswerAction):
    """Answers a question about a procedure from the catalogue.

    Follow-ups keep context: the procedure and the kind of question stay in slots, so that
    "Combien ça coûte ?" then "et pour un enfant ?" answer about the same procedure.
    """

    def name(self) -> str:
        return "action_answer_procedure"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[EventType], Explanation]:
        understanding = understand(tracker)
        if understanding.procedure is None:
            band = classifier_band(*_intent(tracker))
            if understanding.other_sense:  # "une procuration pour mon compte bancaire"
                dispatcher.utter_message(text=message("out_of_scope"))
                return [], Explanation(band, request="out_of_scope")
            if suggest(dispatcher, understanding):
                return [], Explanation("uncertain", request="suggestions")
            dispatcher.utter_message(text=message("which_procedure"), buttons=procedure_buttons())
            questions = understanding.questions or ("summary",)
            explanation = Explanation(band, request="which_procedure")
            return [SlotSet("question", questions[-1])], explanation
        return answer_procedure(dispatcher, tracker, understanding)


class ActionPrivacyNotice(CitizenAnswerAction):
    """How this conversation's data are handled, unless the message is about a procedure.

    "Quelles informations contient la carte Vitale ?" speaks of data, but of a procedure's: a
    message naming a procedure, or very close to one of its examples, is answered about it,
    with the privacy notice one click away. A looser resemblance is not enough ("nos échanges
    sont archivés ?" is not about exchanging a driving licence).
    """

    def name(self) -> str:
        return "action_privacy_notice"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[EventType], Explanation]:
        understanding = understand(tracker)
        top = understanding.matches[0] if understanding.matches else None
        if (
            understanding.named_by is not None
            and top is not None
            and top.procedure == understanding.procedure.id
            and top.score >= (ALIAS_SCORE if top.via == "alias" else MATCH_OVER_CONTEXT)
        ):
            dispatcher.utter_message(
                text=message("privacy_pointer"),
                buttons=[{"title": message("privacy_button"), "payload": "/ask_privacy"}],
            )
            return answer_procedure(dispatcher, tracker, understanding)
        dispatcher.utter_message(text=message("privacy"))
        return [], Explanation(classifier_band(*_intent(tracker)), request="privacy")


def suggest(
    dispatcher: CollectingDispatcher,
    understanding: Understanding,
    handoff: bool = False,
    threshold: float = MATCH_POSSIBLE,
) -> bool:
    """ "Vouliez-vous parler de… ?" with the closest procedures as buttons, if any is close."""
    buttons = match_buttons(understanding.matches, threshold)
    if not buttons:
        return False
    text = message("suggestions")
    if handoff:
        text = f"{text}\n{handoff_text()}"
    dispatcher.utter_message(text=text, buttons=buttons)
    return True


def consecutive_misunderstandings(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were neither understood nor answered."""
    count, answered = 0, False
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "procedure" and event.get("value"):
            answered = True
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent not in MISUNDERSTOOD_INTENTS or answered:
            break
        count += 1
    return count


def human_routes() -> list[str]:
    """Both human routes from data/knowledge/help.yml, with the 39 39 hours when verified."""
    routes = catalogue().help
    france_services = routes["france_services"]
    phone = routes["allo_service_public"]
    hours = phone["hours_text"]
    if phone.get("hours"):
        hours = f"Horaires : {phone['hours']} ({phone['hours_url']}). {hours}"
    return [
        f"{france_services['text']} Trouver le point le plus proche : {france_services['url']}",
        f"{phone['text']} {hours} {phone['url']}",
    ]


def handoff_text() -> str:
    routes = [f"- {route}" for route in human_routes()]
    return "\n".join(["Pour être aidé par une personne :", *routes])


class ActionHandleMisunderstanding(CitizenAnswerAction):
    """Not understood or out of scope for the classifier: the catalogue gets a second look.

    A message that names a procedure, or is close to one of its situations or questions, is
    answered; a message close to a few is offered them as buttons; anything else is told
    plainly that it is out of scope. After two misunderstandings in a row, a human is offered.
    """

    def name(self) -> str:
        return "action_handle_misunderstanding"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[EventType], Explanation]:
        intent, confidence = _intent(tracker)
        understanding = understand(tracker)
        out_of_scope = intent == "out_of_scope" and not understanding.says_an_example
        if understanding.named_by == "alias":
            # A procedure's name is answered, even when the classifier is sure it is out of
            # scope: the matcher decides in which sense a name is used, and a name in another
            # sense is not among its matches. External set, three seeds: 1 more right each.
            return answer_procedure(dispatcher, tracker, understanding)
        # A mere resemblance is answered unless the classifier says "out of scope" (and the
        # message does not say one example nearly whole); it only gets suggestions then, and
        # none when the classifier is sure.
        trusted = {"entity"} if out_of_scope else {"entity", "example"}
        # Words in another sense rule out those procedures only (matches leave them out).
        surely_out_of_scope = (out_of_scope and confidence >= CLASSIFIER_SURE) or (
            bool(understanding.other_sense) and understanding.named_by is None
        )
        if understanding.named_by in trusted and not surely_out_of_scope:
            return answer_procedure(dispatcher, tracker, understanding)
        if (
            intent == "nlu_fallback"
            and understanding.named_by is None
            and understanding.procedure
            and understanding.questions
        ):
            # "…, combien ça coûte ?" in a conversation about a procedure: a follow-up.
            return answer_procedure(dispatcher, tracker, understanding)
        handoff = consecutive_misunderstandings(tracker) >= HANDOFF_AFTER
        threshold = MATCH_POSSIBLE_OUT_OF_SCOPE if out_of_scope else MATCH_POSSIBLE
        if not surely_out_of_scope and suggest(dispatcher, understanding, handoff, threshold):
            return [], Explanation("uncertain", request="suggestions")
        if handoff:
            dispatcher.utter_message(text=handoff_text())
        elif out_of_scope:
            dispatcher.utter_message(text=message("out_of_scope"))
        else:
            dispatcher.utter_message(text=message("rephrase"))
        request = "out_of_scope" if out_of_scope else "not_understood"
        return [], Explanation(classifier_band(intent, confidence), request=request)


class ActionOfferHuman(CitizenAnswerAction):
    def name(self) -> str:
        return "action_offer_human"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> tuple[list[EventType], Explanation]:
        dispatcher.utter_message(text=handoff_text())
        return [], Explanation(classifier_band(*_intent(tracker)), request="request_human")


class ActionEraseConversation(Action):
    """Confirms erasure. The tracker store sees this action and deletes the whole conversation."""

    def name(self) -> str:
        return "action_erase_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=message("erased"))
        return []
