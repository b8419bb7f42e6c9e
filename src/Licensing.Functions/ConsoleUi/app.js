// The console's shell: sign-in, navigation and a hash router (#/licenses, #/licenses/{id}, ...), so the server
// serves one page and no route needs a server-side fallback.
import { session, whenUnauthorized, call, ApiError } from './api.js';
import { h, field, message, clear } from './dom.js';
import { licensesPage } from './licenses.js';
import { licensePage } from './license.js';
import { apiKeysPage } from './apikeys.js';
import { policiesPage } from './policies.js';
import { webhooksPage } from './webhooks.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');

const pages = {
  licenses: (id) => (id ? licensePage(id) : licensesPage()),
  policies: () => policiesPage(),
  'api-keys': () => apiKeysPage(),
  webhooks: () => webhooksPage(),
};

function parseRoute() {
  const [section, id] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { section: section || 'licenses', id };
}

let signInNote = null;
let rendering = 0;

async function render() {
  const ticket = ++rendering;
  const { section, id } = parseRoute();
  const signedIn = Boolean(session.key());
  nav.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
  if (!signedIn || section === 'sign-in') {
    show(signInPage(), 'Sign in');
    return;
  }
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = pages[section];
  if (!page) {
    show(h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'There is no such page. ', h('a', { href: '#/licenses' }, 'Go to the licenses.'))), 'Not found');
    return;
  }
  try {
    const view = await page(id);
    if (ticket === rendering) show(view, view.dataset.title);
  } catch (error) {
    if (ticket !== rendering || (error instanceof ApiError && error.status === 401)) return;
    show(h('section', {}, h('h1', {}, 'Something went wrong'), message('error', error.message)), 'Error');
  }
}

/** Puts a page in place and moves focus to its heading, so keyboard and screen-reader users start there. */
function show(view, title) {
  clear(main).append(view);
  document.title = `${title} · Licensing console`;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function signInPage() {
  const input = h('input', {
    type: 'text', name: 'key', class: 'secret', autocomplete: 'off', spellcheck: 'false', required: true,
  });
  const status = h('div', { class: 'status-slot' }, signInNote ? message('error', signInNote) : null);
  signInNote = null;
  const form = h('form', { class: 'card narrow', novalidate: true },
    field('Admin API key', input, 'A key with the admin scope (Licensing:AdminApiKey or one created on the API keys page). It stays in this tab only.'),
    status,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    clear(status);
    if (!key) {
      status.append(message('error', 'Enter an admin API key.'));
      input.focus();
      return;
    }
    try {
      const me = await call('GET', 'v1/admin/whoami', undefined, key);
      if (me.scope !== 'admin') {
        status.append(message('error', 'This key is not an admin key.'));
        return;
      }
      session.signIn(key);
      if (location.hash === '#/licenses') render();
      else location.hash = '#/licenses';
    } catch (error) {
      const text = error instanceof ApiError && (error.status === 401 || error.status === 403)
        ? 'That key was not accepted. Check it and try again.'
        : error.message;
      status.append(message('error', text));
      input.focus();
    }
  });
  const view = h('section', {}, h('h1', {}, 'Sign in'), form);
  view.dataset.title = 'Sign in';
  return view;
}

function signOut(note) {
  session.signOut();
  signInNote = note ?? null;
  if (location.hash === '#/sign-in') render();
  else location.hash = '#/sign-in';
}

whenUnauthorized(() => signOut('Your key is no longer accepted. Sign in again.'));
signOutButton.addEventListener('click', () => signOut());
window.addEventListener('hashchange', render);
render();
