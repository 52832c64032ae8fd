// Page introuvable: any path the app does not know.

import { h, link } from '../dom.js';

export default {
  title: 'Page introuvable',
  render() {
    return [
      h('h1', null, 'Page introuvable'),
      h('p', null, 'L’adresse saisie ou le lien suivi ne correspond à aucune page de l’Extranet Locataire. Vérifiez l’adresse, ou repartez d’une de ces pages :'),
      h('ul', null,
        h('li', null, link('/', 'Connexion')),
        h('li', null, link('/creer-mon-compte', 'Créer mon compte')),
        h('li', null, link('/assistance', 'Assistance'))),
    ];
  },
};
