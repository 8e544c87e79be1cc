"""Procedure answers and guardrails, asked through the real REST channel."""

from __future__ import annotations

import sqlite3

import pytest

pytestmark = pytest.mark.services


@pytest.fixture
def sender(request) -> str:
    return f"dialogue-{request.node.name}"


def test_follow_ups_keep_the_procedure_and_the_question(assistant, sender):
    assert "passeport" in assistant.say(sender, "Je veux refaire mon passeport").lower()
    cost = assistant.say(sender, "Combien ça coûte ?")
    assert "86 €" in cost and "Source officielle" in cost
    child = assistant.say(sender, "et pour un enfant ?")
    assert "17 €" in child


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("passeport pour un enfant de 10 ans, combien ?", "17 €"),
        ("combien coûte un passeport pour mon fils de 16 ans ?", "42 €"),
        ("j'ai perdu ma carte d'identité, c'est combien pour la refaire ?", "25 €"),
        ("ma carte d'identité est valable combien de temps ?", "10 ans"),
        ("je suis né à l'étranger, où demander mon acte de naissance ?", "Nantes"),
    ],
)
def test_specific_questions_get_the_specific_answer(assistant, sender, question, expected):
    reply = assistant.say(sender, question)
    assert expected in reply
    assert "Source officielle : https://" in reply


def test_eligibility_is_never_decided(assistant, sender):
    reply = assistant.say(sender, "est-ce que j'ai droit au RSA ?")
    assert "Je ne peux pas vous dire si vous avez droit" in reply
    assert "simulation" in reply


def test_two_misunderstandings_in_a_row_offer_a_human(assistant, sender):
    first = assistant.say(sender, "quelle équipe a gagné le match hier soir ?")
    assert "Pour être aidé par une personne" not in first
    second = assistant.say(sender, "donne moi une recette de gâteau au chocolat")
    assert "Pour être aidé par une personne" in second
    assert "39 39" in second and "france-services" in second
    # The hours are quoted with their current official page (issue 13: the doubt is dropped
    # since that page confirms them).
    assert "8 h 30" in second and "vosdroits/F33683" in second


def test_privacy_question(assistant, sender):
    reply = assistant.say(sender, "que faites-vous de mes données ?")
    assert "anonymisés" in reply and "supprimez ma conversation" in reply


def test_erasure_in_chat_deletes_the_stored_conversation(assistant, sender):
    assistant.say(sender, "Bonjour")
    assistant.say(sender, "combien coûte un passeport ?")
    database = assistant.data_dir / "guichet.db"

    def stored_rows() -> int:
        with sqlite3.connect(database) as connection:
            query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
            return connection.execute(query, (sender,)).fetchone()[0]

    assert stored_rows() > 0
    assert "effacée" in assistant.say(sender, "supprimez ma conversation")
    assert stored_rows() == 0


def test_personal_data_never_reaches_the_database(assistant, sender):
    phone, email, nir = "06 12 34 56 78", "jeanne.dupontel@example.org", "2 85 05 78 006 084 41"
    canaries = ["Dupontel", phone, email, nir]
    assistant.say(sender, "bonjour je m'appelle Jeanne Dupontel")
    assistant.say(sender, f"mon numéro c'est le {phone}, mail {email}")
    assistant.say(sender, f"mon numéro de sécu est {nir}, combien coûte un passeport")
    stored = (assistant.data_dir / "guichet.db").read_bytes()
    for canary in canaries:
        assert canary.encode() not in stored
    with sqlite3.connect(assistant.data_dir / "guichet.db") as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ?", (sender,)
        ).fetchall()
    joined = "\n".join(data for (data,) in rows)
    assert "<PERSON_1>" in joined and "<PHONE_NUMBER_1>" in joined
    for canary in canaries:
        assert canary not in joined


def test_sensitive_data_gets_a_reminder(assistant, sender):
    reply = assistant.say(sender, "j'ai un cancer et je suis au chômage, ai-je droit au RSA ?")
    assert "ne pas indiquer d'informations sur votre santé" in reply
    assert "Je ne peux pas vous dire si vous avez droit" in reply


def test_a_general_answer_offers_quick_replies(assistant, sender):
    status, replies = assistant.post(
        "/webhooks/rest/webhook", {"sender": sender, "message": "je veux refaire mon passeport"}
    )
    buttons = [button for reply in replies for button in reply.get("buttons", [])]
    assert {"title": "Combien ça coûte ?", "payload": "/ask_cost"} in buttons
    cost = assistant.say(sender, "/ask_cost")
    assert "86 €" in cost
