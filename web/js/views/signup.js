// Créer mon compte: the flyer's three steps. A signatory of the lease (main
// or co-titulaire) types the lease's reference, their own surname and date
// of birth, an email and a password; the API checks them against the
// lease's signatories and emails an activation link. Each signatory has
// their own account.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError, waitMessage } from '../api.js';
import { field, passwordField, form, value, clearErrors, showProblem, showSummary } from '../form.js';
import { referenceHint, referenceExample, referenceForms, signupSteps, spamAdvice, helpLine, passwordHint, q } from '../content.js';
import { toISODate } from '../dates.js';
import { birthNotice } from './legal.js';

const TITLE = 'Créer mon compte';
const SENT_TITLE = 'Consultez votre boîte mail';

const dateMessage = 'Cette date n’est pas valide. Saisissez-la au format JJ/MM/AAAA, par exemple 12/04/1978.';

export default {
  title: TITLE,
  render(ctx) {
    const reference = field({
      name: 'reference', label: 'Référence client', hint: referenceHint(), extra: [referenceExample({ short: true }), referenceForms()],
      attrs: { autocapitalize: 'characters', spellcheck: 'false' },
    });
    const lastName = field({
      name: 'lastName', label: 'Votre nom de famille', autocomplete: 'family-name',
      hint: 'Chaque signataire du bail (titulaire ou co-titulaire) crée son propre compte, avec son nom et sa date de naissance à lui, tels qu’ils sont écrits sur le bail. En majuscules ou en minuscules, avec ou sans accents : tout est accepté.',
      attrs: { spellcheck: 'false' },
    });
    const birth = field({
      name: 'dateOfBirth', label: 'Votre date de naissance', autocomplete: 'bday',
      hint: 'Au format JJ/MM/AAAA, par exemple 12/04/1978. Vous pouvez aussi taper les 8 chiffres à la suite : 12041978.',
      extra: [birthNotice()], // legal.js: why it is asked, what is kept
      short: true, inputmode: 'numeric',
    });
    const email = field({
      name: 'email', label: 'Adresse email', type: 'email', autocomplete: 'email',
      hint: 'L’email d’activation sera envoyé à cette adresse. Elle vous servira ensuite à vous connecter.',
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    });
    const password = passwordField({
      label: 'Mot de passe', autocomplete: 'new-password', count: true,
      hint: passwordHint(),
    });

    const page = h('div', { class: 'signup' });
    let sentEmail = '';

    const signupForm = form({
      label: TITLE,
      submit: 'Créer mon compte',
      onsubmit: async (f) => {
        clearErrors(f);
        password.hide();
        const typedDate = value(f, 'dateOfBirth').trim();
        const iso = toISODate(typedDate);
        const body = {
          reference: value(f, 'reference').trim(),
          lastName: value(f, 'lastName').trim(),
          // A date we cannot read is sent as typed: the API then reports it
          // with the other fields, and we word its message for JJ/MM/AAAA.
          dateOfBirth: iso || typedDate,
          email: value(f, 'email').trim(),
          password: value(f, 'password'),
        };
        try {
          await call('POST', '/signup', body);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          ctx.setTitle(TITLE, { error: true });
          showSignupProblem(f, err, typedDate !== '' && !iso);
          return;
        }
        showSent(body.email);
      },
    }, reference.root, lastName.root, birth.root, email.root, password.root);

    const formPage = [
      h('h1', null, TITLE),
      h('p', { class: 'lead' }, 'Votre inscription pas à pas, en seulement 3 étapes :'),
      signupSteps(),
      h('p', null, 'Munissez-vous de votre avis d’échéance (ou de votre bail). Tous les champs sont obligatoires.'),
      signupForm,
      h('p', null, 'Vous avez déjà un compte ? ', link('/', 'Connectez-vous'), '.'),
      helpLine(),
    ];

    /**
     * showSent replaces the form with what to do next: open the email. The
     * API answers alike whether the lease or the address already has an
     * account (the email says which), so the page says no more either.
     */
    function showSent(address) {
      sentEmail = address;
      const said = h('div', { class: 'status', role: 'status' });
      const resend = h('button', {
        type: 'button', class: 'button',
        onclick: async () => {
          replace(said, 'Envoi en cours…');
          try {
            await call('POST', '/activation/resend', { email: sentEmail });
            const now = new Date();
            replace(said, h('div', { class: 'notice notice--success' },
              h('p', null, `Si une demande en attente d’activation correspond à ${sentEmail}, un nouvel email d’activation va lui être envoyé dans les prochaines minutes (demande faite à ${now.getHours()} h ${String(now.getMinutes()).padStart(2, '0')}). `,
                'Utilisez le lien de ce dernier email : ceux des emails précédents ne fonctionnent plus.')));
          } catch (err) {
            const text = err instanceof ApiError && err.code === 'too_many_requests' ? waitMessage(err.retryAfter) : err.detail;
            replace(said, h('div', { class: 'notice notice--warning' }, h('p', null, text)));
          }
        },
      }, 'Renvoyer l’email');
      const fix = h('button', {
        type: 'button', class: 'button button--secondary',
        onclick: () => {
          replace(page, ...formPage);
          ctx.setTitle(TITLE);
          const input = signupForm.elements.namedItem('email');
          focus(input);
        },
      }, 'Corriger mon adresse email');

      replace(page,
        h('h1', null, SENT_TITLE),
        h('div', { class: 'notice notice--success' },
          h('p', { class: 'notice__title' }, 'Votre demande de création de compte est enregistrée'),
          h('p', null, 'Si ces informations correspondent à un bail, un email va être envoyé à ', h('strong', null, address), ' dans les prochaines minutes.'),
          h('p', null, 'Si ce bail a déjà un compte, l’email partira à l’adresse de ce compte et vous expliquera comment vous connecter.')),
        h('h2', null, 'Dernière étape : activez votre compte'),
        h('p', null, `Ouvrez l’email ${q('Activez votre compte Extranet Locataire')} et cliquez sur ${q('Activer mon compte')}. Le lien est valable 48 heures.`),
        h('h2', null, 'Vous ne trouvez pas l’email ?'),
        spamAdvice(),
        h('div', { class: 'actions' }, resend),
        said,
        h('h2', null, 'L’adresse email est fausse ?'),
        h('p', null, 'Corrigez-la et validez à nouveau le formulaire : la nouvelle demande remplace la précédente.'),
        h('div', { class: 'actions' }, fix),
        h('p', null, 'Votre compte est activé ? ', link('/', 'Connectez-vous'), '.'),
        helpLine(),
      );
      ctx.setTitle(SENT_TITLE);
      focus(page.querySelector('h1'));
      window.scrollTo(0, 0);
    }

    /** showSignupProblem explains a refused sign-up and what to do next. */
    function showSignupProblem(f, err, unreadableDate) {
      const rename = unreadableDate ? { dateOfBirth: dateMessage } : {};
      switch (err.code) {
        case 'identity_mismatch':
          showSummary(f, {
            title: 'Nous n’avons pas trouvé votre bail',
            text: err.detail,
            items: [
              { field: 'reference', message: 'Vérifiez la référence client (les chiffres qui suivent L/000 sur l’avis d’échéance)' },
              { field: 'lastName', message: 'Vérifiez votre nom de famille, tel qu’il est écrit sur le bail' },
              { field: 'dateOfBirth', message: 'Vérifiez votre date de naissance' },
            ],
            more: h('p', null, 'Tout vous semble juste ? Votre agence peut vérifier les informations de votre bail. Voir la page ', link('/assistance', 'Assistance'), '.'),
          });
          return;
        default:
          showProblem(f, err, { rename });
      }
    }

    replace(page, ...formPage);
    return page;
  },
};
