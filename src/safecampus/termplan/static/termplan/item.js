// A client id per form, so that a retried "done" or summary is applied once.
document.querySelectorAll("input.client-id").forEach(function (el) {
  if (!el.value && window.crypto && crypto.randomUUID) { el.value = crypto.randomUUID(); }
});
