// Confirmation of a new notification address: the page the link mailed to
// it opens (/confirmation-email?token=…). It confirms at once, without
// logging in (linkconfirm.js), then says which address now receives the
// notice emails. A link that expired, already served or was replaced says
// that nothing changed.

import { h, link } from '../dom.js';
import { linkConfirmPage } from '../linkconfirm.js';

export default linkConfirmPage({
  title: 'Confirmation de votre adresse email',
  path: '/confirmation-email',
  endpoint: '/preferences/notification-email/confirmation',
  gone: {
    token_expired: 'Ce lien de confirmation a expiré',
    token_invalid: 'Ce lien de confirmation ne fonctionne plus',
  },
  done: 'Votre nouvelle adresse est confirmée',
  confirmed: (res) => [
    h('div', { class: 'notice notice--success' },
      h('p', null, 'Les emails qui annoncent vos avis d’échéance seront désormais envoyés à ', h('strong', null, res.notificationEmail), '.'),
      h('p', null, 'Votre bailleur en est informé.')),
    h('p', null, 'Vous pouvez changer cette adresse à tout moment dans ', link('/mon-espace/preferences', 'Mes préférences'), ', dans votre espace locataire.'),
  ],
  unchanged: 'Votre adresse de notification n’a pas changé : nous continuons à vous écrire à l’adresse utilisée jusqu’ici.',
  renew: () => ['Connectez-vous, puis ouvrez ', link('/mon-espace/preferences', 'Mes préférences'),
    ' : saisissez à nouveau l’adresse, ou utilisez « Renvoyer l’email de confirmation ». Seul le lien du dernier email reçu fonctionne.'],
});
