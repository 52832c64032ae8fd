// Mes préférences (/mon-espace/preferences): rent notices without paper
// (consent given or withdrawn at any time, with its date: Code civil
// art. 1126), and the address of the monthly email. A new address serves
// only once the link mailed to it is opened: until then the page says a
// confirmation is waiting, and offers to send the email again or to cancel.

import { h, link, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, form, value, clearErrors, showProblem } from '../form.js';
import { instantDate, instantDateTime } from '../format.js';
import { privatePage, toLogin, problemBox } from '../space.js';
import { PATH as DOCUMENTS } from './documents.js';

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

/**
 * consentLine says what the lease's choice is, who of its signatories made
 * it and when: the consent is the lease's, whichever account gave it.
 */
function consentLine(p) {
  const since = p.paperlessSince ? instantDate(p.paperlessSince) : '';
  const by = p.paperlessBy ? ` par ${p.paperlessBy.firstName} ${p.paperlessBy.lastName}` : '';
  if (p.paperless) {
    return [h('strong', null, 'Votre choix actuel : sans papier.'), ' ', since ? `Activé${by} le ${since}.` : ''];
  }
  return [h('strong', null, 'Votre choix actuel : par courrier.'), ' ',
    since ? `Accord pour le sans papier retiré${by} le ${since}.` : 'Vous n’avez pas encore choisi le sans papier.'];
}

function radio(id, val, checked, label, hint) {
  const hintId = `${id}-aide`;
  return h('div', { class: 'choice' },
    h('input', { type: 'radio', id, name: 'paperless', value: val, checked, 'aria-describedby': hintId }),
    h('label', { for: id }, label),
    h('p', { class: 'hint', id: hintId }, hint));
}

/**
 * pendingBox says that a new address waits for its confirmation, with what
 * to do; nothing when none waits.
 */
function pendingBox(p, onResend, onCancel) {
  const pending = p.pendingNotificationEmail;
  if (!pending) return null;
  return h('div', { class: 'notice notice--warning', 'data-attente': '' },
    h('h2', { class: 'notice__title', id: 'attente-titre' }, 'Nouvelle adresse en attente de confirmation'),
    h('p', null, 'Le ', instantDate(pending.requestedAt), ', nous avons envoyé un email à ', h('strong', null, pending.email),
      '. Ouvrez le lien qu’il contient pour que cette adresse reçoive vos avis d’échéance. Ce lien est valable jusqu’au ',
      instantDateTime(pending.expiresAt), '.'),
    h('p', null, 'D’ici là, rien ne change : nous continuons à vous écrire à ', h('strong', null, p.notificationEmail), '.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button--secondary button--small', onclick: onResend, 'aria-describedby': 'attente-titre' },
        'Renvoyer l’email de confirmation'),
      h('button', { type: 'button', class: 'button button--secondary button--small', onclick: onCancel, 'aria-describedby': 'attente-titre' },
        'Annuler ce changement')));
}

