// Clean URLs (/creer-mon-compte, /activation...) handled in the page: the
// server answers every path without an extension with index.html.
//
// Pages that show personal data live under /mon-espace. The server sends
// them with Cache-Control: no-store, so the browser keeps no copy of them;
// the app therefore enters and leaves them with a full page load rather than
// in-page navigation, so personal data are only ever shown in such a page.

import { focus } from './dom.js';

const SITE = 'Extranet Locataire';

/** isPrivate reports whether a path is one of the pages with personal data. */
export function isPrivate(path) {
  return path === '/mon-espace' || path.startsWith('/mon-espace/');
}

/**
 * @typedef {object} View
 * @property {string} title the page title, before " – Extranet Locataire"
 * @property {(ctx: Context) => any} render returns the page's content (nodes)
 *
 * @typedef {object} Context
 * @property {URLSearchParams} params the query string
 * @property {any} flash data handed over by the previous page (navigate's flash), or null
 * @property {(path: string, o?: {replace?: boolean, flash?: any}) => void} navigate
 * @property {(title: string, o?: {error?: boolean}) => void} setTitle
 * @property {(url: string) => void} replaceURL changes the address shown (say, to drop a used token) without a new page
 * @property {() => boolean} active whether this page is still the one shown
 * @property {HTMLElement} main
 * @property {HTMLElement} headerActions a place in the header for page actions
 * @property {HTMLElement} headerMenu a place in the header for the space's menu (menu.js)
 */

export class Router {
  /**
   * @param {Record<string, View>} routes by path
   * @param {View} notFound
   * @param {{main: HTMLElement, headerActions: HTMLElement, headerMenu: HTMLElement}} slots
   * @param {Record<string, string>} [moved] old paths still in mails and bookmarks, by the path that replaced them
   */
  constructor(routes, notFound, slots, moved = {}) {
    this.routes = routes;
    this.moved = moved;
    this.notFound = notFound;
    this.slots = slots;
    this.generation = 0;
    this.flash = null;
    this.shown = '';
    // Whether this document was loaded as a private page (sent no-store).
    this.privateDocument = isPrivate(normalize(location.pathname));
  }

  start() {
    document.addEventListener('click', (event) => this.onClick(event));
    window.addEventListener('popstate', () => {
      // A change of #fragment only (a link within the page) is not a new page.
      if (location.pathname + location.search !== this.shown) this.render(false);
    });
    window.addEventListener('pageshow', (event) => {
      // Restored from the back-forward cache: check the page again (the
      // session may have ended meanwhile).
      if (event.persisted) this.render(false);
    });
    this.render(true);
  }

  /** navigate shows another page of the app. */
  navigate(path, { replace = false, flash = null } = {}) {
    const url = new URL(path, location.href);
    if (isPrivate(normalize(url.pathname)) !== this.privateDocument) {
      // Crossing between public and private pages: a real page load.
      if (replace) location.replace(url.href); else location.assign(url.href);
      return;
    }
    this.flash = flash;
    if (replace) history.replaceState(null, '', url.href);
    else history.pushState(null, '', url.href);
    this.render(false);
  }

  onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/_dev/') || /\.[a-z0-9]+$/i.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // within the page
    event.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  }

  render(initial) {
    let path = normalize(location.pathname);
    if (Object.hasOwn(this.moved, path)) {
      // A page that moved: its new address, with the same query and
      // fragment, in place of the old one in the history.
      path = this.moved[path];
      history.replaceState(null, '', path + location.search + location.hash);
    }
    const view = this.routes[path] || this.notFound;
    const generation = ++this.generation;
    const flash = this.flash;
    this.flash = null;
    this.shown = location.pathname + location.search;
    const { main, headerActions, headerMenu } = this.slots;
    const ctx = {
      params: new URLSearchParams(location.search),
      flash,
      main,
      headerActions,
      headerMenu,
      navigate: (p, o) => this.navigate(p, o),
      replaceURL: (u) => {
        if (generation !== this.generation) return;
        history.replaceState(null, '', u);
        this.shown = location.pathname + location.search;
      },
      active: () => generation === this.generation,
      setTitle: (title, o = {}) => {
        if (generation === this.generation) document.title = `${o.error ? 'Erreur : ' : ''}${title} – ${SITE}`;
      },
    };
    headerActions.replaceChildren();
    headerMenu.replaceChildren();
    ctx.setTitle(view.title);
    main.replaceChildren(...[view.render(ctx)].flat(Infinity).filter(Boolean));
    if (!initial) {
      window.scrollTo(0, 0);
      // The new page's heading takes the focus, so screen readers announce it
      // and the next Tab starts from the page's top.
      const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      focus(target || main.querySelector('h1') || main);
    } else if (location.hash) {
      document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
    }
  }
}

/** normalize drops trailing slashes: "/assistance/" is "/assistance". */
function normalize(path) {
  return path.replace(/\/+$/, '') || '/';
}
