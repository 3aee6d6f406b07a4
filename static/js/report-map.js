/* e-Masyarakat report form (plain JavaScript, Leaflet 1.9). The form works without this file:
   the coordinates can be typed, every category question is shown, the server counts characters.
   With it:
   - the pin map: tap or click the map to set the point (the Lintang/Bujur inputs follow; typed
     coordinates move the pin). Background tiles are an extra: without them the map still takes
     clicks, and the city's outline or box shows where reports belong;
   - "Pakai lokasi saya sekarang" (the browser's geolocation);
   - a live character count for the description;
   - only the questions of the chosen category.
   Every change is announced as a "change" event on the form, which refreshes the suggestions (htmx). */
(function () {
  "use strict";

  var form = document.getElementById("laporan-baru");
  if (!form) {
    return;
  }
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var status = document.getElementById("peta-status");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function numbers(value) {
    return value.split(",").map(Number);
  }

  function typedPoint() {
    var lat = parseFloat(latInput.value.replace(",", "."));
    var lon = parseFloat(lonInput.value.replace(",", "."));
    return isFinite(lat) && isFinite(lon) ? [lat, lon] : null;
  }

  function announceChange(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- the pin map ---------------------------------------------------------------------------
  function pinMap() {
    var element = document.getElementById("peta-pilih");
    if (!element || !window.L) {
      return;
    }
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    }
    var bounds = numbers(element.dataset.bounds);
    var outline = document.getElementById("batas-kota");
    var area = outline
      ? L.geoJSON(JSON.parse(outline.textContent), { interactive: false, style: { weight: 2, fill: false } })
      : L.rectangle([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], { interactive: false, weight: 2, fill: false });
    area.addTo(map);
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);

    var marker = null;
    function place(latlng, fillInputs) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, title: "Titik lokasi laporan" }).addTo(map);
        marker.on("dragend", function () {
          place(marker.getLatLng(), true);
        });
      }
      if (fillInputs) {
        latInput.value = latlng.lat.toFixed(6);
        lonInput.value = latlng.lng.toFixed(6);
        announceChange(lonInput);
      }
      say("Titik lokasi ditandai di " + Number(latlng.lat).toFixed(5) + ", " + Number(latlng.lng).toFixed(5) + ".");
    }

    map.on("click", function (event) {
      place(event.latlng, true);
    });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var point = typedPoint();
        if (point) {
          place(L.latLng(point[0], point[1]), false);
          map.panTo(point);
        }
      });
    });
    var initial = typedPoint();
    if (initial) {
      place(L.latLng(initial[0], initial[1]), false);
      map.setView(initial, 17);
    }

    var here = document.getElementById("lokasi-saya");
    if (here && navigator.geolocation) {
      document.getElementById("lokasi-saya-baris").hidden = false;
      here.addEventListener("click", function () {
        say("Mencari lokasi Anda…");
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
            place(latlng, true);
            map.setView(latlng, 17);
          },
          function () {
            say("Lokasi Anda tidak dapat dibaca. Ketuk peta atau tulis lintang dan bujurnya.");
          },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    }
  }

  // --- the description's character count ------------------------------------------------------
  function counter() {
    var text = document.getElementById("id_description");
    var count = document.getElementById("id_description_count");
    var alert = document.getElementById("id_description_alert");
    if (!text || !count) {
      return;
    }
    var limit = Number(text.dataset.maxLength);
    var wasOver = false;
    function update() {
      var length = text.value.length;
      var over = length > limit;
      count.hidden = false;
      count.textContent = over
        ? length + " / " + limit + " karakter: kelebihan " + (length - limit) + " karakter."
        : length + " / " + limit + " karakter";
      count.classList.toggle("over", over);
      if (over !== wasOver) {
        // Screen readers hear the limit being crossed, not every keystroke.
        alert.textContent = over ? "Uraian melebihi " + limit + " karakter." : "Uraian kembali dalam batas.";
        wasOver = over;
      }
    }
    text.addEventListener("input", update);
    update();
  }

  // --- only the chosen category's questions -----------------------------------------------------
  function categoryQuestions() {
    var select = document.getElementById("id_category");
    var chosen = document.getElementById("kategori-terpilih");
    if (!select) {
      return;
    }
    function update() {
      var code = select.value;
      document.querySelectorAll("fieldset[data-category]").forEach(function (fieldset) {
        fieldset.hidden = fieldset.dataset.category !== code;
        fieldset.disabled = fieldset.hidden;
      });
      var description = document.querySelector('[data-category-description="' + CSS.escape(code) + '"] dd');
      if (chosen) {
        chosen.textContent = code && description ? description.textContent : "";
      }
    }
    select.addEventListener("change", update);
    update();
  }

  counter();
  categoryQuestions();
  pinMap();
})();
