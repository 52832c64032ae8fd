// Texts and blocks used on several pages. The wording follows the landlord's
// flyer, which is what tenants have in hand.

import { h, link } from './dom.js';

/**
 * referenceExample shows where the client reference is on a rent notice.
 * Beside the reference field, whose instructions (referenceHint) already say
 * where it is, o.short leaves that sentence out of the caption: said once.
 * @param {{short?: boolean}} [o]
 */
export function referenceExample(o = {}) {
  return h('figure', { class: 'notice-example' },
    h('span', { class: 'notice-example__label' }, 'Références locataire'),
    h('span', { class: 'notice-example__code', 'aria-hidden': 'true' },
      'L/000', h('strong', null, '8889999'), '-99966899+3'),
    h('figcaption', null,
      o.short ? null : 'Sur votre avis d’échéance, la référence client suit « L/000 » et va jusqu’au tiret. ',
      'Dans cet exemple (L/0008889999-99966899+3), la référence client est ', h('strong', null, '8889999'), '.'),
  );
}

/** referenceHint is the instructions of the reference field. */
export function referenceHint() {
  return 'C’est votre numéro de contrat. Il figure sur votre avis d’échéance, à la suite de L/000 et jusqu’au tiret.';
}

/** referenceForms says that the reference may be typed in any form; shown after the example. */
export function referenceForms() {
  return h('p', { class: 'hint', id: 'reference-formes' },
    'Toutes les formes sont acceptées : 8889999, 0008889999 ou L/0008889999-99966899+3.');
}

/**
 * passwordHint is the instructions of a new password's field (sign-up,
 * reset, change): the API's rules (account.checkPassword: at least 12
 * characters, none of the tenant's personal data).
 */
export function passwordHint() {
  return 'Au moins 12 caractères. Une phrase facile à retenir fait un très bon mot de passe, par exemple quelques mots séparés par des espaces. N’y mettez ni votre nom, ni votre prénom, ni votre date de naissance, ni votre adresse email, ni votre référence client.';
}

/** q puts a text between French quotes, with the non-breaking spaces they take. */
export function q(text) {
  return `«\u00a0${text}\u00a0»`;
}

/** signupSteps are the flyer's three steps. */
export function signupSteps() {
  return h('ol', { class: 'steps' },
    h('li', null, 'Remplissez le formulaire d’inscription, avec votre avis d’échéance sous la main.'),
    h('li', null, 'Validez votre inscription en cliquant sur « Créer mon compte ».'),
    h('li', null, 'Activez votre compte grâce à l’email de validation reçu à l’adresse renseignée lors de votre inscription.'),
  );
}

/** helpLine invites to the assistance page. */
export function helpLine() {
  return h('p', null, 'Besoin d’aide ? Consultez la page ', link('/assistance', 'Assistance'), '.');
}

/** spamAdvice is what to do when the email does not arrive. */
export function spamAdvice() {
  return h('ul', null,
    h('li', null, 'Patientez quelques minutes : l’email peut mettre un peu de temps à arriver.'),
    h('li', null, 'Regardez dans les courriers indésirables (spam) de votre messagerie. Si l’email s’y trouve, signalez-le comme « non indésirable » : les suivants arriveront normalement.'),
    h('li', null, 'L’email vient de « Extranet Locataire ». Son objet est « Activez votre compte Extranet Locataire ».'),
  );
}

/** formatAddress lists an address's lines. */
export function addressLines(a) {
  if (!a) return [];
  const city = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.street, a.complement, city].filter(Boolean);
}
