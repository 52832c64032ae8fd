// Accueil (/mon-espace): the logged-in tenant's home, what to do first. It
// opens on the balance in words, the next due and the one action that fits
// (Payer, or the direct debit), then the newest document and any pending
// change request, then the sections of the space and, lower, the dwelling.
// Its data come from GET /api/v1/me, /account, /documents, /change-requests,
// /contract and /direct-debit, asked in parallel (sent no-store, never
// stored).
//
// Every card is one link that covers it (the card can be tapped anywhere):
// the link's text is its name, the rest of the card describes it, and a
// card holds nothing else to tap.

import { h, link } from '../dom.js';
import { call } from '../api.js';
import { addressLines } from '../content.js';
import { money, longDate, instantDate, balanceKind, requestKinds, requestStatuses, typographic } from '../format.js';
import { PATH as DOCUMENTS, fileURL, fileWords } from './documents.js';
import { privatePage, logoutButton, spacePages, comingPages, HOME } from '../space.js';
import { payBox, payPlan, leaseDebited } from '../pay.js';

const TITLE = 'Accueil de votre espace';

/** The money page (its details: the statement, the next due). */
const ACCOUNT = '/mon-espace/solde';
const DIRECT_DEBIT = '/mon-espace/prelevement';
const REQUESTS = '/mon-espace/dossier';
const CONTRACT = '/mon-espace/contrat';

/** A document's kind, as the card names one document. */
const documentKind = {
  notice: 'Avis d’échéance',
  landlord: 'Document utile',
  rent_receipt: 'Quittance de loyer',
  payment_receipt: 'Reçu de paiement',
  tenancy_certificate: 'Attestation de situation locative',
  sepa_mandate: 'Mandat de prélèvement SEPA',
};

export default {
  title: 'Votre espace',
  render(ctx) {
    return privatePage(ctx, {
      path: HOME,
      title: 'Votre espace',
      loadedTitle: TITLE,
      loading: 'Chargement de votre espace…',
      failed: 'Votre espace n’a pas pu s’afficher',
      nav: false,
      heading: ({ me }) => {
        const first = (me.firstName || '').trim();
        return first ? `Bonjour ${first}` : 'Bonjour';
      },
      load: async () => {
        // Only /me is needed: each other part is a bonus that, when it
        // does not load, leaves its place to a word or to nothing.
        const [me, account, documents, requests, contract, directDebit] = await Promise.all([
          call('GET', '/me'),
          call('GET', '/account').catch(() => null),
          call('GET', '/documents').catch(() => null),
          call('GET', '/change-requests').catch(() => null),
          call('GET', '/contract').catch(() => null),
          call('GET', '/direct-debit').catch(() => null),
        ]);
        const newest = documents && Array.isArray(documents.documents) ? documents.documents[0] || null : null;
        const pending = requests && Array.isArray(requests.changeRequests)
          ? requests.changeRequests.filter((r) => r.status === 'submitted' || r.status === 'in_progress')
          : [];
        return { me, account, newest, pending, contract, debit: leaseDebited(contract, directDebit) };
      },
      show: ({ me, account, newest, pending, contract, debit }, { said }) => [
        balanceBlock(account, debit),
        newest ? documentCard(newest) : null,
        pending.length ? requestCard(pending) : null,
        h('h2', { id: 'titre-rubriques' }, 'Vos rubriques'),
        h('ul', { class: 'sections', 'aria-labelledby': 'titre-rubriques' }, spacePages.map((p, i) => h('li', null,
          h('section', { class: 'card card--link', 'aria-labelledby': `rubrique-${i}` },
            h('h3', { id: `rubrique-${i}` }, link(p.path, p.title)),
            h('p', null, p.text))))),
        comingPages.length ? [
          h('h2', null, 'Bientôt dans votre espace'),
          h('p', null, 'Ces rubriques arrivent bientôt. En attendant, ces démarches se font comme d’habitude auprès de votre agence.'),
          h('ul', { class: 'sections' }, comingPages.map((p, i) => h('li', null,
            h('section', { class: 'card card--coming', 'aria-labelledby': `a-venir-${i}` },
              h('h3', { id: `a-venir-${i}` }, p.title),
              h('p', { class: 'badge' }, 'Pas encore disponible'),
              h('p', null, p.text))))),
        ] : null,
        dwellingCard(me, contract),
        h('h2', null, 'Besoin d’aide ?'),
        h('p', null, 'Consultez la page ', link('/assistance', 'Assistance'), '.'),
        h('div', { class: 'actions' }, logoutButton(said, 'button button--secondary')),
      ],
    });
  },
};

