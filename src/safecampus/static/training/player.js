/* SafeCampus lesson player: heartbeats every ~15 s while a video plays or while an article or PDF
 * page is visible. Each beat gets a client-made id and goes into a localStorage queue first; it
 * leaves the queue only when the server has answered for it, so beats made offline are sent
 * later with the same ids and the server applies each exactly once. Plain ES5, no libraries:
 * it has to run in a phone's WeChat browser. */
(function () {
  "use strict";

  var cfgNode = document.getElementById("player-config");
  if (!cfgNode) { return; }
  var cfg = JSON.parse(cfgNode.textContent);
  var text = JSON.parse((document.getElementById("player-text") || {}).textContent || "{}");
  var QUEUE_KEY = "safecampus.training.beats." + cfg.user; // one queue per account on this device
  var BATCH = 100;
  var MAX_QUEUE = 5000;
  var RETRY_MS = 20000;
  var interval = Math.max(5, cfg.interval_s || 15) * 1000;

  var state = { credited: cfg.credited_s, furthest: cfg.furthest_s, completed: cfg.completed };
  var memoryQueue = [];
  var sending = false;
  var retryTimer = null;

  function byId(id) { return document.getElementById(id); }

  function show(id, visible) {
    var node = byId(id);
    if (node) { node.classList.toggle("d-none", !visible); }
  }

  var flashTimer = null;
  function flash(id) {
    show(id, true);
    if (flashTimer !== null) { window.clearTimeout(flashTimer); }
    flashTimer = window.setTimeout(function () { show(id, false); flashTimer = null; }, 8000);
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h && m < 10 ? "0" : "") + m, ss = (r < 10 ? "0" : "") + r;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function newId() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }
    if (c && typeof c.getRandomValues === "function") {
      var b = new Uint8Array(16);
      c.getRandomValues(b);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      var hex = [];
      for (var i = 0; i < 16; i++) { hex.push((b[i] + 0x100).toString(16).slice(1)); }
      return hex.slice(0, 4).join("") + "-" + hex.slice(4, 6).join("") + "-" + hex.slice(6, 8).join("") +
        "-" + hex.slice(8, 10).join("") + "-" + hex.slice(10, 16).join("");
    }
    return "b-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12) +
      Math.random().toString(36).slice(2, 12);
  }

  // -- the queue --------------------------------------------------------------------------------
  function load() {
    try {
      var raw = window.localStorage.getItem(QUEUE_KEY);
      var list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return memoryQueue.slice();
    }
  }

  function store(list) {
    memoryQueue = list.slice();
    try { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  function removeIds(ids) {
    var gone = {};
    for (var i = 0; i < ids.length; i++) { gone[ids[i]] = true; }
    store(load().filter(function (b) { return !gone[b.id]; }));
  }

  function showQueue() {
    var n = load().length;
    var waiting = n > 0 && (navigator.onLine === false || retryTimer !== null);
    var node = byId("queue-text");
    if (node && text.queued) { node.textContent = text.queued.replace("%(n)s", n); }
    show("queue-message", waiting);
  }

  // -- progress shown -----------------------------------------------------------------------------
  function render() {
    var credited = byId("credited-text"), bar = byId("credited-bar");
    if (credited) { credited.textContent = clock(state.credited); }
    if (bar) {
      var pct = cfg.required_s ? Math.min(100, Math.floor(100 * state.credited / cfg.required_s)) : 0;
      bar.style.width = pct + "%";
      bar.classList.toggle("bg-success", !!state.completed);
    }
    show("completed-message", !!state.completed);
  }

  // -- sending ------------------------------------------------------------------------------------
  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
    }
    showQueue();
  }

  function post(batch, done, keepalive) {
    var body = JSON.stringify({ beats: batch });
    if (keepalive && window.fetch) {
      try {
        window.fetch(cfg.endpoint, {
          method: "POST", credentials: "same-origin", keepalive: true, body: body,
          headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf }
        });
      } catch (e) { /* the queue keeps it */ }
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", cfg.endpoint, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRFToken", cfg.csrf);
    xhr.timeout = 20000;
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(xhr.status, data);
    };
    xhr.onerror = xhr.ontimeout = function () { done(0, null); };
    xhr.send(body);
  }

  function applyResults(results) {
    var skipped = false, mine = null;
    for (var i = 0; i < results.length; i++) {
      var r = results[i];
      if (r.lesson !== cfg.lesson || r.reason === "unknown_lesson") { continue; }
      mine = r;
      if (r.status === "refused" && r.reason === "skip" && !r.duplicate) { skipped = true; }
    }
    if (mine) {
      state.credited = Math.max(state.credited, mine.credited_s);
      state.furthest = Math.max(state.furthest, mine.furthest_s);
      state.completed = state.completed || mine.completed;
      render();
    }
    if (skipped && video && video.currentTime > state.furthest + (cfg.seek_slack_s || 5)) {
      furthest = Math.min(furthest, state.furthest);
      video.currentTime = state.furthest;
      flash("skip-message");
    }
  }

  function flush() {
    if (sending) { return; }
    var queue = load();
    if (!queue.length) { showQueue(); return; }
    if (navigator.onLine === false) { showQueue(); return; }
    sending = true;
    var batch = queue.slice(0, BATCH);
    post(batch, function (status, data) {
      sending = false;
      if (status === 200 && data && data.results) {
        removeIds(batch.map(function (b) { return b.id; }));
        show("session-message", false);
        applyResults(data.results);
        if (load().length) { flush(); } else { showQueue(); }
        return;
      }
      if (status === 400 || status === 413 || status === 415) {
        // The server will never take these: drop the one named, else the batch, and go on.
        var m = data && data.field ? /^beats\[(\d+)\]/.exec(data.field) : null;
        removeIds(m ? [batch[+m[1]].id] : batch.map(function (b) { return b.id; }));
        flush();
        return;
      }
      if (status === 401 || status === 403) { show("session-message", true); }
      scheduleRetry();
    });
  }

  function beat(keepalive) {
    var position = currentPosition();
    if (!isFinite(position) || position < 0) { position = 0; }
    var item = { id: newId(), lesson: cfg.lesson, position_s: Math.round(position * 10) / 10, at: new Date().toISOString() };
    var queue = load();
    queue.push(item);
    if (queue.length > MAX_QUEUE) { queue = queue.slice(queue.length - MAX_QUEUE); }
    store(queue);
    if (keepalive) { post([item], null, true); } else { flush(); }
  }

  // -- what is learnt -------------------------------------------------------------------------------
  var video = byId("lesson-video");
  var furthest = Math.max(cfg.furthest_s || 0, 0);
  var lastTime = 0;
  var ticker = null;
  var visibleSince = null, visibleSeconds = 0;

  function currentPosition() {
    if (video) { return video.currentTime || 0; }
    var extra = visibleSince ? (Date.now() - visibleSince) / 1000 : 0;
    return Math.min(cfg.duration_s, (cfg.start_s || 0) + visibleSeconds + extra);
  }

  function startTicking() {
    if (ticker !== null) { return; }
    beat(false);
    ticker = window.setInterval(function () { beat(false); }, interval);
  }

  function stopTicking(keepalive) {
    if (ticker === null) { return; }
    window.clearInterval(ticker);
    ticker = null;
    beat(keepalive);
  }

  if (video) {
    video.addEventListener("loadedmetadata", function () {
      if (cfg.start_s > 0 && cfg.start_s < (video.duration || cfg.duration_s) - 1) { video.currentTime = cfg.start_s; }
      lastTime = video.currentTime;
    });
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (!video.seeking && t >= lastTime && t - lastTime < 3) { furthest = Math.max(furthest, t); }
      lastTime = t;
    });
    video.addEventListener("seeking", function () {
      if (video.currentTime > furthest + (cfg.seek_slack_s || 5)) {
        video.currentTime = furthest; // no skipping past what was watched (the server refuses it too)
        flash("skip-message");
      }
    });
    video.addEventListener("play", startTicking);
    video.addEventListener("pause", function () { stopTicking(false); });
    video.addEventListener("ended", function () { stopTicking(false); });
    window.addEventListener("pagehide", function () { stopTicking(true); });
  } else {
    // Articles and documents: time counts while the page is visible.
    var visible = function () { return document.visibilityState ? document.visibilityState === "visible" : !document.hidden; };
    var onVisibility = function () {
      if (visible()) {
        if (visibleSince === null) { visibleSince = Date.now(); }
        startTicking();
      } else {
        if (visibleSince !== null) { visibleSeconds += (Date.now() - visibleSince) / 1000; visibleSince = null; }
        stopTicking(false);
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("pagehide", function () {
      if (visibleSince !== null) { visibleSeconds += (Date.now() - visibleSince) / 1000; visibleSince = null; }
      stopTicking(true);
    });
    onVisibility();
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", showQueue);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flush(); } });
  render();
  flush(); // beats left from earlier (offline, or a page closed too early) go first
}());
