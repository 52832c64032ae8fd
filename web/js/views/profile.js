// Mon profil (/mon-espace/profil): the account itself. Its login email
// (changed by a link mailed to the new address), its password and devices
// (their own pages), the notification preferences (their own page), the
// download of the tenant's data (RGPD art. 20) and the deletion of the
// account (RGPD art. 17).

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, passwordField, form, value, clearErrors, showProblem } from '../form.js';
import { privatePage, toLogin, problemBox } from '../space.js';

const TITLE = 'Mon profil';

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/profil',
      title: TITLE,
      loading: 'Chargement de votre profil…',
      failed: 'Votre profil n’a pas pu s’afficher',
      load: () => call('GET', '/me'),
      show: (me) => show(ctx, me),
    });
  },
};

function show(ctx, me) {
  return [
    h('p', { class: 'lead' }, 'Votre compte Extranet Locataire : l’adresse avec laquelle vous vous connectez, votre mot de passe, vos préférences, vos données.'),
    h('section', { 'aria-labelledby': 'titre-adresse' },
      h('h2', { id: 'titre-adresse' }, 'Mon adresse de connexion'),
      h('p', null, 'Vous vous connectez avec ', h('strong', { 'data-login-email': '' }, me.email), '. Les emails de sécurité (mot de passe, changement d’adresse) y sont envoyés.'),
      emailForm(ctx, me)),
    h('section', { 'aria-labelledby': 'titre-securite' },
      h('h2', { id: 'titre-securite' }, 'Mot de passe et appareils'),
      h('ul', null,
        h('li', null, link('/mon-espace/mot-de-passe', 'Changer mon mot de passe'), ' : vos autres appareils seront déconnectés.'),
        h('li', null, link('/mon-espace/appareils', 'Me déconnecter de tous les appareils'), ' : ordinateur partagé, téléphone perdu…'))),
    h('section', { 'aria-labelledby': 'titre-preferences' },
      h('h2', { id: 'titre-preferences' }, 'Mes préférences'),
      h('p', null, 'Avis d’échéance sans papier, adresse email qui reçoit vos avis : ', link('/mon-espace/preferences', 'modifier mes préférences'), '.')),
    h('section', { 'aria-labelledby': 'titre-donnees' },
      h('h2', { id: 'titre-donnees' }, 'Télécharger mes données'),
      exportPart()),
    h('section', { 'aria-labelledby': 'suppression' },
      h('h2', { id: 'suppression', tabindex: '-1' }, 'Supprimer mon compte'),
      deletePart(ctx, me)),
  ];
}

/** emailForm asks for a new login email, with the password. */
function emailForm(ctx, me) {
  const said = h('div', { class: 'status', role: 'status' });
  const email = field({
    name: 'email', label: 'Nouvelle adresse email', type: 'email', autocomplete: 'email',
    hint: 'Un lien de confirmation, valable 48 heures, y sera envoyé. Votre adresse actuelle reste valable tant que vous n’avez pas cliqué dessus.',
    attrs: { autocapitalize: 'none', spellcheck: 'false' },
  });
  const password = passwordField({ name: 'emailPassword', label: 'Mot de passe actuel', autocomplete: 'current-password' });
  const f = form({
    label: 'Changer mon adresse de connexion',
    submit: 'Changer mon adresse',
    onsubmit: async (el) => {
      clearErrors(el);
      replace(said);
      password.hide();
      const wanted = value(el, 'email').trim();
      try {
        await call('POST', '/me/login-email', { email: wanted, password: value(el, 'emailPassword') });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(TITLE, { error: true });
        if (err.fields && err.fields.password) err.fields = { ...err.fields, emailPassword: err.fields.password };
        showProblem(el, err);
        return;
      }
      ctx.setTitle(TITLE);
      el.reset();
      replace(said, h('div', { class: 'notice notice--success', tabindex: '-1' },
        h('p', { class: 'notice__title' }, 'Confirmez votre nouvelle adresse'),
        h('p', null, 'Nous venons d’envoyer un lien à ', h('strong', null, wanted), ' (valable 48 heures). Ouvrez-le pour que cette adresse devienne votre adresse de connexion. Pensez à regarder dans les courriers indésirables.'),
        h('p', null, 'Un message de sécurité part aussi à ', h('strong', null, me.email), '. D’ici là, rien ne change : connectez-vous avec votre adresse actuelle.')));
      focus(said.firstChild);
    },
  }, email.root, password.root);
  return [said, f];
}

