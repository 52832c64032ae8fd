// Mot de passe oublié (ask for a link) and Nouveau mot de passe (the page the
// link opens: /nouveau-mot-de-passe?token=…).

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, passwordField, form, value, clearErrors, showProblem, showSummary } from '../form.js';
import { helpLine, passwordHint } from '../content.js';

const FORGOT = 'Mot de passe oublié';
const RESET = 'Choisir un nouveau mot de passe';

export const forgot = {
  title: FORGOT,
  render(ctx) {
    const page = h('div');
    const forgotForm = form({
      label: FORGOT,
      submit: 'Recevoir le lien',
      onsubmit: async (f) => {
        clearErrors(f);
        const email = value(f, 'email').trim();
        try {
          await call('POST', '/password/forgot', { email });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          ctx.setTitle(FORGOT, { error: true });
          showProblem(f, err);
          return;
        }
        showSent(email);
      },
    }, field({
      name: 'email', label: 'Adresse email de votre compte', type: 'email', autocomplete: 'email',
      // The email typed on the login form, handed over in memory (login.js).
      value: ctx.flash && typeof ctx.flash.email === 'string' ? ctx.flash.email : undefined,
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    }).root);

    const formPage = [
      h('h1', null, FORGOT),
      h('p', { class: 'lead' }, 'Saisissez l’adresse email de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.'),
      forgotForm,
      h('p', null, link('/', 'Retour à la connexion')),
      helpLine(),
    ];

    function showSent(email) {
      const again = h('button', {
        type: 'button', class: 'button button--secondary',
        onclick: () => {
          replace(page, ...formPage);
          ctx.setTitle(FORGOT);
          focus(forgotForm.elements.namedItem('email'));
        },
      }, 'Refaire une demande');
      replace(page,
        h('h1', null, 'Consultez votre boîte mail'),
        h('div', { class: 'notice notice--success' },
          h('p', { class: 'notice__title' }, 'Demande enregistrée'),
          h('p', null, 'Si un compte correspond à l’adresse ', h('strong', null, email),
            ', vous allez recevoir un email avec un lien pour choisir un nouveau mot de passe. Ce lien est valable 2 heures.')),
        h('h2', null, 'Vous ne trouvez pas l’email ?'),
        h('ul', null,
          h('li', null, 'Patientez quelques minutes, puis regardez dans les courriers indésirables (spam).'),
          h('li', null, 'Vérifiez l’adresse : c’est celle donnée lors de votre inscription.'),
          h('li', null, 'Votre compte n’était pas encore activé ? Vous recevez à la place un nouvel email d’activation.')),
        h('div', { class: 'actions' }, again),
        h('p', null, link('/', 'Retour à la connexion')),
        helpLine());
      ctx.setTitle('Consultez votre boîte mail');
      focus(page.querySelector('h1'));
    }

    replace(page, ...formPage);
    return page;
  },
};

export const reset = {
  title: RESET,
  render(ctx) {
    const token = ctx.params.get('token') || '';
    // The link mailed to the old address when the login email changed
    // (recuperation=1): the same form also gives that address back.
    const recovery = ctx.params.get('recuperation') === '1';
    if (!token) {
      return [
        h('h1', null, 'Ce lien est incomplet'),
        h('div', { class: 'notice notice--warning' },
          h('p', null, 'Le lien ouvert ne contient pas de code. Ouvrez à nouveau le lien de l’email, ou copiez-le en entier dans la barre d’adresse de votre navigateur.')),
        h('p', null, 'Le lien ne fonctionne toujours pas ? ', link('/mot-de-passe-oublie', 'Refaites une demande de mot de passe oublié'), '.'),
        helpLine(),
      ];
    }
    const password = passwordField({
      label: 'Nouveau mot de passe', autocomplete: 'new-password', count: true,
      hint: passwordHint(),
    });
    const resetForm = form({
      label: RESET,
      submit: 'Enregistrer le mot de passe',
      onsubmit: async (f) => {
        clearErrors(f);
        password.hide();
        try {
          await call('POST', '/password/reset', { token, password: value(f, 'password') });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          ctx.setTitle(RESET, { error: true });
          if (err.code === 'token_expired' || err.code === 'token_invalid') {
            showSummary(f, {
              title: err.code === 'token_expired' ? 'Ce lien a expiré' : 'Ce lien ne fonctionne plus',
              text: err.detail,
              more: h('p', null, link('/mot-de-passe-oublie', 'Recevoir un nouveau lien')),
            });
            return;
          }
          showProblem(f, err);
          return;
        }
        ctx.navigate('/', { replace: true, flash: { kind: recovery ? 'account-recovered' : 'password-changed' } });
      },
    }, password.root);
    return [
      h('h1', null, RESET),
      h('p', { class: 'lead' }, recovery
        ? 'Ce lien vous rend votre compte. Choisissez un nouveau mot de passe : l’adresse email qui a reçu le lien redeviendra votre adresse de connexion, et tous les appareils connectés à votre compte seront déconnectés.'
        : 'Choisissez le mot de passe que vous utiliserez pour vous connecter. Vous serez ensuite déconnecté de tous vos appareils, par sécurité.'),
      resetForm,
      helpLine(),
    ];
  },
};
