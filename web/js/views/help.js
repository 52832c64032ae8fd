// Assistance: the flyer's advice, the answers to what tenants get stuck on,
// and how to get help. Reachable from every page's footer.

import { h, link, replace } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, form, value, clearErrors, showProblem } from '../form.js';
import { referenceExample, signupSteps, spamAdvice, q } from '../content.js';

const TITLE = 'Assistance';

const topics = [
  ['inscription', 'Créer votre compte en 3 étapes'],
  ['reference', 'Où trouver votre référence client ?'],
  ['nom', 'Quel nom saisir ?'],
  ['email-activation', 'Vous n’avez pas reçu l’email d’activation ?'],
  ['lien', 'Le lien d’activation ne fonctionne plus ?'],
  ['connexion', 'Vous n’arrivez pas à vous connecter ?'],
  ['aide', 'Obtenir de l’aide'],
];

export default {
  title: TITLE,
  render() {
    const said = h('div', { class: 'status', role: 'status' });
    const resendForm = form({
      label: 'Recevoir un nouvel email d’activation',
      submit: 'Renvoyer l’email d’activation',
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
          h('p', null, `Si un compte en attente d’activation correspond à l’adresse ${email}, un nouvel email d’activation vient de lui être envoyé. Seul le lien de ce dernier email fonctionne.`)));
      },
    }, field({
      name: 'email', label: 'Adresse email donnée lors de l’inscription', type: 'email', autocomplete: 'email',
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    }).root);

    const section = (id, ...content) => h('section', { 'aria-labelledby': id },
      h('h2', { id }, topics.find(([t]) => t === id)[1]), content);

    return [
      h('h1', null, TITLE),
      h('p', { class: 'lead' }, 'Quelques conseils pour créer votre compte et vous connecter, et comment obtenir de l’aide.'),
      h('nav', { class: 'toc', 'aria-labelledby': 'titre-sommaire' },
        h('h2', { id: 'titre-sommaire' }, 'Sur cette page'),
        h('ul', null, topics.map(([id, title]) => h('li', null, h('a', { href: `#${id}` }, title))))),

      section('inscription',
        signupSteps(),
        h('p', null, 'Pour commencer, ', link('/creer-mon-compte', 'créez votre compte'), '. Un seul compte par bail : si une personne de votre foyer l’a déjà créé, connectez-vous avec son adresse email.')),

      section('reference',
        h('p', null, 'Votre référence client est votre numéro de contrat. Elle figure sur votre avis d’échéance, à la suite de L/000 et jusqu’au tiret (-).'),
        referenceExample(),
        h('p', null, 'Vous pouvez la saisir avec ou sans « L/000 », avec ou sans ce qui suit le tiret : toutes les formes sont acceptées.')),

      section('nom',
        h('p', null, 'Le nom à renseigner est le nom de famille du signataire principal du bail : la première personne nommée sur le bail, pas forcément vous.'),
        h('p', null, 'Vous pouvez l’écrire en MAJUSCULES comme sur le bail, ou en minuscules, avec ou sans accents, tirets ou apostrophes : DUPONT, Dupont et dupont sont acceptés.'),
        h('p', null, 'La date de naissance demandée est aussi celle du signataire principal.')),

      section('email-activation',
        h('p', null, `Après l’inscription, un email ${q('Activez votre compte Extranet Locataire')} est envoyé à l’adresse renseignée. Votre compte n’est utilisable qu’après avoir cliqué sur son lien.`),
        spamAdvice(),
        h('p', null, 'Toujours rien ? Demandez un nouvel email :'),
        resendForm,
        said,
        h('p', null, 'Vous vous êtes trompé d’adresse email ? ', link('/creer-mon-compte', 'Refaites l’inscription'), ' avec la bonne adresse : la nouvelle demande remplace la précédente.')),

      section('lien',
        h('p', null, 'Le lien d’activation est valable 48 heures et ne sert qu’une fois. Seul le lien du dernier email reçu fonctionne.'),
        h('p', null, 'S’il a expiré, demandez un nouvel email ci-dessus. S’il a déjà servi, votre compte est activé : ', link('/', 'connectez-vous'), '.')),

      section('connexion',
        h('ul', null,
          h('li', null, 'Utilisez l’adresse email donnée lors de l’inscription et le mot de passe choisi alors.'),
          h('li', null, 'Mot de passe oublié ? ', link('/mot-de-passe-oublie', 'Recevez un lien pour en choisir un nouveau'), ' (valable 2 heures).'),
          h('li', null, 'Après plusieurs essais manqués, la connexion est bloquée quelques minutes, par sécurité : patientez, puis réessayez.'),
          h('li', null, 'L’Extranet Locataire fonctionne avec tous les navigateurs récents (Firefox, Chrome, Safari, Edge…), sur ordinateur, tablette et téléphone.'))),

      section('aide',
        h('p', null, 'Votre agence et votre gestionnaire de territoire peuvent vous aider à créer votre compte, ou faire vos démarches avec vous si vous n’avez pas d’ordinateur ni de téléphone. Leurs coordonnées figurent sur vos courriers et avis d’échéance.'),
        h('p', null, 'En cas d’urgence technique dans votre logement (fuite d’eau, panne de chauffage collectif, ascenseur bloqué…), appelez le service d’urgence technique. Son numéro sera bientôt dans la rubrique « Contacts utiles » de votre espace ; en attendant, votre agence vous le donne.'),
        h('p', null, 'Vous rencontrez une difficulté d’accessibilité ? Voir la ', link('/accessibilite', 'déclaration d’accessibilité'), '.')),
    ];
  },
};
