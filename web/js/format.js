// Amounts and dates as French people read them. The API gives money in
// integer cents, days as AAAA-MM-JJ and instants in UTC.

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/**
 * money writes cents as euros, the French way: "1 234,56 €", with
 * non-breaking spaces (the number never leaves its €). Always positive: say
 * in words whether it is owed or a credit.
 * @param {number} cents
 */
export function money(cents) {
  // Intl puts U+202F (narrow no-break space) between thousands and U+00A0
  // before €; both keep the amount on one line.
  return euros.format(Math.abs(cents) / 100);
}

/**
 * decimal writes cents as a number with a decimal comma and no thousands
 * separator, for a spreadsheet: "-25,50", "1234,56".
 * @param {number} cents
 */
export function decimal(cents) {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * balanceSentence says where the account stands, in plain words.
 * @param {number} cents positive: owed; negative: credit
 */
export function balanceSentence(cents) {
  if (cents > 0) return `Vous devez ${money(cents)}`;
  if (cents < 0) return `Vous avez un crédit de ${money(cents)}`;
  return 'Votre compte est à jour';
}

/** balanceKind is "owed", "credit" or "even", for styling. */
export function balanceKind(cents) {
  if (cents > 0) return 'owed';
  if (cents < 0) return 'credit';
  return 'even';
}

/** parseDay reads "AAAA-MM-JJ" as a day (midnight UTC), or null. */
function parseDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

const longDay = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
// Instants are shown at the landlord's time, as the request numbers are.
const parisDay = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const parisClock = new Intl.DateTimeFormat('fr-FR', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Paris' });

/**
 * first writes the first of the month as French does ("1er décembre 2026"),
 * and keeps the date on one line.
 */
function first(text) {
  return text.replace(/^1 /, '1er ').replace(/ /g, '\u00a0');
}

/** longDate: "2026-12-01" → "1er décembre 2026". */
export function longDate(day) {
  const d = parseDay(day);
  return d ? first(longDay.format(d)) : day || '';
}

/**
 * loose lets a date's words wrap (longDate's or instantDate's "1er
 * décembre 2026", with plain spaces): for a sentence in a narrow box,
 * where a date kept on one line is wider than the box (a phone at 320 px
 * with text at 200 %) and the browser would break it inside a word
 * ("décemb/re").
 * @param {string} date
 */
export function loose(date) {
  return date.replace(/\u00a0/g, ' ');
}

/** shortDate: "2026-12-01" → "01/12/2026". */
export function shortDate(day) {
  const d = parseDay(day);
  return d ? shortDay.format(d) : day || '';
}

/** instantDate: "2026-11-25T23:42:25Z" → "26 novembre 2026" (the day in Paris). */
export function instantDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : first(parisDay.format(d));
}

/** instantDateTime: "2026-11-25T23:42:25Z" → "26 novembre 2026 à 0 h 42". */
export function instantDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const parts = Object.fromEntries(parisClock.formatToParts(d).map((p) => [p.type, p.value]));
  return `${first(parisDay.format(d))} à ${Number(parts.hour)}\u00a0h\u00a0${parts.minute}`;
}

const parisISO = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Paris' });

/** parisToday is today in Paris as "AAAA-MM-JJ", to compare with the API's days. */
export function parisToday(now = new Date()) {
  return parisISO.format(now);
}

/** parisYear is the current year in Paris. */
export function parisYear(now = new Date()) {
  return Number(new Intl.DateTimeFormat('fr-FR', { year: 'numeric', timeZone: 'Europe/Paris' }).format(now));
}

/** The kinds of account entries, in words. */
export const entryKinds = {
  notice: 'Avis d’échéance',
  payment: 'Paiement',
  housing_benefit: 'APL',
  charges_settlement: 'Régularisation des charges',
  other: 'Autre',
};

/** entryKind names an entry's kind; an unknown one is "Autre". */
export function entryKind(kind) {
  return entryKinds[kind] || entryKinds.other;
}

/** The ways of paying the rent, in words. */
export const paymentMethods = {
  direct_debit: 'Prélèvement automatique',
  transfer: 'Virement',
  cheque: 'Chèque',
  card: 'Carte bancaire',
  cash: 'Espèces',
  tip: 'TIP (titre interbancaire de paiement)',
};