/** exportPart downloads the tenant's data as a JSON file. */
function exportPart() {
  const said = h('div', { class: 'status' });
  let busy = false;
  const button = h('button', {
    type: 'button', class: 'button button--secondary',
    onclick: async () => {
      if (busy) return;
      busy = true;
      button.setAttribute('aria-disabled', 'true');
      replace(said);
      let data;
      try {
        data = await call('GET', '/me/export');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          toLogin();
          return;
        }
        replace(said, problemBox(err, 'Le téléchargement n’a pas abouti'));
        focus(said.firstChild);
        return;
      } finally {
        busy = false;
        button.removeAttribute('aria-disabled');
      }
      // The day in Paris, as the server names the file (fr-CA writes AAAA-MM-JJ).
      const day = new Intl.DateTimeFormat('fr-CA', { timeZone: 'Europe/Paris' }).format(new Date());
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: `mes-donnees-extranet-locataire-${day}.json`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      replace(said, h('p', { class: 'notice notice--success', role: 'status' },
        'Vos données sont téléchargées : le fichier ', h('strong', null, `mes-donnees-extranet-locataire-${day}.json`), ' est dans vos téléchargements.'));
    },
  }, 'Télécharger mes données');
  return [
    h('p', null, 'Recevez dans un fichier (format JSON, lisible par un autre logiciel ; il commence par un guide qui explique chaque rubrique) les données de votre compte : adresses email, dates, préférences, demandes, liste de vos documents, appareils connectés, paiements en ligne et coordonnées bancaires (masquées). Ni votre mot de passe, ni les fichiers des documents : ceux-ci se téléchargent dans ', link('/mon-espace/documents', 'Mes documents'), '.'),
    h('div', { class: 'actions' }, button),
    said,
  ];
}

/** deletePart deletes the account, with the password and a confirmation. */
function deletePart(ctx, me) {
  const password = passwordField({ name: 'deletePassword', label: 'Mot de passe actuel', autocomplete: 'current-password' });
  const confirm = h('div', { class: 'field', 'data-field': 'confirm' },
    h('p', { class: 'field-error', id: 'confirm-erreur', hidden: true }),
    h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id: 'confirm', name: 'confirm', value: 'true', 'aria-describedby': 'suppression-effets' }),
      h('label', { for: 'confirm' }, 'Je comprends que mon compte sera supprimé définitivement.')));
  // The account's email, for password managers.
  const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: me.email, hidden: true });
  const f = form({
    label: 'Supprimer mon compte',
    submit: 'Supprimer mon compte',
    onsubmit: async (el) => {
      clearErrors(el);
      password.hide();
      try {
        await call('POST', '/me/deletion', { password: value(el, 'deletePassword'), confirm: el.querySelector('#confirm').checked });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(TITLE, { error: true });
        if (err.fields && err.fields.password) err.fields = { ...err.fields, deletePassword: err.fields.password };
        showProblem(el, err, { title: 'Votre compte n’est pas supprimé' });
        return;
      }
      // A full load drops this page and its data; the cookie is cleared.
      location.replace('/?info=compte-supprime');
    },
  }, username, password.root, confirm);
  return [
    h('div', { id: 'suppression-effets' },
      h('p', null, 'La suppression est immédiate et définitive :'),
      h('ul', null,
        h('li', null, 'votre adresse email, votre mot de passe, l’adresse qui reçoit vos avis et vos connexions sont effacés, et tous vos appareils sont déconnectés ;'),
        h('li', null, 'le choix des avis sans papier est celui du bail : il reste tel qu’il a été donné ; si plus aucun compte du bail ne reçoit les avis par email, votre bailleur les envoie de nouveau par courrier ;'),
        h('li', null, 'votre bail ne change pas : votre compte de loyers, vos avis d’échéance, vos quittances, vos demandes et vos paiements restent chez votre bailleur, qui les garde pendant votre bail, puis 10 ans pour les pièces comptables (avis, quittances, paiements) : le détail est dans la ', link('/confidentialite', 'politique de confidentialité'), ' ;'),
        h('li', null, 'votre bailleur est informé de la suppression (la référence de votre bail et la date) ;'),
        h('li', null, 'vous pourrez créer un nouveau compte à tout moment, avec la même adresse email.'))),
    h('p', null, 'Avant de supprimer votre compte, vous pouvez télécharger vos données ci-dessus et vos documents dans ', link('/mon-espace/documents', 'Mes documents'), '.'),
    f,
  ];
}
