// Assistance: the emergency number of each residence (public, also
// offline), the flyer's advice, the answers to what tenants get stuck on,
// and how to get help. Reachable from every page's footer.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, form, value, clearErrors, showProblem, setFieldError } from '../form.js';
import { referenceExample, signupSteps, spamAdvice, q } from '../content.js';
import { telHref } from '../format.js';

const TITLE = 'Assistance';

const topics = [
  ['urgence', 'Urgence technique : trouvez le numéro de votre résidence'],
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
          h('p', null, `Si un compte en attente d’activation correspond à l’adresse ${email}, un nouvel email d’activation va lui être envoyé dans les prochaines minutes. Seul le lien de ce dernier email fonctionnera.`)));
      },
    }, field({
      name: 'email', label: 'Adresse email donnée lors de l’inscription', type: 'email', autocomplete: 'email',
      attrs: { autocapitalize: 'none', spellcheck: 'false' },
    }).root);

    const section = (id, ...content) => h('section', { 'aria-labelledby': id },
      h('h2', { id }, topics.find(([t]) => t === id)[1]), content);

    return [
      h('h1', null, TITLE),
      h('p', { class: 'lead' }, 'Le numéro d’urgence de votre résidence, quelques conseils pour créer votre compte et vous connecter, et comment obtenir de l’aide.'),
      h('nav', { class: 'toc', 'aria-labelledby': 'titre-sommaire' },
        h('h2', { id: 'titre-sommaire' }, 'Sur cette page'),
        h('ul', null, topics.map(([id, title]) => h('li', null, h('a', { href: `#${id}` }, title))))),

      section('urgence',
        h('p', null, 'Fuite d’eau, panne de chauffage, porte bloquée, ascenseur en panne… le service d’urgence technique de votre résidence répond à toute heure, même la nuit et le week-end, quand votre agence est fermée. Trouvez son numéro, sans compte :'),
        emergencySearch()),

      section('inscription',
        signupSteps(),
        h('p', null, 'Pour commencer, ', link('/creer-mon-compte', 'créez votre compte'), '. Un seul compte par bail : si une personne de votre foyer l’a déjà créé, connectez-vous avec son adresse email.')),

      section('reference',
        h('p', null, 'Votre référence client est votre numéro de contrat. Elle figure sur votre avis d’échéance, à la suite de L/000 et jusqu’au tiret (-).'),
        referenceExample(),
        h('p', null, 'Vous pouvez la saisir avec ou sans « L/000 », avec ou sans ce qui suit le tiret : toutes les formes sont acceptées.')),

      section('nom',
        h('p', null, 'Chaque signataire du bail, titulaire ou co-titulaire, peut créer son propre compte : saisissez votre nom de famille à vous, tel qu’il est écrit sur le bail. Deux signataires peuvent porter le même nom : votre date de naissance fait la différence.'),
        h('p', null, 'Vous pouvez l’écrire en MAJUSCULES comme sur le bail, ou en minuscules, avec ou sans accents, tirets ou apostrophes : DUPONT, Dupont et dupont sont acceptés.'),
        h('p', null, 'La date de naissance demandée est la vôtre. Chacun voit les mêmes informations du bail (solde, documents…) avec son propre email et son propre mot de passe.')),

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
        h('p', null, 'En cas d’urgence technique dans votre logement (fuite d’eau, panne de chauffage collectif, ascenseur bloqué…), appelez le service d’urgence technique de votre résidence, à toute heure : ', h('a', { href: '#urgence' }, 'trouvez son numéro en haut de cette page'), ', sans compte et même hors ligne. Une fois connecté, il figure aussi dans la rubrique « Contacts utiles » de votre espace.'),
        h('p', null, 'Vous rencontrez une difficulté d’accessibilité ? Voir la ', link('/accessibilite', 'déclaration d’accessibilité'), '.')),
    ];
  },
};

/**
 * emergencySearch is the search of the residences' emergency numbers, its
 * results and the line about calling the emergency services first: on
 * this page, and on a page of the space that cannot load offline
 * (space.js), where it answers from the service worker's copy.
 */
export function emergencySearch() {
  // The count is announced; the results follow it, outside the live region.
  const announce = h('p', { class: 'status', role: 'status' });
  const found = h('div', { class: 'emergency-found' });
  const emergencyForm = form({
    label: 'Trouver le numéro d’urgence de votre résidence',
    submit: 'Trouver le numéro',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(announce);
      replace(found);
      const typed = value(f, 'q').trim();
      if (fold(typed).length < 2) {
        setFieldError(f, 'q', 'Saisissez au moins 2 lettres ou chiffres : le nom de votre ville, son code postal ou le nom de votre résidence.');
        focus(f.elements.namedItem('q'));
        return;
      }
      let answer;
      try {
        answer = await findEmergency(typed);
      } catch (err) {
        if (err instanceof ApiError) showProblem(f, err);
        return;
      }
      const shown = emergencyResults(typed, answer);
      replace(announce, shown.said);
      replace(found, shown.nodes);
    },
  }, field({
    name: 'q', label: 'Votre ville, son code postal ou le nom de votre résidence', type: 'search', autocomplete: 'off',
    hint: 'Par exemple : Saint-Denis, 93200 ou Les Jardins.',
    attrs: { maxlength: '100', spellcheck: 'false' },
  }).root);

  return [emergencyForm, announce, found,
    h('p', { class: 'contact__danger' }, 'En cas de danger (incendie, odeur de gaz, personne blessée), appelez d’abord les secours : le 18 (pompiers) ou le 112.')];
}

