// Service worker of the Extranet Locataire: keeps the app's own files so
// that it opens offline (with its pages of help and an offline message),
// and a copy of the public emergency directory, so that a tenant finds the
// emergency number of their residence offline too.
//
// It touches no other API response (/api/*) nor any other request: those go
// to the network as if it were not there, so no response with personal
// data is ever stored. The directory (GET /api/v1/emergency-contacts, no
// query) is public: the residences' names, towns and emergency lines. The
// whole of it is kept, rather than the tenant's past searches, because the
// tenant who needs it offline may never have searched online: a few hundred
// bytes a residence (about 500 KB for 2,000 residences, far less
// compressed), fetched when the worker installs and again when the copy is a
// day old. Files are fetched from the network first (always the latest
// version when online) and the copy is used only when the network fails
// (for the directory, also when the API declines: 429 or 5xx).
//
// SHELL lists every file of web/ but this one (a test checks it). Change
// VERSION when the list changes, so that the old copies are dropped.

const VERSION = 'v20';
const CACHE = `extranet-locataire-${VERSION}`;
// The directory's copy outlives versions: a new version must not leave the
// tenant without it.
const DIRECTORY_CACHE = 'extranet-locataire-urgence';
const DIRECTORY = '/api/v1/emergency-contacts';
const DIRECTORY_MAX_AGE = 24 * 60 * 60 * 1000;

const SHELL = [
  '/',
  '/css/app.css',
  '/documents.html',
  '/js/api.js',
  '/js/app.js',
  '/js/bankform.js',
  '/js/content.js',
  '/js/dates.js',
  '/js/dom.js',
  '/js/form.js',
  '/js/format.js',
  '/js/linkconfirm.js',
  '/js/menu.js',
  '/js/pay.js',
  '/js/router.js',
  '/js/space.js',
  '/js/upload.js',
  '/js/views/accessibility.js',
  '/js/views/account.js',
  '/js/views/activation.js',
  '/js/views/bank.js',
  '/js/views/contacts.js',
  '/js/views/contract.js',
  '/js/views/directdebit.js',
  '/js/views/documents.js',
  '/js/views/emailconfirm.js',
  '/js/views/help.js',
  '/js/views/home.js',
  '/js/views/insurance.js',
  '/js/views/legal.js',
  '/js/views/login.js',
  '/js/views/loginemailconfirm.js',
  '/js/views/notfound.js',
  '/js/views/password.js',
  '/js/views/payments.js',
  '/js/views/preferences.js',
  '/js/views/profile.js',
  '/js/views/receipts.js',
  '/js/views/requests.js',
  '/js/views/security.js',
  '/js/views/signup.js',
  '/js/views/transfer.js',
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
    Promise.all([
      caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })))),
      // Without the network or past the API's limit, the next pages retry.
      saveDirectory().catch(() => {}),
    ]).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== DIRECTORY_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === DIRECTORY && !url.search) {
    // The whole directory: the network's, kept; offline, or when the API
    // declines (429 past its limit per address, 5xx), the copy.
    const kept = (otherwise) => caches.match(DIRECTORY, { cacheName: DIRECTORY_CACHE }).then((r) => r || otherwise);
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            event.waitUntil(caches.open(DIRECTORY_CACHE).then((cache) => cache.put(DIRECTORY, copy)));
          }
          if (response.status === 429 || response.status >= 500) return kept(response);
          return response;
        })
        .catch(() => kept(Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/_dev/')) return;

  if (request.mode === 'navigate') {
    // Pages: the network's answer; offline, the app itself, which then
    // shows what it can (the help pages, the emergency numbers) or says it
    // is offline.
    event.waitUntil(refreshDirectory());
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE }).then((r) => r || offline(url))));
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

