// Contacts utiles (/mon-espace/contacts): who to call, emergency first:
// the emergency technical service, the territory manager, the landlord.
// Numbers are links that call on a phone.

import { h } from '../dom.js';
import { call } from '../api.js';
import { contactRoles, telHref } from '../format.js';
import { privatePage } from '../space.js';

const TITLE = 'Contacts utiles';

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/contacts',
      title: TITLE,
      loading: 'Chargement de vos contacts…',
      failed: 'Vos contacts n’ont pas pu s’afficher',
      load: () => call('GET', '/contacts'),
      show: ({ contacts }) => {
        if (!contacts.length) {
          return h('p', { class: 'notice' }, 'Les contacts de votre résidence ne sont pas encore disponibles. En attendant, appelez le numéro indiqué sur votre avis d’échéance.');
        }
        const emergency = contacts.filter((c) => c.role === 'emergency');
        const others = contacts.filter((c) => c.role !== 'emergency');
        return [
          h('p', { class: 'lead' }, 'Qui appeler pour votre logement, et quand. Sur un téléphone, touchez un numéro pour appeler.'),
          emergency.map(emergencyCard),
          h('ul', { class: 'contacts' }, others.map((c, i) => h('li', null, contactCard(c, i)))),
        ];
      },
    });
  },
};

/** sameName tells whether a name only repeats the role ("Service d'urgence technique"). */
function sameName(name, role) {
  const norm = (s) => s.toLowerCase().replace(/[’']/g, '\'').trim();
  return norm(name) === norm(role);
}

/** callLink calls a number; its text says so (to screen readers only, unless big). */
function callLink(phone, big) {
  const href = telHref(phone);
  if (!href) return null;
  // The number on one line.
  const shown = phone.trim().replace(/\s+/g, '\u00a0');
  return big
    ? h('a', { href, class: 'button button--call' }, `Appeler le ${shown}`)
    : h('a', { href, class: 'contact__phone' }, h('span', { class: 'visually-hidden' }, 'Appeler le '), shown);
}

/** mailLink writes to an address; a long one may break after its @. */
function mailLink(email) {
  const at = email.lastIndexOf('@');
  return h('a', { href: `mailto:${email}`, class: 'contact__email' },
    at > 0 ? [email.slice(0, at + 1), h('wbr'), email.slice(at + 1)] : email);
}

/** emergencyCard puts the emergency service first, its number as a big button. */
function emergencyCard(c) {
  const role = contactRoles.emergency;
  return h('section', { class: 'contact contact--emergency', 'aria-labelledby': 'titre-urgence', 'data-contact': c.role },
    h('h2', { id: 'titre-urgence' }, role),
    h('p', null, 'Un problème urgent dans votre logement ou votre immeuble : fuite d’eau, panne de chauffage, porte bloquée…'),
    c.name && !sameName(c.name, role) ? h('p', { class: 'contact__name' }, c.name) : null,
    h('p', { class: 'contact__call' }, callLink(c.phone, true)),
    c.hours ? h('p', null, h('strong', null, 'Joignable : '), c.hours) : null,
    c.email ? h('p', null, mailLink(c.email)) : null,
    h('p', { class: 'contact__danger' }, 'En cas de danger (incendie, odeur de gaz, personne blessée), appelez d’abord les secours : le 18 (pompiers) ou le 112.'));
}

/** contactCard is one other contact: role, name, phone, email, hours. */
function contactCard(c, i) {
  const role = contactRoles[c.role] || 'Contact';
  const id = `titre-contact-${i}`;
  return h('section', { class: 'contact card', 'aria-labelledby': id, 'data-contact': c.role },
    h('h2', { id }, role),
    c.name && !sameName(c.name, role) ? h('p', { class: 'contact__name' }, c.name) : null,
    h('ul', { class: 'contact__ways' },
      c.phone ? h('li', null, h('span', { class: 'contact__how' }, 'Téléphone : '), callLink(c.phone)) : null,
      c.email ? h('li', null, h('span', { class: 'contact__how' }, 'Email : '), mailLink(c.email)) : null),
    c.hours ? h('p', null, h('span', { class: 'contact__how' }, 'Horaires : '), c.hours) : null);
}
