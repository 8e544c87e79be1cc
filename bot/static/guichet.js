// Minimal chat client for the demo page: Rasa REST channel, text only, no storage
// before the first message, session id kept in sessionStorage (never a cookie).
(function () {
  "use strict";
  var endpoint = "/webhooks/rest/webhook";
  var log = document.getElementById("guichet-log");
  var form = document.getElementById("guichet-form");
  var input = document.getElementById("guichet-input");
  var error = document.getElementById("guichet-error");

  function senderId() {
    var id = sessionStorage.getItem("guichet-sender");
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      sessionStorage.setItem("guichet-sender", id);
    }
    return id;
  }

  function show(author, text) {
    var bubble = document.createElement("p");
    bubble.className = "guichet-message guichet-" + author;
    bubble.textContent = text; // text only: no HTML from the bot or the user is interpreted
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    show("user", text);
    input.value = "";
    error.hidden = true;
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId(), message: text })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (messages) {
      messages.forEach(function (message) { if (message.text) { show("bot", message.text); } });
    }).catch(function () {
      error.textContent = "Le service ne répond pas pour le moment. Veuillez réessayer.";
      error.hidden = false;
    });
  });
})();
