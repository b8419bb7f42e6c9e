// The admin API, called with the key kept in this tab's sessionStorage (gone when the tab closes).
import { send, ApiError, withQuery } from './http.js';

export { ApiError, withQuery };

const KEY = 'licensing.adminKey';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

let onUnauthorized = () => {};

/** Called when a signed-in key stops working (deleted, expired): the app signs out. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function call(method, path, body, key = session.key()) {
  try {
    return await send(method, path, body, { 'x-api-key': key ?? '' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && key === session.key()) onUnauthorized(error);
    throw error;
  }
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);
