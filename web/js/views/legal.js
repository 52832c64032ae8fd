// The public legal pages: Mentions légales (/mentions-legales, LCEN art. 6
// III) and Politique de confidentialité (/confidentialite, RGPD art. 13).
// The landlord's details come from the settings through GET /api/v1/legal;
// a setting left empty reads "non renseigné". Both are reachable from every
// page's footer, without an account. Also the sign-up form's notice on the
// date of birth (birthNotice).

import { h, link, replace } from '../dom.js';
import { call } from '../api.js';

const MENTIONS = 'Mentions légales';
const PRIVACY = 'Politique de confidentialité';
const UNSET = 'non renseigné';

const ext = (href, text) => h('a', { href, rel: 'noopener' }, text);

/**
 * slot is a place for one of the landlord's details, filled when
 * /api/v1/legal answers (fill).
 * @param {string} key a field of the answer ("name", "siren"...)
 */
function slot(key) {
  return h('span', { 'data-legal': key }, '…');
}

/** regionName names an AWS region in words (eu-west-3 is Paris). */
function regionName(r) {
  const names = { 'eu-west-3': 'Paris (France)', 'eu-west-1': 'Irlande', 'eu-central-1': 'Francfort (Allemagne)' };
  if (!r) return UNSET;
  return names[r] ? `${names[r]}, région ${r}` : `région ${r}`;
}

/**
 * fill puts the landlord's details into the page's slots; without an answer
 * (offline, service down) each slot says where else to find them.
 * @param {HTMLElement} root
 * @param {object|null} l the answer of GET /api/v1/legal
 */
function fill(root, l) {
  for (const el of root.querySelectorAll('[data-legal]')) {
    const key = el.getAttribute('data-legal');
    if (!l) {
      replace(el, 'indisponible pour le moment (voir vos avis d’échéance)');
      continue;
    }
    switch (key) {
      case 'address': {
        const lines = Array.isArray(l.address) ? l.address : [];
        replace(el, lines.length ? lines.join(', ') : UNSET);
        break;
      }
      case 'hostRegion':
        replace(el, regionName(l.hostRegion));
        break;
      case 'dpoEmail':
        replace(el, l.dpoEmail ? h('a', { href: `mailto:${l.dpoEmail}` }, l.dpoEmail) : `${UNSET} : écrivez à l’adresse postale ci-dessus, « à l’attention du délégué à la protection des données »`);
        break;
      default:
        replace(el, l[key] || UNSET);
    }
  }
}

/** page builds a legal page's nodes and fills its slots once loaded. */
function page(ctx, nodes) {
  const root = h('div', { class: 'legal' }, nodes);
  call('GET', '/legal').then((l) => fill(root, l), () => fill(root, null)).finally(() => {
    if (ctx.active()) root.setAttribute('data-loaded', '');
  });
  return root;
}

const controller = () => h('dl', { class: 'facts' },
  h('dt', null, 'Nom'), h('dd', { 'data-legal-name': '' }, slot('name')),
  h('dt', null, 'Adresse'), h('dd', null, slot('address')),
  h('dt', null, 'Téléphone'), h('dd', null, slot('phone')),
  h('dt', null, 'SIREN ou RCS'), h('dd', null, slot('siren')));

export const mentions = {
  title: MENTIONS,
  render(ctx) {
    return [
      h('h1', null, MENTIONS),
      page(ctx, [
        h('h2', null, 'Éditeur du site'),
        h('p', null, 'L’Extranet Locataire est publié par votre bailleur :'),
        controller(),
        h('p', null, 'Directeur ou directrice de la publication : ', slot('publicationDirector'), '.'),
        h('h2', null, 'Hébergement'),
        h('p', null, 'Le site et ses données sont hébergés par Amazon Web Services EMEA SARL, 38 avenue John F. Kennedy, L-1855 Luxembourg (',
          ext('https://aws.amazon.com/fr/', 'aws.amazon.com'), '). Les données sont conservées dans ses centres de données de la zone : ', slot('hostRegion'), '.'),
        h('h2', null, 'Données personnelles'),
        h('p', null, 'Ce que nous faisons de vos données et vos droits sont expliqués dans la ', link('/confidentialite', PRIVACY), '.'),
        h('h2', null, 'Accessibilité'),
        h('p', null, 'Voir la ', link('/accessibilite', 'déclaration d’accessibilité'), '.'),
      ]),
    ];
  },
};

