// The admin API, called with the key kept in this tab's sessionStorage (gone when the tab closes).

const KEY = 'licensing.adminKey';

// The app's root, whatever route prefix the host serves it under: this file is <root>/console/api.js.
const root = new URL('../', import.meta.url);

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** An answer other than 2xx: its status and problem details. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (!problem) return `The server answered ${status}.`;
  const parts = [problem.detail || problem.title || `The server answered ${status}.`];
  for (const [name, messages] of Object.entries(problem.errors || {})) {
    parts.push(`${name} ${[].concat(messages).join(' ')}`);
  }
  return parts.join(' ');
}

let onUnauthorized = () => {};

/** Called when a signed-in key stops working (deleted, expired): the app signs out. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function call(method, path, body, key = session.key()) {
  const headers = { 'x-api-key': key ?? '' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, root), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && key === session.key()) onUnauthorized(error);
    throw error;
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** A path with its query: empty values left out. */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
