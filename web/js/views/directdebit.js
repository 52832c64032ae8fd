// Prélèvement automatique (/mon-espace/prelevement): the tenant's SEPA Core
// mandate (GET /api/v1/direct-debit: {current, history, debitDays, creditor,
// wording, firstDebits}), or the form to sign one (POST: the account debited,
// the day of the month with its first debit, the creditor and the mandate's
// wording as the API gives them, read before the consent box, the current
// password); a lease the landlord already debits (GET /contract:
// paymentMethod) is told so first. Then the mandate with its RUM,
// the landlord's ICS and its PDF in Mes documents; and "Révoquer", after a
// confirmation (DELETE).

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { form, value, clearErrors, showProblem } from '../form.js';
import { longDate, instantDate } from '../format.js';
import { privatePage, problemBox, toLogin } from '../space.js';
import { bankFields, currentPassword, ibanText, passwordAs } from '../bankform.js';

const PATH = '/mon-espace/prelevement';
const TITLE = 'Prélèvement automatique';

/** The days offered when the API does not say (DIRECT_DEBIT_DAYS' default). */
const DEFAULT_DAYS = [5, 10];

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de votre prélèvement automatique…',
      failed: 'Votre prélèvement automatique n’a pas pu s’afficher',
      load: async () => {
        const [state, me, contract] = await Promise.all([call('GET', '/direct-debit'), call('GET', '/me'),
          call('GET', '/contract').catch(() => null)]);
        // The lease already paid by direct debit in the landlord's books
        // (a mandate given on paper, not in the portal).
        const erpDebit = !!contract && contract.paymentMethod === 'direct_debit';
        return { state: state || {}, me, erpDebit };
      },
      show: (data) => show(ctx, data),
    });
  },
};

/** activeMandate is the state's active mandate, or null. */
function activeMandate(state) {
  const m = state.current || null;
  return m && m.status === 'active' ? m : null;
}

function show(ctx, { state, me, erpDebit }) {
  const body = h('div');
  const said = h('div', { class: 'status', role: 'status' });
  const render = (s) => {
    const m = activeMandate(s);
    replace(body, m ? mandateView(ctx, m, said, render)
      : erpDebit ? debitedView(ctx, s, me, said, render) : subscribeView(ctx, s, me, said, render),
    formerMandates(s, m));
  };
  render(state);
  return [said, body];
}

/** day writes a debit day: "le 5 de chaque mois". */
function dayWords(d) {
  return `le ${d === 1 ? '1er' : d} de chaque mois`;
}

