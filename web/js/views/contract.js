// Mon logement (/mon-espace/contrat; "Mon contrat" before issue 11): the lease as the landlord's ERP holds
// it: reference and dates, the dwelling, what is paid each month, the due
// day, the way of paying, the signatories.

import { h, link } from '../dom.js';
import { call } from '../api.js';
import { addressLines } from '../content.js';
import { money, longDate, paymentMethod, floor, dwellingType } from '../format.js';
import { privatePage } from '../space.js';

const TITLE = 'Mon logement';

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/contrat',
      title: TITLE,
      loading: 'Chargement de votre logement et de votre bail…',
      failed: 'Votre logement et votre bail n’ont pas pu s’afficher',
      load: () => call('GET', '/contract'),
      show: (c) => [
        h('p', { class: 'lead' }, 'Les informations de votre bail, telles que votre bailleur les enregistre.'),
        h('div', { class: 'card-grid' }, h('section', { class: 'card', 'aria-labelledby': 'titre-bail' },
          h('h2', { id: 'titre-bail' }, 'Votre bail'),
          h('dl', { class: 'facts' },
            h('dt', null, 'Numéro de contrat (référence client)'),
            h('dd', { 'data-reference': '' }, c.reference),
            h('dt', null, 'Début du bail'),
            h('dd', null, longDate(c.startDate)),
            c.endDate ? [h('dt', null, 'Fin du bail'), h('dd', null, longDate(c.endDate))] : null,
            h('dt', null, c.signatories.length > 1 ? 'Signataires du bail' : 'Signataire du bail'),
            h('dd', null, h('ul', { class: 'plain-list', 'data-signataires': '' }, signatories(c.signatories))))),
        h('section', { class: 'card', 'aria-labelledby': 'titre-logement' },
          h('h2', { id: 'titre-logement' }, 'Votre logement'),
          h('dl', { class: 'facts' },
            h('dt', null, 'Adresse'),
            h('dd', null, h('address', null, addressLines(c.dwelling.address).map((line, i) => (i ? [h('br'), line] : line)))),
            c.dwelling.type ? [h('dt', null, 'Type de logement'), h('dd', null, dwellingType(c.dwelling.type))] : null,
            c.dwelling.floor ? [h('dt', null, 'Étage'), h('dd', null, floor(c.dwelling.floor))] : null,
            c.dwelling.residenceName ? [h('dt', null, 'Résidence'), h('dd', null, c.dwelling.residenceName)] : null))),
        monthlySection(c),
        h('p', null, 'Une information n’est plus juste (un occupant en plus ou en moins, un changement de situation) ? Signalez-le dans ',
          link('/mon-espace/dossier', 'Mes demandes'), '.'),
        h('p', null, 'Aussi pour votre logement : ', link('/mon-espace/assurance', 'Mon assurance'), ' (votre attestation d’assurance habitation) et ',
          link('/mon-espace/contacts', 'Contacts utiles'), ' (l’urgence technique, votre gestionnaire).'),
      ],
    });
  },
};

/** signatories lists who signed the lease, the main signatory first. */
function signatories(list) {
  const sorted = [...list].sort((a, b) => Number(b.main) - Number(a.main));
  return sorted.map((s) => h('li', null,
    `${s.firstName} ${s.lastName}`.trim(),
    h('span', { class: 'muted' }, s.main ? ' (signataire principal du bail)' : ' (co-titulaire du bail)')));
}

/** monthlySection: rent, charges, housing benefit and what is left to pay, each month. */
function monthlySection(c) {
  const m = c.monthly;
  const line = (label, hint, amount, cls) => h('tr', { class: cls || null },
    h('th', { scope: 'row' }, label, hint ? h('span', { class: 'cell-hint' }, hint) : null),
    h('td', { class: 'num' }, amount));
  const day = c.dueDay === 1 ? '1er' : String(c.dueDay);
  return h('section', { class: 'card', 'aria-labelledby': 'titre-mensuel' },
    h('h2', { id: 'titre-mensuel' }, 'Ce que vous payez chaque mois'),
    h('table', { class: 'breakdown', 'data-detail-loyer': '' },
      h('caption', { class: 'visually-hidden' }, 'Détail du montant mensuel'),
      h('thead', { class: 'visually-hidden' }, h('tr', null, h('th', { scope: 'col' }, 'Poste'), h('th', { scope: 'col' }, 'Montant'))),
      h('tbody', null,
        line('Loyer', null, money(m.rentCents)),
        line('Charges', 'Provisions : une avance sur les dépenses de l’année (eau, chauffage, entretien…), ajustée chaque année par la régularisation des charges.', money(m.chargesCents)),
        m.housingBenefitCents
          ? line('APL déduite', 'Aide personnalisée au logement, versée par la CAF directement à votre bailleur.', `−\u00a0${money(m.housingBenefitCents)}`)
          : null),
      h('tfoot', null, line('Total à payer chaque mois', null, money(m.totalDueCents), 'breakdown__total'))),
    h('dl', { class: 'facts' },
      h('dt', null, 'Date d’échéance'),
      h('dd', null, c.dueDay ? `Le ${day} de chaque mois.` : 'Non renseignée.'),
      h('dt', null, 'Mode de paiement'),
      h('dd', { 'data-mode-paiement': '' }, paymentMethod(c.paymentMethod))));
}
