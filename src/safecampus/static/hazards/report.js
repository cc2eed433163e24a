/* Hazard pages: thumbnails of the chosen photos; on the report form a client id per report (a
   double tap or resubmission registers one hazard), removing photos kept from an earlier try, the
   on-the-spot fields, one submission at a time. */
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
  // A kept photo (chosen before the form came back with errors) is removed here and on the server
  // when the form is sent; without this script its button sends the form to remove it at once.
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".kept-remove") : null;
    if (!button) return;
    event.preventDefault();
    var drop = document.createElement("input");
    drop.type = "hidden"; drop.name = "drop_photo"; drop.value = button.value;
    form.appendChild(drop);
    var figure = button.closest(".kept-photo");
    var box = figure && figure.parentNode;
    if (figure) figure.remove();
    if (box && !box.querySelector(".kept-photo")) {
      var note = document.getElementById(box.id + "-note");
      if (note) note.remove();
      box.remove();
    }
  });
  var spot = document.getElementById("id_on_spot");
  var fields = document.getElementById("on-spot-fields");
  if (spot && fields) spot.addEventListener("change", function () { fields.hidden = !spot.checked; });
  form.addEventListener("submit", function () {
    var button = document.getElementById("submit-report");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
