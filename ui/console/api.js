// The console's only way to the server: the merchandising config routes, with
// the admin key from this tab's session storage (never in a page or a URL).
const KEY = 'vitrine.adminKey';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.parameter = body?.error?.parameter ?? null;
  }
}

// Every call goes to /v1/config...; `version` becomes If-Match for writes.
export async function config(method, path, { body, version, key = session.key } = {}) {
  if (!path.startsWith('/v1/config')) throw new Error(`the console only calls /v1/config routes, not ${path}`);
  const headers = { 'X-API-Key': key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (version !== undefined && version !== null) headers['If-Match'] = `"${version}"`;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit', cache: 'no-store',
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}
