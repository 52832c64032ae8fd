// Service worker of the Extranet Locataire: keeps the app's own files so
// that it opens offline (with its pages of help and an offline message).
//
// It never touches the API (/api/*) nor any other request: those go to the
// network as if it were not there, so no response with personal data is
// ever stored. Files are fetched from the network first (always the latest
// version when online) and the copy is used only when the network fails.
//
// SHELL lists every file of web/ but this one (a test checks it). Change
// VERSION when the list changes, so that the old copies are dropped.

const VERSION = 'v3';
const CACHE = `extranet-locataire-${VERSION}`;

const SHELL = [
  '/',
  '/css/app.css',
  '/js/api.js',
  '/js/app.js',
  '/js/content.js',
  '/js/dates.js',
  '/js/dom.js',
  '/js/form.js',
  '/js/format.js',
  '/js/router.js',
  '/js/space.js',
  '/js/views/accessibility.js',
  '/js/views/account.js',
  '/js/views/activation.js',
  '/js/views/contacts.js',
  '/js/views/contract.js',
  '/js/views/emailconfirm.js',
  '/js/views/help.js',
  '/js/views/home.js',
  '/js/views/login.js',
  '/js/views/notfound.js',
  '/js/views/password.js',
  '/js/views/preferences.js',
  '/js/views/requests.js',
  '/js/views/security.js',
  '/js/views/signup.js',
  '/manifest.webmanifest',
  '/icons/apple-touch-icon.png',
  '/icons/favicon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon.svg',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/_dev/')) return;

  if (request.mode === 'navigate') {
    // Pages: the network's answer; offline, the app itself, which then
    // shows what it can (the help pages) or says it is offline.
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE }).then((r) => r || offline())));
    return;
  }
  if (!SHELL.includes(url.pathname) || url.search) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === 'basic') {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(url.pathname, copy)));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname, { cacheName: CACHE }).then((r) => r || Response.error())),
  );
});

/** offline is the last resort when even the app's page is not kept. */
function offline() {
  return new Response(
    '<!doctype html><html lang="fr"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    + '<title>Hors ligne – Extranet Locataire</title><h1>Vous êtes hors ligne</h1>'
    + '<p>L’Extranet Locataire a besoin d’une connexion internet. Vérifiez votre connexion (wifi ou données mobiles), puis rechargez la page.</p></html>',
    { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } },
  );
}
