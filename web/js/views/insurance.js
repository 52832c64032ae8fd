// Mon assurance (/mon-espace/assurance): where the home-insurance
// certificate stands (law 89-462 art. 7 g: the tenant insures the home and
// gives the certificate every year), sending a new one from a file or a
// phone's camera, and the certificates sent before with the landlord's
// decision. GET /api/v1/insurance gives the state; a new certificate is
// POST /api/v1/insurance/uploads (a presigned POST), the file sent straight
// to storage with its progress shown, then POST /api/v1/insurance/certificates,
// which checks the file and answers 422 with the reason when it refuses it.

import { h, replace, focus } from '../dom.js';
import { call, ApiError } from '../api.js';
import { field, form, value, clearErrors, setFieldError, showSummary, showProblem } from '../form.js';
import { longDate, instantDateTime, fileSize, fileType, parisToday } from '../format.js';
import { toISODate } from '../dates.js';
import { privatePage } from '../space.js';
import { ACCEPTED, fileProblem, postFile, UploadError } from '../upload.js';

export const PATH = '/mon-espace/assurance';
const TITLE = 'Mon assurance';

/** The states of a certificate, in words. */
export const insuranceStatuses = {
  pending: 'En cours de vérification',
  accepted: 'Acceptée',
  refused: 'Refusée',
  expired: 'Expirée',
  missing: 'Aucune attestation',
};

/**
 * reminderDay reads the day of the next reminder, "AAAA-MM-JJ", from the
 * API's nextReminder (a day, or an object with its day), or "".
 */
export function reminderDay(next) {
  if (!next) return '';
  if (typeof next === 'string') return next;
  return next.date || next.on || next.day || next.dueOn || '';
}

/**
 * reminderSentence says when the next reminder email goes: "aujourd’hui"
 * when it is due today (or overdue: the daily run sends it next).
 * @param {string} day "AAAA-MM-JJ"
 * @param {string} [today] "AAAA-MM-JJ" in Paris
 */
export function reminderSentence(day, today = parisToday()) {
  const when = day <= today ? 'aujourd’hui' : `le ${longDate(day)}`;
  return `Prochain rappel par email : ${when}. Si votre nouvelle attestation arrive avant, vous ne le recevrez pas.`;
}

/** statusSentence says what the state means and what to do next. */
export function statusSentence(data) {
  const c = data.current;
  switch (data.status) {
    case 'accepted':
      return c && c.endDate ? `Votre bailleur a accepté votre attestation. Elle est valable jusqu’au ${longDate(c.endDate)}.` : 'Votre bailleur a accepté votre attestation.';
    case 'pending':
      return 'Votre bailleur a bien reçu votre attestation et va la vérifier. Son état changera ici dès qu’il l’aura fait.';
    case 'refused':
      return 'Votre bailleur a refusé votre dernière attestation. Envoyez-en une nouvelle ci-dessous.';
    case 'expired':
      return c && c.endDate ? `Votre attestation a pris fin le ${longDate(c.endDate)}. Envoyez celle de la nouvelle période ci-dessous.` : 'Votre attestation a pris fin. Envoyez celle de la nouvelle période ci-dessous.';
    default:
      return data.required
        ? 'Votre bailleur n’a pas encore reçu votre attestation d’assurance habitation. Envoyez-la ci-dessous.'
        : 'Vous n’avez pas encore envoyé d’attestation d’assurance habitation. Vous pouvez l’envoyer ci-dessous.';
  }
}

export default {
  title: TITLE,
  render(ctx) {
    return privatePage(ctx, {
      path: PATH,
      title: TITLE,
      loading: 'Chargement de votre assurance…',
      failed: 'Votre assurance n’a pas pu s’afficher',
      load: () => call('GET', '/insurance'),
      show: (data) => page(ctx, data),
    });
  },
};

/** byNewest sorts certificates newest sent first. */
const byNewest = (a, b) => String(b.submittedAt || '').localeCompare(String(a.submittedAt || ''));

