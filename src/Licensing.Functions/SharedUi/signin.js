// The sign-in screen both pages open with: one secret in a masked field, checked by the page's own call.
import { h, field, message, clear } from './dom.js';

let pendingNote = null;

/** Keeps why the session ended (an error, or null for none) for the next sign-in screen, which shows it once. */
export function noteForSignIn(note) {
  pendingNote = note ?? null;
}

/**
 * The screen: label and hint name the secret, missing is said when the field is empty, the note kept by
 * noteForSignIn shows at once; signIn(secret) succeeds or throws, and refused(error) words the throw.
 */
export function signInPage({ label, hint, missing, intro, signIn, refused }) {
  const note = pendingNote;
  pendingNote = null;
  const input = h('input', {
    type: 'text', name: 'key', class: 'secret', autocomplete: 'off', spellcheck: 'false', required: true,
  });
  const status = h('div', { class: 'status-slot' }, note ? message('error', note) : null);
  const form = h('form', { class: 'card narrow', novalidate: true },
    field(label, input, hint),
    status,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    clear(status);
    if (!key) {
      status.append(message('error', missing));
      input.focus();
      return;
    }
    try {
      await signIn(key);
    } catch (error) {
      status.append(message('error', refused(error)));
      input.focus();
    }
  });
  const view = h('section', {}, h('h1', {}, 'Sign in'), intro ? h('p', {}, intro) : null, form);
  view.dataset.title = 'Sign in';
  return view;
}