/** retention lists how long each kind of data is kept (a list of terms: readable on a phone, unlike a table). */
function retention() {
  const rows = [
    ['Votre compte (adresse email, mot de passe chiffré, préférences)', 'Tant que votre compte est actif. Vous pouvez le supprimer vous-même dans Mon profil (voir « Vos droits ») : il est effacé aussitôt, avec vos connexions et vos liens reçus par email ; les informations de votre bail restent alors celles de votre bailleur.'],
    ['Trace de la suppression de votre compte', 'Votre bailleur reçoit la référence de votre bail et la date de la suppression, et les garde avec votre dossier locataire. Le site garde ce message, comme ceux qui signalent un changement d’adresse email, 90 jours au plus, le temps que votre bailleur le récupère.'],
    ['Sessions de connexion', '30 minutes sans activité, 12 heures au plus ; elles s’effacent aussi à la déconnexion.'],
    ['Liens d’activation et de nouveau mot de passe', '48 heures (activation), 2 heures (nouveau mot de passe).'],
    ['Journaux techniques de sécurité', '1 an au plus. Ils ne contiennent ni votre nom, ni votre adresse email, ni votre référence client.'],
    ['Documents (avis d’échéance, quittances, attestations)', 'Pendant votre bail ; ensuite, 10 ans pour ceux qui sont des pièces comptables (article L123-22 du Code de commerce).'],
    ['Attestation d’assurance envoyée', 'Un fichier refusé est supprimé après 90 jours ; un fichier accepté est conservé avec votre dossier.'],
    ['Paiements en ligne', '10 ans, comme toute pièce comptable (article L123-22 du Code de commerce).'],
    ['Coordonnées bancaires et mandat de prélèvement SEPA', 'Tant que le mandat est valable, puis au moins 14 mois après le dernier prélèvement (délai de contestation de 13 mois, article L133-24 du Code monétaire et financier). Un mandat sans prélèvement pendant 36 mois n’est plus valable.'],
  ];
  return h('dl', { class: 'facts', 'data-conservation': '' }, rows.map(([what, how]) => [h('dt', null, what), h('dd', null, how)]));
}