/**
 * nextDueSentence says the next due in words, its date first: "Prochaine
 * échéance, le 1er décembre 2026 : 500,00 €." A credit is said as taken
 * off the due, never as a difference worked out here: "270,00 €, votre
 * crédit de 25,50 € vient en déduction" (the notice and the ledger give
 * the amounts; the tenant sees both). Direct debit: "… prélevés
 * automatiquement". Empty when the account gives no next due.
 * @param {any} account GET /account's answer
 * @param {boolean} debit the lease pays by direct debit
 */
export function nextDueSentence(account, debit) {
  const next = account && account.nextDue;
  if (!next || !next.date || typeof next.amountCents !== 'number' || next.amountCents <= 0) return '';
  const due = money(next.amountCents);
  const credit = account.balanceCents < 0 ? -account.balanceCents : 0;
  let what = due;
  if (debit) what = `${due}, prélevés automatiquement`;
  if (credit && credit >= next.amountCents) what = `${what}, déjà couverts par votre crédit de ${money(credit)}`;
  else if (credit) what = `${what}${debit ? ' ;' : ','} votre crédit de ${money(credit)} vient en déduction`;
  return `Prochaine échéance, le ${longDate(next.date)} : ${what}.`;
}

/**
 * homeAction is the one action the balance asks for: "pay" (Payer, with
 * its form) when something is owed or a due comes soon and is not debited
 * (pay.js's payPlan, the API's default amount's rule); "debit" (Voir mon
 * prélèvement) for a lease on direct debit with nothing to pay by hand;
 * "" when nothing presses.
 */
export function homeAction(account, debit, now = new Date()) {
  if (payPlan(account, debit, now)) return 'pay';
  return debit ? 'debit' : '';
}

/**
 * balanceBlock opens the page: the balance in words, the next due, the
 * one action, and the way to the details. It holds an action of its own
 * (Payer opens its form here), so it is a panel with links, not a card
 * that is one link.
 */
function balanceBlock(account, debit) {
  const loaded = account && typeof account.balanceCents === 'number';
  const kind = loaded ? balanceKind(account.balanceCents) : 'unknown';
  const action = loaded ? homeAction(account, debit) : '';
  const due = loaded ? nextDueSentence(account, debit) : '';
  const dueLine = due ? h('p', { class: 'summary__due', 'data-prochaine-echeance': '' }, due) : null;
  return h('section', { class: `card card--balance card--balance-${kind} summary summary--${kind}`, 'aria-labelledby': 'titre-solde', 'data-bloc-solde': '', 'data-action': action || 'aucune' },
    h('h2', { id: 'titre-solde', class: 'summary__title' }, 'Votre solde'),
    loaded
      ? payBox({ account, debit, sentenceClass: 'summary__sentence', details: dueLine })
      : h('p', { class: 'muted' }, 'Votre solde n’a pas pu s’afficher : ouvrez « Mon solde » pour le voir.'),
    action === 'debit'
      ? h('p', { class: 'summary__action' }, h('a', { href: DIRECT_DEBIT, class: 'button', 'data-voir-prelevement': '' }, 'Voir mon prélèvement'))
      : null,
    h('p', { class: 'summary__more' }, link(ACCOUNT, 'Voir le détail de mon solde')));
}

