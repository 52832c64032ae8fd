// Form building blocks: labelled fields with their instructions, the error
// summary at the top of a form, per-field errors, a password field with a
// show/hide button, and the busy state of a submit button.
//
// Accessibility (RGAA 11, WCAG 3.3): every field has a visible label and its
// instructions tied with aria-describedby; an error is written next to its
// field (aria-invalid, aria-describedby) and listed in a summary that takes
// the focus and is announced (role="alert").

import { h, append, focus } from './dom.js';
import { waitMessage } from './api.js';

let counter = 0;

/**
 * field builds a labelled text input.
 * @param {object} o
 * @param {string} o.name the API's field name; also the input's id
 * @param {string} o.label
 * @param {any} [o.hint] instructions: text or nodes, shown under the label and read with the field
 * @param {any} [o.extra] more help shown under the instructions (an example); its elements of class
 *   "hint" with an id are read with the field too
 * @param {string} [o.type] input type, default "text"
 * @param {string} [o.autocomplete]
 * @param {string} [o.inputmode]
 * @param {boolean} [o.short] a narrow input
 * @param {string} [o.value]
 * @param {Record<string,string|boolean>} [o.attrs] more input attributes
 * @returns {{root: HTMLElement, input: HTMLInputElement}}
 */
export function field(o) {
  const id = o.name;
  const hintId = o.hint ? `${id}-aide` : null;
  const input = h('input', {
    class: o.short ? 'input input--short' : 'input',
    id,
    name: o.name,
    type: o.type || 'text',
    autocomplete: o.autocomplete,
    inputmode: o.inputmode,
    required: true,
    'aria-describedby': hintId,
    ...(o.attrs || {}),
  });
  if (o.value) input.value = o.value;
  const extra = o.extra ? h('div', null, o.extra) : null;
  for (const hint of extra ? extra.querySelectorAll('.hint[id]') : []) describe(input, hint.id, true);
  const root = h('div', { class: 'field', 'data-field': o.name },
    h('label', { for: id }, o.label),
    o.hint ? h('div', { class: 'hint', id: hintId }, o.hint) : null,
    extra,
    h('p', { class: 'field-error', id: `${id}-erreur`, hidden: true }),
    input,
  );
  return { root, input };
}

/**
 * selectField builds a labelled list of choices; the first, empty, asks to choose.
 * @param {object} o
 * @param {string} o.name the API's field name; also the select's id
 * @param {string} o.label
 * @param {any} [o.hint]
 * @param {string} o.placeholder the text of the empty first choice
 * @param {Record<string,string>} o.options labels by value, in order
 * @returns {{root: HTMLElement, input: HTMLSelectElement}}
 */
export function selectField(o) {
  const id = o.name;
  const hintId = o.hint ? `${id}-aide` : null;
  const input = /** @type {HTMLSelectElement} */ (h('select', { class: 'input', id, name: o.name, required: true, 'aria-describedby': hintId },
    h('option', { value: '' }, o.placeholder),
    Object.entries(o.options).map(([v, label]) => h('option', { value: v }, label))));
  const root = h('div', { class: 'field', 'data-field': o.name },
    h('label', { for: id }, o.label),
    o.hint ? h('div', { class: 'hint', id: hintId }, o.hint) : null,
    h('p', { class: 'field-error', id: `${id}-erreur`, hidden: true }),
    input,
  );
  return { root, input };
}

/**
 * textareaField builds a labelled text area with a count of the characters
 * typed against a maximum (not enforced: a longer text is kept, and the
 * count says how much to cut).
 * @param {object} o
 * @param {string} o.name
 * @param {string} o.label
 * @param {any} [o.hint]
 * @param {number} o.max
 * @returns {{root: HTMLElement, input: HTMLTextAreaElement, update: () => void}}
 */
