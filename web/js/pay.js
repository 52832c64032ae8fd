// Paying online: the "Payer" button beside the balance (home, Mon solde,
// Mes paiements en ligne) and its small form, which starts a payment
// (POST /api/v1/payments {amountCents} with an Idempotency-Key) and sends
// the tenant to the provider's payment page (checkoutUrl); the provider
// sends them back to Mes paiements en ligne (/mon-espace/paiements?paiement=<id>).
//
// One attempt, one key (draft-ietf-httpapi-idempotency-key-header): the key
// is drawn when the form opens and kept until the API answers, so that a
// double tap, or a retry after the answer was lost (network cut, 5xx), makes
// one payment, not two. A problem the API answered (a 4xx) ends the attempt:
// the next one gets a new key, and so does another amount.

import { h, replace, focus } from './dom.js';
import { call, ApiError } from './api.js';
import { field, form, clearErrors, setFieldError, showSummary, showProblem } from './form.js';
import { money, longDate, balanceSentence, balanceKind, parisToday } from './format.js';
import { toLogin } from './space.js';

/** PAYMENTS is the page of the tenant's payments, where the provider sends them back. */
export const PAYMENTS = '/mon-espace/paiements';

/** MIN_CENTS is the smallest amount paid online (payment.MinCents, 1 €). */
export const MIN_CENTS = 100;

/** How many days before a due date "Payer" shows when nothing is owed yet. */
const SOON_DAYS = 15;

/**
 * daysUntil counts the days from today in Paris to a day "AAAA-MM-JJ"
 * (negative when past).
 */
export function daysUntil(day, now = new Date()) {
  const a = Date.parse(`${parisToday(now)}T00:00:00Z`);
  const b = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(b) ? Infinity : Math.round((b - a) / 86400000);
}

/**
 * payPlan says whether to offer "Payer" and for how much, from the account
 * summary (GET /account: balanceCents, nextDue {date, amountCents}): what
 * is owed plus the next due, offered when something is owed or the next
 * due is within SOON_DAYS days. A tenant paying by direct debit gets only
 * what is owed: the next due will be debited.
 * creditCents is the credit taken off the next due (nextCents is the due
 * less it).
 * @returns {null | {owedCents: number, nextCents: number, nextDate: string, defaultCents: number, creditCents: number}}
 */
export function payPlan(account, debit, now = new Date()) {
  if (!account || typeof account.balanceCents !== 'number') return null;
  const owedCents = Math.max(0, account.balanceCents);
  const next = account.nextDue;
  let nextCents = 0;
  let creditCents = 0;
  if (!debit && next && next.amountCents > 0 && daysUntil(next.date, now) <= SOON_DAYS) {
    // A credit comes off the next due.
    creditCents = Math.min(next.amountCents, Math.max(0, -account.balanceCents));
    nextCents = next.amountCents - creditCents;
  }
  const defaultCents = owedCents + nextCents;
  if (defaultCents < MIN_CENTS) return null;
  return { owedCents, nextCents, nextDate: nextCents ? next.date : '', defaultCents, creditCents: nextCents ? creditCents : 0 };
}

/**
 * leaseDebited says whether the lease's dues are debited: its payment
 * method in the landlord's books (GET /contract: paymentMethod
 * direct_debit), or an active mandate signed in the portal (GET
 * /direct-debit: current). Either may be null (not loaded). The API's
 * default amount follows the same rule (payment.DefaultCents).
 */
export function leaseDebited(contract, directDebit) {
  if (contract && contract.paymentMethod === 'direct_debit') return true;
  const m = directDebit && directDebit.current;
  return !!m && m.status === 'active';
}

/**
 * parseEuros reads an amount as a tenant types it ("350", "350,00",
 * "1 234,5", "350 €", "350.00") as cents, or NaN.
 */
