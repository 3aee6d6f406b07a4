/* e-Masyarakat public maps (Leaflet 1.9, plain JavaScript).

   The page works without this file: the list below the map has every report.
   Two uses of the element #peta-laporan:
   - data-geojson: the list's map. Points come from the GeoJSON endpoint with the
     page's filters, reloaded for the visible area (bbox) after each move.
   - data-point:   a report's own location.
   Background tiles are an extra: when they cannot load (offline, blocked) the
   points still show. */
(function () {
  "use strict";

  var element = document.getElementById("peta-laporan");
  if (!element || !window.L) {
    return;
  }
  element.hidden = false;
  var status = document.getElementById("peta-status");

  var map = L.map(element, { scrollWheelZoom: false });
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function numbers(value) {
    return value.split(",").map(Number);
  }

  if (element.dataset.point) {
    var point = numbers(element.dataset.point);
    map.setView(point, 17);
    L.marker(point, { keyboard: false, title: "Lokasi laporan" }).addTo(map);
    return;
  }

  var bounds = numbers(element.dataset.bounds);
  var markers = L.layerGroup().addTo(map);
  var latest = 0;

  function clamp(value, limit) {
    return Math.max(-limit, Math.min(limit, value));
  }

  function visibleArea() {
    var view = map.getBounds();
    return [
      clamp(view.getWest(), 180).toFixed(6),
      clamp(view.getSouth(), 90).toFixed(6),
      clamp(view.getEast(), 180).toFixed(6),
      clamp(view.getNorth(), 90).toFixed(6),
    ].join(",");
  }

  // Built from text nodes, never from HTML strings: report data stays data.
  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.number;
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    [properties.category, properties.status_label].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function show(collection) {
    markers.clearLayers();
    collection.features.forEach(function (feature) {
      var position = feature.geometry.coordinates;
      var marker = L.marker([position[1], position[0]], { title: feature.properties.number });
      marker.bindPopup(popup(feature.properties));
      markers.addLayer(marker);
    });
    var count = collection.features.length;
    if (collection.truncated) {
      say("Peta menampilkan " + count + " laporan terbaru di area ini; perbesar peta untuk melihat yang lain.");
    } else if (count === 0) {
      say("Tidak ada laporan bertitik lokasi di area peta ini.");
    } else {
      say(count + " laporan tampil di peta.");
    }
  }

  function load() {
    var url = element.dataset.geojson;
    url += (url.indexOf("?") === -1 ? "?" : "&") + "bbox=" + encodeURIComponent(visibleArea());
    var request = ++latest;
    fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (collection) {
        // A slow answer for an older view must not replace a newer one.
        if (request === latest) {
          show(collection);
        }
      })
      .catch(function () {
        if (request === latest) {
          say("Titik laporan tidak dapat dimuat. Daftar di bawah peta tetap lengkap.");
        }
      });
  }

  var pending = null;
  function loadSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(load, 250);
  }

  map.fitBounds([
    [bounds[0], bounds[1]],
    [bounds[2], bounds[3]],
  ]);
  map.on("moveend", loadSoon);
  load();
})();
