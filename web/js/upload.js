// Sending a file straight to storage through a presigned POST (S3): the API
// gives an address on another origin and the form fields its policy signs;
// the browser sends them, then the file, and reports the progress. No
// cookie goes with it: the signature is the only authority.

/** UploadError is an upload that did not go through: status 0 when the storage could not be reached. */
export class UploadError extends Error {
  /** @param {number} status @param {string} detail French, says what to do next */
  constructor(status, detail) {
    super(detail);
    this.name = 'UploadError';
    this.status = status;
    this.detail = detail;
  }
}

/** The types of certificate files the API takes, and the most it takes (shared/insurance: 10 MiB). */
export const ACCEPTED = ['application/pdf', 'image/jpeg', 'image/png'];
export const MAX_BYTES = 10 * 1024 * 1024;

/**
 * postFile sends a file to a presigned POST: every field of the policy, then
 * the file last (S3 ignores what follows the file). onProgress gets the
 * share sent, 0 to 1.
 * @param {{url: string, fields: Record<string,string>}} target
 * @param {File} file
 * @param {(share: number) => void} onProgress
 * @returns {Promise<void>}
 */
export function postFile(target, file, onProgress) {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(target.fields || {})) body.append(name, value);
    body.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', target.url);
    xhr.withCredentials = false;
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      // S3 says why in XML (EntityTooLarge, AccessDenied for an expired policy...).
      const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || '')?.[1] || '';
      reject(new UploadError(xhr.status, uploadRefusal(code)));
    });
    const failed = () => reject(new UploadError(0, navigator.onLine === false
      ? 'Vous êtes hors ligne : votre fichier n’a pas été envoyé. Vérifiez votre connexion internet, puis envoyez-le de nouveau.'
      : 'Votre fichier n’a pas pu être envoyé. Vérifiez votre connexion internet, puis envoyez-le de nouveau.'));
    xhr.addEventListener('error', failed);
    xhr.addEventListener('abort', failed);
    xhr.addEventListener('timeout', failed);
    xhr.send(body);
  });
}

/** uploadRefusal says in French why the storage refused a file, from S3's error code. */
export function uploadRefusal(code) {
  switch (code) {
    case 'EntityTooLarge':
      return 'Votre fichier dépasse 10 Mo. Envoyez un fichier plus léger : une photo moins grande, ou le PDF de votre assureur.';
    case 'AccessDenied':
    case 'ExpiredToken':
      return 'L’envoi a pris trop de temps et n’est plus autorisé. Envoyez votre attestation de nouveau.';
    default:
      return 'Votre fichier n’a pas pu être envoyé. Réessayez dans quelques instants ; si cela continue, contactez votre agence.';
  }
}

/**
 * fileProblem checks a chosen file before sending it: "" when it can go,
 * else what is wrong, in French.
 * @param {{type: string, size: number}|null} file
 */
export function fileProblem(file) {
  if (!file) return 'Choisissez le fichier de votre attestation, ou prenez-la en photo.';
  if (!ACCEPTED.includes(file.type)) return 'Ce fichier n’est ni un PDF ni une photo (JPEG ou PNG). Choisissez le PDF envoyé par votre assureur, ou prenez votre attestation en photo.';
  if (file.size <= 0) return 'Ce fichier est vide. Choisissez un autre fichier.';
  if (file.size > MAX_BYTES) return 'Ce fichier dépasse 10 Mo. Choisissez un fichier plus léger : une photo moins grande, ou le PDF de votre assureur.';
  return '';
}
