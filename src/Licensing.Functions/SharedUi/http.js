// The API over fetch, for every page: JSON in and out, problem details (RFC 9457) as an ApiError.

// The app's root, whatever route prefix the host serves it under: this file is <root>/<page>/http.js.
const root = new URL('../', import.meta.url);

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

/**
 * Sends a call with the page's credential headers. Answers the body: parsed when it is JSON, the text otherwise (a
 * download), null when empty; anything but 2xx throws an ApiError.
 */
export async function send(method, path, body, headers = {}) {
  const all = { ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  const response = await fetch(new URL(path, root), {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  let json = null;
  if (text && isJson) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return text && !isJson ? text : json;
}

/** A path with its query: empty values left out. */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
