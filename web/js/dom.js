// Building the DOM without HTML strings: text always goes in as text, so data
// from the API can never become markup, and the page runs under Trusted Types.

/**
 * h creates an element. props: "class", "text", event handlers ("onclick"),
 * booleans (true sets an empty attribute, false/null/undefined sets nothing),
 * anything else as an attribute. Children: nodes, strings, arrays, or null.
 * @param {string} tag
 * @param {Record<string, any>|null} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = typo(String(value));
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** append adds children (nodes, strings, nested arrays; null skipped) to el. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(typo(String(child))));
  }
  return el;
}

/**
 * typo puts the non-breaking spaces of French typography, so that a « ? »
 * or a « : » never starts a line on a narrow screen, nor a unit leaves its
 * number.
 */
export function typo(text) {
  return text
    .replace(/ ([?!:;»%])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/(\d) (?=\p{L})/gu, '$1\u00a0'); // 10 minutes, 48 heures
}

/** replace empties el and puts the children in. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** link is an internal link; the router handles it without reloading the page. */
export function link(href, ...children) {
  return h('a', { href }, ...children);
}

/** focus moves the focus to el, making it focusable by script only if it is not already. */
export function focus(el) {
  if (!el) return;
  if (!el.matches('a[href], button, input, select, textarea, [tabindex]')) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus();
  // A focused heading at the bottom of a long page must also be seen.
  if (typeof el.scrollIntoView === 'function') el.scrollIntoView({ block: 'nearest' });
}
