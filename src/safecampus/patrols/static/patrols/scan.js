/* The guard's scanner (no app): reads checkpoint QR codes with the camera in the page — the
 * browser's BarcodeDetector when it has one, jsQR on video frames otherwise — or a code typed by
 * hand. Each scan gets a client-made id and the device time, goes into a localStorage queue
 * first, and the queue is sent as one batch whenever the phone is online (a replay answers
 * "duplicate", so nothing is counted twice). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("pt-config").textContent);
  var KEY = "sc.patrols.queue." + cfg.user;
  var MAX_BATCH = cfg.max_batch || 1000;
  var $ = function (id) { return document.getElementById(id); };
  var result = $("scan-result"), sync = $("pt-sync");
  var video = $("scan-video"), canvas = $("scan-canvas"), box = $("scanner");
  var stream = null, detector = null, lastCode = "", lastAt = 0, sending = false;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(list) {
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
    showQueue(list);
  }
  function showQueue(list) {
    sync.textContent = list.length ? cfg.messages.queued.replace("%(n)s", list.length) : "";
  }
  function say(text, ok) {
    result.textContent = text;
    result.className = "small mb-3 " + (ok ? "text-success" : "text-danger");
  }
  function tick(code, state) {
    var items = document.querySelectorAll('[data-code="' + code.replace(/"/g, "") + '"]');
    Array.prototype.forEach.call(items, function (li) {
      var i = li.querySelector(".pt-tick");
      li.classList.add("pt-done");
      if (i) {
        i.className = "bi fs-5 pt-tick " + (state === "pending" ? "bi-clock-history text-warning" : "bi-check-circle-fill text-success");
        i.setAttribute("aria-label", state === "pending" ? cfg.messages.pending : cfg.messages.scanned);
      }
    });
  }
  function codeOf(text) {
    var t = String(text || "").trim();
    var m = t.match(/[?&#]c=([A-Za-z0-9]+)/);  // a label may carry a link: …?c=CODE
    return (m ? m[1] : t).toUpperCase().slice(0, 32);
  }
  function add(text) {
    var code = codeOf(text);
    if (!code) { return; }
    var now = Date.now();
    if (code === lastCode && now - lastAt < 5000) { return; }  // the same label still in view
    lastCode = code; lastAt = now;
    var list = load();
    list.push({ id: uuid(), checkpoint: code, at: new Date().toISOString() });
    save(list);
    tick(code, "pending");
    say(cfg.messages.saved.replace("%(code)s", code), true);
    if (navigator.vibrate) { navigator.vibrate(80); }
    flush();
  }
  function flush() {
    var list = load();
    if (sending || !list.length || navigator.onLine === false) { return; }
    sending = true;
    var batch = list.slice(0, MAX_BATCH);
    window.fetch(cfg.endpoint, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
      body: JSON.stringify(batch)
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      if (res.status !== 200 || !Array.isArray(res.body)) {
        say((res.body && res.body.detail) || cfg.messages.failed, false);
        return;
      }
      var answered = {};
      var codes = {};
      batch.forEach(function (s) { codes[s.id] = s.checkpoint; });
      res.body.forEach(function (r) {
        answered[r.id] = true;
        if (r.result === "accepted" || r.result === "duplicate") { tick(codes[r.id] || "", "done"); }
        else if (r.result === "refused") { say((codes[r.id] || "") + ": " + (r.reason || cfg.messages.refused), false); }
      });
      save(load().filter(function (s) { return !answered[s.id]; }));
      var counts = document.querySelectorAll(".pt-open");
      Array.prototype.forEach.call(counts, function (sec) {
        var n = sec.querySelectorAll(".pt-done").length, c = sec.querySelector(".pt-count");
        if (c) { c.textContent = n; }
      });
    }).catch(function () {
      say(cfg.messages.offline, false);
    }).then(function () {
      sending = false;
      if (load().length && load().length !== batch.length) { window.setTimeout(flush, 500); }
    });
  }
  function frame() {
    if (!stream) { return; }
    if (video.readyState < 2) { window.requestAnimationFrame(frame); return; }
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) { add(codes[0].rawValue); }
        window.setTimeout(frame, 200);
      }).catch(function () { window.setTimeout(frame, 400); });
      return;
    }
    if (window.jsQR) {
      var w = video.videoWidth, h = video.videoHeight, scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) { add(found.data); }
    }
    window.setTimeout(frame, 250);
  }
  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(cfg.messages.nocamera, false); $("manual-code").focus(); return;
    }
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s; video.srcObject = s; box.hidden = false;
      video.play(); frame();
    }).catch(function () { say(cfg.messages.nocamera, false); $("manual-code").focus(); });
  }
  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null; box.hidden = true;
  }
  $("scan-button").addEventListener("click", function () { if (stream) { stop(); } else { start(); } });
  $("scan-stop").addEventListener("click", stop);
  $("manual-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("manual-code");
    lastCode = "";
    add(input.value);
    input.value = "";
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 30000);
  load().forEach(function (s) { tick(s.checkpoint, "pending"); });
  showQueue(load());
  flush();
})();