/** saveDirectory fetches the whole emergency directory and keeps it. */
async function saveDirectory() {
  const response = await fetch(DIRECTORY, { cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`directory: ${response.status}`);
  const cache = await caches.open(DIRECTORY_CACHE);
  await cache.put(DIRECTORY, response);
}

/** refreshDirectory fetches the directory again when there is no copy or it is a day old. */
async function refreshDirectory() {
  try {
    const kept = await caches.match(DIRECTORY, { cacheName: DIRECTORY_CACHE });
    const at = kept ? Date.parse(kept.headers.get('Date') || '') : NaN;
    if (kept && Date.now() - at < DIRECTORY_MAX_AGE) return;
    await saveDirectory();
  } catch {
    // Offline or throttled: the copy stays as it is.
  }
}

/**
 * offline is the last resort when even the app's page is not kept: it says
 * so, and searches the kept emergency directory (a plain form: the page
 * runs no script), for ?urgence=<town, postal code or residence name>.
 */
async function offline(url) {
  const typed = (url.searchParams.get('urgence') || '').trim();
  let found = '';
  if (typed) {
    const kept = await caches.match(DIRECTORY, { cacheName: DIRECTORY_CACHE }).catch(() => null);
    const all = kept ? await kept.json().catch(() => null) : null;
    const prefix = fold(typed);
    if (!all || !Array.isArray(all.results)) {
      found = '<p role="status">Cet appareil n’a pas encore de copie des numéros d’urgence. Le numéro figure sur vos avis d’échéance et dans le hall de votre résidence.</p>';
    } else if (prefix.length < 2) {
      found = '<p role="status">Saisissez au moins 2 lettres ou chiffres : le nom de votre ville, son code postal ou le nom de votre résidence.</p>';
    } else {
      const matches = all.results.filter((e) => terms(e).some((t) => t.startsWith(prefix))).slice(0, 20);
      found = `<p role="status">${matches.length ? `${matches.length} résidence${matches.length > 1 ? 's' : ''} trouvée${matches.length > 1 ? 's' : ''}` : 'Aucune résidence trouvée'} pour « ${esc(typed)} ».</p>`
        + (matches.length ? `<ul>${matches.map((e) => `<li><h3>${esc(e.residence)}</h3><p>${esc([e.address.postalCode, e.address.city].filter(Boolean).join(' '))}</p>`
          + `<p>${esc(e.name)}</p><p><a href="${esc(telHref(e.phone))}">Appeler le ${esc(e.phone)}</a></p>`
          + `${e.hours ? `<p>Joignable : ${esc(e.hours)}</p>` : ''}</li>`).join('')}</ul>` : '');
    }
  }
  return new Response(
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    + '<title>Hors ligne – Extranet Locataire</title></head><body><main><h1>Vous êtes hors ligne</h1>'
    + '<p>L’Extranet Locataire a besoin d’une connexion internet. Vérifiez votre connexion (wifi ou données mobiles), puis rechargez la page.</p>'
    + '<section aria-labelledby="urgence"><h2 id="urgence">Urgence technique : trouvez le numéro de votre résidence</h2>'
    + `<form method="get" action="${esc(url.pathname)}"><p><label for="q">Votre ville, son code postal ou le nom de votre résidence</label></p>`
    + `<p><input id="q" name="urgence" type="search" maxlength="100" autocomplete="off" value="${esc(typed)}"> `
    + '<button type="submit">Trouver le numéro</button></p></form>'
    + found
    + '<p>En cas de danger (incendie, odeur de gaz, personne blessée), appelez d’abord les secours : le 18 (pompiers) ou le 112.</p>'
    + '</section></main></body></html>',
    { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } },
  );
}

/** esc makes text safe in HTML text and attribute values. */
function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// As web/js/views/help.js and the API (directory.Fold, directory.Terms).
const LETTERS = { æ: 'ae', œ: 'oe', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i', ŧ: 't' };

function fold(text) {
  return String(text || '').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
    .replace(/[æœßøłđħıŧ]/g, (c) => LETTERS[c]).replace(/[^\p{L}\p{N}]/gu, '');
}

function terms(e) {
  const out = [fold(e.address.postalCode)];
  for (const text of [e.residence, e.address.city]) {
    const words = String(text || '').split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
    for (let i = 0; i < words.length && i < 8; i++) out.push(fold(words.slice(i).join('')));
  }
  return out.filter(Boolean);
}

/** telHref as web/js/format.js: "01 99 00 99 99" → "tel:0199009999". */
function telHref(phone) {
  const p = String(phone || '').trim();
  const digits = p.replace(/\D/g, '');
  return digits ? `tel:${p.startsWith('+') ? '+' : ''}${digits}` : '';
}
