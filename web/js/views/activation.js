// Activation: the page the activation email links to (/activation?token=…).
// It activates the account at once, then leads to the login page with the
// email filled in. A link that expired or already served offers a new one;
// the link that activated the account, opened again, says the account is
// already active and leads to the login first.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError, waitMessage } from '../api.js';
import { field, form, value, clearErrors, showProblem } from '../form.js';
import { spamAdvice, helpLine } from '../content.js';

const TITLE = 'Activation de votre compte';

export default {
  title: TITLE,
  render(ctx) {
    const token = ctx.params.get('token') || '';
    const page = h('div');

    if (!token) {
      showResend('Ce lien d’activation est incomplet',
        'Le lien ouvert ne contient pas de code d’activation. Ouvrez à nouveau le lien de l’email, ou copiez-le en entier dans la barre d’adresse de votre navigateur.');
      return page;
    }

    async function activate() {
      replace(page,
        h('h1', null, TITLE),
        h('p', { role: 'status', class: 'loading' }, 'Activation de votre compte en cours…'));
      let res;
      try {
        res = await call('POST', '/activation', { token });
      } catch (err) {
        if (!(err instanceof ApiError) || !ctx.active()) return;
        if (err.code === 'account_already_active') {
          ctx.replaceURL('/activation');
          showActive(err.detail);
          focus(page.querySelector('h1'));
          return;
        }
        if (err.code === 'token_expired' || err.code === 'token_invalid') {
          ctx.replaceURL('/activation'); // the used code leaves the address bar and the history
          showResend(err.code === 'token_expired' ? 'Ce lien d’activation a expiré' : 'Ce lien d’activation ne fonctionne plus', err.detail);
          focus(page.querySelector('h1'));
          return;
        }
        showRetry(err);
        return;
      }
      if (!ctx.active()) return;
      ctx.replaceURL('/activation');
      ctx.navigate('/', { replace: true, flash: { kind: 'activated', email: res && res.email } });
    }

    /**
     * showActive answers the link that activated the account, opened again
     * (the server says so only to the holder of that link): the way in
     * first, then why.
     */
    function showActive(detail) {
      const title = 'Votre compte est déjà actif';
      replace(page,
        h('h1', null, title),
        h('div', { class: 'actions' }, h('a', { class: 'button', href: '/' }, 'Se connecter')),
        h('p', null, detail),
        h('p', null, link('/mot-de-passe-oublie', 'Mot de passe oublié ?')),
        helpLine());
      ctx.setTitle(title);
    }

    /** showRetry is for failures where trying the same link again can work. */
    function showRetry(err) {
      const text = err.code === 'too_many_requests' ? waitMessage(err.retryAfter) : err.detail;
      replace(page,
        h('h1', null, 'Votre compte n’est pas encore activé'),
        h('div', { class: 'error-summary', role: 'alert' },
          h('h2', null, err.code === 'network' ? 'Pas de connexion' : 'L’activation n’a pas abouti'),
          h('p', null, text)),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: activate }, 'Réessayer')),
        helpLine());
      ctx.setTitle(TITLE, { error: true });
      focus(page.querySelector('h1'));
    }

    /** showResend explains why the link does not work and offers a new email. */
    function showResend(title, detail) {
      const said = h('div', { class: 'status', role: 'status' });
      const resendForm = form({
        label: 'Recevoir un nouvel email d’activation',
        submit: 'Recevoir un nouveau lien',
        onsubmit: async (f) => {
          clearErrors(f);
          replace(said);
          const email = value(f, 'email').trim();
          try {
            await call('POST', '/activation/resend', { email });
          } catch (err) {
            if (err instanceof ApiError) showProblem(f, err);
            return;
          }
          replace(said, h('div', { class: 'notice notice--success' },
            h('p', { class: 'notice__title' }, 'Demande envoyée'),
            h('p', null, `Si un compte en attente d’activation correspond à l’adresse ${email}, un nouvel email d’activation va lui être envoyé dans les prochaines minutes. Son lien sera valable 48 heures.`),
            h('p', null, 'Rien reçu d’ici un quart d’heure ? Regardez dans les courriers indésirables (spam).')));
          focus(said.firstChild);
        },
      }, field({
        name: 'email', label: 'Adresse email utilisée lors de l’inscription', type: 'email', autocomplete: 'email',
        attrs: { autocapitalize: 'none', spellcheck: 'false' },
      }).root);

      replace(page,
        h('h1', null, title),
        h('div', { class: 'notice notice--warning' }, h('p', null, detail)),
        h('h2', null, 'Votre compte est déjà activé ?'),
        h('p', null, 'Un lien d’activation ne sert qu’une fois. ', link('/', 'Connectez-vous'), ' avec votre adresse email et votre mot de passe.'),
        h('h2', null, 'Recevoir un nouvel email d’activation'),
        h('p', null, 'Saisissez l’adresse email donnée lors de votre inscription : nous y enverrons un nouveau lien. Seul le lien du dernier email reçu fonctionne.'),
        resendForm,
        said,
        h('h2', null, 'Vous ne recevez pas l’email ?'),
        spamAdvice(),
        helpLine());
      ctx.setTitle(title);
    }

    activate();
    return page;
  },
};
