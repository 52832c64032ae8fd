// Mes quittances (/mon-espace/quittances): the months of a year with what
// was due and paid, in words, and for each month paid a rent receipt
// (quittance), for a month partly paid a receipt (reçu) for what was paid
// (law 89-462 art. 21). GET /api/v1/receipts?year= lists the months; POST
// /api/v1/receipts {period} makes the PDF (or finds the one already made
// with the same facts), which then downloads as any document does.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { money, parisYear, periodName, ofWord } from '../format.js';
import { privatePage, problemBox, toLogin } from '../space.js';
import { downloadLink, saveFile } from './documents.js';

export const PATH = '/mon-espace/quittances';
const TITLE = 'Mes quittances';

/** How many years back the chooser goes, at most. */
const MAX_YEARS = 10;

/** The states of a month, in words. */
export const monthStatuses = {
  paid: 'Payé',
  partial: 'Payé en partie',
  unpaid: 'Non payé',
  not_due: 'À venir',
};

/**
 * receiptWord names what a month gets: "la quittance" for a month paid, "un
 * reçu" for one partly paid, "" for none.
 * @param {{kind: string|null, status: string}} m
 */
export function receiptWord(m) {
  if (m.kind === 'rent_receipt') return 'la quittance';
  if (m.kind === 'payment_receipt') return 'un reçu';
  return '';
}

/**
 * amountSentence says what was due and paid for a month:
 * "500,00 € payés", "270,00 € payés sur 500,00 €", "500,00 € à payer",
 * "Rien à payer".
 */
export function amountSentence(m) {
  if (m.status === 'not_due') return m.dueCents > 0 ? `${money(m.dueCents)} à payer` : 'Montant pas encore connu';
  if (m.dueCents <= 0) return 'Rien à payer ce mois-ci';
  if (m.status === 'paid') return `${money(m.dueCents)} payés`;
  if (m.status === 'partial') return `${money(m.paidCents)} payés sur ${money(m.dueCents)}`;
  return `${money(m.dueCents)} restant à payer`;
}

/** monthNote says why a month gets nothing yet, or what its reçu is. */
export function monthNote(m) {
  switch (m.status) {
    case 'partial':
      return 'Ce mois n’est pas entièrement payé : vous pouvez obtenir un reçu pour ce qui a été payé. La quittance sera disponible quand le mois sera réglé en entier.';
    case 'unpaid':
      return 'Rien n’est encore payé pour ce mois : ni quittance ni reçu pour l’instant. Ils seront disponibles ici dès que votre paiement sera reçu.';
    case 'not_due':
      return 'L’échéance de ce mois n’est pas encore arrivée. La quittance sera disponible ici une fois le mois payé.';
    default:
      return '';
  }
}

/** receiptsPath asks for a year's months. */
export function receiptsPath(year) {
  return `/receipts?year=${encodeURIComponent(String(year))}`;
}

/**
 * yearsOffered: this year back to the later of the lease's start and the
 * online history's first year (historyFrom, AAAA-MM), 10 at most, newest first.
 */
function yearsOffered(contract, asked, historyFrom) {
  const now = parisYear();
  let start = contract && /^\d{4}/.test(contract.startDate || '') ? Number(contract.startDate.slice(0, 4)) : now - 1;
  if (/^\d{4}-\d{2}$/.test(historyFrom || '')) start = Math.max(start, Number(historyFrom.slice(0, 4)));
  const years = new Set();
  for (let y = now; y >= Math.max(start, now - MAX_YEARS + 1); y--) years.add(y);
  if (asked) years.add(asked);
  return [...years].sort((a, b) => b - a);
}

export default {
  title: TITLE,
  render(ctx) {
    const asked = /^20\d\d$/.test(ctx.params.get('annee') || '') ? Number(ctx.params.get('annee')) : 0;
    const year = asked || parisYear();
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de vos quittances…',
      failed: 'Vos quittances n’ont pas pu s’afficher',
      load: async () => {
        // The contract only gives the years to offer: without it, the page shows.
        const [receipts, contract] = await Promise.all([
          call('GET', receiptsPath(year)),
          call('GET', '/contract').catch(() => null),
        ]);
        return { receipts, contract };
      },
      show: ({ receipts, contract }) => [
        h('p', { class: 'lead' }, 'Télécharger vos duplicatas de quittances : pour chaque mois entièrement payé, votre quittance de loyer, gratuite, en PDF. Elle s’enregistre dans les téléchargements de votre appareil et reste dans ', link('/mon-espace/documents', 'Mes documents'), '.'),
        months(ctx, year, receipts, yearsOffered(contract, year, receipts && receipts.historyFrom)),
      ],
    });
  },
};

