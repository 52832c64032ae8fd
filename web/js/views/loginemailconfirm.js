// Confirmation of a new login email: the page the link mailed to it opens
// (/confirmation-adresse-connexion?token=…). It confirms at once, without
// logging in (the link may be opened on another device: the token is the
// proof), then says which address now logs in. A link that expired,
// already served or was replaced says that nothing changed.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError, waitMessage } from '../api.js';
import { helpLine } from '../content.js';

const TITLE = 'Confirmation de votre adresse de connexion';
const PATH = '/confirmation-adresse-connexion';

export default {
  title: TITLE,
  render(ctx) {
    const token = ctx.params.get('token') || '';
    const page = h('div');

    if (!token) {
      showGone('Ce lien de confirmation est incomplet',
        'Le lien ouvert ne contient pas de code de confirmation. Ouvrez à nouveau le lien de l’email, ou copiez-le en entier dans la barre d’adresse de votre navigateur.');
      return page;
    }

    async function confirm() {
      replace(page,
        h('h1', null, TITLE),
        h('p', { role: 'status', class: 'loading' }, 'Confirmation de votre adresse en cours…'));
      let res;
      try {
        res = await call('POST', '/me/login-email/confirmation', { token });
      } catch (err) {
        if (!(err instanceof ApiError) || !ctx.active()) return;
        if (err.code === 'token_expired' || err.code === 'token_invalid' || err.code === 'login_email_taken') {
          ctx.replaceURL(PATH); // the used code leaves the address bar and the history
          const title = {
            token_expired: 'Ce lien de confirmation a expiré',
            token_invalid: 'Ce lien de confirmation ne fonctionne plus',
            login_email_taken: 'Cette adresse est déjà utilisée',
          }[err.code];
          showGone(title, err.detail);
          focus(page.querySelector('h1'));
          return;
        }
        showRetry(err);
        return;
      }
      if (!ctx.active()) return;
      ctx.replaceURL(PATH);
      const done = 'Votre nouvelle adresse de connexion est confirmée';
      replace(page,
        h('h1', null, done),
        h('div', { class: 'notice notice--success' },
          h('p', null, 'Connectez-vous désormais avec ', h('strong', { 'data-login-email': '' }, res.email), ' et votre mot de passe habituel.'),
          h('p', null, 'Votre ancienne adresse ne permet plus de vous connecter.')),
        h('div', { class: 'actions' }, link('/mon-espace/profil', 'Aller à Mon profil')),
        helpLine());
      ctx.setTitle(done);
      focus(page.querySelector('h1'));
    }

    /** showRetry is for failures where trying the same link again can work. */
    function showRetry(err) {
      const text = err.code === 'too_many_requests' ? waitMessage(err.retryAfter) : err.detail;
      replace(page,
        h('h1', null, 'Votre adresse n’est pas encore confirmée'),
        h('div', { class: 'error-summary', role: 'alert' },
          h('h2', null, err.code === 'network' ? 'Pas de connexion' : 'La confirmation n’a pas abouti'),
          h('p', null, text)),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: confirm }, 'Réessayer')),
        helpLine());
      ctx.setTitle(TITLE, { error: true });
      focus(page.querySelector('h1'));
    }

    /** showGone explains why the link does not work: nothing changed. */
    function showGone(title, detail) {
      replace(page,
        h('h1', null, title),
        h('div', { class: 'notice notice--warning' }, h('p', null, detail)),
        h('p', null, 'Votre adresse de connexion n’a pas changé : connectez-vous avec l’adresse utilisée jusqu’ici.'),
        h('h2', null, 'Recevoir un nouveau lien'),
        h('p', null, 'Connectez-vous, puis ouvrez ', link('/mon-espace/profil', 'Mon profil'),
          ' et saisissez à nouveau la nouvelle adresse. Seul le lien du dernier email reçu fonctionne.'),
        helpLine());
      ctx.setTitle(title);
    }

    confirm();
    return page;
  },
};
