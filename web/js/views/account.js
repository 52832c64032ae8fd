// Mon solde (/mon-espace/solde, once "Mon compte" at /mon-espace/compte,
// which the router still sends here): the balance in plain words, the last
// payment and the next due, and the account statement (suivi de compte)
// year by year, a page at a time, with a CSV file of the year for a
// spreadsheet, made here from the API's pages.

import { h, link, replace, focus, typo } from '../dom.js';
import { call, ApiError } from '../api.js';
import { money, decimal, balanceKind, longDate, shortDate, entryKind, typographic } from '../format.js';
import { privatePage, problemBox, toLogin } from '../space.js';
import { downloadLink, saveFile } from './documents.js';
import { transferSection } from './transfer.js';
import { payBox, leaseDebited, PAYMENTS } from '../pay.js';
import { BALANCE } from '../menu.js';

const PATH = BALANCE;
const TITLE = 'Mon solde';
/** Lines of the statement per page shown. */
const PAGE_SIZE = 12;

/** entriesPath asks for a page of one year's entries. */
function entriesPath(year, cursor, limit) {
  const q = new URLSearchParams({ from: `${year}-01-01`, to: `${year}-12-31`, limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  return `/account/entries?${q}`;
}

/**
 * historyYears lists the years of the statement, newest first, from the
 * span the account summary gives.
 */
function historyYears(account) {
  if (!account.firstEntryDate || !account.lastEntryDate) return [];
  const first = Number(account.firstEntryDate.slice(0, 4));
  const years = [];
  for (let y = Number(account.lastEntryDate.slice(0, 4)); y >= first; y--) years.push(y);
  return years;
}

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de votre solde…',
      failed: 'Votre solde n’a pas pu s’afficher',
      load: async () => {
        const [account, contract, directDebit] = await Promise.all([
          call('GET', '/account'),
          call('GET', '/contract'),
          call('GET', '/direct-debit').catch(() => null),
        ]);
        return { account, contract, directDebit, years: historyYears(account) };
      },
      show: (data) => [balanceSection(data), transferSection(data.account.transfer), certificateSection(ctx), historySection(ctx, data)],
    });
  },
};

/** balanceSection: the balance in a sentence, what it means, the last payment and the next due. */
function balanceSection({ account, contract, directDebit }) {
  const cents = account.balanceCents;
  const kind = balanceKind(cents);
  const meaning = {
    owed: [
      h('p', null, 'C’est ce qui reste à payer sur votre compte aujourd’hui. Si vous venez de payer, votre paiement apparaîtra ici dès que votre bailleur l’aura reçu : quelques jours pour un virement ou un chèque, tout de suite pour un paiement en ligne.'),
      h('p', null, 'Vous avez du mal à payer ? Parlez-en tôt à votre ', link('/mon-espace/contacts', 'gestionnaire de territoire'), ' : des solutions existent.'),
    ],
    credit: h('p', null, 'Vous avez versé plus que ce qui vous était demandé. Ce crédit reste sur votre compte et vient en déduction de vos prochaines échéances.'),
    even: h('p', null, 'Vous ne devez rien à ce jour : tout ce qui vous a été demandé est réglé.'),
  }[kind];
  const last = account.lastPayment;
  const next = account.nextDue;
  const debit = leaseDebited(contract, directDebit);
  let nextNote = null;
  if (cents > 0) nextNote = `Elle s’ajoute aux ${money(cents)} que vous devez aujourd’hui.`;
  if (cents < 0) nextNote = `Votre crédit de ${money(cents)} vient en déduction.`;
  return h('section', { class: `card balance balance--${kind}`, 'aria-labelledby': 'titre-solde' },
    h('h2', { id: 'titre-solde' }, 'Votre solde'),
    payBox({ account, debit }),
    meaning,
    h('dl', { class: 'facts' },
      h('dt', null, 'Dernier paiement reçu'),
      h('dd', { 'data-dernier-paiement': '' }, last
        ? `${money(last.amountCents)}, reçus le ${longDate(last.date)}`
        : 'Aucun paiement enregistré pour le moment.'),
      h('dt', null, 'Prochaine échéance'),
      h('dd', { 'data-prochaine-echeance': '' },
        `${money(next.amountCents)}, ${debit ? 'prélevés automatiquement' : 'à payer'} le ${longDate(next.date)}.`,
        nextNote ? [' ', nextNote] : null)),
    h('p', null, 'Vos paiements par carte et leur état : ', link(PAYMENTS, 'Mes paiements en ligne'), '.'));
}