/** mandateView shows the active mandate, its PDF and the way to revoke it. */
function mandateView(ctx, m, said, render) {
  const creditor = m.creditor || {};
  const debtor = m.debtor || {};
  const revokeSlot = h('div');
  const revoke = h('button', { type: 'button', class: 'button button--secondary', 'data-revoquer': '' }, 'Révoquer le mandat');
  revoke.addEventListener('click', () => {
    revoke.hidden = true;
    replace(revokeSlot, confirmRevoke(ctx, m, said, render, () => {
      replace(revokeSlot);
      revoke.hidden = false;
      focus(revoke);
    }));
    focus(revokeSlot.querySelector('h3'));
  });
  const pdf = m.documentId
    ? h('p', null, h('a', { href: `/api/v1/documents/${encodeURIComponent(m.documentId)}/file`, class: 'button button--secondary', 'data-mandat-pdf': '' },
      'Télécharger le mandat (PDF)'), ' Il est aussi dans ', link('/mon-espace/documents', 'Mes documents'), '.')
    : h('p', null, 'Le mandat en PDF est dans ', link('/mon-espace/documents', 'Mes documents'), '.');
  return [
    h('section', { class: 'card mandate', 'aria-labelledby': 'titre-mandat', 'data-mandat': m.rum },
      h('h2', { id: 'titre-mandat' }, 'Votre mandat de prélèvement SEPA'),
      h('p', { class: 'payment__status payment__status--succeeded' }, h('span', { class: 'visually-hidden' }, 'État : '), 'Actif'),
      h('p', null, `Votre loyer est prélevé ${dayWords(m.debitDay)}. Chaque avis d’échéance vous annonce la date et le montant du prochain prélèvement.`),
      h('dl', { class: 'facts' },
        h('dt', null, 'Référence unique du mandat (RUM)'),
        h('dd', { 'data-rum': '' }, m.rum),
        h('dt', null, 'Identifiant créancier SEPA (ICS)'),
        h('dd', { 'data-ics': '' }, m.ics),
        h('dt', null, 'Créancier'),
        h('dd', null, [creditor.name, ...(creditor.address || [])].filter(Boolean).map((l, i) => (i ? [h('br'), l] : l))),
        h('dt', null, 'Débiteur (titulaire du compte)'),
        h('dd', null, [debtor.name, ...addressOf(debtor.address)].filter(Boolean).map((l, i) => (i ? [h('br'), l] : l))),
        m.onBehalfOf ? h('dt', null, 'Pour le compte de') : null,
        m.onBehalfOf ? h('dd', { 'data-tiers': '' }, `${m.onBehalfOf.name} (bail ${m.onBehalfOf.reference})`) : null,
        h('dt', null, 'Compte prélevé'),
        h('dd', null, ibanText(m.iban), m.bic ? ` (BIC ${m.bic})` : '', m.holder ? [h('br'), m.holder] : null),
        h('dt', null, 'Type de paiement'),
        h('dd', null, 'Récurrent'),
        h('dt', null, 'Jour de prélèvement'),
        h('dd', { 'data-jour': '' }, dayWords(m.debitDay)),
        m.firstDebitOn ? h('dt', null, 'Premier prélèvement') : null,
        m.firstDebitOn ? h('dd', { 'data-premier': m.firstDebitOn }, `le ${longDate(m.firstDebitOn)}, du montant de votre avis d’échéance`) : null,
        h('dt', null, 'Signé'),
        h('dd', null, `le ${m.signedOn ? longDate(m.signedOn) : instantDate(m.signedAt)}${m.place ? ` à ${m.place}` : ''}, en ligne`)),
      m.wording ? h('p', { class: 'hint mandate__wording' }, m.wording) : null,
      pdf),
    h('section', { 'aria-labelledby': 'titre-arreter' },
      h('h2', { id: 'titre-arreter' }, 'Arrêter le prélèvement'),
      h('p', null, 'Vous pouvez révoquer ce mandat à tout moment. Vous paierez alors votre loyer par virement ou par carte, et pourrez signer un nouveau mandat plus tard.'),
      h('div', { class: 'actions' }, revoke),
      revokeSlot),
  ];
}

/** confirmRevoke asks to confirm the revocation, then revokes (DELETE). */
function confirmRevoke(ctx, m, said, render, cancel) {
  const problem = h('div');
  let busy = false;
  const yes = h('button', { type: 'button', class: 'button', 'data-confirmer-revocation': '' }, 'Oui, révoquer le mandat');
  yes.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    yes.setAttribute('aria-disabled', 'true');
    replace(problem);
    let after;
    try {
      after = await call('DELETE', '/direct-debit');
    } catch (err) {
      busy = false;
      yes.removeAttribute('aria-disabled');
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      replace(problem, problemBox(err, 'Le mandat n’a pas été révoqué'));
      focus(problem.firstChild);
      return;
    }
    if (!ctx.active()) return;
    const state = await call('GET', '/direct-debit').catch(() => ({ current: null, history: after ? [after] : [] }));
    render(state);
    replace(said, h('div', { class: 'notice notice--success', tabindex: '-1', 'data-mandat-revoque': '' },
      h('p', { class: 'notice__title' }, 'Votre mandat de prélèvement est révoqué'),
      h('p', null, `Le mandat ${m.rum} ne sera plus utilisé. Pensez à payer votre prochain loyer par virement ou par carte. Votre bailleur est prévenu.`)));
    focus(said.firstChild);
  });
  return h('div', { class: 'notice notice--warning confirm', role: 'group', 'aria-labelledby': 'titre-confirmer' },
    h('h3', { id: 'titre-confirmer' }, 'Révoquer votre mandat de prélèvement ?'),
    h('p', null, `Votre loyer ne sera plus prélevé ${dayWords(m.debitDay)}. Si un prélèvement est déjà annoncé sur votre dernier avis d’échéance, il peut encore avoir lieu.`),
    problem,
    h('div', { class: 'actions' }, yes,
      h('button', { type: 'button', class: 'button button--secondary', onclick: cancel }, 'Non, garder le mandat')));
}

