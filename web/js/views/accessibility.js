// Déclaration d'accessibilité, on the RGAA 4.1 model. Until an audit on the
// RGAA grid has been made, the RGAA requires the status "non conforme"
// (statuses: totalement conforme = 100 % of criteria, partiellement
// conforme = at least 50 %, non conforme = less, or no audit). Update STATUS,
// the audit section and the footer link of index.html after the audit.

import { h, link } from '../dom.js';

const TITLE = 'Déclaration d’accessibilité';
const STATUS = 'non conforme';
const DATE = '25 novembre 2026';
const UPDATED = '30 novembre 2026'; // the list of pages (issue 11: the names and Mon profil)

// Every page behind the login (web/js/app.js's routes under /mon-espace),
// by the names their titles give them.
const PRIVATE_PAGES = [
  ['/mon-espace', 'Accueil de votre espace'],
  ['/mon-espace/solde', 'Mon solde'],
  ['/mon-espace/paiements', 'Mes paiements en ligne'],
  ['/mon-espace/coordonnees-bancaires', 'Mes coordonnées bancaires'],
  ['/mon-espace/prelevement', 'Prélèvement automatique'],
  ['/mon-espace/documents', 'Mes documents'],
  ['/mon-espace/quittances', 'Mes quittances'],
  ['/mon-espace/assurance', 'Mon assurance'],
  ['/mon-espace/contrat', 'Mon logement'],
  ['/mon-espace/contacts', 'Contacts utiles'],
  ['/mon-espace/preferences', 'Mes préférences'],
  ['/mon-espace/dossier', 'Mes demandes'],
  ['/mon-espace/profil', 'Mon profil'],
  ['/mon-espace/mot-de-passe', 'Changer mon mot de passe'],
  ['/mon-espace/appareils', 'Mes appareils connectés'],
];

const ext = (href, text) => h('a', { href, rel: 'noopener' }, text);

export default {
  title: TITLE,
  render() {
    return [
      h('h1', null, TITLE),
      h('p', null, 'La Cité Jardins s’engage à rendre ses services numériques accessibles, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.'),
      h('p', null, 'Cette déclaration d’accessibilité s’applique à l’Extranet Locataire (application web).'),

      h('h2', null, 'État de conformité'),
      h('p', null, 'L’Extranet Locataire est ', h('strong', null, STATUS),
        ' avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1 : aucun audit de conformité n’a encore été réalisé.'),
      h('p', null, 'Le service a été conçu pour respecter le RGAA et les règles WCAG 2.1 niveau AA : utilisation avec un lecteur d’écran, entièrement au clavier, sur un petit téléphone et avec un texte agrandi à 200 %. Ses pages sont vérifiées automatiquement lors de ses tests. Un audit complet est prévu ; cette déclaration sera mise à jour avec ses résultats.'),

      h('h2', null, 'Contenus non accessibles'),
      h('p', null, 'En l’absence d’audit, la liste des non-conformités n’est pas encore établie. Si un contenu ou une fonctionnalité vous pose problème, signalez-le (voir ci-dessous) : nous vous apporterons l’information ou le service sous une autre forme.'),

      h('h2', null, 'Établissement de cette déclaration'),
      h('p', null, `Cette déclaration a été établie le ${DATE} et mise à jour le ${UPDATED}.`),
      h('h3', null, 'Technologies utilisées'),
      h('ul', null, h('li', null, 'HTML5'), h('li', null, 'CSS'), h('li', null, 'JavaScript'), h('li', null, 'WAI-ARIA')),
      h('h3', null, 'Environnement des vérifications'),
      h('p', null, 'Vérifications automatiques avec axe-core dans Chromium, aux largeurs de 320, 390 et 1280 pixels ; parcours complets au clavier seul.'),
      h('h3', null, 'Pages concernées'),
      h('p', null, 'Pages publiques :'),
      h('ul', { 'data-pages': 'publiques' },
        h('li', null, link('/', 'Connexion')),
        h('li', null, link('/creer-mon-compte', 'Créer mon compte')),
        h('li', null, 'Activation du compte (lien reçu par email)'),
        h('li', null, link('/mot-de-passe-oublie', 'Mot de passe oublié')),
        h('li', null, 'Nouveau mot de passe (lien reçu par email)'),
        h('li', null, 'Confirmation de votre adresse email (lien reçu par email)'),
        h('li', null, 'Confirmation de votre adresse de connexion (lien reçu par email)'),
        h('li', null, link('/assistance', 'Assistance')),
        h('li', null, link('/mentions-legales', 'Mentions légales')),
        h('li', null, link('/confidentialite', 'Politique de confidentialité')),
        h('li', null, 'Déclaration d’accessibilité')),
      h('p', null, 'Pages de votre espace, après connexion :'),
      h('ul', { 'data-pages': 'privees' }, PRIVATE_PAGES.map(([path, name]) => h('li', null, link(path, name)))),

      h('h2', null, 'Retour d’information et contact'),
      h('p', null, 'Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez votre agence ou votre gestionnaire de territoire (coordonnées sur vos courriers et avis d’échéance) : dites-nous la page et ce qui vous bloque. Nous vous orienterons vers une autre solution et nous corrigerons le problème.'),

      h('h2', null, 'Voies de recours'),
      h('p', null, 'Si vous nous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un service, et que vous n’avez pas obtenu de réponse satisfaisante, vous pouvez saisir le Défenseur des droits :'),
      h('ul', null,
        h('li', null, 'par le ', ext('https://formulaire.defenseurdesdroits.fr/', 'formulaire en ligne du Défenseur des droits'), ' ;'),
        h('li', null, 'en contactant ', ext('https://www.defenseurdesdroits.fr/carte-des-delegues', 'le délégué du Défenseur des droits de votre région'), ' ;'),
        h('li', null, 'par téléphone au 09 69 39 00 00 ;'),
        h('li', null, 'par courrier, gratuitement, sans timbre : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.')),
    ];
  },
};