/**
 * statementPDF is the address of the statement of a range as PDF (the
 * API's attachment): the same lines and running balance as the table.
 */
export function statementPDF(from, to) {
  return `/api/v1/account/entries.pdf?${new URLSearchParams({ from, to })}`;
}

/**
 * certificateSection asks for an attestation de situation locative (POST
 * /api/v1/certificates {kind: "tenancy"}), then downloads it; it is also
 * kept in Mes documents.
 */
function certificateSection(ctx) {
  const said = h('div', { class: 'status' });
  // The success message's live region is in the page from the start, and
  // filled once the certificate is ready, so that screen readers announce it.
  const ready = h('div', { class: 'status', role: 'status' });
  const button = h('button', { type: 'button', id: 'demander-attestation', class: 'button button--secondary' }, 'Demander une attestation de situation locative');
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled')) return;
    button.setAttribute('aria-disabled', 'true');
    button.textContent = 'Préparation de l’attestation…';
    replace(said);
    replace(ready);
    let d;
    try {
      d = await call('POST', '/certificates', { kind: 'tenancy' });
    } catch (err) {
      button.removeAttribute('aria-disabled');
      button.textContent = 'Demander une attestation de situation locative';
      if (!ctx.active()) return;
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      replace(said, problemBox(err, 'L’attestation n’a pas pu être préparée'));
      focus(said.firstChild);
      return;
    }
    button.removeAttribute('aria-disabled');
    button.textContent = 'Demander une attestation de situation locative';
    if (!ctx.active()) return;
    saveFile(d);
    replace(ready, h('div', { class: 'notice notice--success', 'data-attestation-prete': d.id },
      h('p', null, 'Votre attestation de situation locative est prête : elle s’enregistre dans vos téléchargements, et reste dans ', link('/mon-espace/documents', 'Mes documents'), '. Si rien ne s’est passé : ',
        downloadLink(d, 'button button--secondary button--small'))));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'titre-attestation' },
    h('h2', { id: 'titre-attestation' }, 'Attestation de situation locative'),
    h('p', null, 'Pour la CAF, une demande de logement ou un nouveau bailleur : elle dit que vous êtes locataire, depuis quand, et si vous êtes à jour de vos loyers. Gratuite, tout de suite, en PDF.'),
    h('div', { class: 'actions' }, button),
    said, ready);
}

/** balanceAfter writes a balance in a cell, in words. */
function balanceAfter(cents) {
  if (cents > 0) return `${money(cents)} à payer`;
  if (cents < 0) return `${money(cents)} en crédit`;
  return money(0);
}

/**
 * cellProps are a table cell's attributes: its label, shown before its
 * value on a phone, where each line of the table becomes a block. The
 * roles keep the table's meaning for screen readers when it is shown so.
 */
const cellProps = (label, extra = {}) => ({ role: 'cell', 'data-label': label, ...extra });

/** entryRow is one line of the statement. */
function entryRow(e) {
  return h('tr', { role: 'row' },
    h('td', cellProps('Date', { class: 'ledger__date' }), shortDate(e.date)),
    h('th', { scope: 'row', role: 'rowheader', class: 'ledger__label' }, typographic(e.label)),
    h('td', cellProps('Type', { class: 'ledger__kind' }), entryKind(e.kind)),
    h('td', cellProps('Débit', { class: 'num' }), e.debitCents ? money(e.debitCents) : ''),
    h('td', cellProps('Crédit', { class: 'num' }), e.creditCents ? money(e.creditCents) : ''),
    h('td', cellProps('Solde après', { class: 'num' }), balanceAfter(e.balanceAfterCents)));
}

