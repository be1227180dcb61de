/* Slippy maps: each [data-slippy-map] box holds an inline SVG map (the map without scripts)
   and its neighborhoods as GeoJSON in its data-geojson attribute. This draws them with Leaflet
   (zoom, pan, names) over the city's tiles when it has some, and hides the SVG.
   A neighborhood on the map is also in a list on the page, so clicking a shape is a
   shortcut, not the only way there. */
(function () {
  "use strict";
  if (window.townsquareMaps) { return; }

  var COLORS = {
    line: "#5b6876", launchedLine: "#1d6b3a", currentLine: "#111111",
    fill: "#e9eef4", launchedFill: "#cde8d5"
  };
  // Up to this many shapes, every name is written on the map; above it, names show on hover.
  var LABEL_ALL = 12;

  function style(feature) {
    var p = feature.properties;
    if (p.color) {  // a choropleth: the colour comes with the shape
      return { color: p.current ? COLORS.currentLine : COLORS.line, weight: p.current ? 3.5 : 1,
               fillColor: p.color, fillOpacity: 0.85 };
    }
    return {
      color: p.current ? COLORS.currentLine : (p.launched ? COLORS.launchedLine : COLORS.line),
      weight: p.current ? 3.5 : (p.launched ? 2 : 1.2),
      fillColor: p.launched ? COLORS.launchedFill : COLORS.fill,
      fillOpacity: p.current ? 0.85 : 0.6
    };
  }

  function draw(box) {
    var data = JSON.parse(box.getAttribute("data-geojson"));
    var el = document.createElement("div");
    el.className = "slippy-map";
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", box.getAttribute("data-label") || "");
    box.insertBefore(el, box.firstChild);
    box.classList.add("map-enhanced");
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 19 });
    map.on("zoomend", function () { el.setAttribute("data-zoom", String(map.getZoom())); });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var many = data.features.features.length > LABEL_ALL;
    var layer = L.geoJSON(data.features, {
      style: style,
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var text = p.label ? p.name + ": " + p.label : p.name;
        shape.bindTooltip(text, {
          permanent: !many || !!p.current, direction: "center", className: "nb-label"
        });
        if (p.url && !p.current) {
          shape.on("click", function () { window.location.href = p.url; });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); } else { map.setView([0, 0], 1); }
    box.slippyMap = map;
    box.slippyLayer = layer;
    return map;
  }

  function init() {
    if (!window.L) { return; }  // Leaflet did not load: the SVG maps stay.
    var boxes = document.querySelectorAll("[data-slippy-map]");
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].slippyMap) { draw(boxes[i]); }
    }
  }

  window.townsquareMaps = { draw: draw, init: init, style: style };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