export function parseEuros(text) {
  const s = String(text || '').replace(/[\s\u00a0\u202f€]/g, '').replace(/\.(?=\d{3}(?:[.,]|$))/g, '');
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

/** inputEuros writes cents for the amount field: "350,00" (no thousands separator, no €). */
export function inputEuros(cents) {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** newKey draws an Idempotency-Key: a random UUID. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * checkoutTarget is where to send the tenant: the API's checkoutUrl, if
 * it is an https page or one of this site (the local stack's sandbox
 * checkout); anything else is refused.
 */
export function checkoutTarget(url) {
  let u;
  try {
    u = new URL(url, location.origin);
  } catch {
    return '';
  }
  if (u.protocol === 'https:' || u.origin === location.origin) return u.href;
  return '';
}

/**
 * balanceStatement says the balance with its amount: "Votre solde :
 * 0,00 €, votre compte est à jour." / "… 350,00 € à payer." / "… 25,50 € en crédit."
 */
export function balanceStatement(cents) {
  const words = { owed: 'à payer', credit: 'en crédit', even: 'votre compte est à jour' }[balanceKind(cents)];
  return `Votre solde : ${money(cents)}${cents === 0 ? ', ' : ' '}${words}.`;
}

/**
 * payBox is the balance in a sentence with the "Payer" button beside it,
 * which opens the amount's form below; without a plan (nothing owed, no
 * due soon) the sentence alone. One a page (its form's ids are fixed).
 * @param {object} o
 * @param {any} o.account GET /account's answer
 * @param {boolean} o.debit the lease pays by direct debit
 * @param {string} [o.sentenceClass] the sentence's class
 * @param {any} [o.details] what follows the sentence (the home page's next due), before the form
 */
export function payBox({ account, debit, sentenceClass = 'balance__sentence', details = null }) {
  const cents = account.balanceCents;
  const sentence = h('p', { class: sentenceClass, id: 'phrase-solde', 'data-solde': '' }, balanceSentence(cents));
  const plan = payPlan(account, debit);
  if (!plan) return h('div', { class: 'pay-box' }, sentence, details);
  const formId = 'paiement-formulaire';
  const slot = h('div', { id: formId, class: 'pay-form', hidden: true });
  const button = h('button', {
    type: 'button', class: 'button pay-button', 'aria-expanded': 'false', 'aria-controls': formId,
    'aria-describedby': 'phrase-solde', 'data-payer': '',
  }, 'Payer');
  const show = () => {
    button.setAttribute('aria-expanded', 'true');
    slot.hidden = false;
    replace(slot, payForm(plan, () => {
      button.setAttribute('aria-expanded', 'false');
      slot.hidden = true;
      replace(slot);
      focus(button);
    }));
    focus(slot.querySelector('input'));
  };
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-expanded') === 'true') return focus(slot.querySelector('input'));
    show();
  });
  return h('div', { class: 'pay-box' }, h('div', { class: 'pay-row' }, sentence, button), details, slot);
}

/**
 * payForm asks the amount, prefilled with the plan's, then starts the
 * payment and leaves for the payment page.
 */
function payForm(plan, close) {
  const parts = plan.nextCents && plan.owedCents
    ? `${money(plan.owedCents)} que vous devez aujourd’hui, plus ${money(plan.nextCents)} de l’échéance du ${longDate(plan.nextDate)}.`
    : plan.nextCents
      ? (plan.creditCents
        ? `Échéance du ${longDate(plan.nextDate)} : ${money(plan.nextCents + plan.creditCents)}, votre crédit de ${money(plan.creditCents)} vient en déduction.`
        : `L’échéance du ${longDate(plan.nextDate)} : ${money(plan.nextCents)}.`)
      : `Ce que vous devez aujourd’hui : ${money(plan.owedCents)}.`;
  const amount = field({
    name: 'amountCents', label: 'Montant à payer, en euros',
    hint: [parts, ` Vous pouvez changer le montant : au moins ${money(MIN_CENTS)}.`],
    inputmode: 'decimal', autocomplete: 'transaction-amount', short: true,
    value: inputEuros(plan.defaultCents),
    attrs: { 'data-montant': '', spellcheck: 'false' },
  });
  const said = h('div', { class: 'status', role: 'status' });

  // The attempt: its key, and the amount it was first sent with.
  let key = newKey();
  let keyCents = null;
  let leaving = false;

  const f = form({
    label: 'Payer en ligne',
    submit: 'Continuer vers le paiement',
    after: h('button', { type: 'button', class: 'button button--secondary', onclick: close }, 'Annuler'),
    onsubmit: async (el) => {
      if (leaving) return;
      clearErrors(el);
      const cents = parseEuros(amount.input.value);
      let problem = '';
      if (Number.isNaN(cents)) problem = 'Écrivez un montant en euros, par exemple 350,00.';
      else if (cents < MIN_CENTS) problem = `Le montant doit être d’au moins ${money(MIN_CENTS)}.`;
      if (problem) {
        setFieldError(el, 'amountCents', problem, amount.input);
        showSummary(el, { title: 'Une information est à corriger', items: [{ field: 'amountCents', message: problem }] });
        return;
      }
      if (keyCents !== null && keyCents !== cents) key = newKey();
      keyCents = cents;
      let started;
      try {
        started = await call('POST', '/payments', { amountCents: cents }, { 'Idempotency-Key': key });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        // An answer of the API ends the attempt; a lost one (network,
        // 5xx) does not: the retry is the same payment.
        if (err.status >= 400 && err.status < 500) {
          key = newKey();
          keyCents = null;
        }
        showProblem(el, err, { title: err.code === 'network' ? 'Pas de connexion' : 'Le paiement n’a pas pu commencer' });
        return;
      }
      const target = checkoutTarget(started && started.checkoutUrl);
      if (!target) {
        showSummary(el, { title: 'Le paiement n’a pas pu commencer', text: 'La page de paiement n’est pas disponible. Réessayez dans quelques minutes ; si cela continue, payez par virement.' });
        return;
      }
      leaving = true;
      replace(said, h('p', { class: 'notice' }, 'Ouverture de la page de paiement sécurisée…'));
      location.assign(target);
    },
  },
  amount.root,
  h('p', { class: 'hint' }, 'Vous allez payer par carte bancaire sur la page sécurisée de notre prestataire de paiement, puis revenir ici. Votre numéro de carte n’est ni saisi ni conservé par l’Extranet Locataire.'));
  return h('div', { class: 'pay-form__inner' }, f, said);
}
