/* Hazard pages: thumbnails of the chosen photos; on the report form a client id per report (a
   double tap or resubmission registers one hazard), the on-the-spot fields, one submission at a time. */
(function () {
  "use strict";
  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function thumbs(input) {
    var box = document.getElementById(input.getAttribute("data-thumbs"));
    if (!box) return;
    box.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (!/^image\//.test(file.type)) return;
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      box.appendChild(img);
    });
  }
  document.querySelectorAll("input[type=file][data-thumbs]").forEach(function (input) {
    input.addEventListener("change", function () { thumbs(input); });
    if (input.files && input.files.length) thumbs(input);  // chosen before the script ran
  });
  var form = document.getElementById("report-form");
  if (!form) return;
  var cid = document.getElementById("id_client_id");
  if (cid && !cid.value) cid.value = uuid4();
  var spot = document.getElementById("id_on_spot");
  var fields = document.getElementById("on-spot-fields");
  if (spot && fields) spot.addEventListener("change", function () { fields.hidden = !spot.checked; });
  form.addEventListener("submit", function () {
    var button = document.getElementById("submit-report");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
