/* Door check-in: camera scanning with the browser's BarcodeDetector where it exists,
   fetch-based check-in so the page never reloads, and offline check-in: the event's
   ticket list is kept on the phone (localStorage), check-ins made without a
   connection are queued there and sent to /api/door/sync when it comes back. The
   server decides: if another phone was first, this phone shows who and when.
   Without JS the forms still work. */
(function () {
  "use strict";

  function registerWorker(el) {
    if (!el || !el.dataset.swUrl || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(el.dataset.swUrl, { scope: el.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        // This page was loaded before the worker existed: ask it to keep a copy.
        if (registration.active) {
          registration.active.postMessage({ type: "cache-page", url: window.location.href });
        }
        document.documentElement.dataset.offlineReady = "yes";
      })
      .catch(function () {});
  }

  registerWorker(document.getElementById("door-home"));
  var door = document.getElementById("door");
  if (!door) { return; }
  registerWorker(door);

  var d = door.dataset;
  var eventId = d.eventId;
  var resultBox = document.getElementById("door-result");
  var codeForm = document.getElementById("door-code-form");
  var codeInput = codeForm.querySelector("input[name=code]");
  var csrf = codeForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var syncBar = document.getElementById("door-sync");
  var netBox = document.getElementById("door-net");
  var savedBox = document.getElementById("door-saved");
  var queuedBox = document.getElementById("door-queued");
  var conflictsBox = document.getElementById("door-conflicts");
  var busy = false;
  var syncing = false;
  var lastCode = "";
  var lastAt = 0;

  // --- What this phone keeps --------------------------------------------------------
  var KEY_LIST = "door:list:" + eventId;
  var KEY_QUEUE = "door:queue:" + eventId;
  var KEY_DEVICE = "door:device";

  function load(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private mode */ }
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  var deviceId = load(KEY_DEVICE, "");
  if (!deviceId) { deviceId = newId(); store(KEY_DEVICE, deviceId); }
  var list = load(KEY_LIST, null); // {saved_at, tickets: {CODE: ticket}}
  var queue = load(KEY_QUEUE, []);

  function normalize(code) { return (code || "").toUpperCase().replace(/[^0-9A-Z]/g, ""); }
  function hhmm(iso) {
    var t = new Date(iso);
    if (isNaN(t)) { return ""; }
    return ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2);
  }

  function showStatus() {
    syncBar.hidden = false;
    var online = navigator.onLine;
    netBox.textContent = online ? d.onlineLabel : d.offlineLabel;
    netBox.className = "door-net " + (online ? "door-net-on" : "door-net-off");
    door.dataset.network = online ? "online" : "offline";
    if (list) {
      savedBox.textContent = d.savedLabel + ": " + Object.keys(list.tickets).length +
        " (" + hhmm(list.saved_at) + ")";
    }
    queuedBox.textContent = queue.length;
    door.dataset.queued = queue.length;
    door.dataset.listSaved = list ? "yes" : "no";
  }

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
    if (data.collect && data.collect !== "0" && data.collect !== "0.00") {
      var c = document.createElement("p");
      c.className = "door-result-collect";
      c.textContent = d.collectLabel + " " + data.collect + " " + (data.currency || "");
      resultBox.appendChild(c);
    }
    setCounts(data);
    if (navigator.vibrate) { navigator.vibrate(data.ok ? 80 : [200, 100, 200]); }
  }

  // --- The ticket list ----------------------------------------------------------------
  function refreshList() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return fetch(d.manifestUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var tickets = {};
        data.tickets.forEach(function (t) { tickets[t.code] = t; });
        // Check-ins still waiting to be sent stay checked in on this phone.
        queue.forEach(function (item) {
          var t = tickets[item.code];
          if (t && t.status !== "checked_in") {
            t.status = "checked_in";
            t.checked_in_at = item.checked_in_at;
            t.checked_in_by = d.thisPhoneLabel;
          }
        });
        list = { saved_at: new Date().toISOString(), currency: data.event.currency, tickets: tickets };
        store(KEY_LIST, list);
        showStatus();
      })
      .catch(function () {});
  }

  function markLocal(code, fields) {
    if (!list || !list.tickets[code]) { return; }
    var t = list.tickets[code];
    Object.keys(fields).forEach(function (k) { t[k] = fields[k]; });
    store(KEY_LIST, list);
  }

  // --- Checking in without a connection ---------------------------------------------
  function checkOffline(raw) {
    var code = normalize(raw);
    var t = list && list.tickets[code];
    if (!t) { show({ ok: false, message: d.unknownLabel }); return; }
    if (t.status === "checked_in") {
      show({ ok: false, message: d.alreadyLabel + " " + hhmm(t.checked_in_at) + " " + d.byLabel + " " +
        (t.checked_in_by || "?") + ": " + t.name });
      return;
    }
    if (t.status === "pending_payment") { show({ ok: false, message: d.unpaidLabel + ": " + t.name }); return; }
    if (t.status !== "confirmed") { show({ ok: false, message: d.notValidLabel + ": " + t.name }); return; }
    var now = new Date().toISOString();
    queue.push({ code: code, checked_in_at: now, device_id: deviceId, client_id: newId() });
    store(KEY_QUEUE, queue);
    markLocal(code, { status: "checked_in", checked_in_at: now, checked_in_by: d.thisPhoneLabel });
    var count = document.getElementById("count-checked-in");
    count.textContent = (parseInt(count.textContent, 10) || 0) + 1;
    show({ ok: true, message: d.offlineOkLabel + ": " + t.name, collect: t.collect, currency: list.currency });
    showStatus();
  }

  function check(code) {
    if (busy || !code) { return; }
    if (!navigator.onLine) { checkOffline(code); return; }
    busy = true;
    var body = new URLSearchParams();
    body.append("code", code);
    fetch(d.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (r) {
      if (r.status >= 500) { throw new Error(r.status); }
      return r.json();
    }).then(function (data) {
      show(data);
      if (data.ok) {
        markLocal(normalize(code), { status: "checked_in", checked_in_at: new Date().toISOString(), checked_in_by: "" });
      }
    }).catch(function () {
      // The connection dropped without the browser noticing: keep going offline.
      if (list) { checkOffline(code); } else { show({ ok: false, message: d.errorLabel }); }
    }).finally(function () { busy = false; });
  }

  // --- Sending the queue --------------------------------------------------------------
  function addConflict(result) {
    conflictsBox.hidden = false;
    var li = document.createElement("li");
    li.className = "door-conflict";
    li.textContent = d.conflictLabel + " — " + result.message;
    conflictsBox.appendChild(li);
  }

  function sync() {
    if (syncing || !queue.length || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var batch = queue.slice();
    return fetch(d.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ event: eventId, checkins: batch })
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (data) {
      var done = {};
      data.results.forEach(function (result) {
        done[result.client_id] = true;
        if (result.ok) {
          markLocal(result.code, { status: "checked_in", checked_in_at: result.checked_in_at, checked_in_by: result.checked_in_by });
        } else {
          if (result.outcome === "already_checked_in") {
            markLocal(result.code, { checked_in_at: result.checked_in_at, checked_in_by: result.checked_in_by });
          }
          addConflict(result);
        }
      });
      queue = load(KEY_QUEUE, []).filter(function (item) { return !done[item.client_id]; });
      store(KEY_QUEUE, queue);
      setCounts(data);
      showStatus();
    }).catch(function () {}).finally(function () { syncing = false; });
  }

  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    check(codeInput.value.trim());
    codeInput.value = "";
    codeInput.focus();
  });

  function refreshCounts() {
    if (!navigator.onLine) { return; }
    fetch(d.countsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); }).then(setCounts).catch(function () {});
  }

  window.addEventListener("online", function () {
    showStatus();
    sync().then(refreshList);
  });
  window.addEventListener("offline", showStatus);
  setInterval(function () { sync(); refreshCounts(); }, 10000);
  setInterval(refreshList, 60000);
  showStatus();
  sync().then(refreshList);

  // --- Camera -------------------------------------------------------------------------
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
    button.textContent = d.scanLabel;
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
        button.textContent = d.stopLabel;
        return video.play();
      })
      .then(tick)
      .catch(stop);
  });
})();