export function textareaField(o) {
  const id = o.name;
  const hintId = o.hint ? `${id}-aide` : null;
  const counterId = `${id}-compteur`;
  const input = /** @type {HTMLTextAreaElement} */ (h('textarea', {
    class: 'input input--area', id, name: o.name, rows: 7, required: true,
    'aria-describedby': [hintId, counterId].filter(Boolean).join(' '),
  }));
  const counterEl = h('span', { class: 'counter', id: counterId });
  const max = o.max.toLocaleString('fr-FR');
  const update = () => {
    const n = [...input.value].length;
    const count = n.toLocaleString('fr-FR');
    counterEl.textContent = n > o.max
      ? `${count} caractères\u00a0: ${(n - o.max).toLocaleString('fr-FR')} de trop (${max} au maximum).`
      : `${count} caractère${n > 1 ? 's' : ''} sur ${max} au maximum.`;
    counterEl.classList.toggle('counter--over', n > o.max);
  };
  update();
  input.addEventListener('input', update);
  const root = h('div', { class: 'field', 'data-field': o.name },
    h('label', { for: id }, o.label),
    o.hint ? h('div', { class: 'hint', id: hintId }, o.hint) : null,
    h('p', { class: 'field-error', id: `${id}-erreur`, hidden: true }),
    input,
    counterEl,
  );
  return { root, input, update };
}

/**
 * passwordField is a password input with a button that shows or hides what
 * was typed, and (for a new password) a count of the characters typed,
 * which update() recounts after the field was emptied by script.
 */
export function passwordField({ name = 'password', label, hint, autocomplete, count = false }) {
  const f = field({
    name, label, hint, type: 'password', autocomplete,
    attrs: { autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false' },
  });
  const { input } = f;
  const said = h('span', { class: 'visually-hidden', role: 'status' });
  const toggle = h('button', {
    type: 'button', class: 'button button--secondary button--small', 'aria-controls': input.id,
  });
  const setShown = (shown) => {
    input.type = shown ? 'text' : 'password';
    toggle.replaceChildren(shown ? 'Masquer' : 'Afficher', h('span', { class: 'visually-hidden' }, ' le mot de passe'));
  };
  setShown(false);
  toggle.addEventListener('click', () => {
    const shown = input.type === 'password';
    setShown(shown);
    said.textContent = shown ? 'Votre mot de passe est affiché.' : 'Votre mot de passe est masqué.';
  });
  const row = h('div', { class: 'password-row' });
  input.replaceWith(row);
  row.append(input, toggle);
  f.root.append(said);
  if (count) {
    const counterEl = h('span', { class: 'counter', id: `${input.id}-compteur` });
    const update = () => {
      const n = [...input.value].length;
      counterEl.textContent = n >= 12
        ? `${n} caractères : longueur suffisante.`
        : `${n} caractère${n > 1 ? 's' : ''} sur 12 minimum.`;
      counterEl.classList.toggle('counter--ok', n >= 12);
    };
    update();
    input.addEventListener('input', update);
    f.root.append(counterEl);
    describe(input, counterEl.id, true);
    // For a form that empties the field itself (form.reset() fires no input event).
    f.update = update;
  }
  // Hidden again before sending, so password managers see a password field.
  f.hide = () => setShown(false);
  return f;
}

/** describe adds (or removes) an id in aria-describedby. */
function describe(input, id, on) {
  const ids = new Set((input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
  if (on) ids.add(id); else ids.delete(id);
  if (ids.size) input.setAttribute('aria-describedby', [...ids].join(' '));
  else input.removeAttribute('aria-describedby');
}

/**
 * form builds a form whose submit handler runs once at a time: while the
 * request runs, the button says so and further submissions are ignored.
 * The button stays focusable (disabling it would drop the keyboard focus).
 * @param {object} o
 * @param {string} o.label accessible name of the form
 * @param {string} o.submit the button's text
 * @param {(form: HTMLFormElement) => Promise<void>} o.onsubmit
 * @param {any} [o.after] shown beside the button (a link)
 * @param {...any} children fields and anything else, before the button
 */
export function form(o, ...children) {
  const summary = h('div', { class: 'summary-slot' });
  const button = h('button', { type: 'submit', class: 'button' }, o.submit);
  const el = /** @type {HTMLFormElement} */ (h('form', { novalidate: true, 'aria-label': o.label },
    summary, children, h('div', { class: 'actions' }, button, o.after || null)));
  let busy = false;
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    button.textContent = 'Envoi en cours…';
    try {
      await o.onsubmit(el);
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
      button.textContent = o.submit;
    }
  });
  return el;
}

/** value returns the value of a form's field, as typed. */
export function value(formEl, name) {
  const input = formEl.elements.namedItem(name);
  return input && 'value' in input ? String(input.value) : '';
}

/** clearErrors removes every error shown in the form. */
export function clearErrors(formEl) {
  for (const root of formEl.querySelectorAll('.field--error')) {
    root.classList.remove('field--error');
  }
  for (const p of formEl.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.replaceChildren();
  }
  for (const input of formEl.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    // The field's error, which may not be named after this input (a
    // field of two file inputs).
    const errorId = input.closest('[data-field]')?.querySelector('.field-error')?.id;
    describe(input, errorId || `${input.id}-erreur`, false);
  }
  formEl.querySelector('.summary-slot')?.replaceChildren();
}

/**
 * setFieldError writes message next to the form's field and marks its input
 * (target, when given: the one of the field's inputs that holds the value);
 * false if there is no such field.
 */
export function setFieldError(formEl, name, message, target) {
  const root = formEl.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!root) return false;
  const input = target || root.querySelector('input, select, textarea');
  const p = root.querySelector('.field-error');
  root.classList.add('field--error');
  p.replaceChildren(h('span', { class: 'visually-hidden' }, 'Erreur : '), message);
  p.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  describe(input, p.id, true);
  return true;
}

