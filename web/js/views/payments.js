// Mes paiements en ligne (/mon-espace/paiements): the balance with "Payer", the
// tenant's online payments and where each stands, and, back from the
// provider's payment page (?paiement=<id>&resultat=paye, or
// &resultat=annule when the tenant left it: payment.ReturnPath), what
// became of that payment: paid, with the new balance, or left unfinished
// with nothing debited. A payment left with "Annuler" stays payable at the
// provider until its page expires (Stripe keeps a Checkout Session open;
// the cancel URL does not end it): it is shown "Non terminé" with
// "Reprendre le paiement" (its checkoutUrl) until checkoutExpiresAt, then
// "Expiré". The provider's confirmation (its webhook) may come a
// moment after the tenant: the page asks again for a while before saying it
// is still on its way.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { money, instantDateTime } from '../format.js';
import { privatePage, problemBox, toLogin } from '../space.js';
import { payBox, balanceStatement, checkoutTarget, leaseDebited, PAYMENTS } from '../pay.js';

const TITLE = 'Mes paiements en ligne';

/** How often and how long to ask again for a payment being confirmed, in milliseconds. */
const POLL_EVERY = 1000;
const POLL_FOR = 30000;

/**
 * The states of a payment (payment.Status), in words; expired is an open
 * payment whose page has expired (shownStatus).
 */
export const paymentStatuses = {
  open: 'Non terminé',
  expired: 'Expiré',
  succeeded: 'Payé',
  failed: 'Échoué',
  canceled: 'Annulé',
  refunded: 'Remboursé',
  flagged: 'À vérifier',
};

/** What a state means for the tenant, and what to do next. */
const statusHelp = {
  open: 'Le paiement n’est pas terminé : rien n’a été débité.',
  expired: 'La page de paiement a expiré sans paiement : rien n’a été débité. Pour payer, utilisez le bouton « Payer ».',
  succeeded: 'Le paiement est enregistré sur votre compte.',
  failed: 'Le paiement a été refusé : rien n’a été débité. Vous pouvez réessayer, avec une autre carte si besoin, ou payer par virement.',
  canceled: 'Le paiement a été abandonné : rien n’a été débité.',
  refunded: 'Ce paiement vous a été remboursé en totalité.',
  flagged: 'Votre bailleur vérifie ce paiement avant de l’enregistrer sur votre compte. Il vous contactera si besoin ; inutile de payer une deuxième fois.',
};

async function load() {
  const [list, account, contract, directDebit] = await Promise.all([
    call('GET', '/payments'),
    call('GET', '/account'),
    call('GET', '/contract').catch(() => null),
    call('GET', '/direct-debit').catch(() => null),
  ]);
  return { payments: paymentsOf(list), account, debit: leaseDebited(contract, directDebit) };
}

/** paymentsOf reads the list's payments (each named by paymentId), newest first. */
function paymentsOf(list) {
  const payments = Array.isArray(list && list.payments) ? list.payments.map((p) => ({ ...p, id: p.paymentId || p.id })) : [];
  return payments.sort((a, b) => String(b.createdAt || '').localeCompare(String(a.createdAt || '')));
}

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: PAYMENTS,
      title: TITLE,
      loading: 'Chargement de vos paiements…',
      failed: 'Vos paiements n’ont pas pu s’afficher',
      load,
      show: (data) => show(ctx, data),
    });
  },
};

