// The portal's API, called with the session the license key signed in for: kept in this tab's sessionStorage only
// (gone when the tab closes), sent as a bearer token. The server decides when it has expired: any 401 ends it here.
import { send, ApiError } from './http.js';

export { ApiError };

const KEY = 'licensing.portalSession';

export const session = {
  /** {sessionToken, expiresAt, licenseId} or null. */
  current: () => JSON.parse(sessionStorage.getItem(KEY) ?? 'null'),
  signOut: () => sessionStorage.removeItem(KEY),
};

let onExpired = () => {};

/** Called when the server stops taking the session (its hour is over): the page goes back to sign-in. */
export function whenExpired(handler) {
  onExpired = handler;
}

/** Swaps a license key for a session and keeps it; an ApiError (401 for a wrong key) keeps nothing. */
export async function signIn(userKey) {
  const answer = await send('POST', 'v1/portal/session', { userKey });
  sessionStorage.setItem(KEY, JSON.stringify(answer));
}

export async function call(method, path, body) {
  const token = session.current()?.sessionToken;
  try {
    return await send(method, path, body, { authorization: `Bearer ${token ?? ''}` });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && token === session.current()?.sessionToken) onExpired(error);
    throw error;
  }
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
