// Confirmation of a new notification address: the page the link mailed to
// it opens (/confirmation-email?token=…). It confirms at once, without
// logging in (the link may be opened on another device: the token is the
// proof), then says which address now receives the notice emails. A link
// that expired, already served or was replaced says that nothing changed.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError, waitMessage } from '../api.js';
import { helpLine } from '../content.js';

const TITLE = 'Confirmation de votre adresse email';
const PATH = '/confirmation-email';

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
        res = await call('POST', '/preferences/notification-email/confirmation', { token });
      } catch (err) {
        if (!(err instanceof ApiError) || !ctx.active()) return;
        if (err.code === 'token_expired' || err.code === 'token_invalid') {
          ctx.replaceURL(PATH); // the used code leaves the address bar and the history
          showGone(err.code === 'token_expired' ? 'Ce lien de confirmation a expiré' : 'Ce lien de confirmation ne fonctionne plus', err.detail);
          focus(page.querySelector('h1'));
          return;
        }
        showRetry(err);
        return;
      }
      if (!ctx.active()) return;
      ctx.replaceURL(PATH);
      const done = 'Votre nouvelle adresse est confirmée';
      replace(page,
        h('h1', null, done),
        h('div', { class: 'notice notice--success' },
          h('p', null, 'Les emails qui annoncent vos avis d’échéance seront désormais envoyés à ', h('strong', null, res.notificationEmail), '.'),
          h('p', null, 'Votre bailleur en est informé.')),
        h('p', null, 'Vous pouvez changer cette adresse à tout moment dans ', link('/mon-espace/preferences', 'Mes préférences'), ', dans votre espace locataire.'),
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
        h('p', null, 'Votre adresse de notification n’a pas changé : nous continuons à vous écrire à l’adresse utilisée jusqu’ici.'),
        h('h2', null, 'Recevoir un nouveau lien'),
        h('p', null, 'Connectez-vous, puis ouvrez ', link('/mon-espace/preferences', 'Mes préférences'),
          ' : saisissez à nouveau l’adresse, ou utilisez « Renvoyer l’email de confirmation ». Seul le lien du dernier email reçu fonctionne.'),
        helpLine());
      ctx.setTitle(title);
    }

    confirm();
    return page;
  },
};
