/* Door camera scanning, on every phone browser. The browser's own BarcodeDetector
   where it reads QR codes (Chrome on Android, macOS); elsewhere (Safari on iPhone,
   Firefox, Chrome on Linux) the jsQR decoder, vendored in
   static/door/vendor/ and loaded from our own origin only when needed: it decodes on
   the page itself, so CSP needs no eval and no blob: worker. A decoded code goes to
   checkin.js (window.doorCheckIn) exactly as a typed one would. Rear camera, a torch
   button where the camera has a light, a beep and a buzz per code. When the camera
   cannot be used the page says why and the code box keeps the focus. All words come
   from data attributes the template translates. */
(function () {
  "use strict";

  var box = document.getElementById("door-scanner");
  var form = document.getElementById("door-code-form");
  if (!box || !form) { return; }

  var d = box.dataset;
  var button = document.getElementById("door-scan-button");
  var torchButton = document.getElementById("door-torch-button");
  var video = document.getElementById("door-video");
  var statusBox = document.getElementById("door-camera-status");
  var codeInput = form.querySelector("input[name=code]");

  // One QR held in view stays one check-in: the same code is ignored until it has been
  // out of sight this long. A different code is sent at once.
  var SAME_CODE_MS = 2000;
  var MAX_FRAME = 800; // px, longest side handed to the JavaScript decoder

  var stream = null;
  var track = null;
  var torchOn = false;
  var run = 0; // bumped by each start/stop, so a stale decode loop ends itself
  var lastCode = "";
  var lastAt = 0;
  var announced = "";
  var resumeWhenVisible = false;
  var audio = null;
  var decoder = null; // Promise of {every, read()}

  function say(message) {
    statusBox.textContent = message || "";
    statusBox.hidden = !message;
  }

  function cannotScan(message) {
    stop();
    say(message);
    codeInput.focus();
  }

  box.hidden = false;
  if (!window.isSecureContext) {
    button.hidden = true;
    cannotScan(d.insecureLabel);
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    button.hidden = true;
    cannotScan(d.unsupportedLabel);
    return;
  }

  // --- Decoders -----------------------------------------------------------------------
  function nativeDecoder() {
    var Detector = window.BarcodeDetector;
    if (!Detector) { return Promise.resolve(null); }
    var formats = Detector.getSupportedFormats ? Detector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    return Promise.resolve(formats).then(function (list) {
      // Android without Play Services has the API but reads nothing.
      if (list.indexOf("qr_code") < 0) { return null; }
      var detector = new Detector({ formats: ["qr_code"] });
      return {
        every: 100,
        read: function () {
          return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
        }
      };
    }).catch(function () { return null; });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function fallbackDecoder() {
    var ready = window.jsQR ? Promise.resolve() : loadScript(d.decoderUrl);
    return ready.then(function () {
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      return {
        every: 150,
        read: function () {
          var w = video.videoWidth;
          var h = video.videoHeight;
          if (!w || !h) { return Promise.resolve(""); }
          // Smaller frames decode faster; a ticket QR fills a good part of the picture.
          var scale = Math.min(1, MAX_FRAME / Math.max(w, h));
          canvas.width = Math.round(w * scale);
          canvas.height = Math.round(h * scale);
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
          // Tickets are dark on light: skipping the inverted pass halves the work.
          var code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(code ? code.data : "");
        }
      };
    });
  }

  function pickDecoder() {
    if (!decoder) {
      decoder = nativeDecoder().then(function (native) { return native || fallbackDecoder(); });
      decoder.catch(function () { decoder = null; }); // offline before it was saved: try again later
    }
    return decoder;
  }
  // Choose (and fetch, if needed) now, so the first tap on the button scans at once.
  pickDecoder().catch(function () {});

  // --- Feedback -----------------------------------------------------------------------
  function unlockAudio() {
    // Phones only let a page make sound after a tap: create the context inside one.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      try { audio = new Context(); } catch (e) { audio = null; }
    }
    if (audio && audio.state === "suspended") { audio.resume().catch(function () {}); }
  }

  function beep() {
    if (!audio) { return; }
    try {
      var now = audio.currentTime;
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 1760;
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.3, now + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.12);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now);
      osc.stop(now + 0.13);
    } catch (e) { /* no sound is no reason to stop scanning */ }
  }

  function submit(code) {
    if (typeof window.doorCheckIn === "function") { return window.doorCheckIn(code) !== false; }
    // checkin.js did not run: send it as if typed.
    codeInput.value = code;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    return true;
  }

  function found(raw) {
    var code = (raw || "").trim();
    if (!code) { return; }
    var now = Date.now();
    if (code === lastCode && now - lastAt < SAME_CODE_MS) { lastAt = now; return; }
    if (code !== announced) {
      announced = code;
      beep();
      // Before the check: the result's own buzz (checkin.js) then replaces this one.
      if (navigator.vibrate) { navigator.vibrate(60); }
    }
    // false: the previous code is still on its way; this one is read again next frame.
    if (!submit(code)) { return; }
    announced = "";
    lastCode = code;
    lastAt = now;
  }

  function loop(current, reader) {
    if (current !== run) { return; }
    // A frame the decoder chokes on is skipped, not the end of scanning for the night.
    new Promise(function (resolve) { resolve(reader.read()); }).then(found).catch(function () {}).then(function () {
      if (current === run) { setTimeout(function () { loop(current, reader); }, reader.every); }
    });
  }

  // --- Camera -------------------------------------------------------------------------
  function showTorch() {
    var caps = track && track.getCapabilities ? track.getCapabilities() : {};
    torchButton.hidden = !caps.torch;
  }

  function setTorch(on) {
    torchOn = on;
    torchButton.textContent = on ? d.torchOffLabel : d.torchOnLabel;
    torchButton.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function stop() {
    run += 1;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    track = null;
    video.srcObject = null;
    video.hidden = true;
    torchButton.hidden = true;
    setTorch(false);
    button.textContent = d.scanLabel;
    box.dataset.camera = "off";
  }

  function failed(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
      cannotScan(d.deniedLabel);
    } else if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") {
      cannotScan(d.noneLabel);
    } else if (name === "NotReadableError" || name === "TrackStartError") {
      cannotScan(d.busyLabel);
    } else {
      cannotScan(d.failedLabel);
    }
  }

  function start() {
    var current = ++run;
    say("");
    box.dataset.camera = "starting";
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false
    }).then(function (s) {
      if (current !== run) { s.getTracks().forEach(function (t) { t.stop(); }); return; }
      stream = s;
      track = s.getVideoTracks()[0] || null;
      video.srcObject = s;
      video.hidden = false;
      button.textContent = d.stopLabel;
      return video.play().then(function () {
        showTorch();
        // Some phones only report the light once the picture runs.
        setTimeout(function () { if (current === run) { showTorch(); } }, 500);
        return pickDecoder().then(function (reader) {
          if (current !== run) { return; }
          box.dataset.camera = "on";
          loop(current, reader);
        }, function () { cannotScan(d.decoderLabel); });
      });
    }).catch(function (error) {
      if (current === run) { failed(error); }
    });
  }

  button.addEventListener("click", function () {
    unlockAudio();
    if (stream || box.dataset.camera === "starting") { stop(); return; }
    start();
  });

  torchButton.addEventListener("click", function () {
    if (!track) { return; }
    var want = !torchOn;
    track.applyConstraints({ advanced: [{ torch: want }] })
      .then(function () { setTorch(want); })
      .catch(function () { torchButton.hidden = true; });
  });

  // Free the camera while the phone shows something else; pick up again on return.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      resumeWhenVisible = !!stream;
      if (stream) { stop(); }
    } else if (resumeWhenVisible) {
      resumeWhenVisible = false;
      start();
    }
  });

  stop();
})();
