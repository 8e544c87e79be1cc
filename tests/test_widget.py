"""The chat widget in a real browser: Debian's Chromium, headless, driven by Playwright.

Runs against the real assistant (the `assistant` fixture). `make browser-deps` installs
Chromium and axe-core; screenshots are written to var/screenshots/.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PATH = "/webhooks/widget/index.html"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 60_000

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
if not CHROMIUM.exists() or not AXE.exists():
    pytest.skip("Chromium or axe-core missing: run `make browser-deps`", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, assistant):
    """A factory of fresh pages (fresh storage) on the demo page; checks no request leaves."""
    contexts, requests = [], []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(locale="fr-FR", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(assistant.base_url + DEMO_PATH)
        page.wait_for_selector(".guichet-launcher")
        return page

    yield make
    for context in contexts:
        context.close()
    outside = [url for url in requests if not url.startswith(assistant.base_url + "/")]
    assert outside == [], "the page loaded something from another origin"


def open_with_keyboard(page) -> None:
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "guichet-launcher":
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#guichet-dialog:not([hidden])")


def ask(page, text: str) -> None:
    count = page.locator(".guichet-bot").count()
    page.fill("#guichet-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.guichet-bot').length > n", arg=count)
    page.wait_for_selector(".guichet-typing", state="hidden")


def sender_id(page) -> str | None:
    return page.evaluate("sessionStorage.getItem('guichet-sender')")


def stored_senders(assistant) -> set[str]:
    with sqlite3.connect(assistant.data_dir / "guichet.db") as database:
        return {row[0] for row in database.execute("SELECT DISTINCT sender_id FROM events")}


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def test_keyboard_only_question_and_answer(open_page):
    page = open_page()
    assert page.evaluate("sessionStorage.length") == 0, "nothing is stored before opening"
    assert page.evaluate("document.cookie") == ""
    open_with_keyboard(page)
    assert page.evaluate("document.activeElement.id") == "guichet-input"
    assert page.get_attribute(".guichet-launcher", "aria-expanded") == "true"
    token = sender_id(page)
    assert re.fullmatch(r"[0-9a-f]{32}", token), "128-bit random sender id, created on opening"
    notice = page.inner_text(".guichet-notice")
    assert "assistant automatisé" in notice and "santé" in notice

    page.keyboard.type("Combien coûte un passeport ?")
    page.keyboard.press("Enter")
    page.wait_for_selector(".guichet-bot:has-text('86 €')")
    bot_text = page.inner_text(".guichet-log")
    assert bot_text.index("assistant automatisé") < bot_text.index("86 €"), "disclosure first"
    assert page.get_attribute(".guichet-log", "role") == "log"
    assert page.get_attribute(".guichet-log", "aria-live") == "polite"
    source = page.locator(".guichet-bot a[href^='https://www.service-public']").first
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert page.evaluate("document.cookie") == ""

    page.keyboard.press("Escape")
    page.wait_for_selector("#guichet-dialog", state="hidden")
    assert page.evaluate("document.activeElement.className") == "guichet-launcher"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "guichet-input"
    assert sender_id(page) == token, "the same conversation goes on in this tab"


def test_no_keyboard_trap(open_page):
    page = open_page()
    open_with_keyboard(page)
    inside = "document.getElementById('guichet-dialog').contains(document.activeElement)"
    for _ in range(30):
        page.keyboard.press("Tab")
        if not page.evaluate(inside):
            break
    else:
        pytest.fail("Tab never leaves the dialog")


def test_quick_reply_sends_its_payload(open_page):
    page = open_page()
    open_with_keyboard(page)
    ask(page, "Je veux refaire mon passeport")
    button = page.locator(".guichet-quick", has_text="Combien ça coûte ?").last
    with page.expect_request("**/webhooks/rest/webhook") as request:
        button.click()
    assert json.loads(request.value.post_data)["message"] == "/ask_cost"
    page.wait_for_selector(".guichet-bot:has-text('86 €')")
    assert page.locator(".guichet-user").last.inner_text().endswith("Combien ça coûte ?")


def test_feedback_is_recorded_on_the_conversation(open_page, assistant):
    page = open_page()
    open_with_keyboard(page)
    ask(page, "Combien coûte un passeport ?")
    thumb = page.locator(".guichet-bot .guichet-thumb[data-value='up']").last
    with page.expect_response("**/webhooks/widget/feedback") as answer:
        thumb.click()
    assert answer.value.status == 204
    assert thumb.get_attribute("aria-pressed") == "true"
    with sqlite3.connect(assistant.data_dir / "guichet.db") as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot'",
            (sender_id(page),),
        ).fetchall()
    assert any(json.loads(data).get("name") == "feedback" for (data,) in rows)


def test_human_route(open_page):
    page = open_page()
    open_with_keyboard(page)
    page.click("text=Parler à un humain")
    page.wait_for_selector(".guichet-bot:has-text('39 39')")
    assert "je veux parler à un humain" in page.locator(".guichet-user").last.inner_text()


def test_erase_conversation_removes_it_from_the_server(open_page, assistant):
    page = open_page()
    open_with_keyboard(page)
    ask(page, "Combien coûte un passeport ?")
    old = sender_id(page)
    assert old in stored_senders(assistant)

    page.click("text=Effacer la conversation")
    assert page.evaluate("document.activeElement.textContent") == "Oui, effacer"
    with page.expect_response(f"**/webhooks/erasure/conversations/{old}") as answer:
        page.keyboard.press("Enter")
    if answer.value.status == 404 and "not a conversation id" not in answer.value.text():
        pytest.skip(
            "the erasure route is absent (bot.server.erasure.ErasureChannel not configured)"
        )
    assert answer.value.ok
    page.wait_for_selector(".guichet-system:has-text('effacée')")
    assert page.locator(".guichet-bot").count() == 0
    assert old not in stored_senders(assistant)
    new = sender_id(page)
    assert new and new != old, "a new conversation starts with a new sender id"


def test_bot_text_is_never_interpreted_as_html(open_page):
    page = open_page()
    hostile = (
        '<img src=x onerror="window.pwned=1"> <b>gras</b> javascript:alert(1) '
        "http://insecure.example/page https://www.service-public.gouv.fr/x"
    )
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                [
                    {
                        "recipient_id": "x",
                        "text": hostile,
                        "buttons": [{"title": "<i>bouton</i>", "payload": "/x"}],
                    }
                ]
            ),
        ),
    )
    open_with_keyboard(page)
    ask(page, "<script>window.pwned=1</script>")
    log = page.locator(".guichet-log")
    assert log.locator("img, b, i, script").count() == 0
    assert "<script>window.pwned=1</script>" in log.inner_text()
    assert page.evaluate("window.pwned") is None
    hrefs = [a.get_attribute("href") for a in log.locator("a").all()]
    assert hrefs == ["https://www.service-public.gouv.fr/x"]
    assert page.locator(".guichet-quick").inner_text() == "<i>bouton</i>"


def test_unreachable_server_shows_an_error_with_retry(open_page):
    page = open_page()
    page.route("**/webhooks/rest/webhook", lambda route: route.abort("connectionrefused"))
    open_with_keyboard(page)
    page.fill("#guichet-input", "Combien coûte un passeport ?")
    page.keyboard.press("Enter")
    alert = page.wait_for_selector(".guichet-error[role='alert']")
    assert "ne répond pas" in alert.inner_text()
    page.unroute("**/webhooks/rest/webhook")
    page.click("text=Réessayer")
    page.wait_for_selector(".guichet-bot:has-text('86 €')")
    assert page.locator(".guichet-error").is_hidden()


def test_a_refused_message_shows_the_servers_french_explanation(open_page):
    page = open_page()
    text = "Vous avez envoyé beaucoup de messages en peu de temps."
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=429,
            content_type="application/json",
            headers={"Retry-After": "3"},
            body=json.dumps({"error": "too_many_requests", "message": text}),
        ),
    )
    open_with_keyboard(page)
    page.fill("#guichet-input", "Bonjour")
    page.keyboard.press("Enter")
    alert = page.wait_for_selector(".guichet-error[role='alert']")
    assert alert.inner_text().startswith(text)


def test_typing_indicator_and_reduced_motion(open_page):
    page = open_page(reduced_motion="reduce")
    page.route("**/webhooks/rest/webhook", lambda route: None)  # never answers
    open_with_keyboard(page)
    page.fill("#guichet-input", "Bonjour")
    page.keyboard.press("Enter")
    typing = page.wait_for_selector(".guichet-typing")
    assert "rédige" in typing.inner_text()
    animation = page.evaluate(
        "getComputedStyle(document.querySelector('.guichet-dots span')).animationName"
    )
    assert animation == "none"


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"width": 320, "height": 640}, id="320px"),
        pytest.param({"width": 640, "height": 400}, id="zoom200"),  # 1280x800 at 200 %
    ],
)
def test_small_screens_and_zoom(open_page, viewport):
    page = open_page(viewport=viewport)
    open_with_keyboard(page)
    ask(page, "Je veux refaire mon passeport")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    box = page.locator("#guichet-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    for control in (
        "#guichet-input",
        "text=Envoyer",
        "text=Effacer la conversation",
        "text=Parler à un humain",
        ".guichet-close",
    ):
        locator = page.locator(control).first
        locator.scroll_into_view_if_needed()
        assert locator.is_visible(), control
        control_box = locator.bounding_box()
        assert control_box["x"] + control_box["width"] <= viewport["width"] + 0.5, control
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".guichet-log").evaluate("log => log.scrollTop = log.scrollHeight")
    page.screenshot(path=str(SCREENSHOTS / f"widget-{viewport['width']}px.png"))


def test_axe_reports_no_wcag_violation_closed_and_open(open_page):
    page = open_page(bypass_csp=True)  # axe-core is injected as an inline script
    closed = axe_violations(page)
    open_with_keyboard(page)
    ask(page, "Je veux refaire mon passeport")
    page.locator(".guichet-bot .guichet-thumb[data-value='up']").last.click()
    page.click("text=Effacer la conversation")  # the confirmation panel is audited too
    opened = axe_violations(page)
    page.click("text=Annuler")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))
    assert closed == [], closed
    assert opened == [], opened


def test_feedback_endpoint_refuses_bad_input_and_unknown_conversations(assistant):
    path = "/webhooks/widget/feedback"
    assert assistant.post(path, {"sender": "x' OR 1=1", "value": "up"})[0] == 400
    assert assistant.post(path, {"sender": "0" * 32, "value": "excellent"})[0] == 400
    assert assistant.post(path, {"sender": "f" * 32, "value": "down"})[0] == 404
    assert "f" * 32 not in stored_senders(assistant)


def test_widget_files_are_served_with_security_headers(assistant):
    import urllib.request

    for name in ("guichet.js", "guichet.css", "demo.css"):
        with urllib.request.urlopen(f"{assistant.base_url}/webhooks/widget/{name}") as answer:  # noqa: S310
            assert answer.status == 200
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            assert answer.headers["Referrer-Policy"] == "no-referrer"
