// Show the LEC factors or the LS factors depending on the chosen method.
(function () {
  var method = document.getElementById("id_method");
  if (!method) return;
  function wrap(id) { var el = document.getElementById(id); return el ? el.closest("div[class^='col'], .mb-3") : null; }
  function sync() {
    var lec = method.value === "LEC";
    ["id_l", "id_e", "id_c"].forEach(function (id) { var w = wrap(id); if (w) w.hidden = !lec; });
    ["id_likelihood", "id_severity"].forEach(function (id) { var w = wrap(id); if (w) w.hidden = lec; });
  }
  method.addEventListener("change", sync);
  sync();
})();
