// The portal's shell: sign-in with the license key, the license's page once signed in, and back to sign-in (with the
// reason) when the session ends. One page, no routes.
import { session, signIn, whenExpired, ApiError } from './session.js';
import { h, field, message, clear } from './dom.js';
import { licensePage } from './license-page.js';

const main = document.getElementById('main');
const signOutButton = document.getElementById('sign-out');

let signInNote = null;
let rendering = 0;

async function render() {
  const ticket = ++rendering;
  const signedIn = Boolean(session.current());
  signOutButton.hidden = !signedIn;
  if (!signedIn) {
    show(signInPage());
    return;
  }
  try {
    const view = await licensePage();
    if (ticket === rendering) show(view);
  } catch (error) {
    if (ticket !== rendering || (error instanceof ApiError && error.status === 401)) return;
    show(h('section', {}, h('h1', {}, 'Something went wrong'), message('error', error.message)));
  }
}

/** Puts a page in place and moves focus to its heading, so keyboard and screen-reader users start there. */
function show(view) {
  clear(main).append(view);
  document.title = `${view.dataset.title} · License portal`;
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
    field('License key', input, 'The key you received with your license. You stay signed in for an hour, in this tab only.'),
    status,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    clear(status);
    if (!key) {
      status.append(message('error', 'Enter your license key.'));
      input.focus();
      return;
    }
    try {
      await signIn(key);
      render();
    } catch (error) {
      const text = error instanceof ApiError && error.status === 401
        ? 'That license key was not accepted. Check it and try again.'
        : error.message;
      status.append(message('error', text));
      input.focus();
    }
  });
  const view = h('section', {},
    h('h1', {}, 'Sign in'),
    h('p', {}, 'See the machines that use your license, free the seat of a machine you no longer use, and activate a machine that is offline.'),
    form);
  view.dataset.title = 'Sign in';
  return view;
}

function signOut(note) {
  session.signOut();
  signInNote = note ?? null;
  render();
}

whenExpired(() => signOut('Your session has expired. Sign in again with your license key.'));
signOutButton.addEventListener('click', () => signOut());
render();
