// Mes documents (/mon-espace/documents): the rent notices (avis d'échéance)
// issued for the lease, the receipts and certificates made on request (Mes
// quittances, Mon solde) and the landlord's useful documents, newest first,
// grouped by year, filtered by kind and year, a page at a time. Each one
// downloads through GET /api/v1/documents/{id}/file, which answers with a
// short-lived address of the file once it has checked the document is the
// tenant's. The emailed link to a new notice opens /documents.html, which
// leads here.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { money, longDate, parisYear, parisToday, documentKinds, fileSize, fileType } from '../format.js';
import { privatePage, problemBox, toLogin } from '../space.js';

export const PATH = '/mon-espace/documents';
const TITLE = 'Mes documents';

/** The kind filter as the address says it (?type=avis), and the API's kind. */
const kindWords = {
  avis: 'notice', quittances: 'rent_receipt', recus: 'payment_receipt', attestations: 'tenancy_certificate', mandats: 'sepa_mandate',
  utiles: 'landlord',
};

/** Documents made on request, and the page where they are asked for. */
const onRequest = {
  rent_receipt: ['Aucune quittance', 'Vos quittances s’obtiennent, mois par mois, dans ', '/mon-espace/quittances', 'Mes quittances'],
  payment_receipt: ['Aucun reçu', 'Un reçu s’obtient pour un mois payé en partie, dans ', '/mon-espace/quittances', 'Mes quittances'],
  tenancy_certificate: ['Aucune attestation', 'Une attestation de situation locative se demande dans ', '/mon-espace/solde', 'Mon solde'],
  sepa_mandate: ['Aucun mandat de prélèvement', 'Un mandat de prélèvement SEPA se signe dans ', '/mon-espace/prelevement', 'Prélèvement automatique'],
};

/** How many years back the year filter goes, at most. */
const MAX_YEARS = 10;

/**
 * documentsPath asks for a page of the list.
 * @param {{kind?: string, year?: string, cursor?: string}} q the API's kind, a year (AAAA) and a cursor, each optional
 */
export function documentsPath({ kind = '', year = '', cursor = '' } = {}) {
  const q = new URLSearchParams();
  if (kind) q.set('kind', kind);
  if (year) q.set('year', year);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `/documents?${s}` : '/documents';
}

/** fileURL is where a document downloads: the API answers with a redirect to the file. */
export function fileURL(id) {
  return `/api/v1/documents/${encodeURIComponent(id)}/file`;
}

/** fileWords says a file's format and size: "PDF, 34 Ko". */
export function fileWords(d) {
  return `${fileType(d.contentType)}, ${fileSize(d.sizeBytes)}`;
}

/**
 * downloadLink downloads a document. Its text starts with what it does and
 * ends with the format and size; the document's title, for a screen
 * reader's list of links, is in between and not shown (the card shows it).
 */
export function downloadLink(d, cls = 'button button--secondary button--small') {
  return h('a', { href: fileURL(d.id), class: cls, download: '', type: d.contentType || null, 'data-telecharger': d.id },
    'Télécharger', h('span', { class: 'visually-hidden' }, ` « ${d.title} »`), ` (${fileWords(d)})`);
}

/**
 * saveFile has the browser download a document now, as its link would: a
 * document just made on request (a receipt, a certificate) is saved at
 * once, and the page also shows its link in case the browser held it back.
 */
