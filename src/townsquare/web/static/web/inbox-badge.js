/* The header's inbox badge ([data-unread-count]), kept current by server-sent events from
   /events/inbox (web/views/notifications.py). Without this script, or without EventSource,
   the badge is still right on every page load. */
(function () {
  "use strict";
  var EVENTS_URL = "/events/inbox";
  function start() {
    var badge = document.querySelector("[data-unread-count]");
    if (!badge || !window.EventSource) { return; }
    var source = new EventSource(EVENTS_URL);
    source.addEventListener("inbox", function (event) {
      var data = JSON.parse(event.data);
      var first = badge.firstChild;
      if (first && first.nodeType === 3) {
        first.nodeValue = data.label;  /* keep the screen-reader text after it */
      } else {
        badge.insertBefore(document.createTextNode(data.label), first);
      }
      badge.setAttribute("data-unread-count", data.unread);
      badge.hidden = data.unread === 0;
    });
  }
  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