function page(ctx, first) {
  const state = h('section', { class: 'card insurance', id: 'etat-assurance', 'aria-labelledby': 'titre-etat' });
  const history = h('section', { class: 'history', 'aria-labelledby': 'titre-historique' });
  const confirmation = h('div', { class: 'status' });

  const showData = (data) => {
    const certificates = [...(data.history || [])].sort(byNewest);
    replace(state, stateCard(data, certificates[0] || null));
    replace(history,
      h('h2', { id: 'titre-historique' }, 'Vos attestations envoyées'),
      certificates.length
        ? h('ol', { class: 'requests', 'aria-labelledby': 'titre-historique' }, certificates.map(certificateCard))
        : h('p', { class: 'muted', 'data-historique-vide': '' }, 'Vous n’avez pas encore envoyé d’attestation par votre espace.'));
  };
  showData(first);

  return [
    h('p', { class: 'lead' }, 'Mettre à jour votre attestation d’assurance : la loi vous demande d’assurer votre logement et de remettre l’attestation à votre bailleur chaque année. Envoyez-la ici, en PDF ou en photo.'),
    state,
    uploadSection(ctx, confirmation, async () => {
      try {
        showData(await call('GET', '/insurance'));
      } catch {
        // The certificate is sent; the state shows at the next visit.
      }
    }),
    confirmation,
    history,
  ];
}

/** stateCard: the status in words, the current certificate, the landlord's reason, the next reminder. */
function stateCard(data, latest) {
  const c = data.current;
  const reason = data.status === 'refused' ? (c && c.reason) || (latest && latest.reason) || '' : '';
  const next = reminderDay(data.nextReminder);
  return [
    h('h2', { id: 'titre-etat' }, 'Votre attestation'),
    h('p', { class: `request__status insurance__status--${data.status}`, 'data-etat-assurance': data.status },
      h('span', { class: 'visually-hidden' }, 'État : '), insuranceStatuses[data.status] || data.status),
    h('p', { 'data-etat-phrase': '' }, statusSentence(data)),
    reason ? h('p', { class: 'insurance__reason', 'data-motif': '' }, h('strong', null, 'Motif du refus : '), reason) : null,
    c ? h('dl', { class: 'facts facts--compact' },
      h('dt', null, 'Assureur'), h('dd', null, c.insurer),
      h('dt', null, 'Numéro de contrat'), h('dd', null, c.policyNumber),
      h('dt', null, 'Période couverte'), h('dd', { 'data-fin': c.endDate }, `du ${longDate(c.startDate)} au ${longDate(c.endDate)}`)) : null,
    next ? h('p', { 'data-rappel': '' }, reminderSentence(next)) : null,
  ];
}

/** certificateCard is one certificate sent: its dates, its file, the decision and its reason. */
function certificateCard(c) {
  return h('li', { class: 'card request', 'data-attestation': c.id },
    h('h3', null, `${c.insurer} · du ${longDate(c.startDate)} au ${longDate(c.endDate)}`),
    h('p', { class: `request__status insurance__status--${c.status}` },
      h('span', { class: 'visually-hidden' }, 'État : '), insuranceStatuses[c.status] || c.status),
    h('dl', { class: 'facts facts--compact' },
      h('dt', null, 'Numéro de contrat'), h('dd', null, c.policyNumber),
      h('dt', null, 'Envoyée le'), h('dd', null, instantDateTime(c.submittedAt)),
      c.fileName ? [h('dt', null, 'Fichier'), h('dd', null, `${c.fileName} (${fileType(c.contentType)}, ${fileSize(c.sizeBytes)})`)] : null,
      c.decidedOn ? [h('dt', null, c.status === 'refused' ? 'Refusée le' : 'Vérifiée le'), h('dd', null, longDate(c.decidedOn))] : null,
      c.reason ? [h('dt', null, 'Motif'), h('dd', { 'data-motif': '' }, c.reason)] : null));
}

/**
 * uploadSection: the form of a new certificate. The file comes from a
 * file chooser, or from the phone's camera (capture): two inputs, because a
 * chooser with capture opens the camera only, and the insurer's PDF could
 * then not be chosen.
 */
