/* The 1530 phone page without a network: a talk recorded while the phone is offline is kept on
 * the phone (localStorage, with the client id its form was made with) and sent once the network
 * is back — on the "online" event, every 30 seconds and when the page opens again. The server
 * counts a client id once, so a record sent twice is still one talk. Online, the form posts as
 * usual (its photo included). */
(function () {
  "use strict";
  var cfg = document.getElementById("talk-offline");
  if (!cfg) { return; }
  var KEY = "safecampus.talks.queue." + cfg.dataset.user;
  var status = document.getElementById("talk-offline-status");
  var sending = false;

  function say(text, kind) {
    status.textContent = text || "";
    status.className = text ? "alert py-2 small alert-" + (kind || "warning") : "d-none";
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode */ }
  }
  function mark() {
    load().forEach(function (r) {
      var card = document.getElementById("talk-" + r.class_id);
      if (card && r.date === cfg.dataset.today) { card.classList.add("talk-queued", "border-warning"); }
    });
  }
  function send() {
    var queue = load();
    if (!queue.length || sending) { return; }
    if (!navigator.onLine) { say(cfg.dataset.queued); return; }
    sending = true;
    say(cfg.dataset.sending, "info");
    var record = queue[0];
    fetch(cfg.dataset.url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(record),
      headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.dataset.csrf }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return [r.status, j]; });
    }).then(function (res) {
      sending = false;
      if (res[0] >= 500) { say(cfg.dataset.queued); return; }
      store(load().filter(function (x) { return x.client_id !== record.client_id; }));
      if (res[0] === 200 || res[0] === 201) {
        if (load().length) { send(); } else { window.location.reload(); }
      } else {
        say(res[1].detail || cfg.dataset.failed, "danger");
      }
    }).catch(function () { sending = false; say(cfg.dataset.queued); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.talk-form"), function (form) {
    form.addEventListener("submit", function (ev) {
      if (navigator.onLine) { return; }
      ev.preventDefault();
      var data = new FormData(form), record = {};
      ["client_id", "class_id", "date", "kind", "topic", "minutes", "note"].forEach(function (k) {
        record[k] = data.get(k);
      });
      store(load().filter(function (x) { return x.client_id !== record.client_id; }).concat([record]));
      mark();
      say(cfg.dataset.queued);
    });
  });
  window.addEventListener("online", send);
  window.setInterval(send, 30000);
  mark();
  send();
})();
