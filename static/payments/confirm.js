// Return page after checkout: poll the payment's status until a webhook has
// settled it, then reload so the server renders the outcome.
(function () {
  "use strict";
  var box = document.getElementById("payment-status");
  var url = box && box.getAttribute("data-status-url");
  if (!url) return;
  var delay = 2000;
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.done) {
          window.location.reload();
        } else if (tries < 90) {
          delay = Math.min(delay * 1.2, 10000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
