/* routemap flow map: curved legs with arrowheads and places as circles on one canvas; tooltips built on demand.
 * Every string in `data` is HTML-escaped by routemap before it reaches this page; this code only joins those
 * strings with numbers and fixed markup. Pinned to Leaflet 1.9.3 (it extends the canvas renderer). */
window.routemapFlows = function (map, data) {
  "use strict";
  var DEG = Math.PI / 180, BEND = 0.12, merc = L.Projection.SphericalMercator;
  var places = data.places, routes = data.routes, layers = data.layers;

  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function share(n) { return (100 * n / data.total).toFixed(1) + "%"; }
  function weight(n) {
    var i = data.breaks.length - 1;
    while (i > 0 && n < data.breaks[i]) { i--; }
    return data.widths[i];
  }
  function radius(n) { return Math.max(data.rMin, data.rMax * Math.sqrt(n / data.rMaxPersons)); }

  // The geodesic from a to b ([lat, lng]) bent to the right of the direction of travel, so that
  // A -> B and B -> A stay apart; about one vertex every 3 degrees (8 to 40 segments).
  function arc(a, b) {
    var la1 = a[0] * DEG, lo1 = a[1] * DEG, la2 = b[0] * DEG, lo2 = b[1] * DEG;
    var h = Math.pow(Math.sin((la2 - la1) / 2), 2) +
      Math.cos(la1) * Math.cos(la2) * Math.pow(Math.sin((lo2 - lo1) / 2), 2);
    var d = 2 * Math.asin(Math.min(1, Math.sqrt(h)));
    if (d < 1e-9) { return [L.latLng(a), L.latLng(b)]; }
    var n = Math.max(8, Math.min(40, Math.ceil(d / DEG / 3)));
    var sd = Math.sin(d), prev = a[1], pts = [], out = [], i, f, A, B, x, y, z, lng;
    for (i = 0; i <= n; i++) {
      f = i / n;
      A = Math.sin((1 - f) * d) / sd;
      B = Math.sin(f * d) / sd;
      x = A * Math.cos(la1) * Math.cos(lo1) + B * Math.cos(la2) * Math.cos(lo2);
      y = A * Math.cos(la1) * Math.sin(lo1) + B * Math.cos(la2) * Math.sin(lo2);
      z = A * Math.sin(la1) + B * Math.sin(la2);
      lng = Math.atan2(y, x) / DEG;
      lng += Math.round((prev - lng) / 360) * 360; // continuous across the antimeridian
      prev = lng;
      pts.push(merc.project(L.latLng(Math.atan2(z, Math.sqrt(x * x + y * y)) / DEG, lng)));
    }
    var dx = pts[n].x - pts[0].x, dy = pts[n].y - pts[0].y;
    for (i = 0; i <= n; i++) {
      f = BEND * Math.sin(Math.PI * i / n);
      out.push(merc.unproject(L.point(pts[i].x + f * dy, pts[i].y - f * dx)));
    }
    return out;
  }

  // A canvas renderer that draws an arrowhead 60% along each leg, in the same pass as the line.
  var FlowCanvas = L.Canvas.extend({
    _updatePoly: function (layer, closed) {
      L.Canvas.prototype._updatePoly.call(this, layer, closed);
      if (this._drawing && layer.options.arrow) { this._arrowHead(layer); }
    },
    _arrowHead: function (layer) {
      var ring = layer._rings && layer._rings[0];
      if (!ring || ring.length < 2) { return; }
      var seg = [], total = 0, i;
      for (i = 1; i < ring.length; i++) { seg.push(ring[i].distanceTo(ring[i - 1])); total += seg[i - 1]; }
      var size = 3 + 1.2 * layer.options.weight;
      if (total < 5 * size) { return; } // too short at this zoom for a head
      var at = 0.6 * total, acc = 0;
      for (i = 0; i < seg.length - 1 && acc + seg[i] < at; i++) { acc += seg[i]; }
      if (!seg[i]) { return; }
      var ux = (ring[i + 1].x - ring[i].x) / seg[i], uy = (ring[i + 1].y - ring[i].y) / seg[i];
      var cx = ring[i].x + ux * (at - acc), cy = ring[i].y + uy * (at - acc), ctx = this._ctx;
      ctx.beginPath();
      ctx.moveTo(cx + ux * size, cy + uy * size);
      ctx.lineTo(cx - ux * size - uy * size * 0.8, cy - uy * size + ux * size * 0.8);
      ctx.lineTo(cx - ux * size + uy * size * 0.8, cy - uy * size - ux * size * 0.8);
      ctx.closePath();
      ctx.globalAlpha = layer.options.opacity;
      ctx.fillStyle = layer.options.color;
      ctx.fill();
    }
  });
  var renderer = new FlowCanvas({padding: 0.5, tolerance: 3});

  function routeLines(refs, more, withDetails) {
    var html = "", i, r, extra;
    for (i = 0; i < refs.length; i++) {
      r = routes[refs[i][0]];
      extra = withDetails ? details(r[1], r[2], r[3]) : "";
      html += "<br>" + r[0] + ": " + fmt(refs[i][1]) + (extra ? " (" + extra + ")" : "");
    }
    if (more > 0) { html += "<br>and " + fmt(more) + " more route" + (more > 1 ? "s" : ""); }
    return html;
  }
  function details(sector, women, children) {
    var parts = [];
    if (sector) { parts.push("mostly " + sector); }
    if (women !== null) { parts.push(women.toFixed(1) + "% women"); }
    if (children !== null) { parts.push(children.toFixed(1) + "% children"); }
    return parts.join(", ");
  }
  function legTip(layer) {
    var leg = layer.options.leg, spec = layer.options.spec;
    var label = places[leg[0]][2] + " \u2192 " + places[leg[1]][2];
    var html = "<b>" + label + "</b>: " + fmt(leg[2]) + " persons" + (spec.share ? " (" + share(leg[2]) + ")" : "");
    if (spec.value) { html += "<br>" + spec.value; }
    var extra = leg[5] ? details(leg[5][0], leg[5][1], leg[5][2]) : "";
    if (extra) { html += "<br>" + extra.charAt(0).toUpperCase() + extra.slice(1); }
    var refs = leg[3], single = leg[4] === 1 && routes[refs[0][0]][0] === label;
    if (!single) {
      html += "<br><i>Routes on this leg</i>" + routeLines(refs, leg[4] - refs.length, spec.share && !leg[5]);
    }
    return html;
  }
  function placeTip(layer) {
    var q = layer.options.place, spec = layer.options.spec, html = "<b>" + places[q[0]][2] + "</b>";
    if (spec.value) { html += "<br>" + spec.value; }
    if (q[2]) { html += "<br>" + fmt(q[2]) + " persons start here"; }
    if (q[3]) { html += "<br>" + fmt(q[3]) + " pass through"; }
    if (q[4]) { html += "<br>" + fmt(q[4]) + " end here"; }
    if (q[6].length) { html += "<br><i>Top routes</i>" + routeLines(q[6], q[7] - q[6].length, false); }
    return html;
  }
  function tip(layer) { return layer.options.routemap === "leg" ? legTip(layer) : placeTip(layer); }
  function highlight(e) { if (e.layer.options.routemap === "leg") { e.layer.setStyle({opacity: 0.95}); } }
  function unhighlight(e) { if (e.layer.options.routemap === "leg") { e.layer.setStyle({opacity: data.legOpacity}); } }

  // Hide a state label that would overlap the label of a bigger place (places come biggest first).
  function declutter(group) {
    var kept = [];
    (group.labels || []).forEach(function (label) {
      var el = label.getElement();
      if (!el) { return; }
      el.style.visibility = "";
      var box = el.getBoundingClientRect(), clash = kept.some(function (k) {
        return box.left < k.right && k.left < box.right && box.top < k.bottom && k.top < box.bottom;
      });
      if (clash) { el.style.visibility = "hidden"; } else { kept.push(box); }
    });
  }

  // Features carry only their data and width; colour, opacity and the tooltip are shared per layer.
  function fill(group, spec) {
    group.labels = [];
    spec.legs.forEach(function (leg) {
      group.addLayer(L.polyline(arc(places[leg[0]], places[leg[1]]), {
        renderer: renderer, color: data.legColour, weight: weight(leg[2]), opacity: data.legOpacity,
        lineCap: "round", lineJoin: "round", arrow: true, routemap: "leg", leg: leg, spec: spec
      }));
    });
    spec.places.forEach(function (q) {
      var p = places[q[0]], r = radius(q[1]);
      group.addLayer(L.circleMarker([p[0], p[1]], {
        renderer: renderer, radius: r, color: "#ffffff", weight: 1, fillColor: data.roles[q[5]][1],
        fillOpacity: 0.9, routemap: "place", place: q, spec: spec
      }));
      if (p[3]) {
        var label = L.tooltip([p[0], p[1]], {
          content: p[2], permanent: true, direction: "right", offset: [r, 0], className: "routemap-label"
        });
        group.labels.push(label);
        group.addLayer(label);
      }
    });
  }

  // One group per layer; a layer's features are made when it is first shown.
  var built = [];
  function build(i) { if (!built[i]) { built[i] = true; fill(groups[i], layers[i]); } }
  var groups = layers.map(function (spec, i) {
    var group = L.featureGroup();
    group.bindTooltip(tip, {sticky: true, className: "routemap-tip"});
    group.on("mouseover", highlight).on("mouseout", unhighlight);
    group.on("add", function () { build(i); declutter(group); });
    return group;
  });
  map.on("zoomend", function () { groups.forEach(function (g) { if (map.hasLayer(g)) { declutter(g); } }); });

  function panel(position, className, html) {
    var control = L.control({position: position});
    var div = L.DomUtil.create("div", "routemap-panel " + className);
    div.innerHTML = html;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    control.onAdd = function () { return div; };
    control.addTo(map);
    return div;
  }
  var size = map.getSize();
  var titleDiv = panel("topleft", "routemap-title", data.titleHtml);
  var legendDiv = panel("bottomright", "routemap-legend", data.legendHtml);
  if (size.x < 600 || size.y < 500) { legendDiv.querySelector("details").open = false; }
  if (layers.length > 1) {
    var base = {};
    layers.forEach(function (spec, i) { base[spec.name] = groups[i]; });
    L.control.layers(base, null, {collapsed: size.x < 800, position: "topright"}).addTo(map);
  }
  map.attributionControl.addAttribution(data.attributionHtml);

  // fit the view before anything is drawn, so the canvas draws once
  build(0);
  var bounds = groups[0].getBounds();
  if (bounds.isValid()) {
    // keep the flows clear of the title and legend panels where the screen allows
    var box = map.getContainer().getBoundingClientRect();
    var top = Math.min(titleDiv.getBoundingClientRect().bottom - box.top + 12, size.y / 2.5);
    var right = Math.min(legendDiv.offsetWidth + 20, size.x / 3);
    var pad = 8 + data.rMax; // the fit uses circle centres: room for the biggest circle (and the attribution)
    map.fitBounds(bounds, {paddingTopLeft: [pad, top + data.rMax / 2], paddingBottomRight: [right, pad + 18],
      maxZoom: 7, animate: false});
  } else {
    map.setView([10, 100], 3);
  }
  groups[0].addTo(map);

  // Inside an iframe the page around the map keeps the scroll wheel until the reader clicks the map.
  if (window.self !== window.top) {
    map.scrollWheelZoom.disable();
    map.on("click", function () { map.scrollWheelZoom.enable(); });
    map.on("mouseout", function () { map.scrollWheelZoom.disable(); });
  }

  window.routemap = {
    legs: layers[0].legs.length,
    places: layers[0].places.length,
    layers: layers.map(function (spec) {
      return {name: spec.name, legs: spec.legs.length, places: spec.places.length, persons: spec.persons};
    })
  };
};
