// Extranet Locataire: the web app's entry point. Plain ES modules, no build
// step; served from the same origin as the API (/api/v1).

import { Router } from './router.js';
import login from './views/login.js';
import signup from './views/signup.js';
import activation from './views/activation.js';
import { forgot, reset } from './views/password.js';
import home from './views/home.js';
import account from './views/account.js';
import contract from './views/contract.js';
import documents, { documentsLink } from './views/documents.js';
import receipts from './views/receipts.js';
import insurance from './views/insurance.js';
import contacts from './views/contacts.js';
import preferences from './views/preferences.js';
import emailConfirm from './views/emailconfirm.js';
import profile from './views/profile.js';
import loginEmailConfirm from './views/loginemailconfirm.js';
import requests from './views/requests.js';
import { changePassword, devices } from './views/security.js';
import help from './views/help.js';
import accessibility from './views/accessibility.js';
import { mentions, privacy } from './views/legal.js';
import notFound from './views/notfound.js';
import payments from './views/payments.js';
import bank from './views/bank.js';
import directDebit from './views/directdebit.js';
import { BALANCE } from './menu.js';

const routes = {
  '/': login,
  '/connexion': login,
  '/creer-mon-compte': signup,
  '/activation': activation,
  '/mot-de-passe-oublie': forgot,
  '/nouveau-mot-de-passe': reset,
  '/mon-espace': home,
  '/mon-espace/solde': account,
  '/mon-espace/paiements': payments,
  '/mon-espace/coordonnees-bancaires': bank,
  '/mon-espace/prelevement': directDebit,
  '/mon-espace/documents': documents,
  // The notice email's link, when the app itself answers it (offline: the
  // service worker's copy of the app): on to Mes documents.
  '/documents.html': documentsLink,
  '/mon-espace/quittances': receipts,
  '/mon-espace/assurance': insurance,
  '/mon-espace/contrat': contract,
  '/mon-espace/contacts': contacts,
  '/mon-espace/preferences': preferences,
  '/confirmation-email': emailConfirm,
  '/mon-espace/profil': profile,
  '/confirmation-adresse-connexion': loginEmailConfirm,
  '/mon-espace/dossier': requests,
  '/mon-espace/mot-de-passe': changePassword,
  '/mon-espace/appareils': devices,
  '/assistance': help,
  '/accessibilite': accessibility,
  '/mentions-legales': mentions,
  '/confidentialite': privacy,
};

// Pages that moved, by their new path: mails already sent and bookmarks
// still link to the old one. "Mon compte" became "Mon solde" (issue 11:
// tenants looked there for their settings, which are in Mon profil).
const moved = {
  '/mon-espace/compte': BALANCE,
};

const router = new Router(routes, notFound, {
  main: /** @type {HTMLElement} */ (document.getElementById('contenu')),
  headerActions: /** @type {HTMLElement} */ (document.getElementById('actions-entete')),
  headerMenu: /** @type {HTMLElement} */ (document.getElementById('menu-entete')),
}, moved);
router.start();

// Offline: say so once, at the top, rather than letting each form fail.
const banner = document.getElementById('hors-ligne');
const showConnectivity = () => { banner.hidden = navigator.onLine !== false; };
window.addEventListener('online', showConnectivity);
window.addEventListener('offline', showConnectivity);
showConnectivity();

// The service worker keeps the app's files for offline use; never the API.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(workerURL('/sw.js'), { scope: '/' }).catch(() => {
      // Without it the app works the same, only not offline.
    });
  });
}

/**
 * workerURL passes the worker's address through a Trusted Types policy: the
 * Content-Security-Policy requires one for script URLs, and this policy only
 * ever allows our own worker.
 */
function workerURL(url) {
  if (!window.trustedTypes) return url;
  const policy = window.trustedTypes.createPolicy('sw', {
    createScriptURL: (u) => {
      if (u !== '/sw.js') throw new TypeError(`refused worker ${u}`);
      return u;
    },
  });
  return policy.createScriptURL(url);
}
