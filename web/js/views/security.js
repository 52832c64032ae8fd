// Changer mon mot de passe (/mon-espace/mot-de-passe) and Mes appareils
// connectés (/mon-espace/appareils): the password change, which keeps this
// device connected and logs out the others, and the logout on every device.

import { h, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { passwordField, form, value, clearErrors, showProblem } from '../form.js';
import { privatePage, toLogin, problemBox } from '../space.js';
import { passwordHint } from '../content.js';

const CHANGE = 'Changer mon mot de passe';
const DEVICES = 'Mes appareils connectés';

export const changePassword = {
  title: CHANGE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/mot-de-passe',
      title: CHANGE,
      loading: 'Chargement…',
      failed: 'Cette page n’a pas pu s’afficher',
      load: () => call('GET', '/me'),
      show: (me) => showChange(ctx, me),
    });
  },
};

function showChange(ctx, me) {
  const said = h('div', { class: 'status', role: 'status' });
  const current = passwordField({ name: 'currentPassword', label: 'Mot de passe actuel', autocomplete: 'current-password' });
  const next = passwordField({
    name: 'newPassword', label: 'Nouveau mot de passe', autocomplete: 'new-password', count: true,
    hint: passwordHint(),
  });
  // The account's email, for password managers (which save it with the new password).
  const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: me.email, hidden: true });
  const changeForm = form({
    label: CHANGE,
    submit: 'Changer mon mot de passe',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(said);
      current.hide();
      next.hide();
      try {
        await call('POST', '/password/change', { currentPassword: value(f, 'currentPassword'), newPassword: value(f, 'newPassword') });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(CHANGE, { error: true });
        showProblem(f, err);
        return;
      }
      ctx.setTitle(CHANGE);
      f.reset();
      next.update();
      replace(said, h('div', { class: 'notice notice--success', tabindex: '-1' },
        h('p', { class: 'notice__title' }, 'Votre mot de passe est changé'),
        h('p', null, 'Vous restez connecté sur cet appareil. Par sécurité, vos autres appareils ont été déconnectés : reconnectez-vous-y avec le nouveau mot de passe.'),
        h('p', null, 'Un email de confirmation va être envoyé à ', h('strong', null, me.email), ' dans les prochaines minutes.')));
      focus(said.firstChild);
    },
  }, username, current.root, next.root);
  return [
    h('p', { class: 'lead' }, 'Saisissez votre mot de passe actuel, puis le nouveau. Vos autres appareils (téléphone, autre ordinateur) seront déconnectés ; vous restez connecté sur celui-ci.'),
    said,
    changeForm,
  ];
}

export const devices = {
  title: DEVICES,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/appareils',
      title: DEVICES,
      loading: 'Chargement…',
      failed: 'Cette page n’a pas pu s’afficher',
      load: () => call('GET', '/me'),
      show: () => showDevices(),
    });
  },
};

function showDevices() {
  const said = h('div', { class: 'status' });
  let busy = false;
  const button = h('button', {
    type: 'button', class: 'button',
    onclick: async () => {
      if (busy) return;
      busy = true;
      button.setAttribute('aria-disabled', 'true');
      replace(said);
      try {
        await call('DELETE', '/sessions');
      } catch (err) {
        busy = false;
        button.removeAttribute('aria-disabled');
        if (err instanceof ApiError && err.status === 401) {
          toLogin();
          return;
        }
        replace(said, problemBox(err, 'La déconnexion n’a pas abouti'));
        focus(said.firstChild);
        return;
      }
      // A full load drops this page, its data and its history entry.
      location.replace('/?info=deconnexion-partout');
    },
  }, 'Me déconnecter de tous les appareils');
  return [
    h('p', { class: 'lead' }, 'Vous vous êtes connecté sur un ordinateur partagé, ou vous avez perdu votre téléphone ? Déconnectez-vous de tous les appareils d’un coup.'),
    h('ul', null,
      h('li', null, 'Tous les appareils où votre espace est ouvert seront déconnectés : ordinateurs, tablettes, téléphones et application mobile, y compris celui-ci.'),
      h('li', null, 'Pour revenir, il suffira de vous reconnecter avec votre adresse email et votre mot de passe.'),
      h('li', null, 'Si vous pensez que quelqu’un connaît votre mot de passe, changez-le plutôt : vos autres appareils seront aussi déconnectés.')),
    h('p', null, 'Par sécurité, votre espace se ferme aussi de lui-même sur un navigateur après un certain temps sans activité.'),
    said,
    h('div', { class: 'actions' }, button),
  ];
}
