// Four-colour map editor: draw areas (polygons) and pin risk points on the campus plan.
// Coordinates are kept relative to the image (0..1); the SVG's viewBox is the image's size.
(function () {
  "use strict";
  var layout = JSON.parse(document.getElementById("map-layout").textContent);
  var T = layout.texts;
  var svg = document.getElementById("editor-svg");
  var NS = "http://www.w3.org/2000/svg";
  var W = layout.width, H = layout.height;
  var areas = layout.areas.map(function (a) { return { id: a.id, name: a.name, polygon: a.polygon }; });
  var points = layout.points;
  var drawing = null; // the polygon being drawn: [[x, y], ...]
  var pinning = null; // id of the point being pinned
  var selected = null;

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function pts(poly) { return poly.map(function (p) { return (p[0] * W).toFixed(1) + "," + (p[1] * H).toFixed(1); }).join(" "); }
  function round(v) { return Math.min(1, Math.max(0, Math.round(v * 100000) / 100000)); }

  function render() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    areas.forEach(function (a, i) {
      var poly = el("polygon", { points: pts(a.polygon), "class": "area none" + (selected === i ? " selected" : "") });
      poly.appendChild(el("title", {}, a.name));
      svg.appendChild(poly);
      var cx = 0, cy = 0;
      a.polygon.forEach(function (p) { cx += p[0]; cy += p[1]; });
      svg.appendChild(el("text", { "class": "area-label", x: cx / a.polygon.length * W, y: cy / a.polygon.length * H }, a.name));
    });
    if (drawing && drawing.length) {
      svg.appendChild(el("polyline", { points: pts(drawing), "class": "draft" }));
      drawing.forEach(function (p) { svg.appendChild(el("circle", { cx: p[0] * W, cy: p[1] * H, r: W / 160, "class": "vertex" })); });
    }
    points.forEach(function (p) {
      if (p.x === null || p.x === undefined) return;
      var c = el("circle", { cx: p.x * W, cy: p.y * H, r: W / 90, "class": "pin", fill: p.colour });
      c.appendChild(el("title", {}, p.name));
      svg.appendChild(c);
    });
    renderLists();
  }

  function renderLists() {
    var list = document.getElementById("area-list");
    list.innerHTML = "";
    areas.forEach(function (a, i) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center gap-2 px-0";
      var name = document.createElement("input");
      name.className = "form-control form-control-sm"; name.value = a.name; name.maxLength = 60;
      name.addEventListener("input", function () { a.name = name.value; });
      name.addEventListener("focus", function () { selected = i; render(); name.focus(); });
      var del = document.createElement("button");
      del.type = "button"; del.className = "btn btn-sm btn-outline-danger"; del.textContent = T.remove;
      del.addEventListener("click", function () { areas.splice(i, 1); selected = null; render(); });
      li.appendChild(name); li.appendChild(del); list.appendChild(li);
    });
    var select = document.getElementById("pin-point");
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    points.forEach(function (p) { select.add(new Option(p.name, p.id)); });
    select.value = keep;
    var pins = document.getElementById("pin-list");
    pins.innerHTML = "";
    points.filter(function (p) { return p.x !== null && p.x !== undefined; }).forEach(function (p) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center px-0";
      li.appendChild(document.createTextNode(p.name));
      var del = document.createElement("button");
      del.type = "button"; del.className = "btn btn-sm btn-outline-danger"; del.textContent = T.remove;
      del.addEventListener("click", function () { p.x = null; p.y = null; render(); });
      li.appendChild(del); pins.appendChild(li);
    });
  }

  function position(evt) {
    var box = svg.getBoundingClientRect();
    return [round((evt.clientX - box.left) / box.width), round((evt.clientY - box.top) / box.height)];
  }

  svg.addEventListener("click", function (evt) {
    var p = position(evt);
    if (drawing) { drawing.push(p); render(); return; }
    if (pinning) {
      points.forEach(function (pt) { if (String(pt.id) === String(pinning)) { pt.x = p[0]; pt.y = p[1]; } });
      pinning = null; document.getElementById("pin-point").value = ""; render();
    }
  });

  document.getElementById("new-area").addEventListener("click", function () {
    var name = document.getElementById("area-name");
    if (!name.value.trim()) { name.placeholder = T.unnamed; name.focus(); return; }
    drawing = []; pinning = null;
    document.getElementById("finish-area").hidden = false;
  });
  document.getElementById("finish-area").addEventListener("click", function () {
    var name = document.getElementById("area-name");
    if (drawing && drawing.length >= 3) {
      areas.push({ id: null, name: name.value.trim(), polygon: drawing });
      name.value = "";
    }
    drawing = null;
    document.getElementById("finish-area").hidden = true;
    render();
  });
  document.getElementById("pin-point").addEventListener("change", function (evt) {
    pinning = evt.target.value || null; drawing = null;
  });

  document.getElementById("save-map").addEventListener("click", function () {
    var status = document.getElementById("save-status");
    var body = {
      areas: areas.map(function (a) { return { id: a.id, name: a.name, polygon: a.polygon }; }),
      pins: points.filter(function (p) { return p.x !== null && p.x !== undefined; })
        .map(function (p) { return { point: p.id, x: p.x, y: p.y }; })
    };
    var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(layout.save, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
      .then(function (res) {
        status.className = "small " + (res.ok ? "text-success" : "text-danger");
        status.textContent = res.ok ? T.saved : (res.d.detail || T.failed);
        if (res.ok) window.setTimeout(function () { window.location.reload(); }, 600);
      })
      .catch(function () { status.className = "small text-danger"; status.textContent = T.failed; });
  });

  render();
})();