/**
 * debitedView is for a lease the landlord already debits (the ERP's
 * payment method, from a mandate signed outside the portal): it says so
 * first, and offers the form only to have another account debited, behind
 * a button, so that nobody signs a second mandate thinking none exists.
 * The new mandate goes to the landlord's export and replaces the former.
 */
function debitedView(ctx, state, me, said, render) {
  const slot = h('div', { id: 'autre-compte', hidden: true });
  const open = h('button', { type: 'button', class: 'button button--secondary', 'aria-expanded': 'false', 'aria-controls': 'autre-compte', 'data-autre-compte': '' },
    'Faire prélever un autre compte');
  open.addEventListener('click', () => {
    if (open.getAttribute('aria-expanded') === 'true') return;
    open.setAttribute('aria-expanded', 'true');
    open.hidden = true;
    slot.hidden = false;
    replace(slot, subscribeForm(ctx, state, me, said, render, 'Faire prélever un autre compte'));
    focus(slot.querySelector('input:not([hidden])'));
  });
  return [
    h('div', { class: 'notice notice--success', 'data-deja-preleve': '' },
      h('p', { class: 'notice__title' }, 'Votre loyer est déjà prélevé automatiquement'),
      h('p', null, 'Votre bailleur prélève votre loyer sur votre compte, avec le mandat que vous lui avez signé. Vous n’avez rien à faire : chaque avis d’échéance vous annonce la date et le montant du prélèvement.')),
    h('section', { 'aria-labelledby': 'titre-autre-compte' },
      h('h2', { id: 'titre-autre-compte' }, 'Changer de compte'),
      h('p', null, 'Vous changez de banque ou de compte ? Signez ici un nouveau mandat pour le nouveau compte : il remplacera celui que votre bailleur utilise aujourd’hui. Munissez-vous de votre RIB.'),
      h('div', { class: 'actions' }, open),
      slot),
  ];
}

/** subscribeView is the form to sign a mandate. */
function subscribeView(ctx, state, me, said, render) {
  return [
    h('p', { class: 'lead' }, 'Votre loyer prélevé chaque mois sur votre compte bancaire, sans y penser. Le montant est celui de votre avis d’échéance, qui vous annonce chaque prélèvement.'),
    h('section', { 'aria-labelledby': 'titre-souscrire' },
      h('h2', { id: 'titre-souscrire' }, 'Souscrire au prélèvement automatique'),
      h('p', null, 'Munissez-vous de votre RIB. Vous pourrez arrêter le prélèvement à tout moment, sur cette page.'),
      subscribeForm(ctx, state, me, said, render, 'Souscrire au prélèvement automatique')),
  ];
}

