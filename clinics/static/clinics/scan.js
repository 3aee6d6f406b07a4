// "Pindai QR" at the registration desk: where the browser has BarcodeDetector, the camera reads the patient's
// QR code (it holds exactly the booking code) into the field and submits the form. Without it the button
// stays hidden and the field works as before (typed, or a handheld scanner that types the code and Enter).
(function () {
  "use strict";
  var button = document.getElementById("pindai-qr");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var field = document.getElementById(button.dataset.field);
  var box = document.getElementById("pemindai");
  var video = box.querySelector("video");
  var status = document.getElementById("pemindai-status");
  var stream = null;
  button.hidden = false;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    box.hidden = true;
    button.setAttribute("aria-expanded", "false");
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); field.focus(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      video.srcObject = media;
      box.hidden = false;
      button.setAttribute("aria-expanded", "true");
      status.textContent = "Arahkan kamera ke kode QR pasien.";
      return video.play().then(function look() {
        if (!stream) return;
        return detector.detect(video).then(function (codes) {
          if (codes.length) {
            field.value = codes[0].rawValue.trim();
            stop();
            status.textContent = "";
            field.form.requestSubmit();
          } else {
            window.setTimeout(look, 250);
          }
        });
      });
    }).catch(function () {
      stop();
      status.textContent = "Kamera tidak dapat dibuka; ketik kode booking.";
    });
  });
})();
