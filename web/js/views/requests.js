// Mes demandes (/mon-espace/dossier; "Modifier mon dossier" before issue 11): the tenant tells the landlord
// of a change of situation, and sees where each request stands: sent, being
// handled, handled, with the dates.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { selectField, textareaField, form, value, clearErrors, showProblem } from '../form.js';
import { requestKinds, requestStatuses, instantDateTime, longDate } from '../format.js';
import { privatePage, loginHref } from '../space.js';

const TITLE = 'Mes demandes';
const MAX = 4000;

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/dossier',
      title: TITLE,
      loading: 'Chargement de vos demandes…',
      failed: 'Vos demandes n’ont pas pu s’afficher',
      load: () => call('GET', '/change-requests'),
      show: ({ changeRequests }) => show(ctx, changeRequests),
    });
  },
};

/** What happens next, by state. */
const next = {
  submitted: 'Votre gestionnaire va prendre en charge votre demande. Son état passera alors à « En cours de traitement ».',
  in_progress: 'Votre gestionnaire traite votre demande. S’il lui manque une information ou un justificatif, il vous contactera.',
  done: 'Votre demande est traitée : votre dossier est à jour.',
};

/** requestCard shows one request: what, its state, its dates, the message. */
function requestCard(r) {
  const kind = requestKinds[r.kind] || requestKinds.other;
  const status = requestStatuses[r.status] || r.status;
  const id = `demande-${r.id}`;
  return h('li', { class: 'request card', 'data-demande': r.id },
    h('h3', { id }, kind),
    h('p', { class: `request__status request__status--${r.status}`, 'data-etat': '' },
      h('span', { class: 'visually-hidden' }, 'État : '), status),
    h('dl', { class: 'facts facts--compact' },
      h('dt', null, 'Numéro de la demande'),
      h('dd', null, r.id),
      h('dt', null, 'Envoyée le'),
      h('dd', null, instantDateTime(r.submittedAt)),
      sender(r),
      r.startedAt ? [h('dt', null, 'Prise en charge le'), h('dd', null, longDate(r.startedAt))] : null,
      r.doneAt ? [h('dt', null, 'Traitée le'), h('dd', null, longDate(r.doneAt))] : null,
      h('dt', null, 'Votre message'),
      h('dd', { class: 'request__text' }, r.text)),
    next[r.status] ? h('p', { class: 'request__next' }, next[r.status]) : null);
}

/**
 * sender says who sent a request the other signatory sent: requests are the
 * lease's, every signatory sees them all. Nothing for one's own.
 */
function sender(r) {
  if (r.submittedByYou || !r.submittedBy) return null;
  return [h('dt', null, 'Envoyée par'), h('dd', null, `${r.submittedBy.firstName} ${r.submittedBy.lastName}`)];
}

function show(ctx, requests) {
  const list = h('ol', { class: 'requests', 'aria-labelledby': 'titre-demandes' }, requests.map(requestCard));
  const none = h('p', { class: 'muted', hidden: requests.length > 0 }, 'Vous n’avez pas encore envoyé de demande.');
  const confirmation = h('div', { class: 'status' });

  const kind = selectField({
    name: 'kind', label: 'Objet de votre demande', placeholder: 'Choisissez dans la liste',
    options: requestKinds,
    hint: h('ul', { class: 'hint-list' },
      h('li', null, 'Coordonnées : numéro de téléphone, adresse email.'),
      h('li', null, 'Composition du foyer : une personne arrive ou quitte le logement (naissance, départ…).'),
      h('li', null, 'Situation familiale : mariage, PACS, séparation, décès.'),
      h('li', null, 'Ressources : vos revenus changent (emploi, retraite, chômage…).')),
  });
  const text = textareaField({
    name: 'text', label: 'Votre message', max: MAX,
    hint: 'Décrivez le changement et sa date. N’écrivez ici ni mot de passe ni coordonnées bancaires.',
  });

  const requestForm = form({
    label: 'Signaler un changement de situation',
    submit: 'Envoyer ma demande',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(confirmation);
      let created;
      try {
        created = await call('POST', '/change-requests', { kind: value(f, 'kind'), text: value(f, 'text') });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        ctx.setTitle(TITLE, { error: true });
        showProblem(f, err, {
          more: err.status === 401
            ? h('p', null, 'Copiez d’abord votre message pour le garder, puis ', h('a', { href: loginHref() }, 'connectez-vous'), ' et envoyez-le de nouveau.')
            : null,
        });
        return;
      }
      ctx.setTitle(TITLE);
      f.reset();
      text.update();
      list.prepend(requestCard(created));
      none.hidden = true;
      replace(confirmation, h('div', { class: 'notice notice--success', tabindex: '-1', 'data-confirmation': '' },
        h('h2', { class: 'notice__title' }, 'Votre demande est envoyée'),
        h('p', null, `Son numéro : ${created.id}. Elle apparaît en tête de la liste « Vos demandes » ci-dessous, avec son état : « ${requestStatuses.submitted} ».`),
        h('p', null, 'Votre gestionnaire de territoire va la prendre en charge. Revenez sur cette page pour suivre son état : « En cours de traitement », puis « Traitée ». S’il a besoin d’un justificatif, il vous le demandera.')));
      focus(confirmation.firstChild);
    },
  }, kind.root, text.root);

  return [
    h('p', { class: 'lead' }, 'Votre situation change ? Dites-le à votre bailleur ici. Vous suivez ensuite votre demande sur cette page.'),
    h('section', { 'aria-labelledby': 'titre-nouvelle-demande' },
      h('h2', { id: 'titre-nouvelle-demande' }, 'Signaler un changement'),
      requestForm),
    confirmation,
    h('section', { 'aria-labelledby': 'titre-demandes' },
      h('h2', { id: 'titre-demandes' }, 'Vos demandes'),
      none,
      list),
    h('p', null, 'Une question sur une demande ? Appelez votre gestionnaire : ses coordonnées sont dans ', link('/mon-espace/contacts', 'Contacts utiles'), '.'),
  ];
}
