// The frame of the logged-in tenant's pages (/mon-espace/…): the session
// check, the menu in the header (menu.js, with the logout button), the way
// back to the home of the space, the list of all its pages at the bottom,
// and what to do when data do not load.
//
// The data come from the API (sent no-store) and are never stored by the
// app: each page asks for them again when it is shown.

import { h, link, replace, focus } from './dom.js';
import { call, ApiError } from './api.js';
import { helpLine } from './content.js';
import { isPrivate } from './router.js';
import { emergencySearch } from './views/help.js';
import { spaceMenu, HOME, BALANCE } from './menu.js';

export { HOME };

/** The pages of the space, in the order of the menus. */
export const spacePages = [
  { path: BALANCE, title: 'Mon solde', text: 'Votre solde, vos derniers paiements et le suivi de votre compte, mois par mois.' },
  { path: '/mon-espace/paiements', title: 'Mes paiements en ligne', text: 'Payer votre loyer en ligne par carte bancaire, et suivre vos paiements en ligne.' },
  { path: '/mon-espace/prelevement', title: 'Prélèvement automatique', text: 'Souscrire au prélèvement automatique de votre loyer (mandat SEPA), le consulter ou l’arrêter.' },
  { path: '/mon-espace/coordonnees-bancaires', title: 'Mes coordonnées bancaires', text: 'Mettre à jour votre RIB : IBAN, BIC et titulaire du compte.' },
  { path: '/mon-espace/documents', title: 'Mes documents', text: 'Vos avis d’échéance chaque mois et les documents utiles de votre bailleur (Guide Eco’Loc, charte du Vivre Ensemble…), à télécharger.' },
  { path: '/mon-espace/quittances', title: 'Mes quittances', text: 'Télécharger vos duplicatas de quittances : pour chaque mois payé, votre quittance de loyer en PDF, gratuite.' },
  { path: '/mon-espace/assurance', title: 'Mon assurance', text: 'Mettre à jour votre attestation d’assurance habitation : en PDF ou en photo, et suivre sa vérification.' },
  { path: '/mon-espace/contrat', title: 'Mon logement', text: 'Votre logement et votre bail : votre loyer et vos charges, la date d’échéance et les signataires du bail.' },
  { path: '/mon-espace/dossier', title: 'Mes demandes', text: 'Signaler un changement de situation (coordonnées, foyer, ressources…) et suivre vos demandes.' },
  { path: '/mon-espace/profil', title: 'Mon profil', text: 'Votre adresse email de connexion, votre mot de passe, vos données : les télécharger, ou supprimer votre compte.' },
  { path: '/mon-espace/preferences', title: 'Mes préférences', text: 'Recevoir vos avis d’échéance sans papier, et l’adresse email où vous prévenir.' },
  { path: '/mon-espace/contacts', title: 'Contacts utiles', text: 'Le service d’urgence technique, votre gestionnaire de territoire et votre bailleur.' },
  { path: '/mon-espace/mot-de-passe', title: 'Changer mon mot de passe', text: 'Choisir un nouveau mot de passe. Vos autres appareils seront déconnectés.' },
  { path: '/mon-espace/appareils', title: 'Mes appareils connectés', text: 'Vous déconnecter de tous les appareils d’un coup : ordinateur partagé, téléphone perdu…' },
];

/** The flyer's sections that are still to come (none left: the home page then says nothing of them). */
export const comingPages = [];

/**
 * toLogin leaves for the login page, which says the session has ended and,
 * once logged in, comes back to this page (?retour=, a page of the space:
 * the notice email's link to Mes documents lands there after the login).
 */
export function toLogin() {
  // A full load, which also drops this page's data and history entry.
  location.replace(loginHref());
}

/**
 * loginHref is the address of the login page that comes back to this page
 * of the space once logged in: for a link offered when the session has
 * expired in the middle of a form (the form's text must not be lost).
 */
export function loginHref() {
  const q = new URLSearchParams({ info: 'connexion-requise' });
  const back = returnPath(location.pathname + location.search + location.hash);
  if (back && back !== HOME) q.set('retour', back);
  return `/?${q}`;
}

/**
 * returnPath is where to go back after the login: a page of the space on
 * this site (path, query and #part), or "" for anything else, so that the login
 * page never sends a tenant elsewhere (//other.example, https://…).
 * @param {string|null} wanted
 */
export function returnPath(wanted) {
  if (!wanted || !wanted.startsWith('/') || wanted.startsWith('//') || /[\\\s]/.test(wanted)) return '';
  let url;
  try {
    url = new URL(wanted, location.origin);
  } catch {
    return '';
  }
  if (url.origin !== location.origin || !isPrivate(url.pathname.replace(/\/+$/, '') || '/')) return '';
  return url.pathname + url.search + url.hash;
}

/** problemBox explains an API error that stopped a part of a page. */
export function problemBox(err, title) {
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', null, err instanceof ApiError && err.code === 'network' ? 'Pas de connexion' : title),
    h('p', null, err instanceof ApiError ? err.detail : 'Réessayez dans quelques instants. Si cela continue, contactez votre agence.'));
}

/**
 * logoutButton ends the session. An error is shown in said.
 * @param {HTMLElement} said
 * @param {string} [cls] the button's classes
 */
