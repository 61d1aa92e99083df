/* Door check-in: fetch-based check-in so the page never reloads (camera scanning is
   scanner.js, which hands each decoded code to window.doorCheckIn below), and offline
   check-in: the event's ticket list is kept on the phone (localStorage), check-ins made without a
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

  // --- Privacy on a shared phone ---------------------------------------------------
  // The saved attendee lists (names) go when the volunteer signs out and when their
  // event is over; the logout response also sends Clear-Site-Data.
  var LIST_PREFIX = "door:list:";
  var OVER_AFTER_MS = 60 * 60 * 1000; // an hour after the end: late arrivals are in

  function listKeys() {
    var keys = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(LIST_PREFIX) === 0) { keys.push(key); }
      }
    } catch (e) { /* storage blocked */ }
    return keys;
  }
  function isOver(endsAt) {
    var end = new Date(endsAt);
    return !isNaN(end) && Date.now() > end.getTime() + OVER_AFTER_MS;
  }
  function dropLists(onlyOver) {
    listKeys().forEach(function (key) {
      var saved = null;
      try { saved = JSON.parse(window.localStorage.getItem(key)); } catch (e) { saved = null; }
      if (!onlyOver || !saved || !saved.ends_at || isOver(saved.ends_at)) {
        try { window.localStorage.removeItem(key); } catch (e) { /* storage blocked */ }
      }
    });
  }
  function queuedCount() {
    var n = 0;
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("door:queue:") === 0) {
          n += (JSON.parse(window.localStorage.getItem(key)) || []).length;
        }
      }
    } catch (e) { /* storage blocked */ }
    return n;
  }
  dropLists(true);
  var beforeSignOut = null; // set by the door page: send the queue first
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/logout/']"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.doorCleared === "yes") { return; }
      event.preventDefault();
      var ready = beforeSignOut ? beforeSignOut() : Promise.resolve(true);
      ready.then(function (go) {
        if (!go) { return; }
        dropLists(false);
        form.dataset.doorCleared = "yes";
        form.submit();
      });
    });
  });

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
  var eventOver = isOver(d.endsAt);
  var list = eventOver ? null : load(KEY_LIST, null); // {saved_at, ends_at, tickets: {CODE: ticket}}
  if (eventOver) { try { window.localStorage.removeItem(KEY_LIST); } catch (e) { /* blocked */ } }
  var queue = load(KEY_QUEUE, []);
  var lastOk = null; // the last check-in this phone made: {code, client_id} for Undo

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

  // "3 of 40 checked in": the server gives the sentence's two plural forms
  // (templatetags/door_counter.py); the language's plural rule picks one.
  var counter = document.getElementById("door-count");
  var PLACEHOLDER = /(%\(checked_in\)s|%\(expected\)s)/;
  function drawCounter(checkedIn, expected) {
    var form = "other";
    try { form = new Intl.PluralRules(document.documentElement.lang || undefined).select(checkedIn); } catch (e) { /* old browser */ }
    var sentence = form === "one" ? counter.dataset.one : counter.dataset.other;
    counter.textContent = "";
    sentence.split(PLACEHOLDER).forEach(function (part) {
      var node;
      if (part === "%(checked_in)s") {
        node = document.createElement("strong");
        node.id = "count-checked-in";
        node.textContent = checkedIn;
      } else if (part === "%(expected)s") {
        node = document.createElement("span");
        node.id = "count-expected";
        node.textContent = expected;
      } else {
        node = document.createTextNode(part);
      }
      counter.appendChild(node);
    });
    counter.dataset.checkedIn = checkedIn;
    counter.dataset.expected = expected;
  }
  function addToCounter(delta) {
    drawCounter(Math.max((parseInt(counter.dataset.checkedIn, 10) || 0) + delta, 0),
      parseInt(counter.dataset.expected, 10) || 0);
  }
  function setCounts(data) {
    if (typeof data.checked_in === "number") { drawCounter(data.checked_in, data.expected); }
  }

  // Amounts are shown as the server formatted them (spanglish/currency.py, Babel):
  // "15,00 €" in Spanish, "€15.00" in English. The raw decimal is for deciding.
  function money(data) {
    return data.collect_display || (data.collect + " " + (data.currency || ""));
  }
  function hasDue(amount) { return !!amount && Number(amount) > 0; }

  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // Money is due: nothing is recorded until the volunteer says what happened.
  function askCash(data) {
    resultBox.className = "door-result door-result-due";
    resultBox.textContent = "";
    var c = document.createElement("p");
    c.className = "door-result-collect";
    c.textContent = d.collectLabel + " " + money(data);
    resultBox.appendChild(c);
    var p = document.createElement("p");
    p.className = "door-result-message";
    p.textContent = data.name || "";
    resultBox.appendChild(p);
    var actions = document.createElement("div");
    actions.className = "door-cash";
    var code = data.code;
    actions.appendChild(button(d.cashReceivedLabel, "button door-cash-received", function () {
      check(code, "received");
    }));
    actions.appendChild(button(d.notPaidLabel, "button door-cash-declined", function () {
      show({ ok: false, neutral: true, message: (data.name ? data.name + " — " : "") + d.notCheckedInLabel });
    }));
    actions.appendChild(button(d.admitUnpaidLabel, "link-button door-cash-unpaid", function () {
      check(code, "unpaid");
    }));
    resultBox.appendChild(actions);
    if (navigator.vibrate) { navigator.vibrate([80, 60, 80]); }
    actions.querySelector(".door-cash-received").focus();
  }

  function show(data) {
    if (data.outcome === "cash_due") { askCash(data); return; }
    resultBox.className = "door-result " + (data.ok ? "door-result-ok" : (data.neutral ? "door-result-idle" : "door-result-bad"));
    resultBox.textContent = "";
    var p = document.createElement("p");
    p.className = "door-result-message";
    p.textContent = data.message;
    resultBox.appendChild(p);
    if (data.ok && hasDue(data.collect)) {
      var c = document.createElement("p");
      c.className = "door-result-collect";
      c.textContent = d.cashReceivedLabel + ": " + money(data);
      resultBox.appendChild(c);
    }
    if (data.ok && lastOk) {
      var undo = lastOk;
      resultBox.appendChild(button(d.undoLabel, "link-button door-undo", function () { undoLast(undo); }));
    }
    setCounts(data);
    if (navigator.vibrate && !data.neutral) { navigator.vibrate(data.ok ? 80 : [200, 100, 200]); }
  }

  // --- The ticket list ----------------------------------------------------------------
  function refreshList() {
    if (!navigator.onLine || isOver(d.endsAt)) { return Promise.resolve(); }
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
        list = { saved_at: new Date().toISOString(), ends_at: d.endsAt, currency: data.event.currency, tickets: tickets };
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
  function checkOffline(raw, cash) {
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
    var due = t.payment_method === "door" && hasDue(t.collect);
    if (due && cash !== "received" && cash !== "unpaid") {
      show({ outcome: "cash_due", code: code, name: t.name, collect: t.collect,
        collect_display: t.collect_display, currency: list.currency });
      return;
    }
    var now = new Date().toISOString();
    var item = { code: code, checked_in_at: now, device_id: deviceId, client_id: newId() };
    if (due) { item.cash = cash; }
    queue.push(item);
    store(KEY_QUEUE, queue);
    markLocal(code, { status: "checked_in", checked_in_at: now, checked_in_by: d.thisPhoneLabel });
    addToCounter(1);
    lastOk = { code: code, client_id: item.client_id };
    var taken = cash === "received";
    show({ ok: true, message: d.offlineOkLabel + ": " + t.name, collect: taken ? t.collect : "",
      collect_display: taken ? t.collect_display : "", currency: list.currency });
    showStatus();
  }

  // --- Undo a mis-tap (the same volunteer, within a few minutes) ---------------------
  function undoLast(undo) {
    lastOk = null;
    var queued = queue.filter(function (item) { return item.client_id === undo.client_id; });
    if (queued.length) {
      // Still on this phone: nothing reached the server, forget it here.
      queue = load(KEY_QUEUE, []).filter(function (item) { return item.client_id !== undo.client_id; });
      store(KEY_QUEUE, queue);
      markLocal(undo.code, { status: "confirmed", checked_in_at: null, checked_in_by: "" });
      addToCounter(-1);
      show({ ok: false, neutral: true, message: d.undoneLabel });
      showStatus();
      return;
    }
    var body = new URLSearchParams();
    body.append("code", undo.code);
    fetch(d.undoUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (r) {
      if (r.status === 404) { return { ok: false, message: d.notValidLabel }; }
      return r.json();
    }).then(function (data) {
      if (data.ok) {
        markLocal(undo.code, { status: "confirmed", checked_in_at: null, checked_in_by: "" });
      }
      show({ ok: false, neutral: !!data.ok, message: data.message, checked_in: data.checked_in, expected: data.expected });
    }).catch(function () { show({ ok: false, message: d.errorLabel }); });
  }

  function check(code, cash) {
    if (busy || !code) { return; }
    lastOk = null;
    if (!navigator.onLine) { checkOffline(code, cash); return; }
    busy = true;
    var body = new URLSearchParams();
    body.append("code", code);
    if (cash) { body.append("cash", cash); }
    fetch(d.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (r) {
      if (r.status >= 500) { throw new Error(r.status); }
      return r.json();
    }).then(function (data) {
      if (data.ok) {
        lastOk = { code: data.code || normalize(code), client_id: null };
        markLocal(normalize(code), { status: "checked_in", checked_in_at: new Date().toISOString(), checked_in_by: "" });
      }
      show(data);
    }).catch(function () {
      // The connection dropped without the browser noticing: keep going offline.
      if (list) { checkOffline(code, cash); } else { show({ ok: false, message: d.errorLabel }); }
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

  // The camera (scanner.js) checks a decoded code in the same way as a typed one.
  // false: a check is still on its way, the scanner offers the code again shortly.
  window.doorCheckIn = function (code) {
    if (busy) { return false; }
    check(code);
    return true;
  };

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
  beforeSignOut = function () {
    return sync().then(function () {
      return !queuedCount() || window.confirm(d.queuedUnsentLabel);
    });
  };
  setInterval(function () { sync(); refreshCounts(); }, 10000);
  setInterval(refreshList, 60000);
  showStatus();
  sync().then(refreshList);
})();
