// The page an emailed confirmation link opens (a new notification address,
// a new login email). It confirms at once, without logging in (the link may
// be opened on another device: the token is the proof), then says what
// changed. A link that expired, already served or was replaced says that
// nothing changed and how to get a new one.

import { h, replace, focus } from './dom.js';
import { call, ApiError, waitMessage } from './api.js';
import { helpLine } from './content.js';

/**
 * linkConfirmPage makes the view of a confirmation link.
 * @param {object} o
 * @param {string} o.title the page's title while it confirms
 * @param {string} o.path the page's path (the used token leaves the address bar)
 * @param {string} o.endpoint the API route that takes {token}
 * @param {Record<string, string>} o.gone the problem codes that mean the link
 *   will never work, each with its page title
 * @param {string} o.done the title once confirmed
 * @param {(res: any) => Node[]} o.confirmed what the page says once confirmed
 * @param {string} o.unchanged what stays as it was when the link fails
 * @param {() => Array<Node|string>} o.renew how to get a new link
 */
export function linkConfirmPage(o) {
  return {
    title: o.title,
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
          h('h1', null, o.title),
          h('p', { role: 'status', class: 'loading' }, 'Confirmation de votre adresse en cours…'));
        let res;
        try {
          res = await call('POST', o.endpoint, { token });
        } catch (err) {
          if (!(err instanceof ApiError) || !ctx.active()) return;
          if (Object.hasOwn(o.gone, err.code)) {
            ctx.replaceURL(o.path); // the used code leaves the address bar and the history
            showGone(o.gone[err.code], err.detail);
            focus(page.querySelector('h1'));
            return;
          }
          showRetry(err);
          return;
        }
        if (!ctx.active()) return;
        ctx.replaceURL(o.path);
        replace(page, h('h1', null, o.done), ...o.confirmed(res), helpLine());
        ctx.setTitle(o.done);
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
        ctx.setTitle(o.title, { error: true });
        focus(page.querySelector('h1'));
      }

      /** showGone explains why the link does not work: nothing changed. */
      function showGone(title, detail) {
        replace(page,
          h('h1', null, title),
          h('div', { class: 'notice notice--warning' }, h('p', null, detail)),
          h('p', null, o.unchanged),
          h('h2', null, 'Recevoir un nouveau lien'),
          h('p', null, ...o.renew()),
          helpLine());
        ctx.setTitle(title);
      }

      confirm();
      return page;
    },
  };
}