/**
 * showSummary puts the error summary at the top of the form and moves the
 * focus to it.
 * @param {HTMLFormElement} formEl
 * @param {object} s
 * @param {string} s.title what went wrong, in a few words
 * @param {any} [s.text] what to do next
 * @param {{field: string, message: string, target?: string}[]} [s.items] links to the fields concerned (target: the id of the input to go to, when not the field's name)
 * @param {any} [s.more] more content (links, a button)
 */
/**
 * dropFlashes removes the notices that reported an earlier event
 * ("Vous êtes déconnecté", "Vos préférences sont enregistrées": marked
 * data-flash), so that a new message never sits under a stale one.
 */
export function dropFlashes() {
  for (const el of document.querySelectorAll('[data-flash]')) el.remove();
}

export function showSummary(formEl, { title, text, items = [], more }) {
  const id = `resume-erreurs-${++counter}`;
  const box = h('div', { class: 'error-summary', role: 'alert', 'aria-labelledby': id, tabindex: '-1' },
    h('h2', { id }, title),
    text ? h('p', null, text) : null,
    items.length ? h('ul', null, items.map(({ field: name, message, target }) => h('li', null,
      h('a', {
        href: `#${target || name}`,
        onclick: (event) => {
          event.preventDefault();
          const input = target ? formEl.querySelector(`#${CSS.escape(target)}`) : formEl.elements.namedItem(name);
          if (input instanceof HTMLElement) {
            input.focus();
            input.closest('.field')?.scrollIntoView({ block: 'center' });
          }
        },
      }, message)))) : null,
    more || null,
  );
  formEl.querySelector('.summary-slot').replaceChildren(box);
  dropFlashes();
  focus(box);
  return box;
}

/**
 * showProblem shows an API error on a form: each field's message next to the
 * field and in the summary; the problem's detail in the summary; a wait from
 * Retry-After on 429.
 * @param {HTMLFormElement} formEl
 * @param {import('./api.js').ApiError} err
 * @param {object} [o]
 * @param {string} [o.title] the summary's title, when the problem's is not the best
 * @param {Record<string,string>} [o.rename] messages to use instead of the API's, per field
 * @param {any} [o.more] more content for the summary
 */
export function showProblem(formEl, err, o = {}) {
  clearErrors(formEl);
  const items = [];
  // In the order of the form, not of the API's (alphabetical) map.
  const fields = err.fields || {};
  for (const root of formEl.querySelectorAll('[data-field]')) {
    const name = root.getAttribute('data-field');
    if (!(name in fields)) continue;
    const text = (o.rename && o.rename[name]) || fields[name];
    setFieldError(formEl, name, text);
    items.push({ field: name, message: text });
  }
  let title = o.title || err.title || 'Votre demande n\'a pas abouti';
  let text = err.detail;
  if (err.code === 'validation_failed') {
    title = items.length > 1 ? `${items.length} informations sont à corriger` : 'Une information est à corriger';
    text = items.length ? null : err.detail;
  }
  if (err.code === 'too_many_requests') {
    title = 'Trop de tentatives';
    text = waitMessage(err.retryAfter);
  }
  return showSummary(formEl, { title, text, items, more: o.more });
}

/** paragraphs turns each text (a string, a node or an array of them) into a paragraph. */
export function paragraphs(...texts) {
  return texts.map((t) => append(h('p'), [t]));
}
