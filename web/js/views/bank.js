// Mes coordonnées bancaires (/mon-espace/coordonnees-bancaires): the bank
// account the landlord has for the tenant (GET /api/v1/bank-details: IBAN
// masked, BIC, holder), and a form to change it (PUT, with the current
// password). The API checks the IBAN (ISO 13616 mod 97, the country's
// length, the French RIB key) and says which field to correct.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { form, value, clearErrors, showProblem } from '../form.js';
import { instantDate } from '../format.js';
import { privatePage, toLogin } from '../space.js';
import { bankFields, currentPassword, ibanText, passwordAs } from '../bankform.js';

const PATH = '/mon-espace/coordonnees-bancaires';
const TITLE = 'Mes coordonnées bancaires';

/** loadDetails reads the bank details, null when the lease has none (404). */
export async function loadDetails() {
  try {
    const d = await call('GET', '/bank-details');
    return d && d.iban ? d : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de vos coordonnées bancaires…',
      failed: 'Vos coordonnées bancaires n’ont pas pu s’afficher',
      load: async () => {
        const [details, me] = await Promise.all([loadDetails(), call('GET', '/me')]);
        return { details, me };
      },
      show: (data) => show(ctx, data),
    });
  },
};

/** detailsList shows an account: IBAN (masked), BIC, holder, date of the last change. */
export function detailsList(d) {
  return h('dl', { class: 'facts', 'data-coordonnees': '' },
    h('dt', null, 'IBAN'),
    h('dd', null, ibanText(d.iban)),
    d.bic ? [h('dt', null, 'BIC'), h('dd', { 'data-bic': '' }, d.bic)] : null,
    d.holder ? [h('dt', null, 'Titulaire du compte'), h('dd', { 'data-titulaire': '' }, d.holder)] : null,
    d.updatedAt ? [h('dt', null, 'Enregistrées le'), h('dd', null, instantDate(d.updatedAt))] : null);
}

function show(ctx, { details, me }) {
  const current = h('div');
  const said = h('div', { class: 'status', role: 'status' });
  const showCurrent = (d) => replace(current, d
    ? detailsList(d)
    : h('p', { class: 'muted', 'data-aucune-coordonnee': '' }, 'Votre bailleur n’a pas encore de coordonnées bancaires pour vous.'));
  showCurrent(details);

  const fields = bankFields({ holder: details ? '' : `${me.firstName || ''} ${me.lastName || ''}`.trim() });
  const password = currentPassword();
  const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: me.email, hidden: true });
  const title = details ? 'Changer mes coordonnées bancaires' : 'Enregistrer mes coordonnées bancaires';
  const formTitle = h('h2', { id: 'titre-changer' }, title);
  const bankForm = form({
    label: title,
    submit: 'Enregistrer',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(said);
      password.hide();
      let saved;
      try {
        saved = await call('PUT', '/bank-details', {
          iban: value(f, 'iban'), bic: value(f, 'bic'), holder: value(f, 'holder'), password: value(f, 'password'),
        });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(TITLE, { error: true });
        showProblem(f, passwordAs(err), { title: 'Vos coordonnées bancaires n’ont pas été enregistrées' });
        return;
      }
      ctx.setTitle(TITLE);
      f.reset();
      showCurrent(saved && saved.iban ? saved : await loadDetails().catch(() => null));
      formTitle.textContent = 'Changer mes coordonnées bancaires';
      replace(said, h('div', { class: 'notice notice--success', tabindex: '-1', 'data-coordonnees-enregistrees': '' },
        h('p', { class: 'notice__title' }, 'Vos coordonnées bancaires sont enregistrées'),
        h('p', null, 'Elles sont transmises à votre bailleur. Un email de confirmation est envoyé à ', h('strong', null, me.email), '.')));
      focus(said.firstChild);
    },
  }, username, ...fields.roots, password.root);

  return [
    h('p', { class: 'lead' }, 'Le compte bancaire que votre bailleur a pour vous : il sert à vous rembourser un trop-versé. Pour payer par prélèvement, le compte prélevé est celui de votre ',
      link('/mon-espace/prelevement', 'mandat de prélèvement'), '.'),
    h('section', { class: 'card', 'aria-labelledby': 'titre-actuelles' },
      h('h2', { id: 'titre-actuelles' }, 'Vos coordonnées actuelles'),
      current,
      h('p', { class: 'hint' }, 'Par sécurité, seuls le début et la fin de votre IBAN sont affichés.')),
    said,
    h('section', { 'aria-labelledby': 'titre-changer' },
      formTitle,
      h('p', null, 'Munissez-vous de votre RIB (relevé d’identité bancaire). Un email vous confirmera le changement.'),
      bankForm),
  ];
}
