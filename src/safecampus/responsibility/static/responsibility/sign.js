/* The signature pad of a responsibility letter: draw with a finger (touch / pointer) or the
 * mouse on a canvas, clear, then the form posts the drawing as a PNG data URL with the typed
 * name and a client id made once per page (a double tap signs once). No library, no CDN. */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "s-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function pad(form) {
    var canvas = form.querySelector(".resp-canvas");
    var ctx = canvas.getContext("2d");
    var error = form.querySelector(".resp-error");
    var submit = form.querySelector(".resp-submit");
    var drawn = false;
    var last = null;

    function fit() {
      var rect = canvas.getBoundingClientRect();
      // Sharp on the phone, but never wider than 1200 px: the PNG stays small.
      var ratio = Math.min(window.devicePixelRatio || 1, 1200 / Math.max(rect.width, 1));
      var keep = drawn ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.6;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      if (keep) {
        var img = new Image();
        img.onload = function () { ctx.drawImage(img, 0, 0, rect.width, rect.height); };
        img.src = keep;
      }
    }

    function point(e) {
      var rect = canvas.getBoundingClientRect();
      var src = e.touches && e.touches.length ? e.touches[0] : e;
      return { x: src.clientX - rect.left, y: src.clientY - rect.top };
    }
    function start(e) {
      e.preventDefault();
      last = point(e);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fillStyle = "#111";
      ctx.fill();
      drawn = true;
      error.textContent = "";
    }
    function move(e) {
      if (!last) { return; }
      e.preventDefault();
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    }
    function end() { last = null; }

    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", function (e) { canvas.setPointerCapture(e.pointerId); start(e); });
      canvas.addEventListener("pointermove", move);
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
    } else {
      canvas.addEventListener("mousedown", start);
      canvas.addEventListener("mousemove", move);
      window.addEventListener("mouseup", end);
      canvas.addEventListener("touchstart", start, { passive: false });
      canvas.addEventListener("touchmove", move, { passive: false });
      canvas.addEventListener("touchend", end);
    }
    form.querySelector(".resp-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
    });
    form.elements.client_id.value = uuid();
    form.addEventListener("submit", function (e) {
      if (!drawn) {
        e.preventDefault();
        error.textContent = submit.dataset.empty;
        return;
      }
      if (!form.elements.name.value.trim()) {
        e.preventDefault();
        error.textContent = submit.dataset.noname;
        return;
      }
      form.elements.signature.value = canvas.toDataURL("image/png");
      submit.disabled = true;
    });
    fit();
    window.addEventListener("resize", fit);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.resp-sign"), pad);
})();
