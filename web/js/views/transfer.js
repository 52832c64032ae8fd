// "Payer par virement" in Mon solde: the landlord's account (IBAN, BIC,
// holder) and the exact wording to write on the transfer, so that the
// landlord's software matches the payment to the lease; each with a
// "Copier" button. Shown to every tenant: one who pays by direct debit or
// cheque may pay arrears by transfer too.

import { h, replace } from '../dom.js';

/** How long a button reads "Copié" after a copy, in milliseconds. */
const COPIED_FOR = 4000;

/**
 * transferSection is the section for the summary's transfer details
 * ({iban, bic, holder, wording}), or null when the landlord has none.
 */
export function transferSection(transfer) {
  if (!transfer) return null;
  // The live region is in the page from the start and filled on each copy,
  // so that screen readers announce it.
  const said = h('p', { class: 'status copy-status', role: 'status', 'data-copie': '' });
  const rows = [
    // The IBAN is copied without its spaces: some banks' forms refuse them
    // or cut a pasted IBAN at 27 characters.
    { key: 'iban', label: 'IBAN', what: 'l’IBAN', value: transfer.iban, copy: transfer.iban.replace(/\s/g, '') },
    { key: 'bic', label: 'BIC', what: 'le BIC', value: transfer.bic },
    { key: 'titulaire', label: 'Titulaire du compte', what: 'le nom du titulaire', value: transfer.holder },
    { key: 'libelle', label: 'Libellé du virement', what: 'le libellé du virement', value: transfer.wording },
  ].filter((r) => r.value);
  const list = h('dl', { class: 'facts copy-list' });
  for (const r of rows) {
    const id = `virement-${r.key}`;
    // textContent, not h()'s typography: the value is copied as it reads,
    // without the non-breaking spaces French typography would put in.
    const value = h('span', { class: 'copy-value', id, 'data-virement': r.key });
    value.textContent = r.value;
    const name = h('span', { class: 'visually-hidden' }, ` ${r.what}`);
    const button = h('button', {
      type: 'button', class: 'button button--secondary button--small copy-button',
      'aria-describedby': id, 'data-copier': r.key,
    }, h('span', { class: 'copy-button__label' }, 'Copier'), name);
    button.addEventListener('click', () => copy(r, value, button, said));
    list.append(h('dt', null, r.label), h('dd', null, value, ' ', button));
  }
  return h('section', { class: 'card transfer', 'aria-labelledby': 'titre-virement' },
    h('h2', { id: 'titre-virement' }, 'Payer par virement'),
    h('p', null, 'Depuis votre banque, faites un virement au compte ci-dessous. Écrivez le libellé exactement comme indiqué : c’est lui qui permet de rattacher votre paiement à votre compte.'),
    list,
    said);
}

/**
 * copy puts the row's text in the clipboard and says so; without the
 * clipboard (an old browser, a page not served over HTTPS, a refusal) it
 * selects the text for the tenant to copy.
 */
async function copy(row, value, button, said) {
  const text = row.copy || row.value;
  const label = button.querySelector('.copy-button__label');
  try {
    if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(value);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    replace(said, `${row.label} sélectionné : copiez-le avec Ctrl+C, ou par un appui long sur téléphone.`);
    return;
  }
  for (const other of button.closest('dl').querySelectorAll('.copy-button__label')) other.textContent = 'Copier';
  label.textContent = 'Copié';
  replace(said, `Copié : ${row.label}.`);
  clearTimeout(button.copiedTimer);
  button.copiedTimer = setTimeout(() => { label.textContent = 'Copier'; }, COPIED_FOR);
}
