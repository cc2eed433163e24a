// A client id per form, so that a retried "done" or summary is applied once.
document.querySelectorAll("input.client-id").forEach(function (el) {
  if (!el.value && window.crypto && crypto.randomUUID) { el.value = crypto.randomUUID(); }
});
// Show the name of the chosen photo or document on its button.
document.querySelectorAll("input[type=file][name=file]").forEach(function (input) {
  input.addEventListener("change", function () {
    var label = input.closest("label");
    var name = input.files && input.files[0] ? input.files[0].name : "";
    var shown = label.querySelector(".file-name");
    if (!shown) { shown = document.createElement("span"); shown.className = "file-name ms-1 small"; label.appendChild(shown); }
    shown.textContent = name ? "· " + name : "";
  });
});
