// Motus's service worker: the static shell (styles, scripts, icons, the offline page)
// from a cache, so the installed app opens and says "pas de connexion" with no network.
// Never the API, the login or the provider: a try, a session and an account are only
// ever the server's answer (the answer must not sit in a cache, nor a token).
"use strict";

// A new name whenever the shell changes: the old cache is dropped on activation.
const CACHE = "motus-shell-v1";
const OFFLINE = "/hors-ligne";
const SHELL = [
  OFFLINE,
  "/static/style.css",
  "/static/theme.js",
  "/static/install.js",
  "/static/layouts.js",
  "/static/game.js",
  "/static/favicon.svg",
  "/static/icon-192.png",
  "/static/icon-512.png",
  "/static/icon-maskable-512.png",
  "/manifest.webmanifest",
];
const NEVER = ["/api/", "/login", "/logout", "/auth/", "/backchannel-logout"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function shellAsset(url) {
  return url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname === prefix || url.pathname.startsWith(prefix))) {
    // Straight to the network, never stored; a page that cannot load says why.
    if (request.mode === "navigate") event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (request.mode === "navigate") {
    // Pages are per player (their game, their name): always from the server.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (shellAsset(url)) {
    // The cached copy at once, refreshed in the background for the next visit.
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const cached = await cache.match(request);
        const fresh = fetch(request).then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        }).catch(() => cached);
        return cached || fresh;
      }),
    );
  }
});
