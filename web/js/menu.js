// The menu of the tenant's space, at the top of every private page: a bar
// of its main sections on a wide screen; on a phone, a "Menu" button that
// shows or hides the same list (a disclosure: aria-expanded, aria-controls;
// Escape closes it and gives the focus back to the button). The current
// page's entry has aria-current="page"; a page within a section (Mon
// assurance within Mon logement) marks its section with aria-current="true".

import { h } from './dom.js';

export const HOME = '/mon-espace';
/** The money page: balance, payments received, statement (once "Mon compte"). */
export const BALANCE = '/mon-espace/solde';
/** The account settings ("Mon profil", the profile part of issue 11). */
export const PROFILE = '/mon-espace/profil';

/**
 * The menu's entries, in order: each a page, and the other pages of its
 * section (which mark it as the current section).
 */
export const menuEntries = [
  { path: HOME, title: 'Accueil', within: [] },
  { path: BALANCE, title: 'Mon solde', within: ['/mon-espace/paiements', '/mon-espace/prelevement', '/mon-espace/coordonnees-bancaires'] },
  { path: '/mon-espace/documents', title: 'Mes documents', within: ['/mon-espace/quittances'] },
  { path: '/mon-espace/contrat', title: 'Mon logement', within: ['/mon-espace/assurance', '/mon-espace/contacts'] },
  { path: '/mon-espace/dossier', title: 'Mes demandes', within: [] },
  { path: PROFILE, title: 'Mon profil', within: ['/mon-espace/preferences', '/mon-espace/mot-de-passe', '/mon-espace/appareils'] },
];

const LIST_ID = 'menu-espace-liste';

/**
 * spaceMenu builds the menu for the page at current (a path of the space),
 * with logout (a button that ends the session) as its last entry.
 * @param {string} current
 * @param {HTMLElement} logout
 */
export function spaceMenu(current, logout) {
  const toggle = h('button', {
    type: 'button', class: 'space-menu__toggle', 'aria-expanded': 'false', 'aria-controls': LIST_ID,
  }, h('span', { class: 'space-menu__icon', 'aria-hidden': 'true' }), 'Menu');
  const list = h('ul', { id: LIST_ID, class: 'space-menu__list' },
    menuEntries.map((e) => {
      let mark = null;
      if (e.path === current) mark = 'page';
      else if (e.within.includes(current)) mark = 'true';
      return h('li', null, h('a', { href: e.path, class: 'space-menu__link', 'aria-current': mark }, e.title));
    }),
    h('li', { class: 'space-menu__logout' }, logout));
  const nav = h('nav', { class: 'space-menu', 'aria-label': 'Menu de votre espace' }, toggle, list);

  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('space-menu--open', open);
  };
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  nav.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || toggle.getAttribute('aria-expanded') !== 'true') return;
    event.preventDefault();
    setOpen(false);
    toggle.focus();
  });
  return nav;
}