function show(ctx, data) {
  const back = ctx.params.get('paiement') || '';
  const cancelled = ctx.params.get('resultat') === 'annule';
  const outcome = h('div', { class: 'status', 'data-retour-paiement': '' });
  const list = h('div');
  const balance = h('div');

  const render = ({ payments, account, debit }) => {
    replace(balance, payBox({ account, debit }));
    replace(list, paymentList(payments));
  };
  render(data);
  if (back) followReturn(ctx, back, cancelled, data, outcome, render);

  return [
    outcome,
    h('section', { class: 'card balance', 'aria-labelledby': 'titre-solde' },
      h('h2', { id: 'titre-solde' }, 'Votre solde'),
      balance,
      data.debit
        // The rent is debited already: no invitation to a second mandate.
        ? h('p', null, 'Votre loyer est prélevé automatiquement (voir ', link('/mon-espace/prelevement', 'Prélèvement automatique'), ') : payez en ligne seulement ce que vous devez en plus. Le paiement par carte bancaire est enregistré sur votre compte dès que votre banque l’accepte.')
        : h('p', null, 'Le paiement par carte bancaire est enregistré sur votre compte dès que votre banque l’accepte. Vous pouvez aussi payer par virement (voir ', link('/mon-espace/solde', 'Mon solde'), ') ou par ', link('/mon-espace/prelevement', 'prélèvement automatique'), '.')),
    h('section', { 'aria-labelledby': 'titre-paiements' },
      h('h2', { id: 'titre-paiements' }, 'Vos paiements en ligne'),
      list),
  ];
}

/** paymentList lists the payments, or says there are none. */
function paymentList(payments) {
  if (!payments.length) return h('p', { class: 'muted', 'data-aucun-paiement': '' }, 'Vous n’avez pas encore payé en ligne.');
  return h('ol', { class: 'payments' }, payments.map(paymentCard));
}

/**
 * resumable says whether an open payment's page can still be paid: it has
 * one (checkoutUrl, https or this site's: checkoutTarget) and its end
 * (checkoutExpiresAt) is ahead of now.
 */
export function resumable(p, now = Date.now()) {
  if (!p || p.status !== 'open' || !checkoutTarget(p.checkoutUrl)) return false;
  const end = Date.parse(p.checkoutExpiresAt || '');
  return Number.isNaN(end) || end > now;
}

/** shownStatus is the state shown: an open payment past its page's end is expired. */
export function shownStatus(p, now = Date.now()) {
  if (p.status !== 'open') return p.status;
  const end = Date.parse(p.checkoutExpiresAt || '');
  return !Number.isNaN(end) && end <= now ? 'expired' : 'open';
}

/** paymentCard is one payment: its amount, state, dates and what the state means. */
function paymentCard(p) {
  const shown = shownStatus(p);
  const status = paymentStatuses[shown] || paymentStatuses.open;
  const partly = p.status === 'succeeded' && p.refundedCents > 0;
  const resume = resumable(p);
  return h('li', { class: 'payment card', 'data-paiement': p.id },
    h('h3', null, `Paiement de ${money(p.amountCents)}`),
    h('p', { class: `payment__status payment__status--${shown}`, 'data-etat': shown },
      h('span', { class: 'visually-hidden' }, 'État : '), status),
    h('dl', { class: 'facts facts--compact' },
      h('dt', null, 'Commencé le'),
      h('dd', null, instantDateTime(p.createdAt)),
      p.paidAt ? [h('dt', null, 'Payé le'), h('dd', null, instantDateTime(p.paidAt))] : null,
      p.refundedCents > 0 ? [h('dt', null, 'Remboursé'), h('dd', null, money(p.refundedCents))] : null,
      h('dt', null, 'Numéro du paiement'),
      h('dd', { class: 'payment__id' }, p.id)),
    h('p', { class: 'payment__help' }, partly
      ? `Une partie de ce paiement (${money(p.refundedCents)}) vous a été remboursée.`
      : p.status === 'succeeded' && !p.settled
        ? `${statusHelp.succeeded} Votre bailleur le reportera dans sa comptabilité dans les prochains jours ; vous n’avez rien d’autre à faire.`
        : resume && p.checkoutExpiresAt
          ? `${statusHelp.open} Vous pouvez le reprendre jusqu’au ${instantDateTime(p.checkoutExpiresAt)}.`
          : statusHelp[shown] || ''),
    resume ? h('p', null, h('a', { class: 'button', href: checkoutTarget(p.checkoutUrl), 'data-reprendre': '' }, 'Reprendre le paiement')) : null);
}

