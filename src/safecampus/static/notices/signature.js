// Drawn signatures for receipts: each canvas.signature-pad records pointer strokes and, on submit,
// stores a PNG data URL in the form's input.signature-data (nothing is sent for an empty pad).
(function () {
  "use strict";
  document.querySelectorAll("form.receipt-form").forEach(function (form) {
    var canvas = form.querySelector("canvas.signature-pad");
    var input = form.querySelector("input.signature-data");
    if (!canvas || !input) return;
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var w = canvas.clientWidth, h = canvas.clientHeight;
      canvas.width = w * ratio; canvas.height = h * ratio;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      drawn = false; input.value = "";
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[0] + 0.1, p[1] + 0.1); ctx.stroke();
      drawn = true; e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); e.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (t) {
      canvas.addEventListener(t, function () { drawing = false; });
    });
    var clear = form.querySelector(".signature-clear");
    if (clear) clear.addEventListener("click", fit);
    form.addEventListener("submit", function () {
      input.value = drawn ? canvas.toDataURL("image/png") : "";
    });
    fit();
  });
})();