export function saveFile(d) {
  const a = h('a', { href: fileURL(d.id), download: '', class: 'visually-hidden', tabindex: '-1' });
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * dueSentence says what a notice asks: "850,00 € à payer avant le
 * 1er décembre 2026", or, for a direct-debit lease, when it is debited.
 * Once the due date is past, it only says what was asked and when, so that
 * an old notice never reads as a debt today. Empty when the document says
 * no amount.
 * @param {any} d a document
 * @param {boolean} debit whether the lease pays by direct debit
 * @param {string} [today] "AAAA-MM-JJ" in Paris
 */
export function dueSentence(d, debit, today = parisToday()) {
  if (typeof d.amountDueCents !== 'number') return '';
  const when = d.dueDate ? longDate(d.dueDate) : '';
  const past = !!d.dueDate && d.dueDate < today;
  if (d.amountDueCents <= 0) return past ? 'Rien n’était à payer pour cette échéance.' : 'Rien à payer pour cette échéance : votre compte la couvre déjà.';
  if (debit) return `${money(d.amountDueCents)}, ${past ? 'prélevés' : 'prélevés automatiquement'}${when ? ` le ${when}` : ''}`;
  if (past) return `${money(d.amountDueCents)} demandés pour le ${when}`;
  return `${money(d.amountDueCents)} à payer${when ? ` avant le ${when}` : ''}`;
}

/**
 * yearOf is the year a document is filed under, as the API's year filter
 * reads it: its period's when it has one (a January notice issued in
 * December is in its own year), else its date's; "" when neither says.
 */
export function yearOf(d) {
  if (/^\d{4}-\d{2}$/.test(d.period || '')) return d.period.slice(0, 4);
  return /^\d{4}/.test(d.date || '') ? d.date.slice(0, 4) : '';
}

/** yearsOffered lists the years of the filter, newest first: this year back to the lease's start (10 at most). */
function yearsOffered(contract, documents, asked) {
  const now = parisYear();
  const start = contract && /^\d{4}/.test(contract.startDate || '') ? Number(contract.startDate.slice(0, 4)) : now;
  const years = new Set();
  for (let y = now; y >= Math.max(start, now - MAX_YEARS + 1); y--) years.add(y);
  for (const d of documents) if (yearOf(d)) years.add(Number(yearOf(d)));
  if (asked) years.add(asked);
  return [...years].sort((a, b) => b - a);
}

export default {
  title: TITLE,
  render(ctx) {
    const askedKind = kindWords[ctx.params.get('type') || ''] ? ctx.params.get('type') : '';
    // The API's years are 2000 to 2099; another one in the address is ignored.
    const askedYear = /^20\d\d$/.test(ctx.params.get('annee') || '') ? Number(ctx.params.get('annee')) : 0;
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de vos documents…',
      failed: 'Vos documents n’ont pas pu s’afficher',
      load: async () => {
        // The contract and the preferences only help (the years to offer,
        // direct debit, the paperless line): without them, the list shows.
        const [page, contract, prefs] = await Promise.all([
          call('GET', documentsPath({ kind: kindWords[askedKind] || '', year: askedYear ? String(askedYear) : '' })),
          call('GET', '/contract').catch(() => null),
          call('GET', '/preferences').catch(() => null),
        ]);
        return { page, contract, prefs };
      },
      show: ({ page, contract, prefs }) => [
        h('p', { class: 'lead' }, 'Vos avis d’échéance, chaque mois, les quittances et attestations que vous avez obtenues, vos mandats de prélèvement signés en ligne, et les documents utiles de votre bailleur. Chaque document se télécharge en PDF : il s’enregistre dans les téléchargements de votre appareil.'),
        list(ctx, page, contract, askedKind, askedYear),
        paperlessLine(prefs),
      ],
    });
  },
};

/**
 * paperlessLine invites a tenant who receives paper notices to go
 * paperless, and tells a paperless one how it works; nothing when the
 * preferences did not load (an invitation could then be wrong).
 */
function paperlessLine(prefs) {
  if (!prefs) return null;
  const prefsLink = link('/mon-espace/preferences', 'Mes préférences');
  if (prefs.paperless) {
    return h('p', { 'data-sans-papier': 'oui' }, 'Vous recevez vos avis d’échéance sans papier : un email vous prévient quand un nouvel avis arrive ici. Pour changer ce choix : ', prefsLink, '.');
  }
  return h('p', { 'data-sans-papier': 'non' }, 'Recevoir vos avis d’échéance sans papier, avec un email chaque mois : ', prefsLink, '.');
}

/** documentsLink is /documents.html when the app answers it: it goes on to Mes documents. */
export const documentsLink = {
  title: TITLE,
  render() {
    location.replace(PATH);
    return [h('h1', null, TITLE), h('p', { class: 'loading', role: 'status' }, 'Ouverture de vos documents…')];
  },
};

