// Installable: the service worker (/sw.js) keeps the page's shell and shows a
// "pas de connexion" page offline. Registered once the page has loaded, so it never
// delays the first try.
"use strict";

if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      /* no service worker (private mode, plain http on another host): the site works as before */
    });
  });
}
