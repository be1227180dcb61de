/* townsquare service worker: shows Web Push notifications and opens their page on a click.
   Served from /sw.js so that its scope is the whole site. Payloads are JSON:
   {"title", "body", "url", "open", "tag", "urgent", "delivery"} (notifications/render.py).
   "open" is the post's link with a signed token: following it counts the notification as
   opened (docs/notifications.md; there is no other tracking), then leads to "url". */
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  var title = data.title || "townsquare";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    renotify: Boolean(data.tag),
    requireInteraction: Boolean(data.urgent),
    data: { url: data.url || "/", open: data.open || "" }
  }));
});

function sameOrigin(url) {
  try { return new URL(url, self.location.origin).origin === self.location.origin; } catch (e) { return false; }
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  var url = data.url || "/";
  // Only links to this site: the payload is ours, but a worker never navigates elsewhere.
  var open = data.open && sameOrigin(data.open) ? data.open : "";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) {
        // The page is open already: count the click without loading it again.
        if (open) { fetch(open, { credentials: "same-origin", redirect: "manual" }).catch(function () {}); }
        return windows[i].focus();
      }
    }
    return self.clients.openWindow(open || url);
  }));
});
