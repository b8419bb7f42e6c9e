// The portal's shell: sign-in with the license key, the license's page once signed in, and back to sign-in (with the
// reason) when the session ends. One page, no routes.
import { session, signIn, whenExpired, ApiError } from './session.js';
import { failedPage, showPage } from './dom.js';
import { signInPage, noteForSignIn } from './signin.js';
import { licensePage } from './license-page.js';

const main = document.getElementById('main');
const signOutButton = document.getElementById('sign-out');

let rendering = 0;

const show = (view) => showPage(main, view, 'License portal');

async function render() {
  const ticket = ++rendering;
  const signedIn = Boolean(session.current());
  signOutButton.hidden = !signedIn;
  if (!signedIn) {
    show(signInScreen());
    return;
  }
  try {
    const view = await licensePage();
    if (ticket === rendering) show(view);
  } catch (error) {
    if (ticket !== rendering || (error instanceof ApiError && error.status === 401)) return;
    show(failedPage(error));
  }
}

function signInScreen() {
  return signInPage({
    label: 'License key',
    hint: 'The key you received with your license. You stay signed in for an hour, in this tab only.',
    missing: 'Enter your license key.',
    intro: 'See the machines that use your license, free the seat of a machine you no longer use, and activate a machine that is offline.',
    signIn: async (key) => {
      await signIn(key);
      render();
    },
    refused: (error) => (error instanceof ApiError && error.status === 401
      ? 'That license key was not accepted. Check it and try again.'
      : error.message),
  });
}

function signOut(note) {
  session.signOut();
  noteForSignIn(note);
  render();
}

whenExpired(() => signOut('Your session has expired. Sign in again with your license key.'));
signOutButton.addEventListener('click', () => signOut());
render();