/**
 * findEmergency asks the API for the emergency services of the residences
 * matching what was typed. When the API cannot answer (offline, past its
 * limit of searches per address: 429, or failing: 5xx), it searches the
 * copy of the whole directory that the service worker keeps (GET
 * /emergency-contacts without a query is answered from that copy then).
 * @returns {Promise<{results: object[], more: boolean, copy: ''|'offline'|'kept'}>}
 */
async function findEmergency(typed) {
  try {
    const answer = await call('GET', `/emergency-contacts?q=${encodeURIComponent(typed)}`);
    return { ...answer, copy: '' };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const offline = err.code === 'network';
    if (!offline && err.status !== 429 && err.status < 500) throw err;
    let all;
    try {
      all = await call('GET', '/emergency-contacts');
    } catch {
      throw offline ? new ApiError({
        status: 0, code: 'network', title: 'Pas de connexion',
        detail: `Vous êtes hors ligne et cet appareil n’a pas encore de copie des numéros d’urgence. ${ELSEWHERE}`,
      }) : unavailable(err);
    }
    const prefix = fold(typed);
    const matches = all.results.filter((e) => terms(e).some((t) => t.startsWith(prefix)));
    return { results: matches.slice(0, 20), more: matches.length > 20, copy: offline ? 'offline' : 'kept' };
  }
}

const ELSEWHERE = 'Le numéro figure aussi sur vos avis d’échéance et dans le hall de votre résidence. En cas de danger, appelez le 18 ou le 112.';

/**
 * unavailable says that the search cannot answer now (429 or 5xx) and
 * where else the number is: a lookup in an emergency is no "attempt"
 * limited "for security", as the general 429 message puts it.
 */
function unavailable(err) {
  const minutes = Math.max(1, Math.ceil((err.retryAfter || 60) / 60));
  const detail = err.status === 429
    ? `Beaucoup de recherches viennent d’être faites depuis votre connexion : patientez ${minutes > 1 ? `${minutes} minutes` : 'une minute'}, puis réessayez. ${ELSEWHERE}`
    : `La recherche est momentanément indisponible : réessayez dans quelques minutes. ${ELSEWHERE}`;
  return new ApiError({ status: err.status, code: 'emergency_unavailable', title: 'Recherche indisponible pour le moment', detail });
}

/**
 * emergencyResults says what a search found (said, for the live region) and
 * shows each residence with a button that calls (nodes).
 */
function emergencyResults(typed, { results, more, copy }) {
  const count = results.length;
  const said = count === 0
    ? `Aucune résidence trouvée pour « ${typed} ». Vérifiez l’orthographe, ou essayez le code postal ou le nom de votre ville.`
    : `${count} résidence${count > 1 ? 's' : ''} trouvée${count > 1 ? 's' : ''} pour « ${typed} ».`;
  return { said, nodes: [
    more ? h('p', null, 'D’autres résidences correspondent : précisez le nom de votre résidence ou de votre ville.') : null,
    copy === 'offline' ? h('p', { class: 'notice notice--warning' }, 'Vous êtes hors ligne : ces numéros viennent de la copie gardée sur cet appareil.') : null,
    copy === 'kept' ? h('p', { class: 'hint emergency-copy' }, 'Ces numéros viennent de la copie gardée sur cet appareil : la liste peut dater d’un jour.') : null,
    count ? h('ul', { class: 'contacts emergency-results' }, results.map((e, i) => h('li', null, emergencyCard(e, i)))) : null,
  ] };
}

/** emergencyCard is one residence and its emergency service. */
function emergencyCard(e, i) {
  const id = `urgence-residence-${i}`;
  const href = telHref(e.phone);
  const shown = e.phone.trim().replace(/\s+/g, '\u00a0');
  return h('section', { class: 'contact card', 'aria-labelledby': id },
    h('h3', { id }, e.residence),
    h('p', null, [e.address.postalCode, e.address.city].filter(Boolean).join(' ')),
    h('p', { class: 'contact__name' }, e.name),
    href ? h('p', { class: 'contact__call' }, h('a', { href, class: 'button button--call' }, `Appeler le ${shown}`)) : null,
    e.hours ? h('p', null, h('strong', null, 'Joignable : '), e.hours) : null);
}

// Folding as the API does (directory.Fold): lower case, no accents, only
// letters and digits, so "Saint-Denis", "saint denis" and "SAINT DENIS" match.
const LETTERS = { æ: 'ae', œ: 'oe', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i', ŧ: 't' };

/** fold reduces text to what a search compares. */
export function fold(text) {
  return String(text || '').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
    .replace(/[æœßøłđħıŧ]/g, (c) => LETTERS[c]).replace(/[^\p{L}\p{N}]/gu, '');
}

/** terms are what a residence is found by, as the API indexes it (directory.Terms). */
function terms(e) {
  const out = [fold(e.address.postalCode)];
  for (const text of [e.residence, e.address.city]) {
    const words = String(text || '').split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
    for (let i = 0; i < words.length && i < 8; i++) out.push(fold(words.slice(i).join('')));
  }
  return out.filter(Boolean);
}