function uploadSection(ctx, confirmation, refresh) {
  const accept = ACCEPTED.join(',');
  let chosen = /** @type {File|null} */ (null);
  // The input that holds the chosen file: its errors mark it.
  let holder = /** @type {HTMLInputElement|null} */ (null);
  const chosenSaid = h('p', { class: 'hint', id: 'fichier-choisi', role: 'status' }, 'Aucun fichier choisi.');
  const fileInput = h('input', { class: 'input input--file', type: 'file', id: 'fichier', name: 'fichier', accept, 'aria-describedby': 'fichier-aide fichier-choisi' });
  const cameraInput = h('input', { class: 'input input--file', type: 'file', id: 'photo', name: 'photo', accept, capture: 'environment', 'aria-describedby': 'fichier-aide fichier-choisi' });
  const pick = (from, other) => () => {
    chosen = from.files && from.files[0] ? from.files[0] : null;
    holder = chosen ? from : null;
    if (chosen) other.value = '';
    chosenSaid.textContent = chosen ? `Fichier choisi : ${chosen.name} (${fileType(chosen.type)}, ${fileSize(chosen.size)}).` : 'Aucun fichier choisi.';
  };
  fileInput.addEventListener('change', pick(fileInput, cameraInput));
  cameraInput.addEventListener('change', pick(cameraInput, fileInput));
  const fileField = h('fieldset', { class: 'field choices', 'data-field': 'fichier' },
    h('legend', null, 'Le fichier de votre attestation'),
    h('div', { class: 'hint', id: 'fichier-aide' }, 'Le PDF envoyé par votre assureur, ou une photo nette de l’attestation en entier (JPEG ou PNG). 10 Mo au maximum.'),
    h('p', { class: 'field-error', id: 'fichier-erreur', hidden: true }),
    h('div', { class: 'file-choice' }, h('label', { for: 'fichier' }, 'Choisir un fichier'), fileInput),
    h('div', { class: 'file-choice' }, h('label', { for: 'photo' }, 'Ou prendre une photo (sur un téléphone)'), cameraInput),
    chosenSaid);

  const insurer = field({ name: 'insurer', label: 'Assureur', autocomplete: 'off', hint: 'Le nom de votre compagnie d’assurance, tel qu’il figure sur l’attestation.' });
  const policy = field({ name: 'policyNumber', label: 'Numéro de contrat', autocomplete: 'off', hint: 'Il figure sur l’attestation (numéro de contrat, de police ou de sociétaire).', attrs: { spellcheck: 'false', autocapitalize: 'characters' } });
  const start = field({ name: 'startDate', label: 'Début de la garantie', hint: 'Au format JJ/MM/AAAA, par exemple 01/10/2026.', short: true, inputmode: 'numeric' });
  const end = field({ name: 'endDate', label: 'Fin de la garantie', hint: 'Au format JJ/MM/AAAA, par exemple 30/09/2027.', short: true, inputmode: 'numeric' });

  const progress = h('progress', { id: 'envoi-progression', max: '100', value: '0', 'aria-describedby': 'envoi-etat' });
  const progressSaid = h('p', { id: 'envoi-etat', role: 'status' });
  const progressBox = h('div', { class: 'upload-progress', hidden: true },
    h('label', { for: 'envoi-progression' }, 'Envoi du fichier'), progress, progressSaid);

  // Said at each quarter only, so that a screen reader is not flooded.
  let announced = -1;
  const setProgress = (share) => {
    const pct = Math.round(share * 100);
    progress.value = pct;
    progress.textContent = `${pct} %`;
    const quarter = Math.floor(pct / 25);
    if (quarter !== announced) {
      announced = quarter;
      progressSaid.textContent = pct >= 100 ? 'Fichier envoyé (100 %). Vérification du fichier…' : `Envoi en cours : ${pct} %`;
    }
  };

  /** asFileProblem moves the upload's fields (fileName, contentType, sizeBytes) to the file's. */
  const asFileProblem = (err) => {
    const fields = { ...(err.fields || {}) };
    for (const k of ['fileName', 'contentType', 'sizeBytes', 'uploadId']) {
      if (fields[k]) {
        fields.fichier = fields.fichier || fields[k];
        delete fields[k];
      }
    }
    err.fields = fields;
    return err;
  };

  /** fileError says message next to the file field, on the input that holds the file, and in the summary. */
  const fileError = (f, title, message) => {
    const target = holder || fileInput;
    setFieldError(f, 'fichier', message, target);
    showSummary(f, { title, text: message, items: [{ field: 'fichier', message: 'Choisir un autre fichier', target: target.id }] });
  };

  const failed = (f, err, title) => {
    ctx.setTitle(TITLE, { error: true });
    if (err instanceof ApiError && err.status === 401) {
      showSummary(f, { title: 'Votre session a expiré', text: 'Connectez-vous de nouveau, puis envoyez votre attestation.', more: h('p', null, h('a', { href: '/?info=connexion-requise&retour=%2Fmon-espace%2Fassurance' }, 'Se connecter')) });
      return;
    }
    if (err instanceof ApiError) {
      const e = asFileProblem(err);
      // A refusal of the file itself (422 without per-field errors): said
      // at the file field.
      if (e.status === 422 && !Object.keys(e.fields || {}).length && e.detail) {
        fileError(f, title, e.detail);
        return;
      }
      showProblem(f, e, { title });
      if (holder && holder !== fileInput && e.fields && e.fields.fichier) {
        // The photo holds the file: it is the input marked, not the chooser.
        setFieldError(f, 'fichier', e.fields.fichier, holder);
        fileInput.removeAttribute('aria-invalid');
        fileInput.setAttribute('aria-describedby', 'fichier-aide fichier-choisi');
      }
      return;
    }
    if (err instanceof UploadError) {
      // Refused by the storage (S3): about the file too.
      fileError(f, title, err.detail);
      return;
    }
    showSummary(f, { title, text: 'Réessayez dans quelques instants.' });
  };

  const uploadForm = form({
    label: 'Envoyer une nouvelle attestation',
    submit: 'Envoyer mon attestation',
    onsubmit: async (f) => {
      clearErrors(f);
      replace(confirmation);
      progressBox.hidden = true;
      // What can be checked here is, before the file travels.
      const items = [];
      const problem = fileProblem(chosen);
      if (problem) items.push({ field: 'fichier', message: problem });
      const startISO = toISODate(value(f, 'startDate'));
      const endISO = toISODate(value(f, 'endDate'));
      if (!value(f, 'insurer').trim()) items.push({ field: 'insurer', message: 'Indiquez le nom de votre assureur.' });
      if (!value(f, 'policyNumber').trim()) items.push({ field: 'policyNumber', message: 'Indiquez le numéro de contrat.' });
      if (!startISO) items.push({ field: 'startDate', message: 'Indiquez la date de début de la garantie, au format JJ/MM/AAAA.' });
      if (!endISO) items.push({ field: 'endDate', message: 'Indiquez la date de fin de la garantie, au format JJ/MM/AAAA.' });
      if (startISO && endISO && endISO < startISO) items.push({ field: 'endDate', message: 'La fin de la garantie doit venir après son début.' });
      if (items.length) {
        const target = holder || fileInput;
        for (const it of items) {
          if (it.field === 'fichier') it.target = target.id;
          setFieldError(f, it.field, it.message, it.field === 'fichier' ? target : undefined);
        }
        ctx.setTitle(TITLE, { error: true });
        showSummary(f, { title: items.length > 1 ? `${items.length} informations sont à corriger` : 'Une information est à corriger', items });
        return;
      }
      const file = /** @type {File} */ (chosen);
      let upload;
      try {
        upload = await call('POST', '/insurance/uploads', { fileName: file.name, contentType: file.type, sizeBytes: file.size });
      } catch (err) {
        failed(f, err, 'Votre fichier n’a pas pu être envoyé');
        return;
      }
      // The box (and its live region) shows before its first message.
      announced = -1;
      progressBox.hidden = false;
      setProgress(0);
      try {
        await postFile(upload, file, setProgress);
      } catch (err) {
        progressSaid.textContent = 'Envoi interrompu.';
        failed(f, err, 'Votre fichier n’a pas pu être envoyé');
        return;
      }
      let created;
      try {
        created = await call('POST', '/insurance/certificates', {
          uploadId: upload.uploadId,
          insurer: value(f, 'insurer').trim(),
          policyNumber: value(f, 'policyNumber').trim(),
          startDate: startISO,
          endDate: endISO,
        });
      } catch (err) {
        progressSaid.textContent = 'Fichier refusé.';
        failed(f, err, 'Votre attestation n’a pas été acceptée');
        return;
      }
      progressSaid.textContent = 'Fichier envoyé et vérifié.';
      ctx.setTitle(TITLE);
      f.reset();
      chosen = null;
      chosenSaid.textContent = 'Aucun fichier choisi.';
      await refresh();
      if (!ctx.active()) return;
      replace(confirmation, h('div', { class: 'notice notice--success', tabindex: '-1', 'data-confirmation': created && created.id ? created.id : '' },
        h('h2', { class: 'notice__title' }, 'Votre attestation est envoyée'),
        h('p', null, 'Votre bailleur va la vérifier. Son état est en haut de cette page et dans la liste de vos attestations : « En cours de vérification », puis « Acceptée » ou « Refusée » avec le motif.')));
      focus(confirmation.firstChild);
    },
  }, fileField, insurer.root, policy.root, start.root, end.root, progressBox);

  return h('section', { 'aria-labelledby': 'titre-envoi' },
    h('h2', { id: 'titre-envoi' }, 'Envoyer une nouvelle attestation'),
    h('p', null, 'Tous les champs sont obligatoires. Votre fichier va directement à votre bailleur : il est vérifié dès son arrivée.'),
    uploadForm);
}
