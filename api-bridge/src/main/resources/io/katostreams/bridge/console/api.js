// The console's only way to the server: the public KATO REST API on the same origin.
// The API key the user enters is kept in sessionStorage (gone when the tab closes) and sent as the
// X-API-Key header on every request; it is never put in a URL.

const KEY = 'kato.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

/** An HTTP error of the API, with a message a person can act on. */
export class ApiError extends Error {
  constructor(status, body, path) {
    super(explain(status, body, path));
    this.status = status;
    this.body = body;
  }
}

function detailText(body) {
  if (!body) return '';
  if (typeof body === 'string') return body;
  if (typeof body.detail === 'string') return body.detail;
  if (Array.isArray(body.detail)) {
    return body.detail.map(d => `${(d.loc || []).join('.')}: ${d.msg}`).join('; ');
  }
  if (body.error && body.error.message) return body.error.message;
  return JSON.stringify(body);
}

function explain(status, body, path) {
  const d = detailText(body);
  switch (status) {
    case 401: return 'This server needs an API key (or the key is not valid): enter one in the API key field above.';
    case 403: return 'Your API key is not allowed to see this' + (d ? `: ${d}` : '.');
    case 404: return d && d !== 'Not Found' ? d : `Not found (${path}).`;
    case 422: return 'Refused: ' + d;
    case 503: return 'The service is not ready (Kafka or the topology is starting): try again in a moment.';
    default: return `HTTP ${status}` + (d ? `: ${d}` : '');
  }
}

/** Calls the API; resolves to the parsed JSON body, rejects with an ApiError. */
export async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  const key = apiKey();
  if (key) headers['X-API-Key'] = key;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'the server does not answer (' + e.message + ')', path);
  }
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch (_) { /* plain text */ }
  if (!res.ok) throw new ApiError(res.status, parsed, path);
  return parsed;
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body);

/** A query string from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}
