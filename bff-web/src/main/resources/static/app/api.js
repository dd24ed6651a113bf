// The only way the page talks to the server: same-origin requests to bff-web's own API.
// The browser sends the HttpOnly session cookie by itself; every request carries the
// anti-forgery header. The page never sees a token.

export const CSRF_HEADER = 'X-CSRF';

/** An answer other than 2xx: status and the problem+json detail when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `Request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { [CSRF_HEADER]: '1', Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'error',
  });
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

export const user = () => api('/bff/user');
export const orders = (state, page, size) =>
  api(`/api/web/orders?${new URLSearchParams({ ...(state ? { state } : {}), page, size })}`);
export const order = (id) => api(`/api/web/orders/${encodeURIComponent(id)}`);
export const cancelOrder = (id) => api(`/api/web/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });
export const restaurants = () => api('/api/web/restaurants');
export const restaurant = (id) => api(`/api/web/restaurants/${encodeURIComponent(id)}`);
export const logout = () => api('/bff/logout', { method: 'POST' });

/** Full-page navigation to the sign-in, coming back to where the user was. */
export function login() {
  const returnTo = '/' + (location.hash || '#/orders');
  location.assign('/bff/login?returnTo=' + encodeURIComponent(returnTo));
}
