// Connexion: the home page when logged out.

import { h, link, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, passwordField, form, value, clearErrors, showProblem, showSummary } from '../form.js';
import { helpLine, q } from '../content.js';
import { returnPath, HOME, spacePages } from '../space.js';

const messages = {
  activated: {
    kind: 'success',
    title: 'Votre compte est activé',
    text: 'Connectez-vous avec votre adresse email et le mot de passe choisi lors de votre inscription.',
  },
  'password-changed': {
    kind: 'success',
    title: 'Votre mot de passe a été changé',
    text: 'Connectez-vous avec votre nouveau mot de passe. Par sécurité, vous avez été déconnecté de tous vos appareils.',
  },
  'account-recovered': {
    kind: 'success',
    title: 'Vous avez récupéré votre compte',
    text: 'Connectez-vous avec l’adresse email qui a reçu le lien et votre nouveau mot de passe. Par sécurité, tous les appareils ont été déconnectés. Vos avis arrivent de nouveau à cette adresse ; vérifiez aussi vos coordonnées bancaires.',
  },
  'logged-out': {
    kind: 'success',
    title: 'Vous êtes déconnecté',
    text: 'À bientôt sur votre Extranet Locataire.',
  },
  'logged-out-everywhere': {
    kind: 'success',
    title: 'Vous êtes déconnecté de tous vos appareils',
    text: 'Votre espace est fermé sur tous les ordinateurs, tablettes et téléphones. Reconnectez-vous quand vous le souhaitez.',
  },
  'account-deleted': {
    kind: 'success',
    title: 'Votre compte est supprimé',
    text: 'Vos données de compte sont effacées et vous êtes déconnecté de tous vos appareils. Votre bail ne change pas. Vous pouvez créer un nouveau compte à tout moment.',
  },
  'login-required': {
    kind: 'info',
    title: 'Connectez-vous pour accéder à votre espace',
    text: 'Votre session a expiré (par sécurité, elle se ferme après un certain temps sans activité), ou vous n’êtes pas encore connecté.',
  },
};

export default {
  title: 'Connexion',
  render(ctx) {
    let flash = ctx.flash;
    // The page of the space to open once logged in (toLogin's ?retour=).
    const home = returnPath(ctx.params.get('retour')) || HOME;
    // Messages from a page left with a full load (see home.js): ?info=…
    const info = { deconnexion: 'logged-out', 'deconnexion-partout': 'logged-out-everywhere', 'connexion-requise': 'login-required', 'compte-supprime': 'account-deleted' }[ctx.params.get('info') || ''];
    if (!flash && info) {
      flash = { kind: info };
      ctx.replaceURL('/');
    }
    let message = flash && messages[flash.kind];
    // A private link (the notice email's, a bookmark) forced the login:
    // say which page opens next rather than guess at an expired session.
    if (flash && flash.kind === 'login-required' && home !== HOME) message = pageMessage(home);

    const email = field({
      name: 'email', label: 'Adresse email', type: 'email', autocomplete: 'email',
      value: flash && flash.email,
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    });
    const password = passwordField({ label: 'Mot de passe', autocomplete: 'current-password' });
    // The links to "Mot de passe oublié" hand the typed email to that page
    // in memory (the router's flash): never in its address, which would
    // reach the server's logs, nor in the browser's storage.
    const withEmail = (a) => {
      a.addEventListener('click', (event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        ctx.navigate('/mot-de-passe-oublie', { flash: { email: value(loginForm, 'email').trim() } });
      });
      return a;
    };
    const forgot = h('p', null, withEmail(link('/mot-de-passe-oublie', 'Mot de passe oublié ?')));

    const loginForm = form({
      label: 'Connexion',
      submit: 'Se connecter',
      onsubmit: async (f) => {
        clearErrors(f);
        password.hide();
        try {
          await call('POST', '/sessions', { email: value(f, 'email').trim(), password: value(f, 'password') });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          ctx.setTitle('Connexion', { error: true });
          showLoginProblem(f, err, withEmail);
          return;
        }
        // The session is in the HttpOnly cookie; the home page (or the
        // page asked for) is loaded afresh (it is never kept in the
        // browser's cache).
        location.assign(home);
      },
    }, email.root, password.root, forgot);

    const notice = message
      ? h('div', { class: `notice${message.kind === 'success' ? ' notice--success' : ''}`, role: 'status', 'data-flash': '' },
        h('p', { class: 'notice__title' }, message.title), h('p', null, message.text))
      : null;

    // Already logged in (the app opened on this page)? Go to the home page.
    call('GET', '/me').then(() => {
      if (ctx.active()) location.replace(home);
    }, () => {});

    if (flash && flash.email) queueMicrotask(() => focus(notice));

    return [
      h('h1', null, 'Connexion à votre espace locataire'),
      notice,
      h('div', { class: 'columns wide' },
        h('section', { 'aria-labelledby': 'titre-connexion' },
          h('h2', { id: 'titre-connexion', class: 'visually-hidden' }, 'Se connecter'),
          h('p', { class: 'lead' }, 'Votre espace extranet privé est un service gratuit, 100 % sécurisé, disponible 24h/24 et 7j/7.'),
          loginForm,
        ),
        h('aside', { 'aria-labelledby': 'titre-inscription' },
          h('div', { class: 'card' },
            h('h2', { id: 'titre-inscription' }, 'Pas encore de compte ?'),
            h('p', null, 'Créez votre compte en 3 étapes, avec votre avis d’échéance sous la main : il vous faut votre référence client, votre nom et votre date de naissance, tels qu’ils figurent sur le bail.'),
            h('p', null, h('a', { class: 'button button--secondary', href: '/creer-mon-compte' }, 'Créer mon compte')),
          ),
          helpLine(),
        ),
      ),
    ];
  },
};

