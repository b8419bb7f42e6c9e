// The console's shell: sign-in, navigation and a hash router (#/licenses, #/licenses/{id}, ...), so the server
// serves one page and no route needs a server-side fallback.
import { session, whenUnauthorized, call, ApiError } from './api.js';
import { h, failedPage, showPage } from './dom.js';
import { signInPage, noteForSignIn } from './signin.js';
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

let rendering = 0;

async function render() {
  const ticket = ++rendering;
  const { section, id } = parseRoute();
  const signedIn = Boolean(session.key());
  nav.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
  if (!signedIn || section === 'sign-in') {
    show(signIn());
    return;
  }
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = pages[section];
  if (!page) {
    show(notFound());
    return;
  }
  try {
    const view = await page(id);
    if (ticket === rendering) show(view);
  } catch (error) {
    if (ticket !== rendering || (error instanceof ApiError && error.status === 401)) return;
    show(failedPage(error));
  }
}

const show = (view) => showPage(main, view, 'Licensing console');

function notFound() {
  const view = h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'There is no such page. ', h('a', { href: '#/licenses' }, 'Go to the licenses.')));
  view.dataset.title = 'Not found';
  return view;
}

function signIn() {
  return signInPage({
    label: 'Admin API key',
    hint: 'A key with the admin scope (Licensing:AdminApiKey or one created on the API keys page). It stays in this tab only.',
    missing: 'Enter an admin API key.',
    signIn: async (key) => {
      const me = await call('GET', 'v1/admin/whoami', undefined, key);
      if (me.scope !== 'admin') throw new Error('This key is not an admin key.');
      session.signIn(key);
      if (location.hash === '#/licenses') render();
      else location.hash = '#/licenses';
    },
    refused: (error) => (error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? 'That key was not accepted. Check it and try again.'
      : error.message),
  });
}

function signOut(note) {
  session.signOut();
  noteForSignIn(note);
  if (location.hash === '#/sign-in') render();
  else location.hash = '#/sign-in';
}

whenUnauthorized(() => signOut('Your key is no longer accepted. Sign in again.'));
signOutButton.addEventListener('click', () => signOut());
window.addEventListener('hashchange', render);
render();