/** historySection: the statement of one year, page after page, and its CSV file. */
function historySection(ctx, { contract, years }) {
  const section = h('section', { class: 'history', 'aria-labelledby': 'titre-suivi' },
    h('h2', { id: 'titre-suivi' }, 'Suivi de compte'),
    h('p', null, 'Toutes les opérations de votre compte : avis d’échéance, paiements, APL, régularisations de charges.'),
    h('ul', { class: 'legend' },
      h('li', null, h('strong', null, 'Débit'), ' : ce qui vous est demandé (loyer, charges, régularisation).'),
      h('li', null, h('strong', null, 'Crédit'), ' : ce que votre bailleur a reçu (vos paiements, l’APL versée par la CAF).'),
      h('li', null, h('strong', null, 'APL'), ' : aide personnalisée au logement, versée directement à votre bailleur.')));
  if (!years.length) {
    section.append(h('p', { class: 'notice' }, 'Aucune opération sur votre compte pour le moment.'));
    return section;
  }

  const asked = Number(ctx.params.get('annee'));
  let year = years.includes(asked) ? asked : years[0];
  let cursor = null;
  let shown = 0;
  let generation = 0;

  const select = h('select', { class: 'input input--short', id: 'annee', name: 'annee' },
    years.map((y) => h('option', { value: String(y), selected: y === year }, String(y))));
  const yearForm = h('form', {
    class: 'year-filter', 'aria-label': 'Choisir l’année',
    onsubmit: (event) => {
      event.preventDefault();
      year = Number(select.value);
      ctx.replaceURL(year === years[0] ? PATH : `${PATH}?annee=${year}`);
      loadYear();
    },
  },
  h('div', { class: 'field' },
    h('label', { for: 'annee' }, 'Année'),
    h('div', { class: 'inline-row' }, select, h('button', { type: 'submit', class: 'button button--secondary' }, 'Afficher'))));

  const caption = h('caption');
  const tbody = h('tbody', { role: 'rowgroup' });
  const table = h('table', { class: 'ledger', role: 'table', 'aria-describedby': 'suivi-etat', hidden: true },
    caption,
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' },
      h('th', { scope: 'col', role: 'columnheader' }, 'Date'),
      h('th', { scope: 'col', role: 'columnheader' }, 'Opération'),
      h('th', { scope: 'col', role: 'columnheader' }, 'Type'),
      h('th', { scope: 'col', role: 'columnheader', class: 'num' }, 'Débit'),
      h('th', { scope: 'col', role: 'columnheader', class: 'num' }, 'Crédit'),
      h('th', { scope: 'col', role: 'columnheader', class: 'num' }, 'Solde après l’opération'))),
    tbody);
  const empty = h('p', { class: 'notice', hidden: true });
  const problem = h('div');
  // Says what the table holds; read after each change.
  const state = h('p', { class: 'ledger-state', id: 'suivi-etat', role: 'status' });
  const more = h('button', { type: 'button', id: 'voir-plus', class: 'button button--secondary', hidden: true }, 'Voir plus d’opérations');
  const csv = h('button', { type: 'button', id: 'telecharger-releve', class: 'button button--secondary', hidden: true });
  const csvSaid = h('div', { class: 'status', role: 'status' });
  const pdf = h('a', { id: 'releve-pdf', class: 'button button--secondary', download: '', type: 'application/pdf', hidden: true });

  const busy = (button, text) => {
    button.setAttribute('aria-disabled', 'true');
    const before = button.textContent;
    button.textContent = text;
    return () => {
      button.removeAttribute('aria-disabled');
      button.textContent = before;
    };
  };

  const failed = (err, title) => {
    if (err instanceof ApiError && err.status === 401) {
      toLogin();
      return;
    }
    replace(problem, problemBox(err, title));
    focus(problem.firstChild);
  };

  const describe = (added) => {
    const word = (n) => `${n} opération${n > 1 ? 's' : ''}`;
    if (!shown) {
      state.textContent = '';
      return;
    }
    let text = cursor
      ? `${year} : les ${word(shown)} les plus récentes sont affichées. Pour les suivantes, choisissez « Voir plus d’opérations ».`
      : `${year} : ${shown > 1 ? `${word(shown)}, toutes affichées` : word(shown)}.`;
    if (added) text = `${word(added)} de plus. ${text}`;
    state.textContent = typo(text);
  };

  async function loadYear() {
    const mine = ++generation;
    replace(problem);
    replace(csvSaid);
    state.textContent = `Chargement des opérations de ${year}…`;
    let page;
    try {
      page = await call('GET', entriesPath(year, '', PAGE_SIZE));
    } catch (err) {
      if (mine !== generation || !ctx.active()) return;
      // No lines of another year under this year's name.
      shown = 0;
      cursor = null;
      state.textContent = '';
      table.hidden = true;
      more.hidden = true;
      csv.hidden = true;
      pdf.hidden = true;
      failed(err, `Les opérations de ${year} n’ont pas pu s’afficher`);
      return;
    }
    if (mine !== generation || !ctx.active()) return;
    caption.textContent = `Opérations de ${year}, de la plus récente à la plus ancienne`;
    tbody.replaceChildren(...page.entries.map(entryRow));
    shown = page.entries.length;
    cursor = page.nextCursor;
    table.hidden = shown === 0;
    empty.hidden = shown !== 0;
    empty.textContent = `Aucune opération en ${year}.`;
    more.hidden = !cursor;
    csv.hidden = shown === 0;
    csv.textContent = `Télécharger le relevé ${year} (fichier CSV)`;
    pdf.hidden = shown === 0;
    pdf.setAttribute('href', statementPDF(`${year}-01-01`, `${year}-12-31`));
    replace(pdf, 'Télécharger le relevé (PDF)', h('span', { class: 'visually-hidden' }, ` de ${year}`));
    describe(0);
  }

  more.addEventListener('click', async () => {
    if (more.getAttribute('aria-disabled') || !cursor) return;
    const mine = generation;
    const done = busy(more, 'Chargement…');
    replace(problem);
    let page;
    try {
      page = await call('GET', entriesPath(year, cursor, PAGE_SIZE));
    } catch (err) {
      done();
      if (mine === generation && ctx.active()) failed(err, 'Les opérations suivantes n’ont pas pu s’afficher');
      return;
    }
    done();
    if (mine !== generation || !ctx.active()) return;
    const rows = page.entries.map(entryRow);
    tbody.append(...rows);
    shown += rows.length;
    cursor = page.nextCursor;
    describe(rows.length);
    if (!cursor) {
      // The button goes: the focus goes to the first line just shown.
      more.hidden = true;
      if (rows.length) {
        rows[0].setAttribute('tabindex', '-1');
        focus(rows[0]);
      }
    }
  });

  csv.addEventListener('click', async () => {
    if (csv.getAttribute('aria-disabled')) return;
    const y = year;
    const done = busy(csv, 'Préparation du fichier…');
    replace(csvSaid);
    let entries;
    try {
      entries = await allEntries(y);
    } catch (err) {
      done();
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      replace(csvSaid, problemBox(err, 'Le relevé n’a pas pu être préparé'));
      return;
    }
    done();
    const name = `releve-${contract.reference}-${y}.csv`;
    download(statementCSV(entries), name);
    replace(csvSaid, h('p', { class: 'notice notice--success' },
      `Le relevé ${y} (${entries.length} opérations) est enregistré par votre navigateur dans vos téléchargements, sous le nom ${name}. Il s’ouvre avec un tableur (Excel, LibreOffice…).`));
  });

  section.append(yearForm, problem, table, empty, state,
    h('div', { class: 'actions' }, more, pdf, csv), csvSaid);
  loadYear();
  return section;
}

