"""The public transparency page, served by the real assistant, and the generated DPIA, in the
real browser: same content as HTML and JSON, security headers, axe 0 violations, the widget's
link. Screenshots go to var/screenshots/ (transparence.png, aipd.png)."""

from __future__ import annotations

import json

import pytest

from bot.compliance import render
from bot.privacy.retention import Retention
from tests.test_widget import (  # noqa: F401 (browser and open_page are fixtures)
    SCREENSHOTS,
    TIMEOUT_MS,
    axe_violations,
    browser,
    open_page,
    open_with_keyboard,
)

PAGE = "/webhooks/widget/transparence.html"


@pytest.mark.services
def test_transparency_page_and_json_are_served(assistant):
    status, headers, body = assistant.exchange("GET", PAGE)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    page = body.decode("utf-8")

    status, headers, body = assistant.exchange("GET", PAGE.replace(".html", ".json"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    facts = json.loads(body)
    periods = Retention.load().periods_days
    assert facts["retention"]["periods_days"] == periods
    assert facts["storage"]["conversations"] == "sqlite"
    assert facts["nlu"]["generative"] == []
    # The page says what the JSON says.
    assert render.transparency_html(facts) == page
    assert f"{periods['conversations']} jours après le dernier message" in page
    assert "aucun modèle génératif" in page and "Rien n'est envoyé à l'extérieur" in page
    assert all(
        entity["label"] in page.replace("&#39;", "'") for entity in facts["redaction"]["entities"]
    )
    assert render._day(facts["content"]["oldest_verified"]) in page
    assert "39 39" in page and facts["versions"]["guichet"] in page


@pytest.mark.browser
def test_transparency_page_has_no_wcag_violation(open_page, browser, assistant, tmp_path):  # noqa: F811
    page = open_page(bypass_csp=True)  # axe-core is injected as an inline script
    open_with_keyboard(page)
    link = page.locator(".guichet-notice a", has_text="Transparence")
    assert link.get_attribute("href") == assistant.base_url + PAGE
    link.click()
    page.wait_for_selector("h1:has-text('Transparence de l\\'assistant')")
    violations = axe_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "transparence.png"), full_page=True)
    assert violations == [], violations
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A", "links reachable by keyboard"

    # The generated DPIA, as an administration opens it.
    render.write_documents(tmp_path)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1000, "height": 1400})
    try:
        document = context.new_page()
        document.set_default_timeout(TIMEOUT_MS)
        document.goto((tmp_path / "aipd.html").as_uri())
        assert document.title().startswith("Analyse d'impact")
        document.screenshot(path=str(SCREENSHOTS / "aipd.png"))
        assert axe_violations(document) == []
    finally:
        context.close()