/** paymentMethod names a way of paying; empty or unknown: not known. */
export function paymentMethod(method) {
  return paymentMethods[method] || 'Non renseigné';
}

/** The kinds of change requests, in words, in the order of the form. */
export const requestKinds = {
  contact_details: 'Coordonnées',
  household: 'Composition du foyer',
  family_situation: 'Situation familiale',
  income: 'Ressources',
  other: 'Autre',
};

/** The states of a change request, in words. */
export const requestStatuses = {
  submitted: 'Envoyée',
  in_progress: 'En cours de traitement',
  done: 'Traitée',
};

/** The roles of the useful contacts, in words. */
export const contactRoles = {
  emergency: 'Service d’urgence technique',
  territory_manager: 'Gestionnaire de territoire',
  landlord: 'Votre bailleur',
};

/** telHref makes a tel: link of a phone number as written: "01 99 00 99 99" → "tel:0199009999". */
export function telHref(phone) {
  const p = String(phone || '').trim();
  const digits = p.replace(/\D/g, '');
  return digits ? `tel:${p.startsWith('+') ? '+' : ''}${digits}` : '';
}

/** floor says on which floor: "RDC" → "Rez-de-chaussée", "1" → "1er étage", "3" → "3e étage". */
export function floor(f) {
  const s = String(f || '').trim();
  if (/^(rdc|0|rez[- ]de[- ]chauss[ée]e)$/i.test(s)) return 'Rez-de-chaussée';
  if (s === '1') return '1er étage';
  if (/^\d+$/.test(s)) return `${Number(s)}e étage`;
  if (/^-\d+$/.test(s)) return `Sous-sol (niveau ${s})`;
  return s;
}

/** dwellingType explains "T3": "T3 (3 pièces principales)"; other types as written. */
export function dwellingType(t) {
  const s = String(t || '').trim();
  const m = /^[TF](\d+)$/i.exec(s);
  if (m) return Number(m[1]) === 1 ? `${s} (1 pièce principale)` : `${s} (${Number(m[1])} pièces principales)`;
  return s;
}

/** The kinds of documents of Mes documents, in words. */
export const documentKinds = {
  notice: 'Avis d’échéance',
  landlord: 'Documents utiles',
  rent_receipt: 'Quittance de loyer',
  payment_receipt: 'Reçu de paiement',
  tenancy_certificate: 'Attestation de situation locative',
  sepa_mandate: 'Mandat de prélèvement SEPA',
};

const kilo = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const mega = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/**
 * fileSize writes a file's size as French people read it, in kilo-octets
 * (1 Ko = 1 000 octets): 34 120 → "34 Ko", 1 250 000 → "1,3 Mo"; a few
 * bytes are "1 Ko", never "0 Ko".
 * @param {number} bytes
 */
export function fileSize(bytes) {
  const n = Math.max(0, Number(bytes) || 0);
  if (n < 999500) return `${kilo.format(Math.max(1, Math.round(n / 1000)))}\u00a0Ko`;
  return `${mega.format(n / 1e6)}\u00a0Mo`;
}

/** fileType names a file's format from its media type: "application/pdf" → "PDF". */
export function fileType(contentType) {
  const t = String(contentType || '').split(';')[0].trim().toLowerCase();
  return { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' }[t] || 'Fichier';
}

const monthYear = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** periodName: "2026-12" → "décembre 2026"; anything else as given. */
export function periodName(period) {
  const m = /^(\d{4})-(\d{2})$/.exec(period || '');
  return m ? monthYear.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : period || '';
}

/** ofWord puts "de" before a word, elided before a vowel: "de décembre 2026", "d’août 2026", "d’avril 2026". */
export function ofWord(word) {
  return /^[aeiouyàâäéèêëîïôöùûüœh]/i.test(word) ? `d’${word}` : `de ${word}`;
}

/** typographic shows a straight apostrophe between letters as ’ ("Avis d'échéance" → "Avis d’échéance"): display only. */
export function typographic(text) {
  return String(text ?? '').replace(/(\p{L})'(?=\p{L})/gu, '$1’');
}
