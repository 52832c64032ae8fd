// Accueil (/mon-espace): the logged-in tenant's home. Its data come from
// GET /api/v1/me (sent no-store) and are never stored by the app.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { addressLines, helpLine } from '../content.js';

const TITLE = 'Accueil de votre espace';

/** The sections of the flyer, still to come. */
const sections = [
  {
    title: 'Mes documents',
    text: 'Vos avis d’échéance chaque mois, vos duplicatas de quittances et des documents utiles (Guide Eco’Loc, charte du Vivre Ensemble…).',
  },
  {
    title: 'Mon compte',
    text: 'Votre solde, le suivi de votre compte, les informations de votre contrat, votre attestation d’assurance et vos changements de situation.',
  },
  {
    title: 'Payer mon loyer',
    text: 'Payer votre loyer en ligne ou souscrire au prélèvement automatique.',
  },
  {
    title: 'Mes coordonnées bancaires',
    text: 'Mettre à jour votre RIB pour le prélèvement automatique.',
  },
  {
    title: 'Contacts utiles',
    text: 'Les coordonnées de votre gestionnaire de territoire, de votre bailleur et du service d’urgence technique.',
  },
];

export default {
  title: 'Votre espace',
  render(ctx) {
    const page = h('div', { class: 'wide' });
    const said = h('div', { class: 'status' });

    const logout = h('button', {
      type: 'button', class: 'button button--header',
      onclick: async () => {
        try {
          await call('DELETE', '/sessions/current');
        } catch (err) {
          // Already logged out (session expired): that is what was asked.
          if (!(err instanceof ApiError) || err.status !== 401) {
            replace(said, h('div', { class: 'error-summary', role: 'alert' },
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

    async function load() {
      replace(page, h('h1', null, 'Votre espace'), h('p', { class: 'loading', role: 'status' }, 'Chargement de votre espace…'));
      let me;
      try {
        me = await call('GET', '/me');
      } catch (err) {
        if (!ctx.active()) return;
        if (err instanceof ApiError && err.status === 401) {
          // A full load of the login page, which leaves this page's history entry.
          location.replace('/?info=connexion-requise');
          return;
        }
        replace(page,
          h('h1', null, 'Votre espace'),
          h('div', { class: 'error-summary', role: 'alert' },
            h('h2', null, err.code === 'network' ? 'Pas de connexion' : 'Votre espace n’a pas pu s’afficher'),
            h('p', null, err instanceof ApiError ? err.detail : 'Réessayez dans quelques instants.')),
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: load }, 'Réessayer')),
          helpLine());
        ctx.setTitle(TITLE, { error: true });
        return;
      }
      if (!ctx.active()) return;
      ctx.headerActions.replaceChildren(logout);
      show(me);
    }

    function show(me) {
      const first = (me.firstName || '').trim();
      replace(page,
        h('h1', null, first ? `Bonjour ${first}` : 'Bonjour'),
        said,
        h('p', { class: 'lead' }, 'Bienvenue dans votre espace locataire.'),
        h('section', { class: 'card card--lease', 'aria-labelledby': 'titre-logement' },
          h('h2', { id: 'titre-logement' }, 'Votre logement'),
          h('dl', { class: 'facts' },
            h('dt', null, 'Référence client'),
            h('dd', { 'data-reference': '' }, me.reference),
            h('dt', null, 'Adresse'),
            h('dd', null, h('address', null, addressLines(me.address).map((line, i) => (i ? [h('br'), line] : line)))),
            h('dt', null, 'Adresse email de votre compte'),
            h('dd', null, me.email))),
        h('h2', null, 'Vos rubriques'),
        h('p', null, 'Ces rubriques arrivent bientôt dans votre espace. En attendant, vos démarches se font comme d’habitude auprès de votre agence.'),
        h('ul', { class: 'sections' }, sections.map((s) => h('li', null,
          h('section', { class: 'card', 'aria-label': s.title },
            h('h3', null, s.title),
            h('p', { class: 'badge' }, 'Pas encore disponible'),
            h('p', null, s.text))))),
        h('h2', null, 'Besoin d’aide ?'),
        h('p', null, 'Consultez la page ', link('/assistance', 'Assistance'), '.'),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button--secondary', onclick: () => logout.click() }, 'Se déconnecter')),
      );
      ctx.setTitle(TITLE);
    }

    load();
    return page;
  },
};
