// The screen's service worker: it lets /notes open while the server cannot be reached,
// so that changes kept in the browser's outbox are shown, and sent once the server
// answers.
//
// While the server answers, everything comes from it (network first): the cache is only
// ever the fallback. Only the document and the build's own files are kept; API answers
// and the feed's event stream never pass through here. The server writes VERSION (the
// build's files) and FILES (every file of the build) when it serves this script, so a
// new release is a new worker, which drops the old release's cache.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `async-streamer-${VERSION}`;
// The path of the notes document (`PAGE`: the name the server's tests read it by).
const PAGE = '__PAGE__';
// The document is kept under one name: the last window this browser saw, whatever its
// query.
const LAST_DOCUMENT = new Request(PAGE);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(FILES);
      // The document that registered this worker was loaded before it: keep it now, so
      // that a reload without a server already finds it.
      const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const notes = tabs.map((tab) => new URL(tab.url)).find((url) => url.pathname === PAGE);
      if (notes) await keepDocument(cache, await fetch(notes, { credentials: 'same-origin' }));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE && name.startsWith('async-streamer-')) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE && request.mode === 'navigate') {
    event.respondWith(notesDocument(event));
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(file(request));
  }
});

async function notesDocument(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => keepDocument(cache, copy)));
    return response;
  } catch (error) {
    const kept = await caches.match(LAST_DOCUMENT, { cacheName: CACHE, ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function keepDocument(cache, response) {
  if (response.ok && response.type === 'basic') await cache.put(LAST_DOCUMENT, response);
}

async function file(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}
