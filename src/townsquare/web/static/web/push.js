/* Notification settings: subscribe or unsubscribe this browser to Web Push.
   Progressive: the buttons appear only where the browser supports push. Its texts come
   from the JavaScript catalog (/jsi18n/, loaded by base.html): gettext, interpolate.
   Every failure ends in a sentence saying what happened and what to do: notifications
   blocked, a browser without push, an iPhone or iPad where the site is not on the home
   screen, a subscription the browser or the server refused. No step waits for ever: the
   browser gets data-timeout-seconds to answer (its service worker, the subscription). */
(function () {
  "use strict";
  var panel = document.querySelector("[data-push-panel]");
  if (!panel) { return; }
  var controls = panel.querySelector("[data-push-controls]");
  var on = panel.querySelector("[data-push-subscribe]");
  var off = panel.querySelector("[data-push-unsubscribe]");
  var status = panel.querySelector("[data-push-status]");
  var unsupported = panel.querySelector("[data-push-unsupported]");
  var seconds = Number(panel.getAttribute("data-timeout-seconds")) || 10;

  function say(text) { status.textContent = text; }

  // iOS and iPadOS deliver web push only to a site opened from the home screen.
  function isAppleMobile() {
    return /iPhone|iPad|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }
  function isInstalled() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.fetch ||
      !("Notification" in window)) {
    unsupported.textContent = isAppleMobile() && !isInstalled()
      ? gettext("On an iPhone or iPad, push notifications work only once this site is on your home screen: tap Share, then “Add to Home Screen”, open the site from there and come back to this page. Email and the inbox still reach you.")
      : gettext("This browser cannot receive push notifications from this site. Email and the inbox still reach you.");
    return;
  }
  unsupported.hidden = true;
  controls.hidden = false;

  function Failure(message) { this.message = message; }

  function timeout(promise) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Failure(interpolate(ngettext(
          "Your browser did not answer within %(seconds)s second. Reload the page and try again; if this keeps happening, this browser cannot use push notifications here.",
          "Your browser did not answer within %(seconds)s seconds. Reload the page and try again; if this keeps happening, this browser cannot use push notifications here.",
          seconds), { seconds: seconds }, true)));
      }, seconds * 1000);
      promise.then(function (value) { clearTimeout(timer); resolve(value); },
                   function (error) { clearTimeout(timer); reject(error); });
    });
  }
  function blocked() {
    return gettext("Notifications from this site are blocked in this browser. Allow them in the browser's settings for this site (often behind the icon at the left of the address), then try again.");
  }
  function explain(error, turningOn) {
    if (error instanceof Failure) { return error.message; }
    if (turningOn && ((error && error.name === "NotAllowedError") || Notification.permission === "denied")) {
      return blocked();
    }
    var reason = (error && error.message) || String(error);
    return turningOn
      ? interpolate(gettext("Your browser could not subscribe to push notifications (%(reason)s). Try again later; email and the inbox still reach you."), { reason: reason }, true)
      : interpolate(gettext("Push was not turned off in this browser (%(reason)s). Try again later."), { reason: reason }, true);
  }

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
    return timeout(fetch(panel.getAttribute("data-subscribe-url"), {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    })).then(function (response) {
      if (!response.ok) {
        throw new Failure(interpolate(gettext("The site could not save this browser's subscription (it answered %(status)s). Try again in a moment."), { status: response.status }, true));
      }
    }, function (error) {
      if (error instanceof Failure) { throw error; }
      throw new Failure(gettext("The site could not be reached. Check your connection and try again."));
    });
  }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }

  var ready = null;
  function worker() {
    if (!ready) {
      ready = timeout(navigator.serviceWorker.register(panel.getAttribute("data-sw-url"), { scope: "/" })
        .then(function () { return navigator.serviceWorker.ready; }));
      ready.catch(function () { ready = null; });  // the next click tries again
    }
    return ready;
  }

  if (Notification.permission === "denied") { say(blocked()); }
  worker().then(function (registration) { return timeout(registration.pushManager.getSubscription()); })
    .then(function (subscription) { show(Boolean(subscription)); })
    .catch(function (error) { say(explain(error, true)); });

  on.addEventListener("click", function () {
    say(gettext("Asking your browser…"));
    worker().then(function (registration) {
      // Asked from the click itself, so browsers show their question (not a silent block).
      return timeout(Notification.requestPermission()).then(function (permission) {
        if (permission === "denied") { throw new Failure(blocked()); }
        if (permission !== "granted") {
          throw new Failure(gettext("Notifications were not allowed. Press the button again and choose “Allow” when your browser asks."));
        }
        return timeout(registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: key(panel.getAttribute("data-vapid-key"))
        }));
      });
    }).then(function (subscription) { return send("POST", subscription.toJSON()); })
      .then(function () { show(true); say(gettext("Push notifications are on in this browser.")); })
      .catch(function (error) { say(explain(error, true)); });
  });
  off.addEventListener("click", function () {
    worker().then(function (registration) { return timeout(registration.pushManager.getSubscription()); })
      .then(function (subscription) {
        if (!subscription) { return null; }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () { return send("DELETE", { endpoint: endpoint }); });
      })
      .then(function () { show(false); say(gettext("Push notifications are off in this browser.")); })
      .catch(function (error) { say(explain(error, false)); });
  });
})();
