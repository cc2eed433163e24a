// Suggestions for the school search box (core/_school_search.html): names from
// GET /org/schools/search while typing. Without JavaScript the box is a plain GET search.
(function () {
  "use strict";
  document.querySelectorAll("form.school-search[data-suggest]").forEach(function (form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector("datalist");
    var timer = null;
    var last = "";
    if (!input || !list) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 1 || q === last) return;
        last = q;
        fetch(form.dataset.suggest + "&q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            (data.results || []).forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.name;
              option.label = s.parent + " · " + s.code;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 250);
    });
  });
})();
