/* routemap flow map: curved legs with arrowheads, places as circles and rings on one canvas; tooltips built on
 * demand; labels that make room for each other; a year control; a click on a place shows only its routes.
 * Every string in `data` is HTML-escaped by routemap before it reaches this page; this code only joins those
 * strings with numbers and fixed markup. Pinned to Leaflet 1.9.3 (it extends the canvas renderer). */
window.routemapFlows = function (map, data) {
  "use strict";
  var DEG = Math.PI / 180, BEND = 0.12, merc = L.Projection.SphericalMercator;
  var places = data.places, routes = data.routes, layers = data.layers, words = data.words;
  var FADED = 0.06;

  function fmt(n) { return Number(n).toLocaleString(data.locale); }
  function pct(x) {
    return Number(x).toLocaleString(data.locale, {minimumFractionDigits: 1, maximumFractionDigits: 1}) + "%";
  }
  function say(key, values) {
    return words[key].replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }
  function share(n) { return pct(100 * n / data.total); }
  function widthClass(n) {
    var i = data.breaks.length - 1;
    while (i > 0 && n < data.breaks[i]) { i--; }
    return i;
  }
  function weight(n) { return data.widths[widthClass(n)]; }
  function opacity(n) { return data.opacities[widthClass(n)]; }
  function radius(n) { return Math.max(data.rMin, data.rMax * Math.sqrt(n / data.rMaxPersons)); }

  // The geodesic from a to b ([lat, lng]) bent to the right of the direction of travel, so that
  // A -> B and B -> A stay apart; about one vertex every 3 degrees (8 to 40 segments). A geodesic that
  // would climb far past both ends towards a pole (and flatten along the map's top edge) is drawn as
  // a bent straight line on the map instead.
  function arc(a, b) {
    var la1 = a[0] * DEG, lo1 = a[1] * DEG, la2 = b[0] * DEG, lo2 = b[1] * DEG;
    var h = Math.pow(Math.sin((la2 - la1) / 2), 2) +
      Math.cos(la1) * Math.cos(la2) * Math.pow(Math.sin((lo2 - lo1) / 2), 2);
    var d = 2 * Math.asin(Math.min(1, Math.sqrt(h)));
    if (d < 1e-9) { return [L.latLng(a[0], a[1]), L.latLng(b[0], b[1])]; }
    var n = Math.max(8, Math.min(40, Math.ceil(d / DEG / 3)));
    var sd = Math.sin(d), prev = a[1], geo = [], pts = [], out = [], i, f, A, B, x, y, z, lng, lat, top = 0;
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
      lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / DEG;
      top = Math.max(top, Math.abs(lat));
      geo.push(L.latLng(lat, lng));
    }
    if (top > 66 && top > Math.max(Math.abs(a[0]), Math.abs(b[0])) + 12) {
      var end = b[1] + Math.round((a[1] - b[1]) / 360) * 360, p0 = merc.project(L.latLng(a[0], a[1])),
        p1 = merc.project(L.latLng(b[0], end));
      for (i = 0; i <= n; i++) { pts.push(L.point(p0.x + (p1.x - p0.x) * i / n, p0.y + (p1.y - p0.y) * i / n)); }
    } else {
      for (i = 0; i <= n; i++) { pts.push(merc.project(geo[i])); }
    }
    var dx = pts[n].x - pts[0].x, dy = pts[n].y - pts[0].y;
    for (i = 0; i <= n; i++) {
      f = BEND * Math.sin(Math.PI * i / n);
      out.push(merc.unproject(L.point(pts[i].x + f * dy, pts[i].y - f * dx)));
    }
    return out;
  }
  function shifted(line, by) { return line.map(function (p) { return L.latLng(p.lat, p.lng + by); }); }

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

  // ------------------------------------------------------------------ offline basemap
  function decode(text) {
    var out = [], i = 0, x = 0, y = 0, k, shift, result, b, v;
    while (i < text.length) {
      for (k = 0; k < 2; k++) {
        shift = 0; result = 0;
        do { b = text.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
        v = (result & 1) ? ~(result >> 1) : (result >> 1);
        if (k === 0) { x += v; } else { y += v; }
      }
      out.push([y / 100, x / 100]);
    }
    return out;
  }
  if (data.outlines) {
    var colours = data.basemap, pane = map.createPane("routemap-base");
    pane.style.zIndex = 250;
    pane.style.pointerEvents = "none";
    map.getContainer().style.background = colours.water;
    var base = L.canvas({pane: "routemap-base", padding: 0.5});
    var common = {renderer: base, interactive: false, smoothFactor: 1};
    var polys = function (list) { return list.map(function (s) { return [decode(s)]; }); };
    var lines = function (list) { return list.map(decode); };
    if (data.outlines.world.length) {
      L.polygon(polys(data.outlines.world), L.extend({stroke: false, fillColor: colours.land, fillOpacity: 1}, common))
        .addTo(map);
    }
    if (data.outlines.land.length) {
      L.polygon(polys(data.outlines.land), L.extend({color: colours.coast, weight: 0.7, fillColor: colours.land,
        fillOpacity: 1}, common)).addTo(map);
    }
    if (data.outlines.admin1.length) {
      L.polyline(lines(data.outlines.admin1), L.extend({color: colours.admin1, weight: 0.7, dashArray: "3 3"}, common))
        .addTo(map);
    }
    if (data.outlines.borders.length) {
      L.polyline(lines(data.outlines.borders), L.extend({color: colours.border, weight: 1}, common)).addTo(map);
    }
  }

  // ------------------------------------------------------------------ tooltips
  function routeLines(refs, more, withDetails) {
    var html = "", i, r, extra;
    for (i = 0; i < refs.length; i++) {
      r = routes[refs[i][0]];
      extra = withDetails ? details(r[1], r[2], r[3]) : "";
      html += "<br>" + r[0] + ": " + fmt(refs[i][1]) + (extra ? " (" + extra + ")" : "");
    }
    if (more > 0) { html += "<br>" + (more > 1 ? say("more_routes", {n: fmt(more)}) : say("more_route")); }
    return html;
  }
  function details(sector, women, children) {
    var parts = [];
    if (sector) { parts.push(say("mostly", {value: sector})); }
    if (women !== null) { parts.push(say("pct_women", {pct: pct(women)})); }
    if (children !== null) { parts.push(say("pct_children", {pct: pct(children)})); }
    return parts.join(", ");
  }
  function legTip(layer) {
    var leg = layer.options.leg, spec = layer.options.spec;
    var label = places[leg[0]][2] + " \u2192 " + places[leg[1]][2];
    var html = "<b>" + label + "</b>: " + fmt(leg[2]) + " " + words.unit + (spec.share ? " (" + share(leg[2]) + ")" : "");
    if (spec.value) { html += "<br>" + spec.value; }
    var extra = leg[5] ? details(leg[5][0], leg[5][1], leg[5][2]) : "";
    if (extra) { html += "<br>" + extra.charAt(0).toUpperCase() + extra.slice(1); }
    var refs = leg[3], single = leg[4] === 1 && refs.length && routes[refs[0][0]][0] === label;
    if (!single && refs.length) {
      html += "<br><i>" + words.routes_on_leg + "</i>" + routeLines(refs, leg[4] - refs.length, spec.share && !leg[5]);
    }
    return html;
  }
  function ringTip(layer) {
    var ring = layer.options.ring, spec = layer.options.spec;
    var html = "<b>" + say("within", {place: places[ring[0]][2]}) + "</b>: " + fmt(ring[1]) + " " + words.unit +
      (spec.share ? " (" + share(ring[1]) + ")" : "");
    if (spec.value) { html += "<br>" + spec.value; }
    return html;
  }
  function placeTip(layer) {
    var q = layer.options.place, spec = layer.options.spec, html = "<b>" + places[q[0]][2] + "</b>";
    if (spec.value) { html += "<br>" + spec.value; }
    if (q[2]) { html += "<br>" + say("start_here", {n: fmt(q[2])}); }
    if (q[3]) { html += "<br>" + say("pass_through", {n: fmt(q[3])}); }
    if (q[4]) { html += "<br>" + say("end_here", {n: fmt(q[4])}); }
    if (q[8]) { html += "<br>" + say("within", {place: places[q[0]][2]}) + ": " + fmt(q[8]); }
    if (q[6].length) { html += "<br><i>" + words.top_routes + "</i>" + routeLines(q[6], q[7] - q[6].length, false); }
    return html;
  }
  function tip(layer) {
    var kind = layer.options.routemap;
    return kind === "leg" ? legTip(layer) : kind === "ring" ? ringTip(layer) : placeTip(layer);
  }
  function highlight(e) { if (e.layer.options.routemap === "leg") { e.layer.setStyle({opacity: 0.95}); } }
  function unhighlight(e) { if (e.layer.options.routemap === "leg") { restyle(e.layer); } }

  // ------------------------------------------------------------------ labels
  // Labels claim space in order (the biggest places of every role first): each takes the first side of its
  // circle (right, left, above, below) where it overlaps no label already placed, or hides until zoomed in.
  var SIDES = [["right", 1, 0], ["left", -1, 0], ["top", 0, -1], ["bottom", 0, 1]];
  function declutter(group) {
    var kept = [], frame = map.getContainer().getBoundingClientRect();
    (group.labels || []).forEach(function (label) {
      var el = label.getElement();
      if (!el) { return; }
      var r = label.rmRadius + 1, placed = false, s, box;
      for (s = 0; s < SIDES.length && !placed; s++) {
        label.options.direction = SIDES[s][0];
        label.options.offset = L.point(SIDES[s][1] * r, SIDES[s][2] * r);
        label.update();
        el.style.visibility = "";
        box = el.getBoundingClientRect();
        var inside = box.left >= frame.left && box.right <= frame.right && box.top >= frame.top &&
          box.bottom <= frame.bottom;
        var clash = kept.some(function (k) {
          return box.left < k.right && k.left < box.right && box.top < k.bottom && k.top < box.bottom;
        });
        if (inside && !clash) { kept.push(box); placed = true; }
      }
      if (!placed) { el.style.visibility = "hidden"; }
      label.rmShown = placed;
    });
  }

  // ------------------------------------------------------------------ features
  // Features carry only their data and width; colour, opacity and the tooltip are shared per layer.
  var selected = null, allowed = null;
  function restyle(layer) {
    var o = layer.options, on = true;
    if (allowed) {
      if (o.routemap === "leg") { on = allowed.legs[o.leg[0] + ">" + o.leg[1]]; }
      else if (o.routemap === "ring") { on = allowed.places[o.ring[0]]; }
      else { on = allowed.places[o.place[0]]; }
    }
    if (o.routemap === "leg") { layer.setStyle({opacity: on ? opacity(o.leg[2]) : FADED}); }
    else if (o.routemap === "ring") { layer.setStyle({opacity: on ? data.legOpacity : FADED}); }
    else { layer.setStyle({fillOpacity: on ? 0.9 : 0.2, opacity: on ? 1 : 0.2}); }
  }
  function fill(group, spec) {
    group.labels = [];
    spec.legs.forEach(function (leg) {
      var a = places[leg[0]], b = places[leg[1]], line = arc(a, b), end = line[line.length - 1].lng;
      var options = {
        renderer: renderer, color: data.legColour, weight: weight(leg[2]), opacity: opacity(leg[2]),
        lineCap: "round", lineJoin: "round", arrow: true, routemap: "leg", leg: leg, spec: spec
      };
      group.addLayer(L.polyline(line, options));
      // a leg that crosses the map's edge ends in the next copy of the world: draw it there too, so
      // that it reaches the circle of its destination
      var off = Math.round((b[1] - end) / 360) * 360;
      if (off !== 0) { group.addLayer(L.polyline(shifted(line, off), options)); }
    });
    spec.rings.forEach(function (ring) {
      var p = places[ring[0]], w = weight(ring[1]), at = spec.places.filter(function (q) { return q[0] === ring[0]; });
      var r = (at.length ? radius(at[0][1]) : data.rMin) + 3 + w / 2;
      group.addLayer(L.circleMarker([p[0], p[1]], {
        renderer: renderer, radius: r, color: data.legColour, weight: w, opacity: data.legOpacity, fill: false,
        routemap: "ring", ring: ring, spec: spec
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
          content: p[2], permanent: true, direction: "right", offset: [r + 1, 0], className: "routemap-label",
          interactive: false
        });
        label.rmRadius = r;
        label.rmPriority = p[3];
        group.labels.push(label);
        group.addLayer(label);
      }
    });
    group.labels.sort(function (x, y) { return x.rmPriority - y.rmPriority; });
  }

  // One group per layer; a layer's features are made when it is first shown.
  var built = [], narrow = map.getSize().x < 600;
  function build(i) { if (!built[i]) { built[i] = true; fill(groups[i], layers[i]); } }
  var groups = layers.map(function (spec, i) {
    var group = L.featureGroup();
    // on a narrow screen a tooltip opens above the finger, centred, rather than beside it and off the edge
    group.bindTooltip(tip, {sticky: true, className: "routemap-tip", direction: narrow ? "top" : "auto"});
    group.on("mouseover", highlight).on("mouseout", unhighlight);
    group.on("click", function (e) {
      if (e.layer.options.routemap === "place") {
        choose(e.layer.options.place[0]);
        L.DomEvent.stopPropagation(e);
      }
    });
    group.on("add", function () { build(i); current = i; apply(); declutter(group); });
    return group;
  });
  var current = 0;
  map.on("zoomend", function () { groups.forEach(function (g) { if (map.hasLayer(g)) { declutter(g); } }); });

  // ------------------------------------------------------------------ one place's routes
  function apply() { groups[current].eachLayer(function (l) { if (l.options.routemap) { restyle(l); } }); }
  function choose(index) {
    if (index === null || index === selected) {
      selected = null; allowed = null; filterDiv.style.display = "none";
    } else {
      selected = index; allowed = {legs: {}, places: {}};
      data.paths.forEach(function (path) {
        if (path.indexOf(index) < 0) { return; }
        path.forEach(function (p, k) {
          allowed.places[p] = true;
          if (k > 0) { allowed.legs[path[k - 1] + ">" + p] = true; }
        });
      });
      filterText.innerHTML = say("showing_place", {place: places[index][2]});
      filterDiv.style.display = "";
    }
    apply();
  }
  map.on("click", function () { if (selected !== null) { choose(null); } });

  // ------------------------------------------------------------------ panels
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
  var filterDiv = panel("topleft", "routemap-filter", "<span></span>");
  var filterText = filterDiv.querySelector("span");
  var showAll = L.DomUtil.create("button", "", filterDiv);
  showAll.type = "button";
  showAll.innerHTML = words.show_all;
  showAll.addEventListener("click", function () { choose(null); });
  filterDiv.style.display = "none";
  var legendDiv = panel("bottomright", "routemap-legend", data.legendHtml);
  // an open legend would cover much of a small frame: it starts closed there
  if (size.x < 1000 || size.y < 600) { legendDiv.querySelector("details").open = false; }
  if (data.switchable.length > 1) {
    var base_ = {};
    data.switchable.forEach(function (i) { base_[layers[i].name] = groups[i]; });
    L.control.layers(base_, null, {collapsed: size.x < 800, position: "topright"}).addTo(map);
  }
  map.attributionControl.addAttribution(data.attributionHtml);
  if (map.zoomControl) {
    [[map.zoomControl._zoomInButton, words.zoom_in], [map.zoomControl._zoomOutButton, words.zoom_out]].forEach(
      function (pair) { if (pair[0]) { pair[0].title = pair[1]; pair[0].setAttribute("aria-label", pair[1]); } });
  }

  // ------------------------------------------------------------------ years
  function show(i) {
    groups.forEach(function (g, k) { if (k !== i && map.hasLayer(g)) { map.removeLayer(g); } });
    if (!map.hasLayer(groups[i])) { groups[i].addTo(map); }
  }
  var yearButtons = [], playing = null;
  if (data.years.length) {
    // on a phone the bottom belongs to the attribution and the legend's button: the years go under the title
    var yearsDiv = panel(size.x < 600 ? "topleft" : "bottomleft", "routemap-years", "");
    var play = L.DomUtil.create("button", "rm-play", yearsDiv);
    play.type = "button";
    play.innerHTML = "\u25b6";
    play.title = words.play;
    play.setAttribute("aria-label", words.play);
    var choices = [[words.all_years, 0, ""]].concat(data.years);
    choices.forEach(function (item) {
      var button = L.DomUtil.create("button", "rm-year", yearsDiv);
      button.type = "button";
      button.innerHTML = item[0];
      button.setAttribute("aria-pressed", item[1] === 0 ? "true" : "false");
      if (item[1] < 0) { button.disabled = true; button.title = item[2]; }
      button.addEventListener("click", function () { stop(); pick(item[1]); });
      yearButtons.push([button, item[1]]);
    });
    var pick = function (i) {
      yearButtons.forEach(function (b) { b[0].setAttribute("aria-pressed", b[1] === i ? "true" : "false"); });
      show(i);
    };
    var stop = function () {
      if (playing !== null) { clearInterval(playing); playing = null; }
      play.innerHTML = "\u25b6"; play.title = words.play; play.setAttribute("aria-label", words.play);
    };
    play.addEventListener("click", function () {
      if (playing !== null) { stop(); return; }
      var steps = data.years.filter(function (y) { return y[1] > 0; }).map(function (y) { return y[1]; });
      var k = 0;
      play.innerHTML = "\u275a\u275a"; play.title = words.pause; play.setAttribute("aria-label", words.pause);
      pick(steps[0]);
      playing = setInterval(function () {
        k += 1;
        if (k >= steps.length) { stop(); return; }
        pick(steps[k]);
      }, 1500);
    });
  }

  // fit the view before anything is drawn, so the canvas draws once
  build(0);
  var bounds = groups[0].getBounds();
  if (bounds.isValid()) {
    // keep the flows clear of the title and legend panels where the screen allows
    var box = map.getContainer().getBoundingClientRect();
    var top = Math.min(titleDiv.getBoundingClientRect().bottom - box.top + 12, size.y / 2.5);
    var right = Math.min(legendDiv.offsetWidth + 20, size.x / 3);
    var bottom = data.years.length && size.x >= 600 ? 40 : 0;
    var pad = 8 + data.rMax; // the fit uses circle centres: room for the biggest circle (and the attribution)
    map.fitBounds(bounds, {paddingTopLeft: [pad, top + data.rMax / 2], paddingBottomRight: [right, pad + 18 + bottom],
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
  var fallback = document.getElementById("routemap-fallback");
  if (fallback) { fallback.parentNode.removeChild(fallback); }

  window.routemap = {
    legs: layers[0].legs.length,
    places: layers[0].places.length,
    layers: layers.map(function (spec) {
      return {name: spec.name, legs: spec.legs.length, places: spec.places.length, persons: spec.persons,
        rings: spec.rings.length};
    }),
    current: function () { return current; },
    selected: function () { return selected; },
    labels: function () {
      return (groups[current].labels || []).map(function (l) { return [l.options.content, !!l.rmShown]; });
    }
  };
};