export function logoutButton(said, cls = 'button button--header') {
  return h('button', {
    type: 'button', class: cls,
    onclick: async () => {
      try {
        await call('DELETE', '/sessions/current');
      } catch (err) {
        // Already logged out (session expired): that is what was asked.
        if (!(err instanceof ApiError) || err.status !== 401) {
          replace(said, h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
            h('h2', null, 'La déconnexion n’a pas abouti'),
            h('p', null, err instanceof ApiError ? err.detail : 'Réessayez.'),
            h('p', null, 'Sur un ordinateur partagé, fermez aussi toutes les fenêtres du navigateur.')));
          focus(said.firstChild);
          return;
        }
      }
      // A full load drops this page, its data and its history entry.
      location.replace('/?info=deconnexion');
    },
  }, 'Se déconnecter');
}

/** breadcrumb leads back to the home of the space. */
function breadcrumb(title) {
  return h('nav', { class: 'breadcrumb', 'aria-label': 'Fil d’Ariane' },
    h('ol', null,
      h('li', null, link(HOME, 'Accueil')),
      h('li', { 'aria-current': 'page' }, title)));
}

/**
 * spaceNav lists all the pages of the space, the current one marked: the
 * header's menu (menu.js) gives only the main sections.
 */
export function spaceNav(current) {
  return h('nav', { class: 'space-nav', 'aria-labelledby': 'titre-menu-espace' },
    h('h2', { id: 'titre-menu-espace' }, 'Toutes les pages de votre espace'),
    h('ul', null,
      h('li', null, current === HOME ? h('span', { 'aria-current': 'page' }, 'Accueil') : link(HOME, 'Accueil')),
      spacePages.map((p) => h('li', null, p.path === current
        ? h('span', { 'aria-current': 'page' }, p.title)
        : link(p.path, p.title)))));
}

/**
 * privatePage builds a page of the space: its heading, a loading message,
 * then the page's content once its data are loaded; a page to log in again
 * when the session has ended, and a way to try again when the data do not load.
 * @param {import('./router.js').Context} ctx
 * @param {object} o
 * @param {string} o.path
 * @param {string} o.title the page's title, and its heading
 * @param {string} [o.loadedTitle] the title once loaded, if not the same
 * @param {(data: any) => string} [o.heading] the heading once loaded, if not the title
 * @param {string} o.loading what is loading ("Chargement de votre compte…")
 * @param {string} [o.failed] the error's title when the data do not load
 * @param {() => Promise<any>} o.load
 * @param {(data: any, frame: {said: HTMLElement, heading: HTMLElement}) => any} o.show the page's content
 * @param {boolean} [o.nav] list the space's pages at the bottom (default true)
 */
export function privatePage(ctx, o) {
  // The heading stays the same element while the page loads: the router
  // moves the focus to it, and it must not lose it.
  const heading = h('h1', null, o.title);
  const said = h('div', { class: 'status' });
  const body = h('div', { class: 'space-body' });
  const page = h('div', { class: 'wide' }, o.path === HOME ? null : breadcrumb(o.title), heading, said, body);
  const logout = logoutButton(said, 'space-menu__link space-menu__button');
  logout.setAttribute('data-deconnexion', '');
  // The menu is there from the start: while the page loads, and when its
  // data do not load, the other pages stay one tap away.
  ctx.headerMenu.replaceChildren(spaceMenu(o.path, logout));

  async function run() {
    replace(body, h('p', { class: 'loading', role: 'status' }, o.loading));
    let data;
    try {
      data = await o.load();
    } catch (err) {
      if (!ctx.active()) return;
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      const offline = err instanceof ApiError && err.code === 'network';
      replace(body,
        problemBox(err, o.failed || 'Cette page n’a pas pu s’afficher'),
        // Offline (the installed app opens on this page): the emergency
        // numbers still answer, from the service worker's copy.
        offline ? h('section', { class: 'offline-emergency', 'aria-labelledby': 'urgence-hors-ligne' },
          h('h2', { id: 'urgence-hors-ligne' }, 'Urgence technique : trouvez le numéro de votre résidence'),
          h('p', null, 'Fuite d’eau, panne de chauffage, porte bloquée… Le numéro du service d’urgence de votre résidence reste disponible hors ligne :'),
          emergencySearch()) : null,
        h('div', { class: 'actions' }, h('button', {
          type: 'button', class: 'button',
          onclick: () => {
            focus(heading);
            run();
          },
        }, 'Réessayer')),
        helpLine(),
        o.nav === false ? null : spaceNav(o.path));
      ctx.setTitle(o.loadedTitle || o.title, { error: true });
      return;
    }
    if (!ctx.active()) return;
    if (o.heading) heading.textContent = o.heading(data);
    replace(body, o.show(data, { said, heading }), o.nav === false ? null : spaceNav(o.path));
    ctx.setTitle(o.loadedTitle || o.title);
    // A link to a part of this page (/mon-espace/profil#suppression, from the
    // privacy policy) lands on it: the part is only here now, after the
    // router looked for it. Not when the tenant has moved on meanwhile.
    const part = location.hash && body.querySelector(`[id="${CSS.escape(decodeURIComponent(location.hash.slice(1)))}"]`);
    const idle = [heading, body, document.body, null].includes(/** @type {HTMLElement|null} */ (document.activeElement));
    if (part && idle) {
      focus(part);
      part.scrollIntoView(); // at the top, as a browser shows a part it links to
    }
  }

  run();
  return page;
}