/** allEntries reads every page of a year's entries, newest first. */
async function allEntries(year) {
  const entries = [];
  let cursor = '';
  do {
    const page = await call('GET', entriesPath(year, cursor, 100));
    entries.push(...page.entries);
    cursor = page.nextCursor || '';
  } while (cursor);
  return entries;
}

/**
 * formulaStart matches a text that a spreadsheet would take for a formula
 * (OWASP, "CSV Injection"): one that starts with a tab or a carriage return,
 * or whose first visible character is =, +, - or @, in their ASCII,
 * fullwidth (＝＋－＠) or small (﹦﹢﹣﹫) forms, after any spaces and
 * invisible characters (zero-width spaces, joiners, byte order marks…).
 */
const formulaStart = /^(?:[\t\r]|[\s\p{Cf}\p{Default_Ignorable_Code_Point}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B])/u;

/**
 * csvCell writes one value for a French spreadsheet: quoted when it holds
 * the separator, a quote or a line break; a text that a spreadsheet would
 * take for a formula is preceded by an apostrophe.
 */
export function csvCell(value, isText) {
  let s = String(value);
  if (isText && formulaStart.test(s)) s = `'${s}`;
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * statementCSV is a year's statement as Excel opens it in France: UTF-8
 * with a byte order mark, ";" between values, decimal commas, dates as
 * JJ/MM/AAAA, lines ended by CRLF, oldest first as on a bank statement.
 */
export function statementCSV(entries) {
  const lines = [['Date', 'Opération', 'Type', 'Débit (€)', 'Crédit (€)', 'Solde après l’opération (€, négatif : crédit)']
    .map((v) => csvCell(v, true)).join(';')];
  for (const e of [...entries].reverse()) {
    lines.push([
      csvCell(shortDate(e.date)),
      csvCell(e.label, true),
      csvCell(entryKind(e.kind), true),
      e.debitCents ? decimal(e.debitCents) : '',
      e.creditCents ? decimal(e.creditCents) : '',
      decimal(e.balanceAfterCents),
    ].join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** download has the browser save a text as a file. */
function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name, class: 'visually-hidden', tabindex: '-1' });
  document.body.append(a);
  a.click();
  a.remove();
  // Long enough for the browser to have read it.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