function show(ctx, prefs) {
  let current = prefs;
  const consent = h('p', { class: 'consent', id: 'papier-etat', 'data-consentement': '' }, consentLine(current));
  const said = h('div', { class: 'status', role: 'status' });
  const waiting = h('div', { id: 'adresse-en-attente' });

  /** saved shows the preferences the API answered with. */
  function saved(p) {
    current = p;
    replace(consent, consentLine(current));
    replace(waiting, pendingBox(current, resend, cancel));
    /** @type {HTMLInputElement} */ (prefsForm.elements.namedItem('notificationEmail')).value = current.notificationEmail;
  }

  /** ask puts a notification email from a button of the waiting box. */
  async function ask(email, done) {
    replace(said);
    let p;
    try {
      p = await call('PUT', '/preferences', { notificationEmail: email });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        toLogin();
        return;
      }
      ctx.setTitle(TITLE, { error: true });
      replace(said, problemBox(err, 'Votre demande n’a pas abouti'));
      focus(said.firstChild);
      return;
    }
    ctx.setTitle(TITLE);
    saved(p);
    replace(said, h('div', { class: 'notice notice--success', tabindex: '-1' }, done(p)));
    focus(said.firstChild);
  }

  function resend() {
    const email = current.pendingNotificationEmail && current.pendingNotificationEmail.email;
    if (!email) return;
    ask(email, () => [h('p', { class: 'notice__title' }, 'Email de confirmation renvoyé'),
      h('p', null, `Un nouvel email va être envoyé à ${email} dans les prochaines minutes. Seul le lien de ce dernier email fonctionnera. Rien reçu d’ici un quart d’heure ? Regardez dans les courriers indésirables (spam).`)]);
  }

  function cancel() {
    ask(current.notificationEmail, (p) => [h('p', { class: 'notice__title' }, 'Changement d’adresse annulé'),
      h('p', null, `Nous continuons à vous écrire à ${p.notificationEmail}. Le lien déjà envoyé ne fonctionne plus.`)]);
  }

  const paperless = h('fieldset', { class: 'field choices', 'data-field': 'paperless', 'aria-describedby': 'papier-etat' },
    h('legend', null, 'Comment voulez-vous recevoir vos avis d’échéance ?'),
    h('p', { class: 'field-error', id: 'paperless-erreur', hidden: true }),
    radio('sans-papier', 'true', current.paperless, 'Sans papier, dans mon espace',
      ['Chaque mois, un email vous prévient que votre nouvel avis d’échéance est disponible dans votre espace locataire, rubrique ',
        link(DOCUMENTS, 'Mes documents'), '. Vous ne le recevez plus par courrier.']),
    radio('courrier', 'false', !current.paperless, 'Par courrier, sur papier',
      'Votre avis d’échéance vous est envoyé par la poste chaque mois.'),
    h('p', { class: 'hint' }, 'Vous pouvez changer d’avis à tout moment, sur cette page. Votre choix est transmis à votre bailleur.'));

  const email = field({
    name: 'notificationEmail', label: 'Adresse email pour vous prévenir', type: 'email', autocomplete: 'email',
    hint: 'Nous vous écrivons à cette adresse quand un nouvel avis d’échéance est disponible. Elle peut être différente de l’adresse qui vous sert à vous connecter. Une nouvelle adresse ne sert qu’une fois confirmée par le lien que nous lui envoyons.',
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
      /** @type {{paperless: boolean, notificationEmail?: string}} */
      const body = { paperless: checked ? checked.value === 'true' : current.paperless };
      // The address only when it changed: saving the consent must not
      // cancel an address waiting for its confirmation.
      const typed = value(f, 'notificationEmail').trim();
      if (typed !== current.notificationEmail) body.notificationEmail = typed;
      const before = current;
      let p;
      try {
        p = await call('PUT', '/preferences', body);
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
      const changed = p.paperless !== before.paperless || p.notificationEmail !== before.notificationEmail;
      const pending = p.pendingNotificationEmail;
      const asked = pending && (!before.pendingNotificationEmail || pending.email !== before.pendingNotificationEmail.email ||
        pending.requestedAt !== before.pendingNotificationEmail.requestedAt) ? pending : null;
      saved(p);
      const lines = [];
      if (changed) {
        lines.push(h('p', null, current.paperless
          ? ['Vos avis d’échéance arriveront dans votre espace, dans ', link(DOCUMENTS, 'Mes documents'),
            `, avec un email à ${current.notificationEmail} chaque mois.`]
          : 'Vos avis d’échéance vous seront envoyés par courrier.', ' Votre choix est transmis à votre bailleur.'));
      }
      if (asked) {
        lines.push(h('p', null, `Pour utiliser l’adresse ${asked.email}, ouvrez le lien de l’email que nous allons lui envoyer dans les prochaines minutes${asked.expiresAt ? ` (valable jusqu’au ${instantDateTime(asked.expiresAt)})` : ''}. Votre adresse de connexion en sera aussi informée.`));
      }
      replace(said, h('div', { class: 'notice notice--success' },
        h('p', { class: 'notice__title' }, asked && !changed ? 'Confirmez votre nouvelle adresse' : changed || asked ? 'Vos préférences sont enregistrées' : 'Rien n’a changé'),
        lines.length ? lines : h('p', null, 'Vos préférences étaient déjà celles-ci.')));
    },
  }, paperless, email.root);
  replace(waiting, pendingBox(current, resend, cancel));

  return [
    h('p', { class: 'lead' }, 'Recevez vos avis d’échéance sans papier : ils sont dans votre espace, rubrique ', link(DOCUMENTS, 'Mes documents'),
      ', et un email vous prévient chaque mois.'),
    consent,
    waiting,
    prefsForm,
    said,
  ];
}