export const privacy = {
  title: PRIVACY,
  render(ctx) {
    return [
      h('h1', null, PRIVACY),
      page(ctx, [
        h('p', { class: 'lead' }, 'Cette page explique quelles données l’Extranet Locataire utilise, pourquoi, combien de temps, qui les reçoit, et comment exercer vos droits.'),

        h('h2', null, 'Responsable du traitement'),
        h('p', null, 'Votre bailleur est responsable de vos données :'),
        controller(),

        h('h2', null, 'Délégué à la protection des données'),
        h('p', null, 'Pour toute question sur vos données : ', slot('dpoEmail'), '.'),

        h('h2', null, 'Pourquoi nous utilisons vos données'),
        h('ul', null,
          h('li', null, h('strong', null, 'Gérer votre compte et votre bail en ligne'), ' (compte, documents, paiements, demandes) : c’est nécessaire à l’exécution de votre contrat de location.'),
          h('li', null, h('strong', null, 'Vous remettre vos quittances et tenir la comptabilité'), ' : c’est une obligation légale du bailleur.'),
          h('li', null, h('strong', null, 'Vous envoyer vos avis d’échéance sans papier'), ' : seulement si vous l’avez accepté (votre consentement). Vous pouvez revenir au papier à tout moment dans Mes préférences.'),
          h('li', null, h('strong', null, 'Protéger votre compte'), ' (limiter les tentatives de connexion, garder des journaux de sécurité) : c’est l’intérêt légitime du bailleur et le vôtre.')),

        h('h2', null, 'Combien de temps nous les gardons'),
        retention(),

        h('h2', null, 'Qui reçoit vos données'),
        h('ul', null,
          h('li', null, 'Les services de votre bailleur, par son logiciel de gestion locative, qui tient votre bail et votre compte de loyers.'),
          h('li', null, 'Stripe Payments Europe Ltd (Irlande), le prestataire de paiement en ligne, pour vos paiements en ligne.'),
          h('li', null, 'Amazon Web Services (Amazon SES), qui envoie les emails du site.'),
          h('li', null, 'Amazon Web Services EMEA SARL, l’hébergeur du site (zone : ', slot('hostRegion'), ').')),
        h('p', null, 'Vos données ne sont jamais vendues ni utilisées pour de la publicité.'),

        h('h2', null, 'Transferts hors de l’Union européenne'),
        h('p', null, 'Le site et ses données sont hébergés dans l’Union européenne. Stripe peut traiter des données de paiement aux États-Unis : ce transfert est encadré par le cadre de protection des données UE–États-Unis (Data Privacy Framework), auquel Stripe, Inc. adhère, et par les clauses contractuelles types de la Commission européenne. Voir la ',
          ext('https://stripe.com/fr/privacy', 'politique de confidentialité de Stripe'), '.'),

        h('h2', null, 'Vos droits'),
        h('p', null, 'Vous pouvez demander à voir vos données (droit d’accès), les faire corriger (rectification), les faire effacer, les recevoir dans un fichier pour les réutiliser (portabilité), vous opposer à un usage ou le faire suspendre (limitation). Vous pouvez retirer votre accord pour les avis sans papier à tout moment.'),
        h('p', { 'data-droits-compte': '' }, 'Depuis votre espace, dans ', link('/mon-espace/profil', 'Mon profil'), ', vous pouvez vous-même télécharger vos données (portabilité) et ', link('/mon-espace/profil#suppression', 'supprimer votre compte'), ' (effacement). Les informations de votre bail (compte de loyers, documents, demandes, paiements) restent chez votre bailleur pendant les durées ci-dessus.'),
        h('p', null, 'Pour vos autres droits, écrivez au délégué à la protection des données (ci-dessus) ou à votre bailleur, avec votre référence client. Nous répondons dans un délai d’un mois. Une information de votre bail est fausse ? Signalez-le aussi dans « Mes demandes », depuis votre espace.'),

        h('h2', null, 'Réclamation auprès de la CNIL'),
        h('p', null, 'Si vous pensez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l’informatique et des libertés (CNIL) : sur ',
          ext('https://www.cnil.fr/fr/plaintes', 'www.cnil.fr'), ', ou par courrier : CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris CEDEX 07.'),

        h('h2', null, 'Votre date de naissance à la création du compte'),
        h('p', null, birthText()),
      ]),
    ];
  },
};

/** birthText says why sign-up asks for a date of birth and what is kept. */
function birthText() {
  return 'Elle sert seulement à vérifier que vous êtes bien signataire du bail, avec la référence client et le nom : elle est comparée à celle du dossier de votre bailleur. Le site ne garde pas la date que vous tapez.';
}

/**
 * birthNotice is the sign-up form's notice beside the date-of-birth field
 * (a .hint with an id: form.field ties it to the input with
 * aria-describedby). The date typed is compared with the lease's signatory
 * (imported from the landlord's file) and with the password, never stored.
 */
export function birthNotice() {
  return h('p', { class: 'hint', id: 'dateOfBirth-pourquoi' },
    'Pourquoi ? ', birthText(), ' ', link('/confidentialite', 'En savoir plus sur vos données'), '.');
}
