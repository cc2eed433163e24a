/* One check on a phone: big pass / fail / N/A buttons per item, the measured value or text, a
 * camera photo on failure (uploaded at once when online), a note. The draft — answers, photo ids
 * and the client id made when the page first opened — lives in localStorage, so a reload or a
 * dead network loses nothing; the submission is queued and sent once with that client id when
 * the phone is online (a retry answers the same record). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("ck-config").textContent);
  var KEY = "sc.checks.draft." + cfg.user + "." + cfg.task;
  var form = document.getElementById("check-form");
  var sync = document.getElementById("ck-sync");
  var sending = false;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  var draft = load() || { client_id: uuid(), answers: {}, queued: false };
  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(draft)); } catch (e) { /* private mode */ }
  }
  function say(text, kind) {
    sync.textContent = text;
    sync.className = "alert py-2 small alert-" + (kind || "warning") + (text ? "" : " d-none");
  }
  function entry(id) {
    if (!draft.answers[id]) { draft.answers[id] = { result: "", value: "", note: "", photos: [] }; }
    return draft.answers[id];
  }
  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".ck-item")); }

  function show(card) {
    var a = entry(card.dataset.item);
    Array.prototype.forEach.call(card.querySelectorAll("[data-result]"), function (b) {
      b.classList.toggle("active", b.dataset.result === a.result);
    });
    card.querySelector(".ck-fail").classList.toggle("d-none", a.result !== "fail");
    var thumbs = card.querySelector(".ck-thumbs");
    thumbs.textContent = "";  // a camera icon (the font's, not an emoji a phone may lack) and the count
    if (a.photos.length) {
      var icon = document.createElement("i");
      icon.className = "bi bi-camera-fill text-success me-1";
      thumbs.appendChild(icon);
      thumbs.appendChild(document.createTextNode("× " + a.photos.length));
    }
  }

  cards().forEach(function (card) {
    var id = card.dataset.item, a = entry(id);
    var value = card.querySelector(".ck-value"), note = card.querySelector(".ck-note");
    if (value) { value.value = a.value; value.addEventListener("input", function () { a.value = value.value; autoResult(card); save(); }); }
    note.value = a.note;
    note.addEventListener("input", function () { a.note = note.value; save(); });
    Array.prototype.forEach.call(card.querySelectorAll("[data-result]"), function (b) {
      b.addEventListener("click", function () { a.result = b.dataset.result; save(); show(card); });
    });
    card.querySelector(".ck-photo").addEventListener("change", function (ev) {
      var file = ev.target.files && ev.target.files[0];
      if (!file) { return; }
      upload(file, function (photoId) { a.photos.push(photoId); save(); show(card); });
      ev.target.value = "";
    });
    show(card);
  });

  function autoResult(card) {  // a measured value outside the range fails the item
    var a = entry(card.dataset.item), v = parseFloat(a.value);
    if (isNaN(v)) { return; }
    var low = card.dataset.min !== undefined ? parseFloat(card.dataset.min) : null;
    var high = card.dataset.max !== undefined ? parseFloat(card.dataset.max) : null;
    a.result = (low !== null && v < low) || (high !== null && v > high) ? "fail" : "pass";
    show(card);
  }

  function upload(file, done) {
    var body = new FormData();
    body.append("photo", file);
    body.append("unit", cfg.unit);
    body.append("client_id", uuid());
    say(cfg.messages.uploading, "info");
    fetch(cfg.photo, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": cfg.csrf } })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        if (res[0] === 200 || res[0] === 201) { say(""); done(res[1].id); } else { say(res[1].detail, "danger"); }
      })
      .catch(function () { say(cfg.messages.offline, "warning"); });
  }

  function body() {
    return {
      client_id: draft.client_id,
      answers: cards().map(function (card) {
        var a = entry(card.dataset.item), row = { item: parseInt(card.dataset.item, 10), result: a.result, note: a.note, photos: a.photos };
        if (card.dataset.kind === "number" && a.value !== "") { row.value = parseFloat(a.value); }
        if (card.dataset.kind === "text") { row.value = a.value; }
        return row;
      })
    };
  }
  function showError(field, detail) {
    Array.prototype.forEach.call(document.querySelectorAll(".ck-error"), function (e) { e.textContent = ""; });
    var m = /^answers\.(\d+)/.exec(field || "");
    var card = m && document.querySelector('.ck-item[data-item="' + m[1] + '"]');
    if (card) { card.querySelector(".ck-error").textContent = detail; card.scrollIntoView({ block: "center" }); }
    say(detail, "danger");
  }
  function send() {
    if (!draft.queued || sending) { return; }
    if (!navigator.onLine) { say(cfg.messages.queued); return; }
    sending = true;
    say(cfg.messages.sending, "info");
    fetch(cfg.submit, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body()),
      headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf }
    }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        sending = false;
        if (res[0] === 200) {
          try { window.localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
          say(cfg.messages.sent, "success");
          window.location.href = cfg.done_url;
        } else if (res[0] >= 500) {
          say(cfg.messages.queued);
        } else {
          draft.queued = false; save();
          showError(res[1].field, res[1].detail);
        }
      })
      .catch(function () { sending = false; say(cfg.messages.queued); });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var missing = cards().filter(function (c) { return !entry(c.dataset.item).result; })[0];
    if (missing) { showError("answers." + missing.dataset.item, cfg.messages.unanswered); return; }
    var photoless = cards().filter(function (c) {
      var a = entry(c.dataset.item);
      return a.result === "fail" && c.dataset.photoRequired === "1" && !a.photos.length;
    })[0];
    if (photoless) { showError("answers." + photoless.dataset.item, cfg.messages.photo_needed); return; }
    draft.queued = true; save();
    send();
  });
  window.addEventListener("online", send);
  window.setInterval(send, 30000);
  if (draft.queued) { say(cfg.messages.queued); send(); }
})();