/** list: the filter, the documents by year, « Afficher plus », and what is shown in words. */
function list(ctx, first, contract, askedKind, askedYear) {
  const debit = !!contract && contract.paymentMethod === 'direct_debit';
  let kindWord = askedKind;
  let year = askedYear;
  let cursor = first.nextCursor || null;
  let shown = 0;
  let generation = 0;
  /** @type {Map<string, HTMLElement>} the list of each year shown */
  const groups = new Map();

  const kindSelect = h('select', { class: 'input', id: 'type', name: 'type' },
    h('option', { value: '' }, 'Tous les documents'),
    Object.entries(kindWords).map(([word, kind]) => h('option', { value: word, selected: word === kindWord }, documentKinds[kind])));
  const yearSelect = h('select', { class: 'input input--short', id: 'annee', name: 'annee' },
    h('option', { value: '' }, 'Toutes les années'),
    yearsOffered(contract, first.documents, askedYear).map((y) => h('option', { value: String(y), selected: y === year }, String(y))));
  const filter = h('form', {
    class: 'doc-filter', 'aria-label': 'Choisir les documents à afficher',
    onsubmit: (event) => {
      event.preventDefault();
      kindWord = kindSelect.value;
      year = Number(yearSelect.value) || 0;
      const q = new URLSearchParams();
      if (kindWord) q.set('type', kindWord);
      if (year) q.set('annee', String(year));
      ctx.replaceURL(q.toString() ? `${PATH}?${q}` : PATH);
      load();
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'type' }, 'Type de document'), kindSelect),
  h('div', { class: 'field' }, h('label', { for: 'annee' }, 'Année'), yearSelect),
  h('div', { class: 'field doc-filter__submit' }, h('button', { type: 'submit', class: 'button button--secondary' }, 'Afficher')));

  const groupsRoot = h('div', { class: 'doc-years' });
  const problem = h('div');
  // Says what the list holds, or that it is empty; read after each change.
  const state = h('div', { class: 'doc-state', id: 'documents-etat', role: 'status' });
  const more = h('button', { type: 'button', id: 'afficher-plus', class: 'button button--secondary', hidden: true }, 'Afficher plus de documents');

  /** what names the documents asked for, when a filter is chosen: "Avis d’échéance de 2026 : ". */
  const what = () => {
    const kind = kindWords[kindWord];
    if (!kind && !year) return '';
    const noun = kind ? documentKinds[kind] : 'Documents';
    return `${year ? `${noun} de ${year}` : noun} : `;
  };

  const describe = (added) => {
    if (!shown) {
      replace(state, emptyState(kindWords[kindWord] || '', year));
      return;
    }
    const word = (n) => `${n} document${n > 1 ? 's' : ''}`;
    let text = cursor
      ? `${what()}les ${word(shown)} les plus récents sont affichés. Pour les suivants, choisissez « Afficher plus de documents ».`
      : `${what()}${word(shown)}, ${shown > 1 ? 'tous affichés' : 'affiché'}.`;
    text = text.charAt(0).toUpperCase() + text.slice(1);
    if (added) text = `${word(added)} de plus. ${text}`;
    replace(state, h('p', null, text));
  };

  /** add shows documents under their year; returns their cards. */
  const add = (documents) => documents.map((d) => {
    const y = yearOf(d);
    let ul = groups.get(y);
    if (!ul) {
      const id = `annee-${y || 'sans-date'}`;
      ul = h('ul', { class: 'documents', 'aria-labelledby': id });
      groups.set(y, ul);
      groupsRoot.append(h('section', { class: 'doc-year', 'aria-labelledby': id },
        h('h2', { id }, y || 'Sans date'), ul));
    }
    const card = documentCard(d, debit);
    ul.append(card);
    return card;
  });

  const show = (page) => {
    groups.clear();
    groupsRoot.replaceChildren();
    const cards = add(page.documents || []);
    shown = cards.length;
    cursor = page.nextCursor || null;
    more.hidden = !cursor;
    describe(0);
  };

  const failed = (err, title) => {
    if (err instanceof ApiError && err.status === 401) {
      toLogin();
      return;
    }
    replace(problem, problemBox(err, title));
    focus(problem.firstChild);
  };

  async function load() {
    const mine = ++generation;
    replace(problem);
    replace(state, h('p', null, 'Chargement des documents…'));
    let page;
    try {
      page = await call('GET', documentsPath({ kind: kindWords[kindWord] || '', year: year ? String(year) : '' }));
    } catch (err) {
      if (mine !== generation || !ctx.active()) return;
      // No documents of another choice under this one's name.
      shown = 0;
      cursor = null;
      groups.clear();
      groupsRoot.replaceChildren();
      replace(state);
      more.hidden = true;
      failed(err, 'Les documents n’ont pas pu s’afficher');
      return;
    }
    if (mine !== generation || !ctx.active()) return;
    show(page);
  }

  more.addEventListener('click', async () => {
    if (more.getAttribute('aria-disabled') || !cursor) return;
    const mine = generation;
    more.setAttribute('aria-disabled', 'true');
    more.textContent = 'Chargement…';
    replace(problem);
    let page;
    try {
      page = await call('GET', documentsPath({ kind: kindWords[kindWord] || '', year: year ? String(year) : '', cursor }));
    } catch (err) {
      if (mine === generation && ctx.active()) failed(err, 'Les documents suivants n’ont pas pu s’afficher');
      return;
    } finally {
      more.removeAttribute('aria-disabled');
      more.textContent = 'Afficher plus de documents';
    }
    if (mine !== generation || !ctx.active()) return;
    const cards = add(page.documents || []);
    shown += cards.length;
    cursor = page.nextCursor || null;
    describe(cards.length);
    if (!cursor) {
      // The button goes: the focus goes to the first document just shown.
      more.hidden = true;
      if (cards.length) focus(cards[0]);
    }
  });

  show(first);
  return h('section', { class: 'doc-list', 'aria-label': 'Vos documents' },
    filter, problem, state, groupsRoot, h('div', { class: 'actions' }, more));
}

