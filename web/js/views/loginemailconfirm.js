// Confirmation of a new login email: the page the link mailed to it opens
// (/confirmation-adresse-connexion?token=…). It confirms at once, without
// logging in (linkconfirm.js), then says which address now logs in. A link
// that expired, already served or was replaced, or whose address another
// account took meanwhile, says that nothing changed.

import { h, link } from '../dom.js';
import { linkConfirmPage } from '../linkconfirm.js';

export default linkConfirmPage({
  title: 'Confirmation de votre adresse de connexion',
  path: '/confirmation-adresse-connexion',
  endpoint: '/me/login-email/confirmation',
  gone: {
    token_expired: 'Ce lien de confirmation a expiré',
    token_invalid: 'Ce lien de confirmation ne fonctionne plus',
    login_email_taken: 'Cette adresse est déjà utilisée',
  },
  done: 'Votre nouvelle adresse de connexion est confirmée',
  confirmed: (res) => [
    h('div', { class: 'notice notice--success' },
      h('p', null, 'Connectez-vous désormais avec ', h('strong', { 'data-login-email': '' }, res.email), ' et votre mot de passe habituel.'),
      h('p', null, 'Votre ancienne adresse ne permet plus de vous connecter.')),
    h('div', { class: 'actions' }, link('/mon-espace/profil', 'Aller à Mon profil')),
  ],
  unchanged: 'Votre adresse de connexion n’a pas changé : connectez-vous avec l’adresse utilisée jusqu’ici.',
  renew: () => ['Connectez-vous, puis ouvrez ', link('/mon-espace/profil', 'Mon profil'),
    ' et saisissez à nouveau la nouvelle adresse. Seul le lien du dernier email reçu fonctionne.'],
});