/** months: the year chooser, the rule of the oldest debt where it matters, and the year's months. */
function months(ctx, firstYear, first, years) {
  let year = firstYear;
  let generation = 0;
  const select = h('select', { class: 'input input--short', id: 'annee', name: 'annee' },
    years.map((y) => h('option', { value: String(y), selected: y === year }, String(y))));
  const chooser = h('form', {
    class: 'year-filter', 'aria-label': 'Choisir l’année',
    onsubmit: (event) => {
      event.preventDefault();
      year = Number(select.value);
      ctx.replaceURL(year === parisYear() ? PATH : `${PATH}?annee=${year}`);
      load();
    },
  },
  h('div', { class: 'field' },
    h('label', { for: 'annee' }, 'Année'),
    h('div', { class: 'inline-row' }, select, h('button', { type: 'submit', class: 'button button--secondary' }, 'Afficher'))));

  const problem = h('div');
  const state = h('p', { class: 'ledger-state', id: 'quittances-etat', role: 'status' });
  const rule = h('div', { class: 'notice', id: 'regle-imputation', hidden: true },
    h('p', null, h('strong', null, 'Un paiement règle d’abord la dette la plus ancienne'), ' (article 1342-10 du Code civil) : s’il restait une somme due sur un mois précédent (une régularisation de charges, par exemple), votre paiement l’a réglée en premier. Le mois de ce paiement peut alors rester payé en partie : vous obtenez un reçu pour ce mois, et sa quittance quand tout ce qui précède est réglé.'));
  const history = h('p', { class: 'muted', id: 'historique', hidden: true });
  const list = h('ol', { class: 'months', 'aria-labelledby': 'titre-mois' });
  const heading = h('h2', { id: 'titre-mois' });

  const show = (data) => {
    const all = Array.isArray(data && data.months) ? data.months : [];
    // Newest first, as the other lists of the space.
    const shown = [...all].sort((a, b) => (a.period < b.period ? 1 : -1));
    heading.textContent = `Vos mois de ${year}`;
    const from = data && typeof data.historyFrom === 'string' ? data.historyFrom : '';
    history.hidden = !from;
    history.replaceChildren(...(from
      ? [`Votre historique en ligne commence en ${periodName(from)} : les mois plus anciens n’y figurent pas. Pour une quittance plus ancienne, contactez votre `,
        link('/mon-espace/contacts', 'gestionnaire'), '.']
      : []));
    list.replaceChildren(...shown.map((m) => monthCard(ctx, m)));
    rule.hidden = !shown.some((m) => m.status === 'partial' || m.status === 'unpaid');
    const paid = shown.filter((m) => m.kind === 'rent_receipt').length;
    state.textContent = shown.length
      ? `${year} : ${shown.length} mois, dont ${paid} avec une quittance disponible.`
      : `Aucun mois de location en ${year}.`;
  };

  async function load() {
    const mine = ++generation;
    replace(problem);
    state.textContent = `Chargement des mois de ${year}…`;
    let data;
    try {
      data = await call('GET', receiptsPath(year));
    } catch (err) {
      if (mine !== generation || !ctx.active()) return;
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      list.replaceChildren();
      state.textContent = '';
      replace(problem, problemBox(err, `Les mois de ${year} n’ont pas pu s’afficher`));
      focus(problem.firstChild);
      return;
    }
    if (mine !== generation || !ctx.active()) return;
    show(data);
  }

  show(first);
  return h('section', { class: 'receipts', 'aria-label': 'Vos quittances' },
    chooser, history, problem, rule, state, heading, list,
    h('p', { class: 'muted' }, 'Une quittance n’est délivrée que pour un mois entièrement payé, loyer et charges. Pour un mois payé en partie, le reçu indique ce qui a été payé.'));
}

/** monthCard is one month: its state, the amounts, and its receipt's button. */
function monthCard(ctx, m) {
  const name = periodName(m.period);
  const word = receiptWord(m);
  const said = h('div', { class: 'month__said' });
  // The success message's live region is in the page from the start, and
  // filled once the receipt is ready, so that screen readers announce it.
  const ready = h('div', { class: 'month__said', role: 'status' });
  const note = monthNote(m);
  let button = null;
  if (word) {
    const label = word === 'la quittance' ? 'Obtenir la quittance' : 'Obtenir un reçu';
    button = h('button', { type: 'button', class: 'button button--small', 'data-obtenir': m.kind },
      label, h('span', { class: 'visually-hidden' }, ` ${ofWord(name)}`));
    let busy = false;
    button.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      button.setAttribute('aria-disabled', 'true');
      const before = [...button.childNodes];
      button.replaceChildren('Préparation…');
      replace(said);
      replace(ready);
      let d;
      try {
        d = await call('POST', '/receipts', { period: m.period });
      } catch (err) {
        button.replaceChildren(...before);
        button.removeAttribute('aria-disabled');
        busy = false;
        if (!ctx.active()) return;
        if (err instanceof ApiError && err.status === 401) {
          toLogin();
          return;
        }
        replace(said, problemBox(err, word === 'la quittance' ? 'La quittance n’a pas pu être préparée' : 'Le reçu n’a pas pu être préparé'));
        focus(said.firstChild);
        return;
      }
      button.replaceChildren(...before);
      button.removeAttribute('aria-disabled');
      busy = false;
      if (!ctx.active()) return;
      saveFile(d);
      replace(ready, h('div', { class: 'notice notice--success', 'data-pret': d.id },
        h('p', null, `${word === 'la quittance' ? 'Votre quittance' : 'Votre reçu'} ${ofWord(name)} est prêt${word === 'la quittance' ? 'e' : ''} : ${word === 'la quittance' ? 'elle' : 'il'} s’enregistre dans vos téléchargements. Si rien ne s’est passé : `,
          downloadLink(d, 'button button--secondary button--small'))));
    });
  }
  return h('li', { class: `card month month--${m.status}`, 'data-mois': m.period },
    h('h3', null, name.charAt(0).toUpperCase() + name.slice(1)),
    h('p', { class: `month__status month__status--${m.status}`, 'data-etat': m.status },
      h('span', { class: 'visually-hidden' }, 'État : '), monthStatuses[m.status] || m.status),
    h('p', { class: 'month__amounts', 'data-montants': '' }, amountSentence(m)),
    note ? h('p', { class: 'month__note' }, note) : null,
    button ? h('p', { class: 'month__action' }, button) : null,
    said, ready);
}
