/* Service worker of the door check-in pages: keeps the pages and their static files
   on the phone so check-in works when the venue's connection drops. Pages: network
   first, the saved copy when offline. Static files: saved copy first (their names
   carry a hash, so a new deploy means new names and a new worker). */
"use strict";
var VERSION = "door-{{ version }}";
var STATIC_PREFIX = "{{ static_prefix|escapejs }}";
var ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(VERSION).then(function (cache) {
      // One missing file must not stop the rest from being saved.
      return Promise.all(ASSETS.map(function (url) {
        return cache.add(url).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("door-") === 0 && key !== VERSION;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(VERSION).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (saved) {
      return saved || caches.match(request, { ignoreVary: true, ignoreSearch: true });
    }).then(function (saved) {
      return saved || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (saved) {
    return saved || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(VERSION).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

// A page loaded before the worker was installed asks for a copy of itself.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache-page" || !data.url) { return; }
  var url = new URL(data.url);
  if (url.origin !== self.location.origin) { return; }
  url.hash = "";
  event.waitUntil(
    fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (response.ok && !response.redirected) {
        return caches.open(VERSION).then(function (cache) { return cache.put(url.href, response); });
      }
    }).catch(function () {})
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || url.pathname.indexOf("/api/door/") === 0) {
    event.respondWith(networkFirst(request));
  }
});
