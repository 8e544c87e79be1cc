"""Understanding what citizens write: catalogue-generated NLU, the catalogue matcher as a
second path, two questions in one message, general conditions and the case in the wording."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import Counter

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue
from actions.catalogue import KNOWLEDGE_DIR, Catalogue
from actions.matcher import CatalogueMatcher, Match, stems
from actions.training_data import (
    OUTPUT,
    TRAINED_SITUATIONS,
    as_example,
    examples_by_intent,
    generate,
    hand_written_sentences,
)
from actions.vocabulary import Vocabulary
from bot.nlu import CatalogueEntityExtractor
from bot.tools.eval_dialogue import evaluate
from tests.conftest import PROJECT_ROOT
from tests.test_explanation import tracker

CATALOGUE = Catalogue.load()
MATCHER = CatalogueMatcher(CATALOGUE)
PHRASINGS = yaml.safe_load((KNOWLEDGE_DIR / "phrasings.yml").read_text(encoding="utf-8"))
ALIAS_CARRIERS = ("bonjour, {}", "j'ai une question : {} ?", "{} svp")
SITUATION_CARRIERS = ("{}", "bonjour, {}. que dois-je faire ?")


@pytest.mark.unit
def test_generated_nlu_is_up_to_date():
    """data/nlu/catalogue.yml is what the catalogue generates (`make train` rewrites it)."""
    assert OUTPUT.read_text(encoding="utf-8") == generate(), (
        "run `python -m actions.training_data` (or `make train`) and commit the result"
    )


@pytest.mark.unit
def test_generated_nlu_names_every_procedure_and_annotates_aliases():
    nlu = yaml.safe_load(OUTPUT.read_text(encoding="utf-8"))["nlu"]
    annotated = set(re.findall(r'"value": "([a-z0-9_]+)"', OUTPUT.read_text(encoding="utf-8")))
    assert set(CATALOGUE.procedures) <= annotated
    assert not [block for block in nlu if "synonym" in block]  # the extractor gives ids
    intents = {block["intent"] for block in nlu if "intent" in block}
    assert {"ask_procedure", "ask_cost", "ask_eligibility", "ask_cost+ask_documents"} <= intents


@pytest.mark.unit
def test_every_two_question_phrasing_is_trained_with_several_names():
    """With one rigid two-question message per procedure, the classifier took single questions
    for two (5-fold CV precision of the two-question intents about 0.5): each procedure now
    gives two, with two of its names, and every phrasing of phrasings.yml is used."""
    trained = {
        intent: texts
        for intent, texts in examples_by_intent(CATALOGUE, PHRASINGS, MATCHER).items()
        if "+" in intent and intent.startswith("ask_")
    }
    assert set(trained) == set(PHRASINGS["combined"])
    assert sum(map(len, trained.values())) == 2 * len(CATALOGUE.procedures)
    for intent, templates in PHRASINGS["combined"].items():
        for template in templates:
            before, after = map(re.escape, template.split("{name}"))
            used = [text for text in trained[intent] if re.fullmatch(f"{before}.+{after}", text)]
            assert used, (intent, template)


@pytest.mark.unit
def test_out_of_scope_examples_name_no_other_procedure():
    """A `not_about` phrase that names another procedure ("logement social hlm" is not a
    housing aid, but it is social housing) is in scope: it is not trained as out of scope,
    where it taught the classifier that questions about that procedure are out of scope."""
    naming_another = [
        (procedure.id, phrase)
        for procedure in CATALOGUE.procedures.values()
        for phrase in procedure.not_about
        if MATCHER.named_procedures(phrase) - {procedure.id}
    ]
    assert naming_another, "the catalogue no longer has such a phrase: test with a fixture"
    out_of_scope = examples_by_intent(CATALOGUE, PHRASINGS, MATCHER)["out_of_scope"]
    for _, phrase in naming_another:
        assert not [text for text in out_of_scope if as_example(phrase) in text], phrase
    # The other phrases still are, each in two sentences.
    assert len(out_of_scope) == 2 * sum(
        len(procedure.not_about) for procedure in CATALOGUE.procedures.values()
    ) - 2 * len(naming_another)


@pytest.mark.unit
def test_hand_written_nlu_names_no_procedure_but_follow_ups():
    """Procedure vocabulary lives in the catalogue; the hand-written files keep general intents."""
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        if path.name == OUTPUT.name:
            continue
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent") in dialogue.INTENT_QUESTIONS:
                assert '"entity": "procedure"' not in block["examples"], (path, block["intent"])


@pytest.mark.unit
def test_the_first_situations_are_trained_and_the_matcher_reads_them_all():
    """A richer catalogue must not tip the classifier towards "it is a procedure": only the
    first TRAINED_SITUATIONS of a procedure are training examples, all of them are matched."""
    trained = set(examples_by_intent(CATALOGUE, PHRASINGS, MATCHER)["ask_procedure"])
    long_lists = [
        p for p in CATALOGUE.procedures.values() if len(p.situations) > TRAINED_SITUATIONS
    ]
    assert long_lists, "no procedure has more situations than are trained"
    for procedure in long_lists:
        # Compared as training examples: a situation may hold brackets, which Rasa reserves.
        situations = [as_example(text) for text in procedure.situations]
        first, rest = situations[:TRAINED_SITUATIONS], situations[TRAINED_SITUATIONS:]
        assert set(first) <= trained, procedure.id
        assert not set(rest) & trained, procedure.id
        for text in rest:  # among the closest (a name in it may rank another one first)
            assert procedure.id in {match.procedure for match in MATCHER.matches(text)}, text


@pytest.mark.unit
def test_every_regex_feature_finds_the_entity_it_is_there_for():
    """A regex feature that matches nothing silently teaches nothing: the age pattern once
    lost its brackets ("0-9" for "[0-9]") and never fired. Each must find every mention of
    its entity in the training data."""
    data = load_data(str(OUTPUT.parent))
    assert data.regex_features
    for feature in data.regex_features:
        pattern = re.compile(feature["pattern"])
        mentions = [
            (example.get(TEXT), (entity["start"], entity["end"]))
            for example in data.training_examples
            for entity in example.get(ENTITIES) or ()
            if entity["entity"] == feature["name"]
        ]
        assert mentions, feature["name"]
        missed = [
            text
            for text, span in mentions
            if span not in {found.span() for found in pattern.finditer(text)}
        ]
        assert missed == [], feature["name"]


@pytest.mark.unit
def test_every_annotation_is_what_the_entity_extractor_finds():
    """The entities come from the catalogue (bot/nlu.py), so the training data must mark each
    name, case word and age the same way, in every sense, hand-written examples included."""
    vocabulary = Vocabulary(CATALOGUE)
    data = load_data(str(OUTPUT.parent))
    differing = [
        example.get(TEXT)
        for example in data.training_examples
        if example.get(TEXT)
        and [
            (entity["start"], entity["end"], entity["entity"], str(entity["value"]))
            for entity in example.get(ENTITIES) or ()
        ]
        != [
            (span.start, span.end, span.entity, span.value)
            for span in vocabulary.entities(example.get(TEXT))
        ]
    ]
    assert differing == []


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "J'ai perdu le passeport de mon fils de 12 ans",
            [
                ("situation", "loss", "perdu"),
                ("procedure", "passeport", "passeport"),
                ("age", "12", "12"),
            ],
        ),
        # A name in another sense is still the name: the matcher decides the sense.
        ("une Procuration sur mon compte", [("procedure", "procuration", "Procuration")]),
        ("", []),
        ("\u202e\x00 🤖 carte d'identité\u200b", [("procedure", "cni", "carte d'identité")]),
    ],
)
def test_the_entity_extractor_gives_procedure_ids_case_keys_and_ages(text, expected):
    extractor = CatalogueEntityExtractor(Vocabulary(CATALOGUE))
    message = Message(data={TEXT: text})
    extractor.process([message])
    entities = message.get(ENTITIES)
    assert [
        (entity["entity"], entity["value"], text[entity["start"] : entity["end"]])
        for entity in entities
    ] == expected
    assert {entity["extractor"] for entity in entities} <= {"CatalogueEntityExtractor"}


@pytest.mark.unit
def test_hand_written_examples_are_listed_once():
    """Rasa silently drops a repeated example, so a repeat only hides how small an intent is."""
    listed = Counter(
        text.lower() for intent, text in hand_written_sentences(OUTPUT.parent) if intent
    )
    assert [text for text, count in listed.items() if count > 1] == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("je n'ai pas d'ordinateur pour faire mes papiers", "france_services"),
        ("mon fils va bientôt avoir 16 ans", "recensement_jdc"),
        ("je ne pourrai pas être là pour voter dimanche", "procuration"),
        ("j'ai été flashée sur l'autoroute", "amendes"),
        ("ma carte d'identitée est perimée", "cni"),
        ("combien pour la carte grize", "carte_grise"),
        ("notre bébé est né ce matin", "declaration_naissance"),  # "né" is not "ne"
        ("une demande de logment social", "logement_social"),
        ("ma carte didentite est perdue", "cni"),  # SMS spelling glues the short words
    ],
)
def test_the_matcher_finds_the_procedure_of_a_situation_or_a_misspelt_name(text, procedure):
    assert MATCHER.matches(text)[0].procedure == procedure


@pytest.mark.unit
def test_a_procedure_is_also_matched_on_its_whole_vocabulary():
    """The words many of a procedure's examples use weigh more in its profile than a word one
    example uses; a word none of them uses adds nothing."""

    def procedure(key: str, situations: tuple[str, ...]):
        return dataclasses.replace(
            CATALOGUE.procedures[key], situations=situations, questions={}, faq=(), not_about=()
        )

    small = dataclasses.replace(
        CATALOGUE,
        procedures={
            "amendes": procedure("amendes", ("radar vitesse autoroute", "contester contravention")),
            "carte_grise": procedure(
                "carte_grise", ("voiture occasion achat", "vendre voiture", "voiture neuve")
            ),
        },
    )
    matcher = CatalogueMatcher(small)

    def profile(text: str, procedure_id: str) -> float:  # the profile alone, without votes
        vector = matcher._profile_vector(dict.fromkeys(stems(text), 1.0))  # noqa: SLF001
        return matcher._profile_similarity(vector, procedure_id)  # noqa: SLF001

    assert profile("voiture", "carte_grise") > profile("occasion", "carte_grise")
    assert profile("voiture", "amendes") == 0.0
    both = matcher.matches("contester un radar sur l'autoroute")
    assert both[0].procedure == "amendes" and both[0].score > both[0].closest


@pytest.mark.unit
def test_the_words_of_asking_say_nothing_about_the_procedure():
    """Every procedure is asked about with them: only the words of the matter are compared."""
    assert stems("comment je dois faire, combien ça coûte et quand ?") == stems("coûte")
    assert stems("je veux savoir ce qu'il faut pour mon passeport") == stems("passeport")


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        "procuration pour le compte bancaire de ma mère",
        "un permis de chasse",
        "une entreprise de déménagement pas chère",
        "une retraite spirituelle",
        # Close to "demande hlm" as a string, but a typo does not swap a whole short word.
        "je demande l'effacement de mes données",
    ],
)
def test_a_procedure_word_in_another_sense_is_not_that_procedure(text):
    named = [match.procedure for match in MATCHER.matches(text) if match.via == "alias"]
    assert not named


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        # No `not_about` phrase has these words: what they mean decides.
        ("procuration pour gérer le livret d'épargne de ma grand-mère", "procuration"),
        ("mariage de ma fille, quelle robe choisir", "mariage"),
    ],
)
def test_a_name_next_to_words_meaning_its_other_sense_is_not_that_procedure(text, procedure):
    found, other_sense = MATCHER.analyse(text)
    assert procedure in other_sense
    assert procedure not in {match.procedure for match in found}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("procuration pour voter aux élections municipales", "procuration"),
        ("je ne serai pas là dimanche pour voter, comment faire une procuration", "procuration"),
        ("acte de naissance pour un mariage", "mariage"),
        ("je déménage, qui dois-je prévenir", "changement_adresse"),
    ],
)
def test_a_name_in_its_own_sense_keeps_its_procedure(text, procedure):
    found, other_sense = MATCHER.analyse(text)
    assert procedure not in other_sense
    assert procedure in {match.procedure for match in found}


@pytest.mark.unit
def test_the_matcher_says_when_words_and_meaning_agree_on_the_first_procedure():
    birth = MATCHER.matches("notre bébé est né ce matin")
    assert birth[0].procedure == "declaration_naissance" and birth[0].leads_both_views
    assert not any(match.leads_both_views for match in birth[1:])
    # Out of scope: the words and the meaning point to different procedures.
    trip = MATCHER.matches("idée de voyage pas cher en europe")
    assert not any(match.leads_both_views for match in trip)


def two_matches(lead: float, agree: bool, first: float = 0.4) -> tuple[Match, ...]:
    return (
        Match("declaration_deces", first, "example", "summary", leads_both_views=agree),
        Match("demarches_deces", first - lead, "example"),
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("matches", "answered"),
    [
        (two_matches(lead=0.15, agree=False), True),
        (two_matches(lead=0.07, agree=True), True),  # a close lead the two views agree on
        (two_matches(lead=0.07, agree=False), False),
        (two_matches(lead=0.03, agree=True), False),
        (two_matches(lead=0.15, agree=True, first=0.2), False),  # not close enough
        ((), False),
    ],
)
def test_the_matcher_alone_answers_a_clear_lead(matches, answered):
    assert dialogue.clear_lead(matches) is answered


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lead", "offered", "band"), [(0.07, ["demarches_deces"], "probable"), (0.15, [], "sure")]
)
def test_a_close_call_answer_keeps_the_runners_up_one_click_away(lead, offered, band):
    matches = (*two_matches(lead, agree=True), Match("declaration_naissance", 0.1, "example"))
    understanding = dialogue.Understanding(
        CATALOGUE.procedures["declaration_deces"], "example", (), (), None, matches
    )
    intent = {"name": "ask_procedure", "confidence": 0.95}  # the classifier is sure
    message = {"text": "ma grand-mère est décédée hier", "intent": intent}
    state = Tracker("close-call", {}, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    _, explanation = dialogue.answer_procedure(dispatcher, state, understanding)
    assert explanation.band == band  # "Pourquoi cette réponse ?" does not say sure
    assert "Source officielle" in dispatcher.messages[0]["text"]
    payloads = [
        button["payload"]
        for reply in dispatcher.messages
        if reply["text"] == dialogue.message("other_procedures")
        for button in reply["buttons"]
    ]
    assert payloads == [f'/ask_procedure{{"procedure": "{pid}"}}' for pid in offered]


@pytest.mark.unit
def test_unsure_understanding_offers_the_closest_procedures_as_buttons():
    matches = tuple(MATCHER.matches("je voudrais me renseigner sur le logement et la caf"))
    assert matches and matches[0].score >= dialogue.MATCH_POSSIBLE
    dispatcher = CollectingDispatcher()
    unsure = dialogue.Understanding(None, None, (), (), None, matches)
    assert dialogue.suggest(dispatcher, unsure)
    [reply] = dispatcher.messages
    assert reply["text"].startswith("Je ne suis pas sûr d'avoir compris")
    payloads = [button["payload"] for button in reply["buttons"]]
    assert payloads[0] == f'/ask_procedure{{"procedure": "{matches[0].procedure}"}}'
    assert len(payloads) <= 3


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "answered"),
    [
        # The name in its own sense: answered, although the classifier is sure it is not.
        ("j'aimerais des informations sur le pacs", True),
        # The name in another sense: out of scope, as the classifier says.
        ("comment donner une procuration sur mon compte bancaire ?", False),
    ],
)
def test_a_name_in_its_own_sense_is_answered_whatever_the_classifier_says(text, answered):
    dispatcher = CollectingDispatcher()
    action = dialogue.ActionHandleMisunderstanding()
    events = asyncio.run(action.run(dispatcher, tracker(text, "out_of_scope", 0.99), {}))
    answered_about = [e["value"] for e in events if e.get("name") == "procedure"]
    replies = " ".join(reply.get("text") or "" for reply in dispatcher.messages)
    assert bool(answered_about) == answered
    assert ("Source officielle" in replies) == answered
    if not answered:
        assert replies == dialogue.message("out_of_scope")


@pytest.mark.unit
def test_a_message_that_says_a_catalogue_example_is_not_out_of_scope():
    """A situation of the catalogue, said nearly whole, is answered even when the classifier
    is sure it is out of scope; an unrelated question still gets the out-of-scope message."""
    amendes = CATALOGUE.procedures["amendes"]
    situation = next(s for s in amendes.situations if "salarié" in s)
    dispatcher = CollectingDispatcher()
    action = dialogue.ActionHandleMisunderstanding()
    said = tracker(f"bonjour, {situation} que dois-je faire ?", "out_of_scope", 0.99)
    events = asyncio.run(action.run(dispatcher, said, {}))
    assert [e["value"] for e in events if e.get("name") == "procedure"] == ["amendes"]
    dispatcher = CollectingDispatcher()
    unrelated = tracker(
        "quelle est la meilleure recette de tarte aux pommes ?", "out_of_scope", 0.99
    )
    asyncio.run(action.run(dispatcher, unrelated, {}))
    assert dispatcher.messages[-1]["text"] == dialogue.message("out_of_scope")


@pytest.mark.services
@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        # Two questions in one message get both answers.
        ("merci, au revoir", ["Je vous en prie", "Au revoir"], []),
        ("combien coûte un passeport et quels papiers faut-il ?", ["86 €", "photo d'identité"], []),
        # General conditions of an aid: information, then the simulator and who decides.
        (
            "qui peut toucher la prime d'activité ?",
            ["seul l'organisme concerné le décide", "simulation"],
            [],
        ),
        # A procedure that is not an aid gets no refusal to judge eligibility.
        (
            "qui est concerné par le recensement ?",
            ["Source officielle"],
            ["Je ne peux pas vous dire si vous avez droit"],
        ),
        # The case in the wording: a free renewal is said to be free.
        ("le renouvellement de ma carte d'identité est-il payant ?", ["gratuit"], []),
        # "How do I renew my expired X" is about how and where, not how long it is valid.
        ("comment renouveler mon passeport expiré ?", ["mairie"], []),
        # A life event, without the procedure's name.
        ("je n'ai pas d'ordinateur ni internet pour faire mes démarches", ["France Services"], []),
        # A procedure's own name is not sensitive data: no privacy reminder for it.
        (
            "comment demander l'allocation aux adultes handicapés ?",
            ["Source officielle"],
            ["ne pas indiquer d'informations sur votre santé"],
        ),
        # A procedure word in another sense: out of scope, no procedure answer.
        ("comment donner une procuration sur mon compte bancaire ?", [], ["Source officielle"]),
    ],
)
def test_dialogue_understands_the_kinds_citizens_write(
    assistant, request, question, expected, absent
):
    reply = assistant.say(f"understanding-{request.node.callspec.id}", question)
    for text in expected:
        assert text in reply, reply
    for text in absent:
        assert text not in reply, reply


def _routing_items() -> list[dict]:
    items = []
    for procedure in CATALOGUE.procedures.values():
        for alias in procedure.aliases:
            items += [
                {"text": carrier.format(alias), "expected": [procedure.id]}
                for carrier in ALIAS_CARRIERS
            ]
        for situation in procedure.situations:
            items += [
                {"text": carrier.format(situation), "expected": [procedure.id]}
                for carrier in SITUATION_CARRIERS
            ]
    for item in items:
        item["expected"] = tuple(item["expected"])
    return items


@pytest.mark.model
def test_no_alias_or_situation_gets_a_bare_misunderstanding():
    """Every alias and situation, in a few carrier sentences, through the real dialogue
    (trained model and action server): none is met with a bare "je n'ai pas compris" or "hors
    de mon domaine" without an answer or suggestions."""
    outcomes = evaluate(_routing_items())
    bare = [
        (o.text, o.expected[0], o.intent)
        for o in outcomes
        if o.intent in dialogue.MISUNDERSTOOD_INTENTS and not o.answered and not o.suggested
    ]
    assert not bare, f"{len(bare)} of {len(outcomes)}: {bare[:20]}"
    answered_right = sum(o.correct for o in outcomes) / len(outcomes)
    print(f"routed to their own procedure: {answered_right:.3f} of {len(outcomes)}")
