/* townsquare: small progressive enhancements. Every page works without this file. Its
   texts come from the JavaScript catalog (/jsi18n/, loaded first by base.html). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  /* Move focus to an error summary so screen readers read it first. */
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  /* New post: the person description applies to crime & safety only. */
  function personFieldset() {
    var fieldset = document.querySelector("[data-person-fieldset]");
    var select = document.querySelector("[data-category=select]");
    if (!fieldset || !select) { return; }
    var wanted = fieldset.getAttribute("data-category-value");
    var note = fieldset.querySelector("[data-no-js-note]");
    if (note) { note.hidden = true; }
    function update() {
      var show = select.value === wanted || fieldset.classList.contains("has-error");
      fieldset.hidden = !show;
      fieldset.disabled = !show;  // hidden fields are not sent with another category
    }
    select.addEventListener("change", function () {
      fieldset.classList.remove("has-error");
      update();
    });
    update();
  }

  /* Sign up: address suggestions from the gazetteer, into a <datalist>. */
  function addressSuggestions() {
    var input = document.querySelector("[data-suggest=address]");
    var list = document.getElementById("address-suggestions");
    if (!input || !list || !window.fetch) { return; }
    var url = list.getAttribute("data-suggest-url");
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearPoint();
      var query = input.value.trim();
      if (timer) { clearTimeout(timer); }
      if (query.length < 3 || query === last) { return; }
      timer = setTimeout(function () {
        last = query;
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.text;
              if (item.neighborhood) {
                option.label = interpolate(gettext("%(address)s (%(neighborhood)s)"),
                  { address: item.text, neighborhood: item.neighborhood }, true);
              }
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience only */ });
      }, 200);
    });
  }

  /* Sign up: pick the home on the map, or with the device's location. */
  var picker = null;

  function field(name) { return document.querySelector("[data-map=" + name + "]"); }

  function status(text) {
    var el = document.querySelector("[data-map-status]");
    if (el) { el.textContent = text; }
  }

  function clearPoint() {
    var lat = field("lat"), lon = field("lon");
    if (lat && lat.value) {
      lat.value = ""; lon.value = "";
      if (picker) { placeMarker(null); }
      status("");
    }
  }

  function placeMarker(point) {
    var marker = picker.svg.querySelector("[data-marker]");
    if (!marker) { return; }
    marker.setAttribute("cx", point ? point.x : -100);
    marker.setAttribute("cy", point ? point.y : -100);
  }

  function setPoint(lat, lon, label) {
    var latField = field("lat"), lonField = field("lon");
    latField.value = lat.toFixed(6);
    lonField.value = lon.toFixed(6);
    var address = document.querySelector("[data-suggest=address]");
    if (address) { address.value = ""; }
    if (picker) {
      var p = picker.params;
      placeMarker({ x: p.x0 + (lon - p.lon0) * p.kx, y: p.y0 + (p.lat0 - lat) * p.ky });
    }
    status(label);
  }

  function mapPicker() {
    var box = document.querySelector("[data-map-picker]");
    if (!box) { return; }
    var svg = box.querySelector("svg[data-projection]");
    if (!svg || !svg.createSVGPoint) { return; }
    picker = { svg: svg, params: JSON.parse(svg.getAttribute("data-projection")) };
    box.hidden = false;
    svg.addEventListener("click", function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var at = pt.matrixTransform(matrix.inverse());
      var p = picker.params;
      // The inverse of places.svg.Projection (see Projection.js_params).
      var lon = p.lon0 + (at.x - p.x0) / p.kx;
      var lat = p.lat0 - (at.y - p.y0) / p.ky;
      var name = event.target && event.target.getAttribute && event.target.getAttribute("data-name");
      setPoint(lat, lon, name ?
        interpolate(gettext("Home point set in %(neighborhood)s."), { neighborhood: name }, true) :
        gettext("Home point set. It is not inside a neighborhood we serve; try again."));
    });
    var lat = field("lat"), lon = field("lon");
    if (lat && lat.value && lon && lon.value) {
      setPoint(parseFloat(lat.value), parseFloat(lon.value), gettext("Home point set on the map."));
    }
    var button = box.querySelector("[data-geolocate]");
    if (button) {
      if (!navigator.geolocation) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        status(gettext("Finding your location…"));
        navigator.geolocation.getCurrentPosition(function (position) {
          setPoint(position.coords.latitude, position.coords.longitude, gettext("Home point set from your location."));
        }, function () {
          status(gettext("Your location is not available. Enter your address or click the map instead."));
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
  }

  ready(function () {
    focusErrors();
    personFieldset();
    mapPicker();
    addressSuggestions();
  });
})();
