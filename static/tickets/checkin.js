/* Door check-in: camera scanning with the browser's BarcodeDetector where it exists,
   and fetch-based check-in so the page never reloads. Without JS the forms still work. */
(function () {
  "use strict";
  var door = document.getElementById("door");
  if (!door) { return; }
  var checkUrl = door.dataset.checkUrl;
  var countsUrl = door.dataset.countsUrl;
  var resultBox = document.getElementById("door-result");
  var codeForm = document.getElementById("door-code-form");
  var codeInput = codeForm.querySelector("input[name=code]");
  var csrf = codeForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var busy = false;
  var lastCode = "";
  var lastAt = 0;

  function setCounts(data) {
    if (typeof data.checked_in === "number") {
      document.getElementById("count-checked-in").textContent = data.checked_in;
      document.getElementById("count-expected").textContent = data.expected;
    }
  }

  function show(data) {
    resultBox.className = "door-result " + (data.ok ? "door-result-ok" : "door-result-bad");
    resultBox.textContent = "";
    var p = document.createElement("p");
    p.className = "door-result-message";
    p.textContent = data.message;
    resultBox.appendChild(p);
    if (data.collect) {
      var c = document.createElement("p");
      c.className = "door-result-collect";
      c.textContent = door.dataset.collectLabel + " " + data.collect + " " + data.currency;
      resultBox.appendChild(c);
    }
    setCounts(data);
    if (navigator.vibrate) { navigator.vibrate(data.ok ? 80 : [200, 100, 200]); }
  }

  function check(code) {
    if (busy || !code) { return; }
    busy = true;
    var body = new URLSearchParams();
    body.append("code", code);
    fetch(checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (r) { return r.json(); })
      .then(show)
      .catch(function () {
        show({ ok: false, message: door.dataset.errorLabel });
      })
      .finally(function () { busy = false; });
  }

  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    check(codeInput.value.trim());
    codeInput.value = "";
    codeInput.focus();
  });

  function refreshCounts() {
    fetch(countsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); }).then(setCounts).catch(function () {});
  }
  setInterval(refreshCounts, 15000);

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var scanner = document.getElementById("door-scanner");
  var button = document.getElementById("door-scan-button");
  var video = document.getElementById("door-video");
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var stream = null;
  scanner.hidden = false;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    button.textContent = door.dataset.scanLabel;
  }

  function tick() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        var code = codes[0].rawValue;
        var now = Date.now();
        // The same code stays in view for a while: check it once, not every frame.
        if (code !== lastCode || now - lastAt > 4000) {
          lastCode = code;
          lastAt = now;
          check(code);
        }
      }
    }).catch(function () {}).finally(function () {
      setTimeout(tick, 250);
    });
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = door.dataset.stopLabel;
        return video.play();
      })
      .then(tick)
      .catch(stop);
  });
})();