/** emptyState says that nothing matches, and what to expect or do. */
function emptyState(kind, year) {
  const first = 'Votre premier avis d’échéance arrivera ici dès qu’il sera émis, chaque mois avant sa date d’échéance. Si vous avez choisi de le recevoir sans papier, un email vous préviendra.';
  if (onRequest[kind]) {
    const [none, where, path, title] = onRequest[kind];
    return h('div', { class: 'notice', 'data-vide': '' },
      h('p', { class: 'notice__title' }, year ? `${none} en ${year}.` : `${none} pour l’instant.`),
      h('p', null, where, link(path, title), '. Les documents obtenus s’ajoutent ensuite ici.'));
  }
  if (!year && kind !== 'landlord') {
    return h('div', { class: 'notice', 'data-vide': '' },
      h('p', { class: 'notice__title' }, kind ? 'Aucun avis d’échéance pour l’instant.' : 'Aucun document pour l’instant.'),
      h('p', null, first));
  }
  const noun = { notice: 'Aucun avis d’échéance', landlord: 'Aucun document utile' }[kind] || 'Aucun document';
  return h('div', { class: 'notice', 'data-vide': '' },
    h('p', { class: 'notice__title' }, year ? `${noun} en ${year}.` : `${noun} pour l’instant.`),
    h('p', null, year
      ? 'Choisissez une autre année, ou « Toutes les années », puis « Afficher ».'
      : 'Choisissez « Tous les documents », puis « Afficher ».'));
}

/** documentCard is one document: its title, kind, date, what it asks (a notice), and its download. */
function documentCard(d, debit) {
  const due = d.kind === 'notice' ? dueSentence(d, debit) : '';
  return h('li', { class: 'card document', 'data-document': d.id },
    h('h3', null, d.title),
    h('p', { class: 'document__meta' },
      documentKinds[d.kind] || 'Document', d.date ? ` · ${d.kind === 'landlord' ? 'publié' : 'émis'} le ${longDate(d.date)}` : ''),
    due ? h('p', { class: 'document__due', 'data-a-payer': '' }, due) : null,
    h('p', { class: 'document__download' }, downloadLink(d)));
}
