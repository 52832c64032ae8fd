// The JSON API, on the same origin under /api/v1. The session lives only in
// the HttpOnly cookie the API sets: the app never reads, stores or sends a
// token itself (it never asks for one at login: only the mobile app sets
// tokenRequested).

const BASE = '/api/v1';

/** ApiError is a failed call: an RFC 9457 problem from the API, or no answer at all. */
export class ApiError extends Error {
  /**
   * @param {object} p
   * @param {number} p.status HTTP status, 0 when the server could not be reached
   * @param {string} p.code the problem's code ("identity_mismatch"...), or "network" / "unexpected"
   * @param {string} p.title
   * @param {string} p.detail French, says what to do next
   * @param {Record<string,string>} [p.fields] per-field French messages
   * @param {number} [p.retryAfter] seconds to wait, from Retry-After
   */
  constructor({ status, code, title, detail, fields, retryAfter }) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.fields = fields || {};
    this.retryAfter = retryAfter || 0;
  }
}

const networkError = () =>
  new ApiError({
    status: 0,
    code: 'network',
    title: 'Pas de connexion',
    detail: navigator.onLine === false
      ? 'Vous êtes hors ligne. Vérifiez votre connexion internet (wifi ou données mobiles), puis réessayez.'
      : "Le service ne répond pas. Vérifiez votre connexion internet, puis réessayez dans quelques instants.",
  });

/**
 * call sends a request to the API and returns the decoded JSON body (null for
 * 204), or throws an ApiError.
 * @param {'GET'|'POST'|'PUT'|'DELETE'} method
 * @param {string} path after /api/v1, e.g. "/signup"
 * @param {object} [body] sent as JSON
 * @param {Record<string,string>} [extra] more request headers (Idempotency-Key)
 */
export async function call(method, path, body, extra) {
  const headers = { ...(extra || {}), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch {
    throw networkError();
  }
  let data = null;
  if (/json/.test(res.headers.get('Content-Type') || '')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  if (data && typeof data.code === 'string' && typeof data.detail === 'string') {
    throw new ApiError({
      status: res.status,
      code: data.code,
      title: data.title || '',
      detail: data.detail,
      fields: data.errors,
      retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
    });
  }
  // Not one of our problems: a proxy or the network in between answered.
  throw new ApiError({
    status: res.status,
    code: 'unexpected',
    title: 'Service momentanément indisponible',
    detail: 'Le service est momentanément indisponible. Réessayez dans quelques minutes ; si cela continue, contactez votre agence.',
    retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
  });
}

/** parseRetryAfter reads Retry-After (seconds or an HTTP date) as seconds. */
export function parseRetryAfter(value) {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? 0 : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/**
 * waitMessage says how long to wait before trying again, from Retry-After:
 * "Patientez 3 minutes avant de réessayer (vers 14 h 32)." A lease locked
 * out after repeated sign-up failures waits up to 24 hours: "Patientez
 * 24 heures avant de réessayer (demain vers 9 h 15)."
 */
export function waitMessage(seconds, now = new Date()) {
  const s = Math.max(1, seconds || 60);
  const minutes = Math.ceil(s / 60);
  let span = `${minutes} minutes`;
  if (minutes <= 1) span = 'une minute';
  else if (minutes === 60) span = 'une heure';
  else if (minutes >= 120) span = `${Math.ceil(minutes / 60)} heures`;
  const at = new Date(now.getTime() + s * 1000);
  const clock = `${at.getHours()} h ${String(at.getMinutes()).padStart(2, '0')}`;
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  let day = '';
  if (at.toDateString() === tomorrow.toDateString()) day = 'demain ';
  else if (at.toDateString() !== now.toDateString()) day = `le ${at.getDate()}/${String(at.getMonth() + 1).padStart(2, '0')} `;
  return `Par sécurité, les essais sont limités. Patientez ${span} avant de réessayer (${day}vers ${clock}).`;
}