/** subscribeForm is the form that signs a mandate (POST), labelled label. */
function subscribeForm(ctx, state, me, said, render, label) {
  const days = Array.isArray(state.debitDays) && state.debitDays.length ? state.debitDays : DEFAULT_DAYS;
  const fields = bankFields({ holder: `${me.firstName || ''} ${me.lastName || ''}`.trim() });
  const password = currentPassword();
  const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: me.email, hidden: true });
  const dayField = h('fieldset', { class: 'field choices', 'data-field': 'debitDay' },
    h('legend', null, 'Jour du prélèvement'),
    h('p', { class: 'field-error', id: 'debitDay-erreur', hidden: true }),
    days.map((d, i) => {
      // The first debit of a mandate signed now with this day (the API's
      // firstDebits), said before the consent.
      const first = (Array.isArray(state.firstDebits) ? state.firstDebits : []).find((o) => o.debitDay === d);
      const firstId = `jour-${d}-premier`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `jour-${d}`, name: 'debitDay', value: String(d), checked: i === 0, 'aria-describedby': first ? firstId : null }),
        h('label', { for: `jour-${d}` }, `Le ${d === 1 ? '1er' : d} de chaque mois`),
        first ? h('p', { class: 'hint', id: firstId, 'data-premier-prelevement': first.firstDebitOn }, `Premier prélèvement le ${longDate(first.firstDebitOn)}.`) : null);
    }));
  // The creditor and the rulebook's text (directdebit.Wording) as the
  // mandate signed now will carry them, from the API.
  const landlord = state.creditor || {};
  const creditor = landlord.name || 'votre bailleur';
  const wordingBox = h('section', { class: 'mandate__text', id: 'texte-mandat', 'aria-labelledby': 'titre-texte-mandat', 'data-texte-mandat': '' },
    h('h3', { id: 'titre-texte-mandat' }, 'Le texte du mandat'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Créancier'),
      h('dd', { 'data-creancier': '' }, [landlord.name, ...(landlord.address || [])].filter(Boolean).map((l, i) => (i ? [h('br'), l] : l))),
      landlord.ics ? [h('dt', null, 'Identifiant créancier SEPA (ICS)'), h('dd', { 'data-ics-creancier': '' }, landlord.ics)] : null,
      h('dt', null, 'Type de paiement'),
      h('dd', null, 'Récurrent')),
    h('p', null, state.wording || ''),
    h('p', null, 'La référence unique du mandat (RUM) vous est donnée dès la signature.'));
  const consent = h('div', { class: 'field', 'data-field': 'consent' },
    h('p', { class: 'field-error', id: 'consent-erreur', hidden: true }),
    h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id: 'consent', name: 'consent', value: 'true', 'aria-describedby': 'texte-mandat' }),
      h('label', { for: 'consent' }, `J’ai lu le texte du mandat et j’autorise ${creditor} à prélever le compte indiqué ci-dessus.`)));

  return form({
    label,
    submit: 'Signer le mandat',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(said);
      password.hide();
      // The consent goes to the API as ticked or not: its answer names
      // every field to correct at once (the box, the account, the
      // password), as Mes coordonnées bancaires does.
      const checked = f.querySelector('#consent').checked;
      let made;
      try {
        made = await call('POST', '/direct-debit', {
          iban: value(f, 'iban'), bic: value(f, 'bic'), holder: value(f, 'holder'),
          debitDay: Number(f.querySelector('input[name=debitDay]:checked')?.value || 0),
          consent: checked, password: value(f, 'password'),
        });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(TITLE, { error: true });
        showProblem(f, passwordAs(err), { title: 'Le mandat n’a pas été signé' });
        return;
      }
      ctx.setTitle(TITLE);
      const mandate = made;
      render({ ...state, current: mandate, history: [mandate, ...(state.history || [])] });
      replace(said, h('div', { class: 'notice notice--success', tabindex: '-1', 'data-mandat-signe': '' },
        h('p', { class: 'notice__title' }, 'Votre mandat de prélèvement est signé'),
        h('p', null, `Votre loyer sera prélevé ${dayWords(mandate.debitDay)}, ${mandate.firstDebitOn ? `à partir du ${longDate(mandate.firstDebitOn)} (votre avis d’échéance vous l’annoncera)` : 'à partir de la prochaine échéance annoncée sur votre avis'}. Le mandat est enregistré dans Mes documents.`)));
      focus(said.firstChild);
    },
  }, username, h('h3', null, 'Le compte à prélever'), ...fields.roots, dayField, wordingBox, consent, password.root);
}

/** addressOf is a postal address ({street, complement, postalCode, city}) as lines. */
function addressOf(a) {
  if (!a) return [];
  return [a.street, a.complement, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(Boolean);
}

/** formerMandates lists the mandates no longer in force (revoked, lapsed), newest first. */
function formerMandates(state, current) {
  const former = (state.history || []).filter((m) => m !== current && m.status !== 'active');
  if (!former.length) return null;
  const why = (m) => (m.status === 'lapsed'
    ? `caduc depuis le ${longDate(m.lapsedOn)} : il n’a servi à aucun prélèvement pendant 36 mois`
    : `révoqué le ${longDate(m.revokedOn)}`);
  return h('section', { 'aria-labelledby': 'titre-anciens' },
    h('h2', { id: 'titre-anciens' }, 'Vos anciens mandats'),
    h('ul', { class: 'link-list' }, former.map((m) => h('li', { 'data-ancien-mandat': m.rum },
      `Mandat ${m.rum}, signé le ${longDate(m.signedOn)}, ${why(m)}.`))));
}