/**
 * tapCard is a card that is one link: a small heading saying what the
 * card is, the link (its name is the thing itself), and lines that the
 * link's description reads out.
 * @param {object} o
 * @param {string} o.id the card's ids' stem
 * @param {string} o.kicker what the card is ("Votre dernier document")
 * @param {HTMLElement} o.link the link, of class card__link
 * @param {any[]} o.lines the card's other lines (paragraphs)
 * @param {Record<string, string>} [o.attrs] the card's data attributes
 */
function tapCard({ id, kicker, link: a, lines, attrs = {} }) {
  const described = lines.filter(Boolean).map((line, i) => {
    line.id = `${id}-ligne-${i}`;
    return line;
  });
  a.setAttribute('aria-describedby', described.map((l) => l.id).join(' '));
  return h('section', { class: 'card card--tap', 'aria-labelledby': `${id}-titre`, ...attrs },
    h('h2', { id: `${id}-titre`, class: 'card__kicker' }, kicker),
    h('h3', { class: 'card__title' }, a),
    described);
}

/**
 * documentCard is the newest document: its title (the link that opens
 * it), its kind and date, its format and size. A notice's amount is not
 * repeated here: the balance above says what is due.
 */
function documentCard(d) {
  return [
    tapCard({
      id: 'dernier-document',
      kicker: 'Votre dernier document',
      link: h('a', { href: fileURL(d.id), class: 'card__link', download: '', type: d.contentType || null, 'data-telecharger': d.id }, typographic(d.title)),
      lines: [
        h('p', { class: 'card__meta' }, `${documentKind[d.kind] || 'Document'}${d.date ? ` du ${longDate(d.date)}` : ''}`),
        h('p', { class: 'card__cue' }, `Ouvrir le document (${fileWords(d)})`),
      ],
      attrs: { 'data-dernier-document': d.id },
    }),
    h('p', { class: 'card-after' }, link(DOCUMENTS, 'Tous mes documents')),
  ];
}

/**
 * requestCard is the newest change request still pending (sent, or being
 * handled): its kind, its state and when it was sent, and how many more
 * are pending; the link leads to Mes demandes.
 */
function requestCard(pending) {
  const r = pending[0];
  const more = pending.length - 1;
  return tapCard({
    id: 'demande-en-cours',
    kicker: pending.length > 1 ? 'Vos demandes en cours' : 'Votre demande en cours',
    link: h('a', { href: REQUESTS, class: 'card__link' }, `Demande : ${requestKinds[r.kind] || requestKinds.other}`),
    lines: [
      h('p', { class: `request__status request__status--${r.status}`, 'data-etat': '' }, `État : ${requestStatuses[r.status] || r.status}`),
      h('p', { class: 'card__meta' }, `Envoyée le ${instantDate(r.submittedAt)}, numéro ${r.id}.`),
      more ? h('p', { class: 'card__meta' }, more === 1 ? 'Et 1 autre demande en cours.' : `Et ${more} autres demandes en cours.`) : null,
    ],
    attrs: { 'data-demande-en-cours': r.id },
  });
}

/**
 * dwellingCard is the lease: its reference (asked on the phone and on a
 * transfer), the address, the login email; the link leads to the contract.
 */
function dwellingCard(me, contract) {
  const d = contract && contract.dwelling;
  const what = d && d.type ? `Logement ${d.type}${d.residenceName ? `, ${d.residenceName}` : ''}` : 'Votre logement';
  return tapCard({
    id: 'logement',
    kicker: 'Votre logement',
    link: h('a', { href: CONTRACT, class: 'card__link' }, typographic(what)),
    lines: [
      h('div', { class: 'card__meta' }, h('address', null, addressLines(me.address).map((line, i) => (i ? [h('br'), line] : line)))),
      h('p', { class: 'card__meta' }, 'Référence client : ', h('span', { 'data-reference': '' }, me.reference)),
      h('p', { class: 'card__meta' }, 'Adresse email de votre compte : ', h('span', { class: 'card__email' }, me.email)),
      h('p', { class: 'card__cue' }, 'Voir mon contrat : loyer, charges, signataires'),
    ],
    attrs: { 'data-logement': '' },
  });
}
