/* Notification settings: subscribe or unsubscribe this browser to Web Push.
   Progressive: the buttons appear only where the browser supports push. Its texts come
   from the JavaScript catalog (/jsi18n/, loaded by base.html): gettext, interpolate. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-push-panel]");
  if (!panel) { return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.fetch) { return; }
  var controls = panel.querySelector("[data-push-controls]");
  var on = panel.querySelector("[data-push-subscribe]");
  var off = panel.querySelector("[data-push-unsubscribe]");
  var status = panel.querySelector("[data-push-status]");
  panel.querySelector("[data-push-unsupported]").hidden = true;
  controls.hidden = false;

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function send(method, body) {
    return fetch(panel.getAttribute("data-subscribe-url"), {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error(interpolate(gettext("The server answered %(status)s."), { status: response.status }, true)); }
    });
  }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }

  var ready = navigator.serviceWorker.register(panel.getAttribute("data-sw-url"), { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; });
  ready.then(function (registration) { return registration.pushManager.getSubscription(); })
    .then(function (subscription) { show(Boolean(subscription)); })
    .catch(function () { status.textContent = gettext("Push notifications are not available here."); });

  on.addEventListener("click", function () {
    status.textContent = gettext("Asking your browser…");
    ready.then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: key(panel.getAttribute("data-vapid-key"))
      });
    }).then(function (subscription) { return send("POST", subscription.toJSON()); })
      .then(function () { show(true); status.textContent = gettext("Push notifications are on in this browser."); })
      .catch(function (error) { status.textContent = interpolate(gettext("Push was not turned on: %(reason)s"), { reason: error.message }, true); });
  });
  off.addEventListener("click", function () {
    ready.then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) { return null; }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () { return send("DELETE", { endpoint: endpoint }); });
      })
      .then(function () { show(false); status.textContent = gettext("Push notifications are off in this browser."); })
      .catch(function (error) { status.textContent = interpolate(gettext("Push was not turned off: %(reason)s"), { reason: error.message }, true); });
  });
})();
