/*
 * Guichet chat widget. Embed with one tag:
 *   <script src="https://assistant.example.fr/webhooks/widget/guichet.js" defer></script>
 * Optional attributes: data-server (base URL of the assistant, default: where this script
 * comes from), data-notice (privacy notice URL), data-stylesheet="none" (bring your own CSS).
 *
 * Privacy: nothing is stored or sent before the citizen opens the widget. On opening, a random
 * 128-bit sender id is created and kept in sessionStorage (this tab only, never a cookie).
 * Safety: every text is rendered with textContent; only https links (and links to the
 * assistant's own server) become anchors.
 */
(function () {
  "use strict";
  if (window.GuichetWidget) { return; }

  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const server = (data.server || new URL(script ? script.src : location.href).origin)
    .replace(/\/+$/, "");
  const endpoints = {
    message: server + "/webhooks/rest/webhook",
    feedback: server + "/webhooks/widget/feedback",
    erase: (id) => server + "/webhooks/erasure/conversations/" + encodeURIComponent(id),
  };
  const noticeUrl = data.notice || server + "/webhooks/widget/confidentialite.html";
  const transparencyUrl = server + "/webhooks/widget/transparence.html";
  const STORAGE_KEY = "guichet-sender";
  const HUMAN_REQUEST = "je veux parler à un humain";
  const THUMB_PATH = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32" +
    "c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9" +
    "c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";

  let senderId = null; // created on first opening, never before
  let memorySender = null; // fallback when sessionStorage is unavailable
  let pending = null; // the message waiting for a retry after an error
  let busy = false;

  // ---- DOM helpers (no innerHTML anywhere) ----------------------------------------------
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (name === "text") { node.textContent = value; }
      else if (name === "on") { Object.entries(value).forEach(([e, f]) => node.addEventListener(e, f)); }
      else if (value === true) { node.setAttribute(name, ""); }
      else if (value !== false && value != null) { node.setAttribute(name, value); }
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  function thumbIcon(down) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", down ? "guichet-icon guichet-icon-down" : "guichet-icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", THUMB_PATH);
    svg.append(path);
    return svg;
  }

  // Text with safe links: https URLs, or URLs on the assistant's own server.
  function richText(text) {
    const fragment = document.createDocumentFragment();
    const urlPattern = /\bhttps?:\/\/[^\s<>"«»]+/g;
    let last = 0;
    for (const match of text.matchAll(urlPattern)) {
      const url = match[0].replace(/[.,;:!?)»]+$/, "");
      fragment.append(text.slice(last, match.index));
      fragment.append(isSafeUrl(url) ? link(url) : url);
      last = match.index + url.length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function isSafeUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.origin === new URL(server).origin;
    } catch (error) {
      return false;
    }
  }

  function link(url) {
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer" },
      [url, el("span", { class: "guichet-sr", text: " (nouvelle fenêtre)" })]);
  }

  // ---- Widget structure -------------------------------------------------------------------
  const launcher = el("button", {
    type: "button", class: "guichet-launcher", "aria-expanded": "false",
    "aria-controls": "guichet-dialog", text: "Une question ? Assistant des démarches",
  });
  const closeButton = el("button", {
    type: "button", class: "guichet-close", text: "Fermer", "aria-label": "Fermer l'assistant",
  });
  const transcript = el("div", {
    class: "guichet-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation avec l'assistant", tabindex: "0",
  });
  const typing = el("p", { class: "guichet-typing", hidden: true }, [
    el("span", { class: "guichet-dots", "aria-hidden": "true" },
      [el("span"), el("span"), el("span")]),
    " L'assistant rédige sa réponse…",
  ]);
  const status = el("p", { class: "guichet-sr", role: "status" });
  const errorText = el("span", { class: "guichet-error-text" });
  const retryButton = el("button", { type: "button", class: "guichet-secondary", text: "Réessayer" });
  const errorBox = el("div", { class: "guichet-error", role: "alert", hidden: true },
    [errorText, " ", retryButton]);
  const input = el("input", {
    id: "guichet-input", type: "text", name: "message", maxlength: "2000", autocomplete: "off",
    placeholder: "Ex. : prix d'un passeport",
  });
  const sendButton = el("button", { type: "submit", class: "guichet-primary", text: "Envoyer" });
  const form = el("form", { class: "guichet-form" }, [
    el("label", { for: "guichet-input", text: "Votre question" }), input, sendButton,
  ]);
  const humanButton = el("button", {
    type: "button", class: "guichet-secondary", text: "Parler à un humain",
  });
  const eraseButton = el("button", {
    type: "button", class: "guichet-secondary", text: "Effacer la conversation",
  });
  const confirmErase = el("button", {
    type: "button", class: "guichet-danger", text: "Oui, effacer",
  });
  const cancelErase = el("button", { type: "button", class: "guichet-secondary", text: "Annuler" });
  const eraseConfirmation = el("div", {
    class: "guichet-confirm", role: "group", "aria-labelledby": "guichet-confirm-text",
    hidden: true,
  }, [
    el("p", { id: "guichet-confirm-text",
      text: "Effacer définitivement cette conversation de nos serveurs ?" }),
    confirmErase, " ", cancelErase,
  ]);
  const dialog = el("section", {
    id: "guichet-dialog", class: "guichet-dialog", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "guichet-title", hidden: true,
  }, [
    el("div", { class: "guichet-header" }, [
      el("h2", { id: "guichet-title", text: "Assistant des démarches" }), closeButton,
    ]),
    el("p", { class: "guichet-notice" }, [
      "Vous échangez avec un assistant automatisé, pas avec un agent. N'écrivez ni données " +
      "personnelles ni données de santé : vos messages sont anonymisés avant d'être conservés. ",
      el("a", { href: noticeUrl, text: "Notice de confidentialité" }), " · ",
      el("a", { href: transparencyUrl, text: "Transparence de l'assistant" }),
    ]),
    transcript, typing, status, errorBox, form,
    el("div", { class: "guichet-actions" }, [humanButton, " ", eraseButton]),
    eraseConfirmation,
  ]);
  const root = el("div", { class: "guichet-widget", lang: "fr" }, [launcher, dialog]);

  // ---- Sender id: created on opening, sessionStorage at most -------------------------------
  function newToken() {
    const bytes = new Uint8Array(16); // 128 bits
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function ensureSender() {
    if (senderId) { return senderId; }
    try {
      senderId = sessionStorage.getItem(STORAGE_KEY);
      if (!senderId) { senderId = newToken(); sessionStorage.setItem(STORAGE_KEY, senderId); }
    } catch (error) {
      senderId = memorySender || (memorySender = newToken());
    }
    return senderId;
  }

  function forgetSender() {
    try { sessionStorage.removeItem(STORAGE_KEY); } catch (error) { /* storage unavailable */ }
    senderId = memorySender = null;
  }

  // ---- Opening and closing -----------------------------------------------------------------
  function open() {
    ensureSender();
    dialog.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("guichet-open");
    input.focus();
  }

  function close() {
    dialog.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("guichet-open");
    launcher.focus();
  }

  // ---- Transcript -----------------------------------------------------------------------------
  function scrollToEnd() { transcript.scrollTop = transcript.scrollHeight; }

  function showUser(text) {
    transcript.append(el("p", { class: "guichet-message guichet-user" }, [
      el("span", { class: "guichet-sr", text: "Vous : " }), text,
    ]));
    scrollToEnd();
  }

  function showBot(message) {
    const bubble = el("div", { class: "guichet-message guichet-bot" }, [
      el("span", { class: "guichet-sr", text: "Assistant : " }),
    ]);
    bubble.append(richText(message.text || ""));
    if (Array.isArray(message.buttons) && message.buttons.length) {
      bubble.append(quickReplies(message.buttons));
    }
    transcript.append(bubble);
    return bubble;
  }

  function quickReplies(buttons) {
    const group = el("div", { class: "guichet-quick-replies", role: "group",
      "aria-label": "Réponses suggérées" });
    buttons.forEach((button) => {
      const title = String(button.title || button.payload || "");
      group.append(el("button", { type: "button", class: "guichet-quick", text: title, on: {
        click: () => { send(title, String(button.payload || title)); input.focus(); },
      } }));
    });
    return group;
  }

  function feedback(messageCount) {
    const thanks = el("span", { class: "guichet-thanks" });
    const group = el("div", { class: "guichet-feedback", role: "group",
      "aria-label": "Avis sur cette réponse" });
    [["up", "Réponse utile"], ["down", "Réponse pas utile"]].forEach(([value, label]) => {
      group.append(el("button", {
        type: "button", class: "guichet-thumb", "aria-pressed": "false", title: label,
        "data-value": value,
        on: { click: (event) => sendFeedback(group, event.currentTarget, value, messageCount) },
      }, [thumbIcon(value === "down"), el("span", { class: "guichet-sr", text: label })]));
    });
    group.append(thanks);
    return group;
  }

  function sendFeedback(group, button, value, messageCount) {
    group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed",
      String(b === button)));
    group.querySelector(".guichet-thanks").textContent = "Merci pour votre avis.";
    fetch(endpoints.feedback, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: ensureSender(), value: value, turn: messageCount }),
    }).catch(() => { /* feedback is best effort */ });
  }

  // ---- Sending -------------------------------------------------------------------------------
  let turn = 0;

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    sendButton.disabled = value;
    if (value) { scrollToEnd(); }
  }

  function showError(text) {
    errorText.textContent = text;
    errorBox.hidden = false;
  }

  async function send(shownText, payload) {
    if (busy) { return; }
    errorBox.hidden = true;
    if (shownText) { showUser(shownText); }
    pending = payload;
    setBusy(true);
    let failure = "Le service ne répond pas pour le moment. Vérifiez votre connexion puis " +
      "réessayez.";
    try {
      const response = await fetch(endpoints.message, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: ensureSender(), message: payload }),
      });
      if (!response.ok) {
        // A refused message (too long, empty, too many messages) comes with a French text
        // for the citizen; retrying makes sense only after waiting (429).
        const refusal = await response.json().catch(() => ({}));
        if (typeof refusal.message === "string") {
          failure = refusal.message;
          if (response.status !== 429) { pending = null; } // it would be refused again
        }
        throw new Error("HTTP " + response.status);
      }
      const messages = await response.json();
      pending = null;
      turn += 1;
      let last = null;
      messages.filter((m) => m.text || m.buttons).forEach((m) => { last = showBot(m); });
      if (last) { last.append(feedback(turn)); }
    } catch (error) {
      showError(failure);
    } finally {
      setBusy(false);
      scrollToEnd();
    }
  }

  async function erase() {
    eraseConfirmation.hidden = true;
    const id = ensureSender();
    try {
      const response = await fetch(endpoints.erase(id), { method: "DELETE" });
      if (!response.ok) { throw new Error("HTTP " + response.status); }
    } catch (error) {
      showError("La conversation n'a pas pu être effacée. Réessayez dans un instant.");
      pending = null;
      eraseButton.focus();
      return;
    }
    transcript.replaceChildren();
    forgetSender();
    ensureSender(); // a new, unrelated conversation starts
    turn = 0;
    errorBox.hidden = true;
    status.textContent = "";
    transcript.append(el("p", { class: "guichet-message guichet-system",
      text: "Votre conversation a été effacée de nos serveurs." }));
    status.textContent = "Conversation effacée.";
    input.focus();
  }

  // ---- Events ----------------------------------------------------------------------------------
  launcher.addEventListener("click", () => (dialog.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !dialog.hidden) {
      event.preventDefault();
      if (!eraseConfirmation.hidden) { eraseConfirmation.hidden = true; eraseButton.focus(); }
      else { close(); }
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    send(text, text);
  });
  retryButton.addEventListener("click", () => {
    if (pending) { send(null, pending); } else { errorBox.hidden = true; }
    input.focus();
  });
  humanButton.addEventListener("click", () => send(HUMAN_REQUEST, HUMAN_REQUEST));
  eraseButton.addEventListener("click", () => {
    eraseConfirmation.hidden = false;
    confirmErase.focus();
  });
  confirmErase.addEventListener("click", erase);
  cancelErase.addEventListener("click", () => {
    eraseConfirmation.hidden = true;
    eraseButton.focus();
  });

  function mount() {
    if (data.stylesheet !== "none" &&
        !document.querySelector('link[href$="guichet.css"]')) {
      document.head.append(el("link", { rel: "stylesheet",
        href: server + "/webhooks/widget/guichet.css" }));
    }
    document.body.append(root);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mount); }
  else { mount(); }
  window.GuichetWidget = { open: open, close: close };
})();
