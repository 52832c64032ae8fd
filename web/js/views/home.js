// Accueil (/mon-espace): the logged-in tenant's home: the newest rent notice
// with what it asks, the lease, the balance in a sentence, and the sections
// of the space. Its data come from GET /api/v1/me, /account, /documents and
// /contract (sent no-store) and are never stored.

import { h, link } from '../dom.js';
import { call } from '../api.js';
import { addressLines } from '../content.js';
import { balanceKind, periodName, ofWord } from '../format.js';
import { PATH as DOCUMENTS, downloadLink, dueSentence } from './documents.js';
import { privatePage, logoutButton, spacePages, comingPages, HOME } from '../space.js';
import { payBox, leaseDebited } from '../pay.js';

const TITLE = 'Accueil de votre espace';

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
        // The balance and the notice are a bonus on this page: without
        // them, the rest shows.
        const [me, account, notices, contract, directDebit] = await Promise.all([
          call('GET', '/me'),
          call('GET', '/account').catch(() => null),
          call('GET', '/documents?kind=notice').catch(() => null),
          call('GET', '/contract').catch(() => null),
          call('GET', '/direct-debit').catch(() => null),
        ]);
        const notice = notices && Array.isArray(notices.documents) ? notices.documents[0] || null : null;
        return { me, account, notice, debit: leaseDebited(contract, directDebit) };
      },
      show: ({ me, account, notice, debit }, { said }) => [
        h('p', { class: 'lead' }, 'Bienvenue dans votre espace locataire.'),
        notice ? noticeCard(notice, debit) : null,
        balanceCard(account, debit),
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
        h('ul', { class: 'sections' }, spacePages.map((p, i) => h('li', null,
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
        h('h2', null, 'Besoin d’aide ?'),
        h('p', null, 'Consultez la page ', link('/assistance', 'Assistance'), '.'),
        h('div', { class: 'actions' }, logoutButton(said, 'button button--secondary')),
      ],
    });
  },
};

/**
 * balanceCard is the balance in a sentence, with "Payer" beside it when
 * something is owed or due soon, and the way to the account's details; a
 * word of it when it did not load.
 */
function balanceCard(account, debit) {
  const loaded = account && typeof account.balanceCents === 'number';
  return h('section', { class: `card card--balance card--balance-${loaded ? balanceKind(account.balanceCents) : 'unknown'}`, 'aria-labelledby': 'titre-solde' },
    h('h2', { id: 'titre-solde' }, 'Votre solde'),
    loaded
      ? payBox({ account, debit, sentenceClass: `balance-line balance-line--${balanceKind(account.balanceCents)}` })
      : h('p', { class: 'muted' }, 'Votre solde n’a pas pu s’afficher : ouvrez « Mon solde » pour le voir.'),
    h('p', null, link('/mon-espace/solde', 'Voir le détail de mon solde'), ' · ', link('/mon-espace/paiements', 'Mes paiements en ligne')));
}

/**
 * noticeCard is the newest rent notice: its period, what it asks and by
 * when, its download, and the way to every document.
 */
function noticeCard(d, debit) {
  const due = dueSentence(d, debit);
  return h('section', { class: 'card card--notice', 'aria-labelledby': 'titre-avis', 'data-dernier-avis': '' },
    h('h2', { id: 'titre-avis' }, d.period ? `Votre avis d’échéance ${ofWord(periodName(d.period))}` : 'Votre dernier avis d’échéance'),
    due ? h('p', { class: 'notice-due', 'data-a-payer': '' }, due) : null,
    h('div', { class: 'actions' },
      downloadLink(d, 'button'),
      h('a', { href: DOCUMENTS, class: 'button button--secondary' }, 'Tous mes documents')));
}
