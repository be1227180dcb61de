/* townsquare: the agency post form. Everything works without this file: every kind's
   fields are shown, neighborhoods are chosen with checkboxes, and the "Preview audience"
   button shows the audience. With it: only the chosen kind's fields, the area drawn on the
   map, and the audience updated as the target changes. Its texts come from the JavaScript
   catalog (/jsi18n/, loaded by base.html): gettext, ngettext, interpolate. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  /* Only the fields of the chosen kind (an event's time and place, a request's area). */
  function kindFields(form) {
    var select = form.querySelector("[data-kind=select]");
    var sets = form.querySelectorAll("[data-kind-fieldset]");
    if (!select || !sets.length) { return; }
    function update() {
      each(sets, function (fieldset) {
        var show = fieldset.getAttribute("data-kind-fieldset") === select.value ||
          fieldset.querySelector(".has-error") !== null;
        fieldset.hidden = !show;
        fieldset.disabled = !show;  // hidden fields are not sent with another kind
      });
    }
    select.addEventListener("change", update);
    update();
  }

  /* The target: the whole jurisdiction, chosen neighborhoods, or an area on the map. */
  function targeting(form, onChange) {
    var radios = form.querySelectorAll("input[name=target]");
    if (!radios.length) { return; }
    each(form.querySelectorAll("[data-needs-js]"), function (el) { el.hidden = false; });
    function chosen() {
      var value = "";  // nothing is chosen until the publisher chooses
      each(radios, function (radio) { if (radio.checked) { value = radio.value; } });
      return value;
    }
    function update() {
      var value = chosen();
      each(form.querySelectorAll("[data-target-panel]"), function (panel) {
        panel.hidden = panel.getAttribute("data-target-panel") !== value;
      });
    }
    each(radios, function (radio) {
      radio.addEventListener("change", function () { update(); onChange(); });
    });
    each(form.querySelectorAll("input[name=neighborhoods]"), function (box) {
      box.addEventListener("change", onChange);
    });
    update();
    neighborhoodFilter(form);
  }

  /* A filter box above the neighborhoods' checkboxes: typing hides the names that do not
     contain it (chosen ones stay shown); without JavaScript the whole list is there. */
  function neighborhoodFilter(form) {
    var boxes = form.querySelectorAll("input[name=neighborhoods]");
    if (boxes.length < 2) { return; }
    var list = boxes[0].closest("fieldset");
    var wrapper = document.createElement("p");
    wrapper.className = "neighborhood-filter";
    var label = document.createElement("label");
    label.setAttribute("for", "neighborhood-filter");
    label.textContent = gettext("Find a neighborhood");
    var input = document.createElement("input");
    input.type = "search";
    input.id = "neighborhood-filter";
    input.setAttribute("data-neighborhood-filter", "");
    input.autocomplete = "off";
    wrapper.appendChild(label);
    wrapper.appendChild(document.createTextNode(" "));
    wrapper.appendChild(input);
    list.parentNode.insertBefore(wrapper, list);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submits the post
    });
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      each(boxes, function (box) {
        var item = box.closest("label") || box;
        var row = item.parentNode;
        var name = item.textContent.trim().toLowerCase();
        row.hidden = Boolean(wanted) && !box.checked && name.indexOf(wanted) === -1;
      });
    });
  }

  /* Drawing: each click on the map adds a corner; three or more make the area (GeoJSON,
     WGS84 [longitude, latitude]) kept in the hidden `area` field. */
  function drawing(form, onChange) {
    var svg = form.querySelector("svg[data-draw-map]");
    var field = form.querySelector("input[data-area]");
    if (!svg || !field || !svg.createSVGPoint) { return; }
    var p = JSON.parse(svg.getAttribute("data-projection"));
    var polygon = svg.querySelector("[data-drawn-area]");
    var corners = svg.querySelector("[data-drawn-corners]");
    var status = form.querySelector("[data-draw-status]");
    var points = [];  // [lon, lat]
    var ns = "http://www.w3.org/2000/svg";

    function toMap(point) {
      return { x: p.x0 + (point[0] - p.lon0) * p.kx, y: p.y0 + (p.lat0 - point[1]) * p.ky };
    }

    function render() {
      polygon.setAttribute("points", points.map(function (point) {
        var at = toMap(point);
        return at.x.toFixed(1) + "," + at.y.toFixed(1);
      }).join(" "));
      corners.textContent = "";
      points.forEach(function (point) {
        var at = toMap(point);
        var dot = document.createElementNS(ns, "circle");
        dot.setAttribute("class", "drawn-corner");
        dot.setAttribute("cx", at.x.toFixed(1));
        dot.setAttribute("cy", at.y.toFixed(1));
        dot.setAttribute("r", "6");
        corners.appendChild(dot);
      });
      if (points.length >= 3) {
        var ring = points.concat([points[0]]);
        field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        field.value = "";
      }
      if (status) {
        var count = { count: points.length, more: 3 - points.length };
        status.textContent = points.length === 0 ? gettext("No area drawn yet.") :
          points.length < 3 ? interpolate(ngettext(
            "%(count)s corner: add at least %(more)s more.",
            "%(count)s corners: add at least %(more)s more.", points.length), count, true) :
          interpolate(ngettext("An area with %(count)s corner.", "An area with %(count)s corners.",
            points.length), count, true);
      }
    }

    function changed() { render(); onChange(); }

    svg.addEventListener("click", function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var at = pt.matrixTransform(matrix.inverse());
      // The inverse of places.svg.Projection (see Projection.js_params).
      var lon = p.lon0 + (at.x - p.x0) / p.kx;
      var lat = p.lat0 - (at.y - p.y0) / p.ky;
      points.push([Number(lon.toFixed(6)), Number(lat.toFixed(6))]);
      changed();
    });
    var undo = form.querySelector("[data-draw-undo]");
    if (undo) { undo.addEventListener("click", function () { points.pop(); changed(); }); }
    var clear = form.querySelector("[data-draw-clear]");
    if (clear) { clear.addEventListener("click", function () { points = []; changed(); }); }

    // After a page with errors, the area drawn before comes back.
    try {
      var kept = field.value ? JSON.parse(field.value) : null;
      if (kept && kept.type === "Polygon" && kept.coordinates && kept.coordinates[0]) {
        points = kept.coordinates[0].slice(0, -1);
      }
    } catch (e) { points = []; }
    render();
  }

  /* The audience, asked of the server whenever the target changes. */
  function audience(form) {
    var url = form.getAttribute("data-audience-url");
    var box = form.querySelector("[data-audience]");
    if (!url || !box || !window.fetch || !window.FormData) { return function () {}; }
    var timer = null;
    var asked = 0;

    function show(lines, isError) {
      box.textContent = "";
      lines.forEach(function (line, index) {
        var para = document.createElement("p");
        if (index === 0) {
          var strong = document.createElement("strong");
          strong.textContent = line;
          para.appendChild(strong);
        } else {
          para.className = "help";
          para.textContent = line;
        }
        box.appendChild(para);
      });
      box.classList.toggle("audience-error", Boolean(isError));
    }

    function practiceNote() {
      var practice = form.querySelector("input[name=practice]");
      return practice && practice.checked ?
        [gettext("Practice mode is on: only your agency's staff will receive it.")] : [];
    }

    function ask() {
      var data = new FormData();
      each(form.querySelectorAll("input[name=csrfmiddlewaretoken], input[name=area]"), function (input) {
        data.append(input.name, input.value);
      });
      each(form.querySelectorAll("input[name=target]:checked, input[name=neighborhoods]:checked"), function (input) {
        data.append(input.name, input.value);
      });
      var number = ++asked;
      fetch(url, { method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (number !== asked) { return; }  // an older answer, overtaken by a newer question
          if (answer.text) {
            var lines = [answer.text];
            if (answer.neighborhoods.length <= 12) { lines.push(answer.neighborhoods.join(", ")); }
            show(lines.concat(practiceNote()), false);
          } else {
            var messages = [];
            Object.keys(answer.fields || {}).forEach(function (name) {
              messages = messages.concat(answer.fields[name]);
            });
            show(messages.length ? messages : [answer.detail || gettext("The audience cannot be shown.")], true);
          }
        })
        .catch(function () { /* the button still works */ });
    }

    var practice = form.querySelector("input[name=practice]");
    if (practice) { practice.addEventListener("change", function () { ask(); }); }
    return function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(ask, 250);
    };
  }

  ready(function () {
    var form = document.querySelector("[data-agency-compose]");
    if (!form) { return; }
    kindFields(form);
    var onChange = audience(form);
    targeting(form, onChange);
    drawing(form, onChange);
  });
})();
