// The fields of a bank account (IBAN, BIC, holder) and the current
// password, shared by Mes coordonnées bancaires and Prélèvement automatique,
// and how the API shows an account: its IBAN masked.

import { h } from './dom.js';
import { field, passwordField } from './form.js';

/**
 * bankFields builds the IBAN, BIC and holder fields, named as the API's
 * fields (iban, bic, holder) so that its problems land on them.
 * @param {{holder?: string}} [o] a holder's name to start with
 */
export function bankFields(o = {}) {
  const iban = field({
    name: 'iban', label: 'IBAN',
    hint: 'Il figure sur votre RIB. Pour un compte en France : 27 caractères, commençant par FR76 (les espaces ne comptent pas).',
    autocomplete: 'off', attrs: { autocapitalize: 'characters', spellcheck: 'false', 'data-iban': '' },
  });
  const bic = field({
    name: 'bic', label: 'BIC', short: true,
    hint: 'Le code de votre banque, sur votre RIB : 8 ou 11 lettres et chiffres (par exemple BNPAFRPP).',
    autocomplete: 'off', attrs: { autocapitalize: 'characters', spellcheck: 'false' },
  });
  const holder = field({
    name: 'holder', label: 'Titulaire du compte',
    hint: 'Le nom écrit sur votre RIB.',
    autocomplete: 'name', value: o.holder || '',
  });
  return { iban, bic, holder, roots: [iban.root, bic.root, holder.root] };
}

/** currentPassword is the field of the account's current password, which a change of bank details needs. */
export function currentPassword() {
  return passwordField({
    name: 'password', label: 'Votre mot de passe',
    hint: 'Par sécurité, confirmez avec le mot de passe qui vous sert à vous connecter.',
    autocomplete: 'current-password',
  });
}

/** groupIBAN writes an IBAN in groups of four, as on a RIB: "FR76 **** … 6789". */
export function groupIBAN(iban) {
  const s = String(iban || '').replace(/\s+/g, '');
  return s.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * ibanText is an IBAN as the API gives it (masked), in groups of four,
 * with words for screen readers (spokenIBAN) rather than the hidden
 * characters (* or •).
 */
export function ibanText(iban) {
  const grouped = groupIBAN(iban);
  return h('span', { class: 'iban', 'data-iban-masque': '' },
    h('span', { 'aria-hidden': 'true' }, grouped),
    h('span', { class: 'visually-hidden' }, spokenIBAN(iban)));
}

/** spokenIBAN reads a masked IBAN: "FR76, masqué, se terminant par 0189". */
function spokenIBAN(iban) {
  const s = String(iban || '').replace(/\s+/g, '');
  const m = /^([^*•]*)[*•]+([^*•]*)$/.exec(s);
  return m ? `${m[1]}, masqué, se terminant par ${m[2]}` : groupIBAN(s);
}

/**
 * passwordAs puts a problem's error on the current password under the
 * form's field name (password), whichever name the API gave it.
 * @param {import('./api.js').ApiError} err
 */
export function passwordAs(err) {
  const f = err.fields || {};
  if (f.currentPassword && !f.password) f.password = f.currentPassword;
  return err;
}