/** showLoginProblem explains a failed login and offers the way forward. */
function showLoginProblem(f, err, withEmail) {
  const forgotLink = h('li', null, withEmail(link('/mot-de-passe-oublie', 'Mot de passe oublié ? Recevoir un lien pour en choisir un nouveau')));
  switch (err.code) {
    case 'invalid_credentials':
      showSummary(f, {
        title: 'Adresse email ou mot de passe incorrect',
        text: err.detail,
        more: h('ul', null, forgotLink,
          h('li', null, link('/creer-mon-compte', 'Pas encore de compte ? Créer mon compte'))),
      });
      return;
    case 'account_not_activated': {
      const said = h('p', { role: 'status' });
      const resend = h('button', {
        type: 'button',
        class: 'button button--secondary',
        onclick: async () => {
          said.textContent = 'Envoi en cours…';
          try {
            await call('POST', '/activation/resend', { email: value(f, 'email').trim() });
            said.textContent = `C’est demandé : un nouvel email d’activation va partir à ${value(f, 'email').trim()} dans les prochaines minutes. Ouvrez-le et cliquez sur ${q('Activer mon compte')}. Pensez à regarder dans les courriers indésirables.`;
          } catch (e) {
            said.textContent = e instanceof ApiError && e.code === 'too_many_requests'
              ? 'Trop de demandes d’email pour le moment. Patientez un peu avant de réessayer.'
              : (e instanceof ApiError ? e.detail : 'L’envoi n’a pas abouti. Réessayez.');
          }
        },
      }, 'Renvoyer l’email d’activation');
      showSummary(f, { title: 'Activez d’abord votre compte', text: err.detail, more: [h('p', null, resend), said] });
      return;
    }
    case 'too_many_requests':
      showProblem(f, err, { more: h('ul', null, forgotLink) });
      return;
    default:
      showProblem(f, err);
  }
}

/**
 * pageMessage asks to log in to see the page of the space at path (with
 * its query): "Connectez-vous pour voir Mes documents".
 */
function pageMessage(path) {
  const page = spacePages.find((p) => path === p.path || path.startsWith(`${p.path}?`) || path.startsWith(`${p.path}#`) || path.startsWith(`${p.path}/`));
  return {
    kind: 'info',
    title: page ? `Connectez-vous pour voir ${page.title}` : 'Connectez-vous pour voir cette page de votre espace',
    text: 'Connectez-vous avec votre adresse email et votre mot de passe : la page s’ouvrira ensuite.',
  };
}
