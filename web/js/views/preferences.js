// Mes préférences (/mon-espace/preferences): rent notices without paper
// (consent given or withdrawn at any time, with its date: Code civil
// art. 1126), and the address of the monthly email.

import { h, replace } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, form, value, clearErrors, showProblem } from '../form.js';
import { instantDate } from '../format.js';
import { privatePage, toLogin } from '../space.js';

const TITLE = 'Mes préférences';

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: '/mon-espace/preferences',
      title: TITLE,
      loading: 'Chargement de vos préférences…',
      failed: 'Vos préférences n’ont pas pu s’afficher',
      load: () => call('GET', '/preferences'),
      show: (prefs) => show(ctx, prefs),
    });
  },
};

/** consentLine says what the tenant chose, and when. */
function consentLine(p) {
  const since = p.paperlessSince ? instantDate(p.paperlessSince) : '';
  if (p.paperless) {
    return [h('strong', null, 'Votre choix actuel : sans papier.'), ' ', since ? `Accepté le ${since}.` : ''];
  }
  return [h('strong', null, 'Votre choix actuel : par courrier.'), ' ',
    since ? `Accord pour le sans papier retiré le ${since}.` : 'Vous n’avez pas encore choisi le sans papier.'];
}

function radio(id, val, checked, label, hint) {
  const hintId = `${id}-aide`;
  return h('div', { class: 'choice' },
    h('input', { type: 'radio', id, name: 'paperless', value: val, checked, 'aria-describedby': hintId }),
    h('label', { for: id }, label),
    h('p', { class: 'hint', id: hintId }, hint));
}

function show(ctx, prefs) {
  let current = prefs;
  const consent = h('p', { class: 'consent', id: 'papier-etat', 'data-consentement': '' }, consentLine(current));
  const said = h('div', { class: 'status', role: 'status' });

  const paperless = h('fieldset', { class: 'field choices', 'data-field': 'paperless', 'aria-describedby': 'papier-etat' },
    h('legend', null, 'Comment voulez-vous recevoir vos avis d’échéance ?'),
    h('p', { class: 'field-error', id: 'paperless-erreur', hidden: true }),
    radio('sans-papier', 'true', current.paperless, 'Sans papier, dans mon espace',
      'Chaque mois, un email vous prévient que votre nouvel avis d’échéance est disponible dans votre espace locataire. Vous ne le recevez plus par courrier.'),
    radio('courrier', 'false', !current.paperless, 'Par courrier, sur papier',
      'Votre avis d’échéance vous est envoyé par la poste chaque mois.'),
    h('p', { class: 'hint' }, 'Vous pouvez changer d’avis à tout moment, sur cette page. Votre choix est transmis à votre bailleur.'));

  const email = field({
    name: 'notificationEmail', label: 'Adresse email pour vous prévenir', type: 'email', autocomplete: 'email',
    hint: 'Nous vous écrivons à cette adresse quand un nouvel avis d’échéance est disponible. Elle peut être différente de l’adresse qui vous sert à vous connecter.',
    value: current.notificationEmail,
    attrs: { autocapitalize: 'none', spellcheck: 'false' },
  });

  const prefsForm = form({
    label: TITLE,
    submit: 'Enregistrer mes préférences',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(said);
      const checked = f.querySelector('input[name="paperless"]:checked');
      const body = {
        paperless: checked ? checked.value === 'true' : current.paperless,
        notificationEmail: value(f, 'notificationEmail').trim(),
      };
      let saved;
      try {
        saved = await call('PUT', '/preferences', body);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 401) {
          toLogin();
          return;
        }
        ctx.setTitle(TITLE, { error: true });
        showProblem(f, err);
        return;
      }
      ctx.setTitle(TITLE);
      const changed = saved.paperless !== current.paperless || saved.notificationEmail !== current.notificationEmail;
      current = saved;
      replace(consent, consentLine(current));
      /** @type {HTMLInputElement} */ (f.elements.namedItem('notificationEmail')).value = current.notificationEmail;
      replace(said, h('div', { class: 'notice notice--success' },
        h('p', { class: 'notice__title' }, changed ? 'Vos préférences sont enregistrées' : 'Rien n’a changé'),
        h('p', null, changed
          ? [current.paperless
            ? `Vos avis d’échéance arriveront dans votre espace, avec un email à ${current.notificationEmail} chaque mois.`
            : 'Vos avis d’échéance vous seront envoyés par courrier.', ' Votre choix est transmis à votre bailleur.']
          : 'Vos préférences étaient déjà celles-ci.')));
    },
  }, paperless, email.root);

  return [
    h('p', { class: 'lead' }, 'Recevez vos avis d’échéance sans papier : ils sont dans votre espace, et un email vous prévient chaque mois.'),
    consent,
    prefsForm,
    said,
  ];
}
