/* Event, series and home pages: the Share button and the time-zone note.
   Loaded as a file (the CSP allows no inline script); without it both stay hidden. */
(function () {
  "use strict";

  /* "Madrid time": only for a visitor whose clock reads differently from the
     event's zone at the event's start (Paris and Madrid agree: no note). */
  function wallClock(date, zone) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).format(date);
  }

  function showTimeZoneNotes() {
    var visitorZone;
    try {
      visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    document.querySelectorAll(".tz-note[data-event-zone]").forEach(function (note) {
      var zone = note.getAttribute("data-event-zone");
      var start = new Date(note.getAttribute("data-event-start"));
      if (!visitorZone || !zone || zone === visitorZone || isNaN(start)) return;
      try {
        if (wallClock(start, zone) === wallClock(start, visitorZone)) return;
      } catch (e) {
        return; /* a zone this browser does not know: say nothing */
      }
      var local = note.querySelector(".tz-local");
      var label = note.getAttribute("data-your-time");
      if (local && label) {
        var lang = document.documentElement.lang || undefined;
        var time = new Intl.DateTimeFormat(lang, {
          weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
        }).format(start);
        local.textContent = " (" + time + " " + label + ")";
      }
      note.hidden = false;
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }

  function setUpShare(box) {
    var button = box.querySelector(".share-button");
    var status = box.querySelector(".share-status");
    var fallback = box.querySelector(".share-fallback");
    var url = box.getAttribute("data-share-url");
    var data = {
      title: box.getAttribute("data-share-title") || document.title,
      text: box.getAttribute("data-share-text") || "",
      url: url
    };
    button.addEventListener("click", function () {
      status.textContent = "";
      if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
        navigator.share(data).catch(function () { /* dismissed: nothing to say */ });
        return;
      }
      copyText(url).then(function () {
        status.textContent = box.getAttribute("data-copied");
      }, function () {
        /* No clipboard (plain http, old browser): the link, selected, to copy by hand. */
        fallback.hidden = false;
        var input = fallback.querySelector("input");
        input.focus();
        input.select();
      });
    });
    box.hidden = false;
  }

  function start() {
    showTimeZoneNotes();
    document.querySelectorAll(".share[data-share-url]").forEach(setUpShare);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