/**
 * followReturn says what became of the payment the tenant comes back
 * from; while the provider has not confirmed it, it asks again (the list
 * and the balance are shown anew once it moved).
 */
async function followReturn(ctx, id, cancelled, data, outcome, render) {
  let { payments, account } = data;
  // The page is shown first, so the message can take the focus.
  await Promise.resolve();
  const started = Date.now();
  let said = '';
  for (;;) {
    const p = payments.find((x) => x.id === id);
    const state = !p ? 'unknown' : (cancelled && p.status === 'open' ? 'canceled' : p.status);
    if (state !== said) {
      said = state;
      replace(outcome, returnNotice(state, p, account));
      focus(outcome.firstChild);
    }
    if (state !== 'open') return;
    if (Date.now() - started > POLL_FOR) {
      replace(outcome, returnNotice('slow', p, account));
      return;
    }
    await new Promise((ok) => setTimeout(ok, POLL_EVERY));
    if (!ctx.active()) return;
    try {
      const next = await load();
      ({ payments, account } = next);
      // Shown anew once the payment moved (not at each try: a form the
      // tenant opened meanwhile stays).
      if (next.payments.find((x) => x.id === id)?.status !== 'open') render(next);
    } catch (err) {
      if (!ctx.active()) return;
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      replace(outcome, problemBox(err, 'Votre paiement n’a pas pu être vérifié'));
      return;
    }
  }
}

/** returnNotice is the message on coming back from the payment page. */
function returnNotice(state, p, account) {
  const amount = p ? money(p.amountCents) : '';
  const box = (kind, title, ...text) => h('div', { class: `notice${kind ? ` notice--${kind}` : ''}`, tabindex: '-1', 'data-issue': state },
    h('p', { class: 'notice__title' }, title), text.map((t) => h('p', null, t)));
  switch (state) {
    case 'succeeded':
      return box('success', `Merci, votre paiement de ${amount} est enregistré`,
        balanceStatement(account.balanceCents),
        'Un email de confirmation vous est envoyé. Le paiement figure aussi dans le suivi de votre compte.');
    case 'canceled':
      return resumable(p) && p.checkoutExpiresAt
        ? box('', 'Paiement non terminé, rien n’a été débité',
          `Vous pouvez le reprendre jusqu’au ${instantDateTime(p.checkoutExpiresAt)} avec « Reprendre le paiement » ci-dessous, ou payer plus tard avec le bouton « Payer ».`)
        : box('', 'Paiement non terminé, rien n’a été débité', 'Vous pouvez payer quand vous le souhaitez avec le bouton « Payer ».');
    case 'failed':
      return box('warning', 'Le paiement n’a pas abouti, rien n’a été débité', statusHelp.failed);
    case 'flagged':
      return box('warning', `Votre paiement de ${amount} est à vérifier`, statusHelp.flagged);
    case 'refunded':
      return box('', `Votre paiement de ${amount} a été remboursé`);
    case 'open':
      return h('div', { class: 'notice', tabindex: '-1', role: 'status', 'data-issue': state },
        h('p', { class: 'notice__title' }, 'Votre paiement est en cours de confirmation…'),
        h('p', null, 'Votre banque nous le confirme dans quelques secondes. Restez sur cette page.'));
    case 'slow':
      return box('warning', 'La confirmation de votre paiement n’est pas encore arrivée',
        'Elle arrive en général en quelques minutes : revenez sur cette page un peu plus tard. Ne payez pas une deuxième fois : si la banque refuse le paiement, rien ne sera débité.');
    default:
      return box('warning', 'Ce paiement est introuvable', 'Il n’apparaît pas dans vos paiements. Si votre compte a été débité, contactez votre agence.');
  }
}
